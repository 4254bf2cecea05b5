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

/// A word of an API answer: one of `E`'s, or one this client does not know, kept
/// as the API wrote it — so a word the service adds before this client knows it
/// never fails a read. Requests carry words too, so the simulator reads a body
/// with a word it refuses and answers as the API would; the client only ever puts
/// `E`'s in them.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Word<E> {
    /// A word of `E`.
    Known(E),
    /// Any other word.
    Other(String),
}

impl<E: StringEnum> Word<E> {
    /// The word `w` (never fails: an unknown word is [`Word::Other`]).
    pub fn parse(w: &str) -> Self {
        E::parse(w).map_or_else(|| Word::Other(w.to_string()), Word::Known)
    }

    /// The word as the API writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Word::Known(e) => e.as_str(),
            Word::Other(w) => w,
        }
    }

    /// Whether no word was given (a body that left it out reads as the empty word).
    pub fn is_empty(&self) -> bool {
        matches!(self, Word::Other(w) if w.is_empty())
    }

    /// The value of `E`, when the word is one of its.
    pub fn known(&self) -> Option<E> {
        match self {
            Word::Known(e) => Some(*e),
            Word::Other(_) => None,
        }
    }

    /// Whether it is the word of `e`.
    pub fn is(&self, e: E) -> bool
    where
        E: PartialEq,
    {
        self.known() == Some(e)
    }
}

/// No word: what a body that left the word out reads as (an empty
/// [`Word::Other`], which is none of `E`'s).
impl<E> Default for Word<E> {
    fn default() -> Self {
        Word::Other(String::new())
    }
}

impl<E: StringEnum> From<E> for Word<E> {
    fn from(e: E) -> Self {
        Word::Known(e)
    }
}

impl<E: StringEnum> From<&str> for Word<E> {
    fn from(w: &str) -> Self {
        Word::parse(w)
    }
}

impl<E: StringEnum> std::fmt::Display for Word<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<E: StringEnum> serde::Serialize for Word<E> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de, E: StringEnum> serde::Deserialize<'de> for Word<E> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = <String as serde::Deserialize>::deserialize(d)?;
        Ok(Word::parse(&w))
    }
}

#[cfg(test)]
mod tests {
    use super::{StringEnum, Word};

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

    #[test]
    fn an_unknown_word_is_kept_not_refused() {
        let w: Word<Sample> = serde_json::from_str("\"THREE\"").unwrap();
        assert_eq!(w, Word::Other("THREE".into()));
        assert_eq!(serde_json::to_string(&w).unwrap(), "\"THREE\"");
        let two: Word<Sample> = serde_json::from_str("\"TWO\"").unwrap();
        assert!(two.is(Sample::Two) && two.known() == Some(Sample::Two));
        assert_eq!(Word::from(Sample::One).as_str(), "ONE");
    }
}
