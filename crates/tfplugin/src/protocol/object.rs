//! [`Attrs`]: an object's attributes (of a value, or of a type), kept in one vector
//! sorted by name.
//!
//! Objects are read whole from the wire, in name order (cty's msgpack and JSON
//! encodings write attributes sorted), and rarely change shape afterwards. A sorted
//! vector is built from that order without comparisons beyond one pass, looked up
//! by binary search, cloned and dropped without a tree's nodes; it costs a shift
//! only for an attribute added out of order, which providers seldom do.

use std::fmt;

use super::name::{compare, Name};

/// An object's attributes by name, sorted, each name once. Its methods are those of
/// a `BTreeMap<Name, V>` that objects use.
#[derive(Clone, PartialEq)]
pub struct Attrs<V> {
    entries: Vec<(Name, V)>,
}

impl<V> Default for Attrs<V> {
    fn default() -> Self {
        Attrs { entries: Vec::new() }
    }
}

impl<V> Attrs<V> {
    /// No attributes.
    pub fn new() -> Self {
        Attrs::default()
    }

    /// Attributes already sorted by name, each once (a decoder that walked the
    /// schema's names in order): taken as they are.
    pub(crate) fn from_sorted(entries: Vec<(Name, V)>) -> Self {
        debug_assert!(entries.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)));
        Attrs { entries }
    }

    fn position(&self, name: &str) -> Result<usize, usize> {
        let name = name.as_bytes();
        self.entries.binary_search_by(|(k, _)| compare(k.as_bytes(), name))
    }

    /// The attribute called `name`.
    pub fn get(&self, name: &str) -> Option<&V> {
        let i = self.position(name).ok()?;
        self.entries.get(i).map(|(_, v)| v)
    }

    /// The attribute called `name`, looked for first at `hint` (where a reader going
    /// through the attributes in name order finds it, at one comparison), then by
    /// search; `hint` moves past it.
    pub(crate) fn get_hinted(&self, name: &str, hint: &std::cell::Cell<usize>) -> Option<&V> {
        let at = match self.entries.get(hint.get()) {
            Some((k, _)) if k.as_str() == name => hint.get(),
            _ => self.position(name).ok()?,
        };
        hint.set(at + 1);
        self.entries.get(at).map(|(_, v)| v)
    }

    /// The attribute called `name`, looked for first at index `at`: objects of one
    /// type hold the same names at the same places, so an index found in one finds
    /// the attribute in the others at one comparison.
    pub(crate) fn get_at(&self, at: usize, name: &str) -> Option<&V> {
        match self.entries.get(at) {
            Some((k, v)) if k.as_str() == name => Some(v),
            _ => self.get(name),
        }
    }

    /// Attribute `name` (added with `value()` if there is none), and its index
    /// (always there: `Option` only spares a path that could panic).
    pub(crate) fn slot(&mut self, name: impl Into<Name>, value: impl FnOnce() -> V) -> Option<(usize, &mut V)> {
        let name = name.into();
        let at = match self.position(&name) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (name, value()));
                i
            }
        };
        self.entries.get_mut(at).map(|(_, v)| (at, v))
    }

    /// The attribute called `name`, to change.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut V> {
        let i = self.position(name).ok()?;
        self.entries.get_mut(i).map(|(_, v)| v)
    }

    /// Whether there is an attribute called `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_ok()
    }

    /// Sets attribute `name`; returns the value it replaces.
    pub fn insert(&mut self, name: impl Into<Name>, value: V) -> Option<V> {
        let name = name.into();
        match self.position(&name) {
            Ok(i) => self.entries.get_mut(i).map(|(_, v)| std::mem::replace(v, value)),
            Err(i) => {
                self.entries.insert(i, (name, value));
                None
            }
        }
    }

    /// Removes attribute `name`; returns its value.
    pub fn remove(&mut self, name: &str) -> Option<V> {
        self.position(name).ok().map(|i| self.entries.remove(i).1)
    }

    /// How many attributes.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The attributes in name order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&Name, &V)> + ExactSizeIterator {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    /// The names in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &Name> + ExactSizeIterator {
        self.entries.iter().map(|(k, _)| k)
    }

    /// The values in name order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.entries.iter().map(|(_, v)| v)
    }
}

/// Built from attributes in any order; a name given twice keeps its last value (as
/// a map's `collect` does). Attributes already in order, as decoders give them, cost
/// one pass.
impl<K: Into<Name>, V> FromIterator<(K, V)> for Attrs<V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut entries: Vec<(Name, V)> = iter.into_iter().map(|(k, v)| (k.into(), v)).collect();
        if !entries.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)) {
            // Stable: among equal names the last stays last, and is the one kept.
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            let mut unique: Vec<(Name, V)> = Vec::with_capacity(entries.len());
            for entry in entries {
                match unique.last_mut() {
                    Some(last) if last.0 == entry.0 => *last = entry,
                    _ => unique.push(entry),
                }
            }
            entries = unique;
        }
        Attrs { entries }
    }
}

impl<K: Into<Name>, V> Extend<(K, V)> for Attrs<V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<V> IntoIterator for Attrs<V> {
    type Item = (Name, V);
    type IntoIter = std::vec::IntoIter<(Name, V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, V> IntoIterator for &'a Attrs<V> {
    type Item = (&'a Name, &'a V);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, (Name, V)>, fn(&'a (Name, V)) -> (&'a Name, &'a V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(k, v)| (k, v))
    }
}

impl<V: Eq> Eq for Attrs<V> {}

impl<V: fmt::Debug> fmt::Debug for Attrs<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_stay_sorted_and_unique_however_they_come() {
        let attrs: Attrs<i32> = [("b", 1), ("a", 2), ("b", 3)].into_iter().collect();
        assert_eq!(attrs.iter().map(|(k, v)| (k.as_str(), *v)).collect::<Vec<_>>(), [("a", 2), ("b", 3)]);
        let mut attrs: Attrs<i32> = [("a", 1), ("c", 3)].into_iter().collect();
        assert_eq!(attrs.insert("b", 2), None);
        assert_eq!(attrs.insert("c", 4), Some(3));
        assert_eq!(attrs.keys().map(|k| k.as_str()).collect::<String>(), "abc");
        assert_eq!((attrs.get("c"), attrs.get("z")), (Some(&4), None));
        assert_eq!(attrs.remove("a"), Some(1));
        assert!(!attrs.contains_key("a") && attrs.len() == 2);
        assert_eq!(format!("{attrs:?}"), r#"{"b": 2, "c": 4}"#);
    }
}
