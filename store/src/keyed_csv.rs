//! A small file of keyed rows read all or nothing (exchange rates, rate cards): the header
//! names its columns in any case and order, each row is parsed by the caller, every bad line
//! is named with its column and reason, and a key repeated in the file is an error on its
//! second line. What it returns is every row, or every error (the first hundred, then a count).

use crate::import::{ImportError, RowError, MAX_REPORTED_ERRORS};
use domain::FieldError;
use std::collections::HashMap;
use std::hash::Hash;

/// What storing such a file did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stored {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
}

/// One row's cells by column name ("" for a column the file does not have).
pub(crate) struct Cells<'r> {
    record: &'r csv::StringRecord,
    positions: &'r HashMap<&'static str, usize>,
}

impl Cells<'_> {
    pub(crate) fn get(&self, column: &str) -> &str {
        self.positions
            .get(column)
            .and_then(|at| self.record.get(*at))
            .unwrap_or("")
    }
}

/// What a row is: its value and the key no other row may repeat, with the field a repeat is
/// reported on and how it is named ("2026-01-02 USD against EUR").
pub(crate) struct Keyed<T, K> {
    pub value: T,
    pub key: K,
    pub field: &'static str,
    pub named: String,
}

/// Reads `reader` (called `file` in errors): `required` columns must be in the header
/// (`hint` says what it must name), `optional` ones may be.
pub(crate) fn read<T, K: Hash + Eq>(
    file: &str,
    reader: impl std::io::Read,
    (required, optional): (&[&'static str], &[&'static str]),
    hint: &str,
    parse: impl Fn(&Cells<'_>) -> Result<Keyed<T, K>, Vec<FieldError>>,
) -> Result<Vec<T>, ImportError> {
    let mut errors = Vec::new();
    let mut omitted = 0;
    let mut fail = |line: Option<u64>, column: Option<String>, reason: String| {
        if errors.len() < MAX_REPORTED_ERRORS {
            errors.push(RowError {
                file: file.to_owned(),
                line,
                column,
                reason,
            });
        } else {
            omitted += 1;
        }
    };
    let mut csv = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let header = match csv.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            fail(None, None, format!("cannot be read as CSV: {e}"));
            return Err(ImportError::Rejected { errors, omitted });
        }
    };
    let positions: HashMap<&'static str, usize> = required
        .iter()
        .chain(optional)
        .filter_map(|name| {
            let at = header.iter().position(|h| h.eq_ignore_ascii_case(name))?;
            Some((*name, at))
        })
        .collect();
    if required.iter().any(|name| !positions.contains_key(name)) {
        fail(Some(1), None, hint.to_owned());
        return Err(ImportError::Rejected { errors, omitted });
    }
    let mut rows = Vec::new();
    let mut seen: HashMap<K, u64> = HashMap::new();
    for (i, record) in csv.records().enumerate() {
        let line = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map_or(i as u64 + 2, |p| p.line());
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                fail(Some(line), None, format!("cannot be read as CSV: {e}"));
                continue;
            }
        };
        let cells = Cells {
            record: &record,
            positions: &positions,
        };
        match parse(&cells) {
            Ok(row) => match seen.get(&row.key) {
                Some(first) => fail(
                    Some(line),
                    Some(row.field.to_owned()),
                    format!("{} is already on line {first}", row.named),
                ),
                None => {
                    seen.insert(row.key, line);
                    rows.push(row.value);
                }
            },
            Err(field_errors) => {
                for e in field_errors {
                    fail(Some(line), Some(e.column), e.reason);
                }
            }
        }
    }
    if errors.is_empty() && omitted == 0 {
        Ok(rows)
    } else {
        Err(ImportError::Rejected { errors, omitted })
    }
}
