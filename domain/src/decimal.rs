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

/// Parses a decimal written by a program (a FOCUS export: any number of places, possibly an
/// exponent such as `1.5E-7`) and rounds it to `places`, half to even so that rounding
/// millions of rows adds no drift in either direction.
pub fn parse_rounded(raw: &str, places: u32) -> Result<i64, String> {
    let s = raw.trim();
    let shown = || s.escape_debug().to_string();
    let bad = || format!("is not a decimal number (got \"{}\")", shown());
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(at) => {
            let exp: i32 = s[at + 1..]
                .strip_prefix('+')
                .unwrap_or(&s[at + 1..])
                .parse()
                .map_err(|_| bad())?;
            (&s[..at], exp)
        }
        None => (s, 0),
    };
    let (negative, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole
            .bytes()
            .chain(frac.bytes())
            .all(|b| b.is_ascii_digit())
        || !(-40..=40).contains(&exponent)
    {
        return Err(bad());
    }
    // All digits as one integer string with the decimal point `point` digits from its start.
    let all: Vec<u8> = whole
        .bytes()
        .chain(frac.bytes())
        .map(|b| b - b'0')
        .collect();
    let point = whole.len() as i64 + i64::from(exponent) + i64::from(places);
    let too_large = || format!("is too large (got {})", shown());
    let mut value: i64 = 0;
    for i in 0..point.max(0) {
        let digit = all.get(i as usize).copied().unwrap_or(0);
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(digit)))
            .ok_or_else(too_large)?;
    }
    let rest: &[u8] = if point < 0 {
        &[]
    } else {
        all.get(point as usize..).unwrap_or(&[])
    };
    // Digits lost to rounding: above half, exactly half, or below.
    let first = if point < 0 {
        0
    } else {
        rest.first().copied().unwrap_or(0)
    };
    let tail_nonzero = rest.iter().skip(1).any(|&d| d != 0);
    let round_up = first > 5 || first == 5 && (tail_nonzero || value % 2 == 1);
    if round_up {
        value = value.checked_add(1).ok_or_else(too_large)?;
    }
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

/// `format_scaled` for sums across many amounts, which can pass i64.
pub fn format_scaled_wide(value: i128, places: u32) -> String {
    match i64::try_from(value) {
        Ok(narrow) => format_scaled(narrow, places),
        Err(_) => {
            let sign = if value < 0 { "-" } else { "" };
            let abs = value.unsigned_abs();
            let scale = 10_u128.pow(places);
            let fraction = abs % scale;
            format!(
                "{sign}{}.{fraction:0width$}",
                abs / scale,
                width = places as usize
            )
        }
    }
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
    fn wide_sums_are_written_exactly() {
        assert_eq!(
            format_scaled_wide(i128::from(i64::MAX) * 2, 2),
            "184467440737095516.14"
        );
        assert_eq!(format_scaled_wide(-5, 2), "-0.05");
        assert_eq!(format_scaled_wide(123_456, 2), format_scaled(123_456, 2));
    }

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

    #[test]
    fn rounds_program_written_decimals_half_to_even() {
        assert_eq!(parse_rounded("12.3456", 2), Ok(1235));
        assert_eq!(parse_rounded("0.125", 2), Ok(12));
        assert_eq!(parse_rounded("0.135", 2), Ok(14));
        assert_eq!(parse_rounded("0.1250001", 2), Ok(13));
        assert_eq!(parse_rounded("-0.125", 2), Ok(-12));
        assert_eq!(parse_rounded("-3.999", 2), Ok(-400));
        assert_eq!(parse_rounded("1.5E-7", 2), Ok(0));
        assert_eq!(parse_rounded("1.5e3", 2), Ok(150000));
        assert_eq!(parse_rounded("42", 6), Ok(42_000_000));
        assert_eq!(parse_rounded(".5", 0), Ok(0));
        assert_eq!(parse_rounded("2.5", 0), Ok(2));
        assert_eq!(parse_rounded("3.5", 0), Ok(4));
        for bad in ["", "abc", "1,5", "1e", "1e999", "--1", ".", "1.2.3"] {
            assert!(parse_rounded(bad, 2).is_err(), "{bad:?} should be rejected");
        }
        assert!(parse_rounded("1e30", 2).unwrap_err().contains("too large"));
    }
}
