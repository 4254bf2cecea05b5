//! The names of things in the API, each its own type: a notebook's ID cannot be
//! passed where a mount's is wanted, nor a flavor's where an image's is.
//!
//! Each is the API's string, unchanged (serialized as the string itself); the API
//! decides what a valid one is, so none is checked here. They borrow as `str`, so a
//! map keyed by one is looked up with a `&str`.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Declares a newtype over `String` for one kind of name.
macro_rules! name_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The name, as the API writes it.
            pub fn new(name: impl Into<String>) -> Self {
                $name(name.into())
            }

            /// The name as a string.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// The string itself.
            pub fn into_string(self) -> String {
                self.0
            }

            /// Whether the name is empty (an answer that left it out).
            pub fn is_empty(&self) -> bool {
                self.0.is_empty()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        // As the bare string, quoted: messages and logs show `"id"`, not `NotebookId("id")`.
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.0, f)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name(s)
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name(s.to_string())
            }
        }

        impl From<&String> for $name {
            fn from(s: &String) -> Self {
                $name(s.clone())
            }
        }

        impl From<$name> for String {
            fn from(n: $name) -> String {
                n.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    };
}

name_type! {
    /// A notebook instance's ID (a UUID the API gives at create).
    NotebookId
}

name_type! {
    /// A flavor's ID, e.g. `modelarts.vm.cpu.2u` (SDK `NotebookFlavor.id`; the
    /// `flavor` of create and update).
    FlavorId
}

name_type! {
    /// An image's ID (a UUID; SDK `ImageResponse.id`, the `image_id` of create and update).
    ImageId
}

name_type! {
    /// The ID of storage mounted into a notebook (SDK `DataVolumesRes.id`).
    MountId
}

name_type! {
    /// A region's name, e.g. `cn-north-4`: which endpoints and which project serve a call.
    Region
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::{NotebookId, Region};

    #[test]
    fn serialized_as_the_bare_string() {
        let id = NotebookId::new("0a1b");
        assert_eq!(serde_json::to_string(&id).unwrap(), r#""0a1b""#);
        assert_eq!(serde_json::from_str::<NotebookId>(r#""0a1b""#).unwrap(), id);
        assert_eq!(format!("{id} {id:?}"), r#"0a1b "0a1b""#);
    }

    #[test]
    fn a_map_by_region_is_looked_up_by_str() {
        let clients = HashMap::from([(Region::new("cn-north-4"), 1)]);
        assert_eq!(clients.get("cn-north-4"), Some(&1));
        assert!(Region::new("cn-north-4") == "cn-north-4");
    }
}
