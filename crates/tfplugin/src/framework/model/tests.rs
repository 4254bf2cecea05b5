use super::*;

struct Sample {
    name: String,
    size: Option<i64>,
    tags: Vec<String>,
    inner: Option<Inner>,
}

struct Inner {
    on: bool,
}

impl FromValue for Inner {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        Ok(Inner { on: Fields::of(v, path)?.get("on")? })
    }
}

impl FromValue for Sample {
    fn from_value(v: &Value, path: &AttributePath) -> Result<Self, ModelError> {
        let f = Fields::of(v, path)?;
        Ok(Sample { name: f.get("name")?, size: f.get("size")?, tags: f.get("tags")?, inner: f.block("inner")? })
    }
}

#[test]
fn a_number_that_need_not_be_whole_decodes_as_f64() {
    let at = AttributePath::attr("rate");
    assert_eq!(f64::from_value(&Value::int(3), &at), Ok(3.0));
    assert_eq!(f64::from_value(&2.5.into_value(), &at), Ok(2.5));
    let e = f64::from_value(&Value::from("fast"), &at).unwrap_err();
    assert_eq!(e.to_string(), "rate: expected a number, found a string");
    assert_eq!(f64::tf_type(), Type::Number);
}

#[test]
fn decodes_with_paths_in_errors() {
    let v = Value::object([
        ("name", "a".into()),
        ("size", Value::Unknown),
        ("tags", Value::List(vec!["x".into()])),
        ("inner", Value::List(vec![Value::object([("on", Value::Bool(true))])])),
    ]);
    let s: Sample = decode(&v).unwrap();
    assert_eq!((s.name.as_str(), s.size, s.tags.len()), ("a", None, 1));
    assert!(s.inner.unwrap().on);

    let bad = Value::object([
        ("name", "a".into()),
        ("tags", Value::List(vec![])),
        ("inner", Value::List(vec![Value::object([("on", "yes".into())])])),
    ]);
    let e = decode::<Sample>(&bad).err().unwrap();
    assert_eq!(e.to_string(), "inner[0].on: expected a bool, found a string");
    // A list's elements share one path, its index moved along: the error names the right one.
    let third =
        Value::object([("name", "a".into()), ("tags", Value::List(vec!["x".into(), "y".into(), Value::int(3)]))]);
    assert_eq!(decode::<Sample>(&third).err().unwrap().to_string(), "tags[2]: expected a string, found a number");
    let missing = decode::<Sample>(&Value::object([("tags", Value::List(vec![]))])).err().unwrap();
    assert_eq!(missing.path, AttributePath::attr("name"));
    assert_eq!(missing.to_diagnostics("Bad").0[0].path, Some(AttributePath::attr("name")));
}

#[test]
fn encodes_options_and_blocks() {
    assert_eq!(None::<String>.into_value(), Value::Null);
    assert_eq!(block_list(Some("x")), Value::List(vec!["x".into()]));
    assert_eq!(block_list(None::<String>), Value::List(vec![]));
    assert_eq!(vec![1i64, 2].into_value(), Value::List(vec![Value::int(1), Value::int(2)]));
}

#[derive(crate::Model, Debug, PartialEq)]
struct Derived {
    name: String,
    size: Tf<i64>,
    #[tf(name = "type")]
    kind: Option<String>,
    #[tf(block)]
    inner: Option<DerivedInner>,
}

#[derive(crate::Model, Debug, PartialEq)]
struct DerivedInner {
    on: bool,
}

#[test]
fn a_derived_model_names_its_attributes_once_and_keeps_unknown_apart() {
    assert_eq!(Derived::ATTRIBUTES, &["name", "size", "type", "inner"]);
    assert_eq!((Derived::NAME, Derived::TYPE, DerivedInner::ON), ("name", "type", "on"));
    let v = Value::object([
        ("name", "a".into()),
        ("size", Value::Unknown),
        ("type", Value::Null),
        ("inner", Value::List(vec![Value::object([("on", Value::Bool(true))])])),
    ]);
    let d: Derived = decode(&v).unwrap();
    assert_eq!(d, Derived { name: "a".into(), size: Tf::Unknown, kind: None, inner: Some(DerivedInner { on: true }) });
    assert_eq!(d.into_value(), v);
    assert_eq!(
        Derived::tf_type(),
        Type::object([
            ("name", Type::String),
            ("size", Type::Number),
            ("type", Type::String),
            ("inner", Type::list(Type::object([("on", Type::Bool)]))),
        ])
    );
    let schema = Type::object([("name", Type::String), ("size", Type::Number), ("type", Type::String)]);
    assert_eq!(agree(&schema, &Derived::tf_type()), Err("inner: in the model, not in the schema".to_string()));
    let bad = Value::object([("name", Value::Bool(true))]);
    assert_eq!(decode::<Derived>(&bad).err().unwrap().to_string(), "name: expected a string, found a bool");
}
