//! The stored `row_hash` of an imported FOCUS row: a re-import of the same or an overlapping
//! file recognises the rows it already holds, and two identical charges stay two rows.

use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// SHA-256 (first 128 bits, hex) of the row's fields and how often the same content came
/// before it in this file.
pub(crate) fn row_hash(
    rec: &csv::StringRecord,
    occurrences: &mut HashMap<[u8; 16], u32>,
) -> String {
    let mut content = Sha256::new();
    for field in rec.iter() {
        content.update(field.as_bytes());
        content.update([0x1f]);
    }
    let digest = content.finalize();
    let mut base = [0u8; 16];
    base.copy_from_slice(&digest[..16]);
    let seen = occurrences.entry(base).or_default();
    *seen += 1;
    hash_hex(&[&base, &seen.to_le_bytes()])
}

/// SHA-256 of the parts, first 128 bits as hex: the stored `row_hash`.
fn hash_hex(parts: &[&[u8]]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part);
    }
    hash.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A distinct hash for the `index`th part of a split row.
pub(crate) fn part_hash(row_hash: &str, index: usize) -> String {
    hash_hex(&[row_hash.as_bytes(), &(index as u64).to_le_bytes()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_rows_hash_apart_but_the_same_file_hashes_the_same() {
        let rec = csv::StringRecord::from(vec!["a", "1.00"]);
        let mut first_read = HashMap::new();
        let a1 = row_hash(&rec, &mut first_read);
        let a2 = row_hash(&rec, &mut first_read);
        assert_ne!(a1, a2, "two identical charges are two rows");
        let mut second_read = HashMap::new();
        assert_eq!(row_hash(&rec, &mut second_read), a1);
        assert_eq!(row_hash(&rec, &mut second_read), a2);
        let other = csv::StringRecord::from(vec!["a", "1.0"]);
        assert_ne!(row_hash(&other, &mut HashMap::new()), a1);
        assert_eq!(a1.len(), 32);
    }
}
