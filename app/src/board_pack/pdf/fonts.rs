//! The pack's typeface, embedded in the binary (DejaVu Sans, free to embed; see app/fonts/LICENSE),
//! so a server renders the same PDF on any machine and reads no font file at run time.
//! Widths come from the font's own metrics, for wrapping and right-aligned figures.

use skrifa::instance::{LocationRef, Size};
use skrifa::{FontRef, MetadataProvider};

pub const FAMILY: &str = "DejaVu Sans";
pub static REGULAR: &[u8] = include_bytes!("../../../fonts/DejaVuSans.ttf");
pub static BOLD: &[u8] = include_bytes!("../../../fonts/DejaVuSans-Bold.ttf");

fn data(bold: bool) -> &'static [u8] {
    if bold {
        BOLD
    } else {
        REGULAR
    }
}

/// The width of `text` set in `size` points.
pub fn width(text: &str, size: f32, bold: bool) -> f32 {
    let Ok(font) = FontRef::new(data(bold)) else {
        return text.chars().count() as f32 * size * 0.6;
    };
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(Size::new(size), LocationRef::default());
    text.chars()
        .map(|c| {
            charmap
                .map(c)
                .and_then(|glyph| metrics.advance_width(glyph))
                .unwrap_or(size * 0.6)
        })
        .sum()
}

/// `text` cut to fit `max` points, with an ellipsis when it was cut.
pub fn fit(text: &str, size: f32, bold: bool, max: f32) -> String {
    if width(text, size, bold) <= max {
        return text.to_owned();
    }
    let mut cut: String = text.to_owned();
    while !cut.is_empty() && width(&format!("{cut}…"), size, bold) > max {
        cut.pop();
    }
    format!("{cut}…")
}

/// `text` broken into lines no wider than `max` points, at spaces; a paragraph break
/// (`\n`) starts a new line, an empty line stays as a gap.
pub fn wrap(text: &str, size: f32, bold: bool, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split_whitespace() {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if line.is_empty() || width(&candidate, size, bold) <= max {
                line = candidate;
            } else {
                lines.push(std::mem::replace(&mut line, word.to_owned()));
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_the_font_and_grow_with_size_and_weight() {
        let regular = width("Committed 1,234.00", 10.0, false);
        assert!(regular > 50.0 && regular < 150.0, "{regular}");
        assert!((width("Committed 1,234.00", 20.0, false) - 2.0 * regular).abs() < 0.01);
        assert!(width("Committed 1,234.00", 10.0, true) > regular);
        // Proportional: an "i" is narrower than an "M".
        assert!(width("i", 10.0, false) < width("M", 10.0, false));
    }

    #[test]
    fn wrapping_keeps_every_word_within_the_width_and_keeps_paragraphs() {
        let text = "Burn is on plan for every hyperscaler commitment.\n\nTrue-ups: none owed.";
        let lines = wrap(text, 10.0, false, 120.0);
        assert!(lines.len() > 3, "{lines:?}");
        assert!(lines
            .iter()
            .all(|l| width(l, 10.0, false) <= 120.0 || !l.contains(' ')));
        assert!(lines.contains(&String::new()));
        assert_eq!(
            lines.join(" ").split_whitespace().collect::<Vec<_>>(),
            text.split_whitespace().collect::<Vec<_>>()
        );
    }

    #[test]
    fn fitting_cuts_with_an_ellipsis_only_when_needed() {
        assert_eq!(fit("AWS", 10.0, false, 100.0), "AWS");
        let cut = fit("Amazon Web Services, Inc. (EMEA) SARL", 10.0, false, 60.0);
        assert!(
            cut.ends_with('…') && width(&cut, 10.0, false) <= 60.0,
            "{cut}"
        );
    }
}
