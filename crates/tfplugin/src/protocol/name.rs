//! Attribute names: the keys of objects, cheap to copy.
//!
//! A schema's names are `&'static str` (written once, as constants), and every
//! object decoded against the schema carries them again. Owning a `String` per
//! attribute per object made a fifth of decoding go to allocating, copying and
//! freeing names that already exist; a [`Name`] borrows the schema's, and shares
//! (reference-counts) the few made at run time (a dynamic value's type, a test).

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::Deref;
use std::sync::Arc;

/// An attribute's name. Compares, orders and hashes as its text, so a map keyed by
/// names is looked up with a `&str`.
#[derive(Clone)]
pub struct Name(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>),
}

impl Name {
    /// A name written in the program (a schema's constant): copied, never allocated.
    pub const fn new(name: &'static str) -> Name {
        Name(Repr::Static(name))
    }

    /// The name's text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }
}

impl Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl From<&'static str> for Name {
    fn from(name: &'static str) -> Name {
        Name::new(name)
    }
}

impl From<String> for Name {
    fn from(name: String) -> Name {
        Name(Repr::Shared(name.into()))
    }
}

impl From<&String> for Name {
    fn from(name: &String) -> Name {
        Name(Repr::Shared(name.as_str().into()))
    }
}

impl From<Name> for String {
    fn from(name: Name) -> String {
        name.as_str().to_string()
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> Ordering {
        compare(self.as_bytes(), other.as_bytes())
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state)
    }
}

/// Byte order, as `str::cmp`, in a loop: names are short and most differ within
/// their first bytes, where a call to `memcmp` for each step of a binary search cost
/// more than the comparison (a twentieth of planning went to looking attributes up).
pub(crate) fn compare(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        if x != y {
            return x.cmp(y);
        }
    }
    a.len().cmp(&b.len())
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_their_text_however_they_are_held() {
        let written = Name::new("image_id");
        let made = Name::from(String::from("image_id"));
        assert_eq!(written, made);
        assert_eq!(written, "image_id");
        assert!(Name::new("a") < Name::from(String::from("b")));
        assert_eq!(format!("{made} {made:?}"), "image_id \"image_id\"");
        let mut map = std::collections::BTreeMap::new();
        map.insert(made, 1);
        assert_eq!(map.get("image_id"), Some(&1), "looked up by &str");
    }

    #[test]
    fn names_compare_as_strings_do() {
        let names = ["", "a", "ab", "abc", "abd", "b", "image", "image_id", "imagf", "é", "z"];
        for x in names {
            for y in names {
                assert_eq!(compare(x.as_bytes(), y.as_bytes()), x.cmp(y), "{x:?} {y:?}");
            }
        }
    }
}
