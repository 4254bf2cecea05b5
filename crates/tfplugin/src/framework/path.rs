//! Typed attribute paths. `#[derive(Model)]` gives every model a path type with
//! one method per attribute, so `NotebookModel::path().volume().size()` is the
//! path `volume[0].size`: a diagnostic, a plan rule or a lookup names an attribute
//! through the model, and a mistyped or removed attribute does not compile.

use std::collections::BTreeMap;
use std::marker::PhantomData;

use crate::protocol::{AttributePath, Value};

use super::model::Tf;

/// A type whose attributes can be named by a typed path ([`HasPath::Path`]).
/// Scalars and raw values end a path: theirs is the [`AttributePath`] itself.
pub trait HasPath {
    /// The path to a value of this type, with methods for what lies inside it.
    type Path: From<AttributePath>;
}

/// A model's path type (made by `#[derive(Model)]`), which a block can hold.
pub trait ModelPath: From<AttributePath> {
    /// The path of a block of one such model at `path`: the block is `path`, the
    /// model's attributes are under its element 0.
    fn of_block(path: AttributePath) -> Self;
}

macro_rules! leaf {
    ($($t:ty),*) => { $(impl HasPath for $t { type Path = AttributePath; })* };
}
leaf!(String, bool, i64, f64, Value);

impl<T: HasPath> HasPath for Option<T> {
    type Path = T::Path;
}

impl<T: HasPath> HasPath for Tf<T> {
    type Path = T::Path;
}

impl<T: HasPath> HasPath for Vec<T> {
    type Path = ElementsPath<T>;
}

impl<T: HasPath> HasPath for BTreeMap<String, T> {
    type Path = EntriesPath<T>;
}

/// The path to a list (or set) attribute; [`ElementsPath::at`] goes to an element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ElementsPath<T> {
    path: AttributePath,
    of: PhantomData<fn() -> T>,
}

impl<T: HasPath> ElementsPath<T> {
    /// The path of element `i`.
    pub fn at(&self, i: usize) -> T::Path {
        self.path.then_index(i).into()
    }
}

impl<T> From<AttributePath> for ElementsPath<T> {
    fn from(path: AttributePath) -> Self {
        ElementsPath { path, of: PhantomData }
    }
}

impl<T> From<ElementsPath<T>> for AttributePath {
    fn from(p: ElementsPath<T>) -> Self {
        p.path
    }
}

/// The path to a map attribute; [`EntriesPath::key`] goes to an entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntriesPath<T> {
    path: AttributePath,
    of: PhantomData<fn() -> T>,
}

impl<T: HasPath> EntriesPath<T> {
    /// The path of the entry at `key`.
    pub fn key(&self, key: &str) -> T::Path {
        self.path.then_key(key).into()
    }
}

impl<T> From<AttributePath> for EntriesPath<T> {
    fn from(path: AttributePath) -> Self {
        EntriesPath { path, of: PhantomData }
    }
}

impl<T> From<EntriesPath<T>> for AttributePath {
    fn from(p: EntriesPath<T>) -> Self {
        p.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Value {
        Value::object([
            ("volume", Value::List(vec![Value::object([("size", Value::int(10))])])),
            ("tags", Value::Map([("team".to_string(), Value::from("ml"))].into())),
        ])
    }

    #[test]
    fn values_are_found_and_set_by_path() {
        let mut v = sample();
        let size = AttributePath::attr("volume").then_index(0).then_attr("size");
        assert_eq!(v.at(&size).as_i64(), Some(10));
        assert_eq!(v.at(&AttributePath::attr("tags").then_key("team")).as_str(), Some("ml"));
        assert!(v.at(&AttributePath::attr("volume").then_index(3).then_attr("size")).is_null());
        assert!(v.at(&AttributePath::attr("nothing").then_attr("deeper")).is_null());
        assert!(v.set_at(&size, Value::int(40)));
        assert_eq!(v.at(&size).as_i64(), Some(40));
        assert!(v.set_at(&AttributePath::attr("volume").then_index(0).then_attr("type"), "EVS".into()));
        assert!(!v.set_at(&AttributePath::attr("auto_stop").then_index(0).then_attr("type"), "X".into()));
        assert!(v.at(&AttributePath::attr("auto_stop")).is_null(), "nothing is made up on the way");
    }

    #[test]
    fn element_and_entry_paths() {
        let list: ElementsPath<String> = AttributePath::attr("ips").into();
        assert_eq!(list.at(2).to_string(), "ips[2]");
        let map: EntriesPath<String> = AttributePath::attr("tags").into();
        assert_eq!(map.key("team").to_string(), "tags[\"team\"]");
    }
}
