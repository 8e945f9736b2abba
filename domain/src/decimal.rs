//! Exact fixed-point parsing and formatting of plain decimals ("1234.50") into scaled integers.
//!
//! Hand-written rather than via rust_decimal because it sits on the 10M-row import hot path and
//! must reject what the CSV format forbids (exponents, thousands separators, underscores, a
//! leading '+') that general decimal parsers accept.

/// Parses `raw` into an integer scaled by 10^`places`, allowing at most `places` decimals.
pub fn parse_scaled(raw: &str, places: u32, allow_negative: bool) -> Result<i64, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("is empty".into());
    }
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, f),
        None => (digits, ""),
    };
    let well_formed = !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && frac.is_empty());
    if !well_formed {
        return Err(format!("is not a plain decimal number (got {s:?})"));
    }
    // Only after the shape check: until then `s` may hold newlines or control characters,
    // which must not reach a one-line error unescaped.
    if negative && !allow_negative {
        return Err(format!("must not be negative (got {s})"));
    }
    if frac.len() > places as usize {
        return Err(format!("has more than {places} decimal places (got {s})"));
    }
    let too_large = || format!("is too large (got {s})");
    let mut value: i64 = 0;
    for b in whole.bytes().chain(frac.bytes()) {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(b - b'0')))
            .ok_or_else(too_large)?;
    }
    value = value
        .checked_mul(10_i64.pow(places - frac.len() as u32))
        .ok_or_else(too_large)?;
    Ok(if negative { -value } else { value })
}

/// Formats a scaled integer with exactly `places` decimals. Written digit by digit: reports
/// format hundreds of thousands of cells, and `format!` made that the slowest part of a
/// report served from memory.
pub fn format_scaled(value: i64, places: u32) -> String {
    let mut out = String::with_capacity(24);
    if value < 0 {
        out.push('-');
    }
    let abs = value.unsigned_abs();
    let scale = 10_u64.pow(places);
    push_digits(&mut out, abs / scale, 1);
    if places > 0 {
        out.push('.');
        push_digits(&mut out, abs % scale, places as usize);
    }
    out
}

/// Appends `n` in decimal, zero-padded to at least `width` digits.
pub fn push_digits(out: &mut String, mut n: u64, width: usize) {
    let mut buf = [b'0'; 20];
    let mut start = buf.len();
    while n > 0 || buf.len() - start < width.max(1) {
        start -= 1;
        buf[start] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    out.extend(buf[start..].iter().map(|&b| b as char));
}

/// Formats a scaled integer with as few decimals as represent it exactly ("10", "1234.5").
pub fn format_scaled_trimmed(value: i64, places: u32) -> String {
    let full = format_scaled(value, places);
    if places == 0 {
        return full;
    }
    full.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_exactly_the_given_places() {
        assert_eq!(format_scaled(0, 2), "0.00");
        assert_eq!(format_scaled(5, 2), "0.05");
        assert_eq!(format_scaled(-123_456, 2), "-1234.56");
        assert_eq!(format_scaled(3_800_000_000_000, 2), "38000000000.00");
        assert_eq!(format_scaled(i64::MIN, 2), "-92233720368547758.08");
        assert_eq!(format_scaled(42, 0), "42");
        assert_eq!(format_scaled_trimmed(1_234_500_000, 6), "1234.5");
        assert_eq!(format_scaled_trimmed(10_000_000, 6), "10");
    }

    #[test]
    fn parses_whole_and_fractional_amounts() {
        assert_eq!(parse_scaled("1234.50", 2, false), Ok(123450));
        assert_eq!(parse_scaled("1234.5", 2, false), Ok(123450));
        assert_eq!(parse_scaled("1234", 2, false), Ok(123400));
        assert_eq!(parse_scaled("0.07", 2, false), Ok(7));
        assert_eq!(parse_scaled(" 12.00 ", 2, false), Ok(1200));
    }

    #[test]
    fn negative_only_where_allowed() {
        assert_eq!(parse_scaled("-5.25", 2, true), Ok(-525));
        assert!(parse_scaled("-5.25", 2, false)
            .unwrap_err()
            .contains("negative"));
    }

    #[test]
    fn a_sign_before_garbage_is_reported_as_garbage_escaped() {
        // Found by fuzzing: "-" then a control character was echoed raw into the reason.
        assert_eq!(
            parse_scaled("-\u{7f}", 2, false).unwrap_err(),
            "is not a plain decimal number (got \"-\\u{7f}\")"
        );
        assert_eq!(
            parse_scaled("-1\n2", 6, false).unwrap_err(),
            "is not a plain decimal number (got \"-1\\n2\")"
        );
    }

    #[test]
    fn rejects_more_places_than_allowed() {
        assert!(parse_scaled("1.005", 2, false)
            .unwrap_err()
            .contains("more than 2 decimal"));
    }

    #[test]
    fn rejects_what_is_not_a_plain_decimal() {
        for bad in [
            "", "abc", "1,000.00", "1e5", "+5", "1.", ".5", "1_000", "1.2.3", "--1",
        ] {
            assert!(
                parse_scaled(bad, 2, true).is_err(),
                "{bad:?} should be rejected"
            );
        }
    }

    #[test]
    fn rejects_overflow_instead_of_wrapping() {
        assert!(parse_scaled("92233720368547758.08", 2, false)
            .unwrap_err()
            .contains("too large"));
        assert_eq!(parse_scaled("92233720368547758.07", 2, false), Ok(i64::MAX));
    }

    #[test]
    fn formats_with_fixed_and_trimmed_places() {
        assert_eq!(format_scaled(123450, 2), "1234.50");
        assert_eq!(format_scaled(-7, 2), "-0.07");
        assert_eq!(format_scaled(0, 2), "0.00");
        assert_eq!(format_scaled_trimmed(10_000_000, 6), "10");
        assert_eq!(format_scaled_trimmed(1_234_500_000, 6), "1234.5");
    }
}
