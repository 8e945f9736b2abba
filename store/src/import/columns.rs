//! Header checking: known columns only, required ones present, in the documented order (`docs/formats.md`).

/// The columns of one file kind: required ones first, then optional ones, in file order.
pub struct ColumnSpec {
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
}

/// Where each known column sits in this file's records.
#[derive(Debug)]
pub struct Header {
    positions: Vec<(&'static str, usize)>,
}

impl ColumnSpec {
    fn all(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.required.iter().chain(self.optional.iter()).copied()
    }

    /// Every column, in file order (a header to write).
    pub fn names(&self) -> Vec<&'static str> {
        self.all().collect()
    }

    /// Checks a header row; every problem is reported, each naming its column.
    pub fn match_header(&self, header: &[&str]) -> Result<Header, Vec<(Option<String>, String)>> {
        let mut problems = Vec::new();
        let mut positions = Vec::new();
        let mut last_rank = None;
        for (pos, raw) in header.iter().enumerate() {
            let name = raw.trim().trim_start_matches('\u{feff}');
            match self.all().position(|c| c == name) {
                None => problems.push((
                    // Escaped: a quoted header may hold a line break, and each error is one line.
                    Some(name.escape_debug().to_string()),
                    format!(
                        "unknown column {name:?}; expected {}",
                        self.all().collect::<Vec<_>>().join(",")
                    ),
                )),
                Some(rank) => {
                    let column = self.all().nth(rank).unwrap_or_default();
                    if positions.iter().any(|(c, _)| *c == column) {
                        problems.push((Some(column.to_owned()), "column appears twice".to_owned()));
                    } else if last_rank.is_some_and(|last| rank < last) {
                        problems.push((
                            Some(column.to_owned()),
                            format!(
                                "column out of order; expected {}",
                                self.all().collect::<Vec<_>>().join(",")
                            ),
                        ));
                    }
                    last_rank = Some(rank);
                    positions.push((column, pos));
                }
            }
        }
        for required in self.required {
            if !positions.iter().any(|(c, _)| c == required) {
                problems.push((Some((*required).to_owned()), "missing column".to_owned()));
            }
        }
        if problems.is_empty() {
            Ok(Header { positions })
        } else {
            Err(problems)
        }
    }
}

impl Header {
    /// For files whose columns are found by name, in any order (FOCUS).
    pub fn from_positions(positions: Vec<(&'static str, usize)>) -> Self {
        Self { positions }
    }

    /// The field of `column` in `record`; empty when an optional column is absent.
    pub fn get<'r>(&self, record: &'r csv::StringRecord, column: &str) -> &'r str {
        self.positions
            .iter()
            .find(|(c, _)| *c == column)
            .and_then(|(_, pos)| record.get(*pos))
            .unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: ColumnSpec = ColumnSpec {
        required: &["name"],
        optional: &["kind"],
    };

    #[test]
    fn accepts_required_and_optional_columns_in_order() {
        assert!(SPEC.match_header(&["name"]).is_ok());
        assert!(
            SPEC.match_header(&["\u{feff}name", "kind"]).is_ok(),
            "a BOM from Excel is tolerated"
        );
    }

    #[test]
    fn names_the_unknown_missing_or_misplaced_column() {
        let problems = SPEC.match_header(&["kind", "colour"]).unwrap_err();
        let named: Vec<_> = problems
            .iter()
            .map(|(c, r)| format!("{}: {r}", c.clone().unwrap_or_default()))
            .collect();
        assert!(named[0].starts_with("colour: unknown column"), "{named:?}");
        assert!(named[1].starts_with("name: missing column"), "{named:?}");
        let problems = SPEC.match_header(&["kind", "name"]).unwrap_err();
        assert!(problems[0].1.contains("out of order"), "{problems:?}");
    }

    #[test]
    fn an_unknown_column_is_named_on_one_line() {
        // Found by fuzzing: a quoted header "a\nb" put a line break in the column slot.
        let problems = SPEC.match_header(&["name", "a\nb\rc"]).unwrap_err();
        assert_eq!(problems[0].0.as_deref(), Some("a\\nb\\rc"));
    }
}
