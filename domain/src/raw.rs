//! The text of one entry as it arrives (a CSV row, a form), before its constructor checks it.

/// Declares a `Raw…` struct of borrowed text fields. The field names are the CSV column
/// names, so an importer fills the whole struct from a row by column name, and a form fills
/// it field by field; both then go through the same `parse`.
macro_rules! raw_record {
    ($(#[$meta:meta])* $name:ident { $($field:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $name<'a> {
            $(pub $field: &'a str,)+
        }

        impl<'a> $name<'a> {
            /// Each field is the value of the column of its own name (`""` when absent).
            pub fn from_columns(column: impl Fn(&'static str) -> &'a str) -> Self {
                Self { $($field: column(stringify!($field)),)+ }
            }
        }
    };
}

pub(crate) use raw_record;

#[cfg(test)]
mod tests {
    raw_record!(RawPair { left, right });

    #[test]
    fn fields_are_read_by_their_column_names() {
        let row = [("right", "2"), ("left", "1")];
        let raw = RawPair::from_columns(|c| {
            row.iter()
                .find(|(name, _)| *name == c)
                .map_or("", |(_, v)| v)
        });
        assert_eq!((raw.left, raw.right), ("1", "2"));
    }
}
