//! Markdown reference sections generated from schemas, so the registry docs say
//! exactly what the schema does.

use super::schema::{Attribute, Block, Mode, NestedBlock, Nesting, Schema};
use crate::protocol::Type;

fn type_name(t: &Type) -> String {
    match t {
        Type::String => "String".into(),
        Type::Number => "Number".into(),
        Type::Bool => "Boolean".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_name(e)),
        Type::Set(e) => format!("Set of {}", type_name(e)),
        Type::Map(e) => format!("Map of {}", type_name(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

/// A line for attribute `a`; a nested attribute's own attributes follow, indented.
fn bullet(a: &Attribute, label: &str) -> String {
    let sensitive = if a.sensitive { ", Sensitive" } else { "" };
    let modifiers: String = a.plan_modifiers.iter().map(|m| format!(" {}", m.description())).collect();
    let mut out = format!("* `{}` - ({label}, {}{sensitive}) {}{modifiers}\n", a.name, type_name(&a.ty), a.description);
    for inner in a.nested.iter().flat_map(|n| &n.attributes) {
        let label = match inner.mode {
            Mode::Required => "Required",
            Mode::Optional | Mode::OptionalComputed => "Optional",
            Mode::Computed => "Computed",
        };
        out.extend(bullet(inner, label).lines().map(|line| format!("  {line}\n")));
    }
    out
}

fn block_label(b: &NestedBlock) -> &'static str {
    match (b.nesting, b.min_items) {
        (Nesting::List, n) if n > 0 => "Required",
        _ => "Optional",
    }
}

fn block_bullet(b: &NestedBlock) -> String {
    let count = match (b.nesting, b.min_items, b.max_items) {
        (Nesting::Single, _, _) => "at most one".to_string(),
        (Nesting::List, 1, 1) => "exactly one".to_string(),
        (Nesting::List, 0, 1) => "at most one".to_string(),
        (Nesting::List, min, 0) => format!("at least {min}"),
        (Nesting::List, min, max) => format!("{min} to {max}"),
    };
    format!(
        "* `{}` - ({}, block, {count}) {} See [{}](#{}) below.\n",
        b.name,
        block_label(b),
        b.block.description,
        b.name,
        b.name
    )
}

fn arguments_of(block: &Block) -> String {
    let mut out = String::new();
    for (mode, label) in
        [(Mode::Required, "Required"), (Mode::Optional, "Optional"), (Mode::OptionalComputed, "Optional")]
    {
        for a in block.attributes.iter().filter(|a| a.mode == mode) {
            out.push_str(&bullet(a, label));
        }
    }
    for b in &block.blocks {
        out.push_str(&block_bullet(b));
    }
    out
}

fn computed_of(block: &Block) -> String {
    block.attributes.iter().filter(|a| a.mode == Mode::Computed).map(|a| bullet(a, "Computed")).collect()
}

/// A `### name` section for each nested block of `block`, and of theirs in turn.
fn block_sections(block: &Block, out: &mut String) {
    for b in &block.blocks {
        out.push_str(&format!("\n### {}\n\n", b.name));
        out.push_str(&arguments_of(&b.block));
        let computed = computed_of(&b.block);
        if !computed.is_empty() {
            out.push_str(&format!("\nIn a `{}` block, these are set by the provider:\n\n{computed}", b.name));
        }
    }
    for b in &block.blocks {
        block_sections(&b.block, out);
    }
}

/// `## Argument Reference` and `## Attribute Reference`, with a section per nested block.
pub fn reference(schema: &Schema) -> String {
    let mut out = String::from("## Argument Reference\n\n");
    let args = arguments_of(&schema.block);
    if args.is_empty() {
        out.push_str("This has no arguments.\n");
    } else {
        out.push_str(&args);
    }
    block_sections(&schema.block, &mut out);
    out.push_str("\n## Attribute Reference\n\n");
    let computed = computed_of(&schema.block);
    if computed.is_empty() {
        out.push_str("There are no attributes beyond the arguments above.\n");
    } else {
        out.push_str("In addition to the arguments above, these attributes are exported:\n\n");
        out.push_str(&computed);
    }
    out
}

/// Replaces the text between `<!-- BEGIN GENERATED: name -->` and
/// `<!-- END GENERATED: name -->` in `doc`; `None` when the markers are missing.
pub fn replace_section(doc: &str, name: &str, content: &str) -> Option<String> {
    let begin = format!("<!-- BEGIN GENERATED: {name} -->");
    let end = format!("<!-- END GENERATED: {name} -->");
    let start = doc.find(&begin)? + begin.len();
    let stop = doc[start..].find(&end)? + start;
    Some(format!("{}\n{}\n{}", &doc[..start], content.trim_end(), &doc[stop..]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framework::schema::NestedBlock;

    #[test]
    fn renders_arguments_blocks_and_attributes() {
        let s = Schema::new(
            0,
            Block::new("r")
                .attr(Attribute::string("name").required().describe("The name."))
                .attr(Attribute::string("token").optional().sensitive().describe("A secret."))
                .attr(Attribute::string("id").computed().describe("The ID."))
                .block(NestedBlock::list(
                    "volume",
                    1,
                    1,
                    Block::new("Storage.").attr(Attribute::number("size").optional().describe("GB.")),
                )),
        );
        let md = reference(&s);
        assert!(md.contains("* `name` - (Required, String) The name."));
        assert!(md.contains("* `token` - (Optional, String, Sensitive) A secret."));
        assert!(md.contains("* `volume` - (Required, block, exactly one) Storage. See [volume](#volume) below."));
        assert!(md.contains("### volume\n\n* `size` - (Optional, Number) GB."));
        assert!(md.contains("* `id` - (Computed, String) The ID."));
    }

    #[test]
    fn nested_attributes_list_their_own_attributes() {
        use crate::framework::schema::NestedNesting;
        let s = Schema::new(
            0,
            Block::new("d").attr(
                Attribute::nested(
                    "volume",
                    NestedNesting::List,
                    vec![Attribute::number("size").computed().describe("GB.")],
                )
                .computed()
                .describe("Storage."),
            ),
        );
        let md = reference(&s);
        assert!(
            md.contains("* `volume` - (Computed, List of Object) Storage.\n  * `size` - (Computed, Number) GB.\n"),
            "{md}"
        );
    }

    #[test]
    fn replaces_marked_sections() {
        let doc = "intro\n<!-- BEGIN GENERATED: x -->\nold\n<!-- END GENERATED: x -->\nend";
        assert_eq!(
            replace_section(doc, "x", "new\n").unwrap(),
            "intro\n<!-- BEGIN GENERATED: x -->\nnew\n<!-- END GENERATED: x -->\nend"
        );
        assert!(replace_section(doc, "y", "z").is_none());
    }
}
