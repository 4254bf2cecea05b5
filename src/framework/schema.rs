//! Schemas, declared once per provider, resource and data source. A schema drives
//! GetProviderSchema, the type values are decoded with, default plan behaviour,
//! validation and the generated docs.

use std::sync::Arc;

use crate::proto::tfplugin6 as pb;
use crate::protocol::{AttributePath, Diagnostics, Type, Value};

use super::validators::Validator;

/// Whether the practitioner or the provider sets an attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Required,
    Optional,
    /// Set by the provider only.
    Computed,
    /// Set by the practitioner, or by the provider when left out.
    OptionalComputed,
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: &'static str,
    pub ty: Type,
    pub mode: Mode,
    pub description: String,
    pub sensitive: bool,
    /// Planned when the configuration leaves the attribute out (needs `OptionalComputed`).
    pub default: Option<Value>,
    /// A change to this attribute replaces the resource.
    pub requires_replace: bool,
    /// A computed value that stays as it is in state unless configured otherwise,
    /// rather than becoming "known after apply" whenever the resource changes.
    pub use_state_for_unknown: bool,
    pub validators: Vec<Arc<dyn Validator>>,
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
        }
    }

    pub fn string(name: &'static str) -> Self {
        Self::new(name, Type::String)
    }
    pub fn bool(name: &'static str) -> Self {
        Self::new(name, Type::Bool)
    }
    pub fn number(name: &'static str) -> Self {
        Self::new(name, Type::Number)
    }
    pub fn list_of(name: &'static str, element: Type) -> Self {
        Self::new(name, Type::list(element))
    }
    pub fn of_type(name: &'static str, ty: Type) -> Self {
        Self::new(name, ty)
    }

    pub fn required(mut self) -> Self {
        self.mode = Mode::Required;
        self
    }
    pub fn optional(mut self) -> Self {
        self.mode = Mode::Optional;
        self
    }
    pub fn computed(mut self) -> Self {
        self.mode = Mode::Computed;
        self
    }
    pub fn optional_computed(mut self) -> Self {
        self.mode = Mode::OptionalComputed;
        self
    }
    pub fn sensitive(mut self) -> Self {
        self.sensitive = true;
        self
    }
    pub fn describe(mut self, text: impl Into<String>) -> Self {
        self.description = text.into();
        self
    }
    pub fn default_value(mut self, v: impl Into<Value>) -> Self {
        self.mode = Mode::OptionalComputed;
        self.default = Some(v.into());
        self
    }
    pub fn requires_replace(mut self) -> Self {
        self.requires_replace = true;
        self
    }
    pub fn use_state_for_unknown(mut self) -> Self {
        self.use_state_for_unknown = true;
        self
    }
    pub fn validate(mut self, v: impl Validator + 'static) -> Self {
        self.validators.push(Arc::new(v));
        self
    }

    pub fn is_computed(&self) -> bool {
        matches!(self.mode, Mode::Computed | Mode::OptionalComputed)
    }

    fn to_proto(&self) -> pb::schema::Attribute {
        pb::schema::Attribute {
            name: self.name.to_string(),
            r#type: self.ty.to_json().to_string().into_bytes(),
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

#[derive(Clone, Debug)]
pub struct NestedBlock {
    pub name: &'static str,
    pub nesting: Nesting,
    pub min_items: u32,
    pub max_items: u32,
    pub block: Block,
}

impl NestedBlock {
    pub fn single(name: &'static str, block: Block) -> Self {
        NestedBlock { name, nesting: Nesting::Single, min_items: 0, max_items: 0, block }
    }

    pub fn list(name: &'static str, min_items: u32, max_items: u32, block: Block) -> Self {
        NestedBlock { name, nesting: Nesting::List, min_items, max_items, block }
    }

    pub fn ty(&self) -> Type {
        match self.nesting {
            Nesting::Single => self.block.ty(),
            Nesting::List => Type::list(self.block.ty()),
        }
    }
}

#[derive(Clone, Default, Debug)]
pub struct Block {
    pub description: String,
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
}

impl Block {
    pub fn new(description: impl Into<String>) -> Self {
        Block { description: description.into(), ..Default::default() }
    }

    pub fn attr(mut self, a: Attribute) -> Self {
        self.attributes.push(a);
        self
    }

    pub fn block(mut self, b: NestedBlock) -> Self {
        self.blocks.push(b);
        self
    }

    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

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
        for a in &self.attributes {
            let v = config.attr(a.name);
            if v.is_null() || !v.is_wholly_known() {
                continue;
            }
            let p = path.then_attr(a.name);
            for validator in &a.validators {
                validator.validate(v, &p, diags);
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
    pub version: i64,
    pub block: Block,
}

impl Schema {
    pub fn new(version: i64, block: Block) -> Self {
        Schema { version, block }
    }

    pub fn ty(&self) -> Type {
        self.block.ty()
    }

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
}
