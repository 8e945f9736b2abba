//! Free-text fields: trimmed, bounded, and required where the domain says so.

pub fn required(raw: &str, max_len: usize) -> Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("is required".into());
    }
    optional(s, max_len)
}

/// Text of several paragraphs (commentary): line breaks kept (`\r\n` read as `\n`), other
/// control characters refused, surrounding blanks trimmed.
pub fn paragraphs(raw: &str, max_len: usize) -> Result<String, String> {
    let text = raw.replace("\r\n", "\n");
    let lines: Vec<String> = text
        .trim()
        .split('\n')
        .map(|line| optional(line, max_len))
        .collect::<Result<_, _>>()?;
    let joined = lines.join("\n");
    if joined.chars().count() > max_len {
        return Err(format!("is longer than {max_len} characters"));
    }
    Ok(joined)
}

pub fn optional(raw: &str, max_len: usize) -> Result<String, String> {
    let s = raw.trim();
    // Byte checks first: they decide for ASCII text, which is every field of a 10M-row import.
    if s.len() > max_len && s.chars().count() > max_len {
        return Err(format!("is longer than {max_len} characters"));
    }
    let control = match s.is_ascii() {
        true => s.bytes().any(|b| (b < 0x20 && b != b'\t') || b == 0x7f),
        false => s.chars().any(|c| c.is_control() && c != '\t'),
    };
    if control {
        return Err("contains control characters".into());
    }
    Ok(s.to_owned())
}

/// Names and references: short identifiers people type and search for.
pub const NAME_MAX: usize = 200;
/// Titles, units, SKUs, regions, resources.
pub const LABEL_MAX: usize = 200;
/// Notes on contracts and receipts.
pub const NOTE_MAX: usize = 4000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_is_trimmed_and_non_empty() {
        assert_eq!(required("  AWS ", NAME_MAX).unwrap(), "AWS");
        assert_eq!(required("   ", NAME_MAX).unwrap_err(), "is required");
    }

    #[test]
    fn text_is_bounded_and_printable() {
        assert!(optional(&"x".repeat(11), 10)
            .unwrap_err()
            .contains("longer than 10"));
        assert!(optional("a\u{0}b", 10).unwrap_err().contains("control"));
        // Characters, not bytes, count; DEL and the C1 controls are control characters too.
        assert_eq!(optional(&"é".repeat(10), 10).unwrap(), "é".repeat(10));
        assert!(optional(&"é".repeat(11), 10).is_err());
        assert!(optional("a\u{7f}b", 10).unwrap_err().contains("control"));
        assert!(optional("é\u{9b}é", 10).unwrap_err().contains("control"));
        assert_eq!(optional("a\tb", 10).unwrap(), "a\tb");
    }
}
