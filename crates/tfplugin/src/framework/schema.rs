//! Schemas, declared once per provider, resource and data source. A schema drives
//! GetProviderSchema, the type values are decoded with, default plan behaviour,
//! validation and the generated docs.

use std::sync::Arc;

use crate::proto::tfplugin6 as pb;
use crate::protocol::{AttributePath, Diagnostics, Type, Value};

use super::plan_modifier::PlanModifier;
use super::validators::Validator;

/// Whether the practitioner or the provider sets an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Set by the practitioner, always.
    Required,
    /// Set by the practitioner, or left out (null).
    Optional,
    /// Set by the provider only.
    Computed,
    /// Set by the practitioner, or by the provider when left out.
    OptionalComputed,
}

/// One attribute of a block: its name, type, who sets it, how it is planned and checked.
#[derive(Clone, Debug)]
pub struct Attribute {
    /// The attribute's name.
    pub name: &'static str,
    /// The attribute's type.
    pub ty: Type,
    /// Who sets it.
    pub mode: Mode,
    /// Markdown for the docs and `terraform providers schema`.
    pub description: String,
    /// Terraform hides the value in its output.
    pub sensitive: bool,
    /// Planned when the configuration leaves the attribute out (needs `OptionalComputed`).
    pub default: Option<Value>,
    /// A change to this attribute replaces the resource.
    pub requires_replace: bool,
    /// A computed value that stays as it is in state unless configured otherwise,
    /// rather than becoming "known after apply" whenever the resource changes.
    pub use_state_for_unknown: bool,
    /// Checks of configured values, run at validation.
    pub validators: Vec<Arc<dyn Validator>>,
    /// How its value is planned on an update beyond the defaults, in order.
    pub plan_modifiers: Vec<Arc<dyn PlanModifier>>,
    /// The attributes of a nested attribute (protocol 6's `nested_type`), each with
    /// its own description, mode and validators; `ty` is then their object type,
    /// nested as this says.
    pub nested: Option<NestedAttributes>,
}

/// How a nested attribute's objects repeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NestedNesting {
    /// One object (or null).
    Single,
    /// A list of objects.
    List,
    /// A set of objects.
    Set,
    /// A map of objects, by string key.
    Map,
}

/// The attributes of a nested attribute, and how its objects repeat.
#[derive(Clone, Debug)]
pub struct NestedAttributes {
    /// How the objects repeat.
    pub nesting: NestedNesting,
    /// Each object's attributes.
    pub attributes: Vec<Attribute>,
}

impl NestedAttributes {
    /// Runs the nested attributes' validators on each object of `v`, at `path`.
    fn validate(&self, v: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        let objects: Vec<(AttributePath, &Value)> = match (self.nesting, v) {
            (NestedNesting::Single, object) => vec![(path.clone(), object)],
            (NestedNesting::Map, Value::Map(m)) => m.iter().map(|(k, o)| (path.then_key(k), o)).collect(),
            (_, other) => other.elements().iter().enumerate().map(|(i, o)| (path.then_index(i), o)).collect(),
        };
        for (p, object) in objects {
            let as_block =
                Block { description: String::new(), attributes: self.attributes.clone(), blocks: Vec::new() };
            as_block.validate(object, &p, diags);
        }
    }

    /// The type of the attribute's value.
    pub fn ty(&self) -> Type {
        let object = Type::object(self.attributes.iter().map(|a| (a.name, a.ty.clone())));
        match self.nesting {
            NestedNesting::Single => object,
            NestedNesting::List => Type::List(Box::new(object)),
            NestedNesting::Set => Type::Set(Box::new(object)),
            NestedNesting::Map => Type::Map(Box::new(object)),
        }
    }
}

impl Attribute {
    fn new(name: &'static str, ty: Type) -> Self {
        Attribute {
            name,
            ty,
            mode: Mode::Optional,
            description: String::new(),
            sensitive: false,
            default: None,
            requires_replace: false,
            use_state_for_unknown: false,
            validators: Vec::new(),
            plan_modifiers: Vec::new(),
            nested: None,
        }
    }

    /// A nested attribute (`volume = { size = 10 }`, or a list, set or map of such
    /// objects): its objects have `attributes`, each with its own description.
    pub fn nested(name: &'static str, nesting: NestedNesting, attributes: Vec<Attribute>) -> Self {
        let nested = NestedAttributes { nesting, attributes };
        Attribute { nested: Some(nested.clone()), ..Attribute::new(name, nested.ty()) }
    }

    /// A string attribute, optional until told otherwise.
    pub fn string(name: &'static str) -> Self {
        Self::new(name, Type::String)
    }
    /// A bool attribute, optional until told otherwise.
    pub fn bool(name: &'static str) -> Self {
        Self::new(name, Type::Bool)
    }
    /// A number attribute, optional until told otherwise.
    pub fn number(name: &'static str) -> Self {
        Self::new(name, Type::Number)
    }
    /// A list attribute of `element`s, optional until told otherwise.
    pub fn list_of(name: &'static str, element: Type) -> Self {
        Self::new(name, Type::list(element))
    }
    /// An attribute of any type, optional until told otherwise.
    pub fn of_type(name: &'static str, ty: Type) -> Self {
        Self::new(name, ty)
    }

    /// The practitioner must set it.
    pub fn required(mut self) -> Self {
        self.mode = Mode::Required;
        self
    }
    /// The practitioner may set it.
    pub fn optional(mut self) -> Self {
        self.mode = Mode::Optional;
        self
    }
    /// Only the provider sets it.
    pub fn computed(mut self) -> Self {
        self.mode = Mode::Computed;
        self
    }
    /// The practitioner may set it; the provider does when it is left out.
    pub fn optional_computed(mut self) -> Self {
        self.mode = Mode::OptionalComputed;
        self
    }
    /// Hidden in Terraform's output.
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    /// Sets the description (Markdown).
    pub fn describe(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }
    /// Planned when left out of the configuration (makes the attribute optional and computed).
    pub fn default_value(mut self, v: impl Into<Value>) -> Self {
        self.mode = Mode::OptionalComputed;
        self.default = Some(v.into());
        self
    }
    /// A change replaces the object.
    pub fn requires_replace(mut self) -> Self {
        self.requires_replace = true;
        self
    }
    /// Keeps the state's value in plans instead of "known after apply".
    pub fn use_state_for_unknown(mut self) -> Self {
        self.use_state_for_unknown = true;
        self
    }
    /// Adds a step to how its value is planned on an update (after the defaults, in
    /// the order added).
    pub fn plan_modifier(mut self, m: impl PlanModifier + 'static) -> Self {
        self.plan_modifiers.push(Arc::new(m));
        self
    }
    /// Adds a check of configured values.
    pub fn validate(mut self, v: impl Validator + 'static) -> Self {
        self.validators.push(Arc::new(v));
        self
    }

    /// Whether the provider may set it (computed, or optional and computed).
    pub fn is_computed(&self) -> bool {
        matches!(self.mode, Mode::Computed | Mode::OptionalComputed)
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        use pb::schema::object::NestingMode;
        // A nested attribute is described by its nested type alone, not a type.
        let nested_type = self.nested.as_ref().map(|n| pb::schema::Object {
            attributes: n.attributes.iter().map(Attribute::to_proto).collect(),
            nesting: match n.nesting {
                NestedNesting::Single => NestingMode::Single,
                NestedNesting::List => NestingMode::List,
                NestedNesting::Set => NestingMode::Set,
                NestedNesting::Map => NestingMode::Map,
            } as i32,
            min_items: 0,
            max_items: 0,
        });
        pb::schema::Attribute {
            name: self.name.to_string(),
            r#type: if nested_type.is_some() { Vec::new() } else { self.ty.to_json().to_string().into_bytes() },
            nested_type,
            description: self.description.clone(),
            required: self.mode == Mode::Required,
            optional: matches!(self.mode, Mode::Optional | Mode::OptionalComputed),
            computed: self.is_computed(),
            sensitive: self.sensitive,
            description_kind: pb::StringKind::Markdown as i32,
            ..Default::default()
        }
    }
}

/// How a nested block repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// At most one, as an object (null when absent).
    Single,
    /// A list of objects, `min..=max` long.
    List,
}

/// A nested block (`volume { ... }`) of a block.
#[derive(Clone, Debug)]
pub struct NestedBlock {
    /// The block's name.
    pub name: &'static str,
    /// How many may appear, and how they are held.
    pub nesting: Nesting,
    /// At least this many (0: none required).
    pub min_items: u32,
    /// At most this many (0: no limit).
    pub max_items: u32,
    /// The nested block's own attributes and blocks.
    pub block: Block,
}

impl NestedBlock {
    /// A block that appears at most once.
    pub fn single(name: &'static str, block: Block) -> Self {
        NestedBlock { name, nesting: Nesting::Single, min_items: 0, max_items: 0, block }
    }

    /// A block that may repeat, between `min_items` and `max_items` times.
    pub fn list(name: &'static str, min_items: u32, max_items: u32, block: Block) -> Self {
        NestedBlock { name, nesting: Nesting::List, min_items, max_items, block }
    }

    /// The Terraform type of the block's value.
    pub fn ty(&self) -> Type {
        match self.nesting {
            Nesting::Single => self.block.ty(),
            Nesting::List => Type::list(self.block.ty()),
        }
    }
}

/// A block: attributes and nested blocks, with a description.
#[derive(Clone, Default, Debug)]
pub struct Block {
    /// Markdown for the docs and `terraform providers schema`.
    pub description: String,
    /// The block's attributes, in the order the docs list them.
    pub attributes: Vec<Attribute>,
    /// The nested blocks.
    pub blocks: Vec<NestedBlock>,
}

impl Block {
    /// An empty block with this description.
    pub fn new(description: impl Into<String>) -> Self {
        Block { description: description.into(), ..Default::default() }
    }

    /// Adds an attribute.
    pub fn attr(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }

    /// Adds a nested block.
    pub fn block(mut self, b: NestedBlock) -> Self {
        self.blocks.push(b);
        self
    }

    /// The attribute called `name`.
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The nested block called `name`.
    pub fn nested(&self, name: &str) -> Option<&NestedBlock> {
        self.blocks.iter().find(|b| b.name == name)
    }

    /// The object type of this block's values.
    pub fn ty(&self) -> Type {
        Type::object(
            self.attributes.iter().map(|a| (a.name, a.ty.clone())).chain(self.blocks.iter().map(|b| (b.name, b.ty()))),
        )
    }

    fn to_proto(&self, version: i64) -> pb::schema::Block {
        use pb::schema::nested_block::NestingMode;
        pb::schema::Block {
            version,
            attributes: self.attributes.iter().map(Attribute::to_proto).collect(),
            block_types: self
                .blocks
                .iter()
                .map(|b| pb::schema::NestedBlock {
                    type_name: b.name.to_string(),
                    block: Some(b.block.to_proto(0)),
                    nesting: match b.nesting {
                        Nesting::Single => NestingMode::Single,
                        Nesting::List => NestingMode::List,
                    } as i32,
                    min_items: i64::from(b.min_items),
                    max_items: i64::from(b.max_items),
                })
                .collect(),
            description: self.description.clone(),
            description_kind: pb::StringKind::Markdown as i32,
            deprecated: false,
        }
    }

    /// Runs every attribute's validators on the known values of `config`.
    pub fn validate(&self, config: &Value, path: &AttributePath, diags: &mut Diagnostics) {
        // Only the attributes that have something to check are looked up.
        for a in self.attributes.iter().filter(|a| !a.validators.is_empty() || a.nested.is_some()) {
            let v = config.attr(a.name);
            if v.is_null() || !v.is_wholly_known() {
                continue;
            }
            let p = path.then_attr(a.name);
            for validator in &a.validators {
                validator.validate(v, &p, diags);
            }
            if let Some(n) = &a.nested {
                n.validate(v, &p, diags);
            }
        }
        for b in &self.blocks {
            let v = config.attr(b.name);
            match b.nesting {
                Nesting::Single if !v.is_null() && !v.is_unknown() => {
                    b.block.validate(v, &path.then_attr(b.name), diags)
                }
                Nesting::Single => {}
                Nesting::List => {
                    for (i, item) in v.elements().iter().enumerate() {
                        b.block.validate(item, &path.then_attr(b.name).then_index(i), diags);
                    }
                }
            }
        }
    }
}

/// A versioned schema: the root block of a provider, resource or data source.
#[derive(Clone, Debug)]
pub struct Schema {
    /// Raised when the state's shape changes; older states are upgraded.
    pub version: i64,
    /// The top-level block.
    pub block: Block,
}

impl Schema {
    /// A schema of this version and block.
    pub fn new(version: i64, block: Block) -> Self {
        Schema { version, block }
    }

    /// The Terraform type of values of this schema.
    pub fn ty(&self) -> Type {
        self.block.ty()
    }

    /// The schema as GetProviderSchema sends it.
    pub fn to_proto(&self) -> pb::Schema {
        pb::Schema { version: self.version, block: Some(self.block.to_proto(self.version)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_type_includes_blocks() {
        let s = Schema::new(
            0,
            Block::new("r")
                .attr(Attribute::string("name").required())
                .block(NestedBlock::list(
                    "volume",
                    1,
                    1,
                    Block::new("v").attr(Attribute::number("size").optional_computed()),
                ))
                .block(NestedBlock::single("timeouts", Block::new("t").attr(Attribute::string("create")))),
        );
        let t = s.ty();
        assert_eq!(
            t.to_json().to_string(),
            r#"["object",{"name":"string","timeouts":["object",{"create":"string"}],"volume":["list",["object",{"size":"number"}]]}]"#
        );
        let pb = s.to_proto();
        let blk = pb.block.unwrap();
        assert_eq!(blk.attributes[0].name, "name");
        assert!(blk.attributes[0].required);
        assert_eq!(blk.block_types.len(), 2);
        assert_eq!(blk.block_types[0].min_items, 1);
    }

    #[test]
    fn nested_attributes_have_their_own_descriptions_and_a_nested_type() {
        let a = Attribute::nested(
            "volumes",
            NestedNesting::List,
            vec![Attribute::number("size").computed().describe("GB.")],
        )
        .computed()
        .describe("The volumes.");
        assert_eq!(a.ty, Type::list(Type::object([("size", Type::Number)])));
        let pb = a.to_proto();
        assert!(pb.r#type.is_empty(), "a nested attribute has no type of its own");
        let nested = pb.nested_type.unwrap();
        assert_eq!(nested.nesting, pb::schema::object::NestingMode::List as i32);
        assert_eq!((nested.attributes[0].name.as_str(), nested.attributes[0].description.as_str()), ("size", "GB."));
    }
}
