//! The pack as a PDF, made in the server process with krilla (a maintained PDF writer from the
//! typst authors: fonts embedded and subset, text extractable) and krilla-svg (the charts'
//! SVG drawn as vector paths). Why not typst itself: the pack is laid out by code from data,
//! not written as a document, and typst as a library would add several times the build.

mod fonts;
mod layout;

use super::content::PackContent;
use domain::board_pack::Section;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Size, Transform};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;
use krilla_svg::{SurfaceExt, SvgSettings};
use layout::{Flow, Item, Rgb, INK, MUTED};
use std::sync::{Arc, OnceLock};

/// The pack's pages: the cover with the headline cards, then one part per section, each
/// opening with finance's commentary. `label` says which version this is ("Draft", "Version
/// 2, published …"), on every page.
pub fn render(content: &PackContent, label: &str) -> Result<Vec<u8>, String> {
    let mut flow = Flow::new();
    let month = content.month.long_name();
    flow.gap(20.0);
    flow.title(&format!("Board pack — {month}"), 24.0);
    flow.paragraph(
        &format!(
            "Figures as of {} from the compute ledger: commitments, burn, true-ups, vendor concentration and deliveries.{}",
            content.month.last_day(),
            if content.scenario.is_empty() {
                String::new()
            } else {
                format!(" Beside the baseline: the what-if scenario {:?}.", content.scenario)
            }
        ),
        10.0,
        MUTED,
    );
    // The PDF's bookmarks: each section and the page it starts on.
    let mut outline = Vec::new();
    for section in &content.sections {
        if section.section != Section::Cover {
            flow.new_page();
            flow.title(section.section.title(), 16.0);
        }
        outline.push((section.section.title().to_owned(), flow.page_index()));
        if !section.commentary.is_empty() {
            flow.paragraph(&section.commentary, 10.0, INK);
            flow.gap(4.0);
        }
        flow.cards(&section.kpis);
        for chart in &section.charts {
            flow.chart(chart);
        }
        for table in &section.tables {
            flow.table(table);
        }
        if !section.lines.is_empty() {
            flow.bullets(&section.lines, 9.0);
        }
    }
    let pages = flow.finish(&format!("Compute Ledger · Board pack · {month}"), label);
    draw(&pages, &format!("Board pack {month}"), outline)
}

struct Fonts {
    regular: Font,
    bold: Font,
    /// The same faces for the charts' SVG text.
    fontdb: Arc<usvg::fontdb::Database>,
}

impl Fonts {
    fn svg_options(&self) -> usvg::Options<'static> {
        usvg::Options {
            font_family: fonts::FAMILY.to_owned(),
            fontdb: self.fontdb.clone(),
            style_sheet: Some(crate::dashboards::chart_svg::stylesheet(fonts::FAMILY)),
            ..Default::default()
        }
    }
}

fn fonts() -> Result<&'static Fonts, String> {
    static FONTS: OnceLock<Result<Fonts, String>> = OnceLock::new();
    FONTS
        .get_or_init(|| {
            let font = |data: &'static [u8]| {
                Font::new(data.into(), 0).ok_or_else(|| "the embedded font did not load".to_owned())
            };
            let mut db = usvg::fontdb::Database::new();
            db.load_font_data(fonts::REGULAR.to_vec());
            db.load_font_data(fonts::BOLD.to_vec());
            Ok(Fonts {
                regular: font(fonts::REGULAR)?,
                bold: font(fonts::BOLD)?,
                fontdb: Arc::new(db),
            })
        })
        .as_ref()
        .map_err(Clone::clone)
}

fn colour(c: Rgb) -> rgb::Color {
    rgb::Color::new(c.0, c.1, c.2)
}

fn fill(c: Rgb) -> Fill {
    Fill {
        paint: colour(c).into(),
        ..Default::default()
    }
}

fn draw(
    pages: &[Vec<Item>],
    title: &str,
    sections: Vec<(String, usize)>,
) -> Result<Vec<u8>, String> {
    let fonts = fonts()?;
    let mut document = Document::new();
    let mut outline = krilla::outline::Outline::new();
    for (text, page) in sections {
        let at = krilla::destination::XyzDestination::new(page, Point::from_xy(0.0, 0.0));
        outline.push_child(krilla::outline::OutlineNode::new(text, at));
    }
    document.set_outline(outline);
    document.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_owned())
            .creator("Compute Ledger".to_owned()),
    );
    let size =
        PageSettings::from_wh(layout::PAGE_WIDTH, layout::PAGE_HEIGHT).ok_or("bad page size")?;
    for items in pages {
        let mut page = document.start_page_with(size.clone());
        let mut surface = page.surface();
        for item in items {
            draw_item(&mut surface, fonts, item)?;
        }
        surface.finish();
        page.finish();
    }
    document
        .finish()
        .map_err(|e| format!("the PDF could not be written: {e:?}"))
}

fn draw_item(surface: &mut Surface, fonts: &Fonts, item: &Item) -> Result<(), String> {
    match item {
        Item::Text {
            x,
            y,
            size,
            bold,
            colour: c,
            text,
        } => {
            surface.set_fill(Some(fill(*c)));
            let font = if *bold { &fonts.bold } else { &fonts.regular };
            surface.draw_text(
                Point::from_xy(*x, *y),
                font.clone(),
                *size,
                text,
                false,
                TextDirection::Auto,
            );
        }
        Item::Rule {
            x1,
            x2,
            y,
            colour: c,
        } => {
            let mut path = PathBuilder::new();
            path.move_to(*x1, *y);
            path.line_to(*x2, *y);
            if let Some(path) = path.finish() {
                surface.set_fill(None);
                surface.set_stroke(Some(Stroke {
                    paint: colour(*c).into(),
                    width: 0.75,
                    ..Default::default()
                }));
                surface.draw_path(&path);
                surface.set_stroke(None);
            }
        }
        Item::Box {
            x,
            y,
            width,
            height,
            colour: c,
        } => {
            let mut path = PathBuilder::new();
            if let Some(rect) = Rect::from_xywh(*x, *y, *width, *height) {
                path.push_rect(rect);
            }
            if let Some(path) = path.finish() {
                surface.set_fill(Some(fill(*c)));
                surface.draw_path(&path);
            }
        }
        Item::Svg {
            x,
            y,
            width,
            height,
            svg,
        } => {
            let tree = usvg::Tree::from_str(svg, &fonts.svg_options())
                .map_err(|e| format!("a chart could not be drawn: {e}"))?;
            let size = Size::from_wh(*width, *height).ok_or("bad chart size")?;
            surface.push_transform(&Transform::from_translate(*x, *y));
            surface.draw_svg(&tree, size, SvgSettings::default());
            surface.pop();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::board_pack::content::PackSection;
    use domain::board_pack::Month;

    #[test]
    fn a_pack_is_a_pdf_with_a_bookmark_per_section() {
        let section = |section: Section| PackSection {
            section,
            commentary: "Burn is on plan.".into(),
            kpis: vec![],
            charts: vec![],
            tables: vec![],
            lines: vec!["Nothing changed.".into()],
        };
        let content = PackContent {
            month: Month::parse("2026-11").unwrap(),
            scenario: String::new(),
            sections: vec![
                section(Section::Cover),
                section(Section::Commitments),
                section(Section::Changes),
            ],
        };
        let pdf = render(&content, "Draft").unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Outlines"), "no bookmarks");
        assert_eq!(
            text.matches("/Title(").count(),
            4,
            "the document title and three bookmarks"
        );
    }
}
