//! Enums whose values are fixed words of the API (`EVS`, `DEDICATED`, `TIMING`...):
//! declared once with [`string_enum!`](crate::string_enum), they give the words for schema validators,
//! docs and requests, and parse the words back. A leaf utility: the client, the simulator and the provider all use it.

/// An enum spelled as a fixed set of words.
pub trait StringEnum: Copy + Sized + 'static {
    /// Every word, in declaration order (for validators and messages).
    const NAMES: &'static [&'static str];

    /// The word for this value.
    fn as_str(self) -> &'static str;

    /// The value a word names, exactly as spelled.
    fn parse(word: &str) -> Option<Self>;
}

/// Declares an enum of fixed words:
///
/// ```
/// modelarts_api::string_enum! {
///     /// Who owns a volume.
///     pub enum Ownership { Managed = "MANAGED", Dedicated = "DEDICATED" }
/// }
/// use modelarts_api::enums::StringEnum;
/// assert_eq!(Ownership::parse("DEDICATED"), Some(Ownership::Dedicated));
/// assert_eq!(Ownership::NAMES, &["MANAGED", "DEDICATED"]);
/// ```
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $word:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $crate::enums::StringEnum for $name {
            const NAMES: &'static [&'static str] = &[$($word),+];

            fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            fn parse(word: &str) -> Option<Self> {
                match word {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::enums::StringEnum::as_str(*self))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::StringEnum;

    crate::string_enum! {
        /// A test enum.
        enum Sample { One = "ONE", Two = "TWO" }
    }

    #[test]
    fn words_round_trip() {
        for name in Sample::NAMES {
            assert_eq!(Sample::parse(name).map(Sample::as_str), Some(*name));
        }
        assert_eq!(Sample::parse("one"), None, "exact spelling only");
        assert_eq!(Sample::Two.to_string(), "TWO");
    }
}
