//! The pack laid out on pages as a list of things to draw (text, rules, boxes, charts):
//! pure, so pagination and placement are tested without a PDF; `draw` turns it into one.

use super::fonts;
use crate::dashboards::chart_svg::chart_svg;
use crate::dashboards::model::{Chart, ColumnKind, Kpi, Table};
use crate::dashboards::scale::group_number;

/// A4 landscape, in points: wide tables and charts read across.
pub const PAGE_WIDTH: f32 = 842.0;
pub const PAGE_HEIGHT: f32 = 595.0;
pub const MARGIN: f32 = 40.0;
const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
/// Below the running header.
const TOP: f32 = MARGIN + 24.0;
/// Above the footer.
const BOTTOM: f32 = PAGE_HEIGHT - MARGIN - 16.0;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rgb(pub u8, pub u8, pub u8);

pub const INK: Rgb = Rgb(0x1f, 0x29, 0x33);
pub const MUTED: Rgb = Rgb(0x5b, 0x66, 0x75);
pub const ACCENT: Rgb = Rgb(0x1d, 0x3f, 0x6e);
const LINE: Rgb = Rgb(0xd5, 0xdb, 0xe3);
const PANEL: Rgb = Rgb(0xf3, 0xf5, 0xf8);

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        colour: Rgb,
        text: String,
    },
    Rule {
        x1: f32,
        x2: f32,
        y: f32,
        colour: Rgb,
    },
    Box {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        colour: Rgb,
    },
    /// A standalone SVG drawn into the box.
    Svg {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        svg: String,
    },
}

/// Places content top to bottom, starting a new page when the next piece does not fit.
pub struct Flow {
    pub pages: Vec<Vec<Item>>,
    y: f32,
}

impl Default for Flow {
    fn default() -> Self {
        Self::new()
    }
}

impl Flow {
    pub fn new() -> Self {
        Self {
            pages: vec![vec![]],
            y: TOP,
        }
    }

    fn push(&mut self, item: Item) {
        if let Some(page) = self.pages.last_mut() {
            page.push(item);
        }
    }

    /// The page being filled (0 = the first).
    pub fn page_index(&self) -> usize {
        self.pages.len().saturating_sub(1)
    }

    pub fn new_page(&mut self) {
        if self.pages.last().is_some_and(|p| !p.is_empty()) {
            self.pages.push(vec![]);
        }
        self.y = TOP;
    }

    /// Room for `height` more points, or a new page.
    fn room(&mut self, height: f32) {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, size: f32, bold: bool, colour: Rgb, text: String) {
        self.push(Item::Text {
            x,
            y: self.y,
            size,
            bold,
            colour,
            text,
        });
    }

    pub fn gap(&mut self, height: f32) {
        self.y += height;
    }

    pub fn title(&mut self, text: &str, size: f32) {
        self.room(size * 2.0 + 40.0);
        self.y += size;
        self.text(MARGIN, size, true, ACCENT, text.to_owned());
        self.y += size * 0.6;
        self.push(Item::Rule {
            x1: MARGIN,
            x2: PAGE_WIDTH - MARGIN,
            y: self.y,
            colour: LINE,
        });
        self.y += 8.0;
    }

    /// Wrapped text; each line finds its own room.
    pub fn paragraph(&mut self, text: &str, size: f32, colour: Rgb) {
        for line in fonts::wrap(text, size, false, CONTENT_WIDTH) {
            self.room(size * 1.4);
            self.y += size * 1.4;
            if !line.is_empty() {
                self.text(MARGIN, size, false, colour, line);
            }
        }
        self.y += size * 0.4;
    }

    pub fn bullets(&mut self, lines: &[String], size: f32) {
        for line in lines {
            for (i, part) in fonts::wrap(line, size, false, CONTENT_WIDTH - 12.0)
                .into_iter()
                .enumerate()
            {
                self.room(size * 1.4);
                self.y += size * 1.4;
                if i == 0 {
                    self.text(MARGIN, size, false, MUTED, "•".to_owned());
                }
                self.text(MARGIN + 12.0, size, false, INK, part);
            }
        }
        self.y += size * 0.6;
    }

    /// The headline cards, three to a row: title, the figure as the card shows it, the exact
    /// figure, and the card's detail lines.
    pub fn cards(&mut self, kpis: &[Kpi]) {
        const COLUMNS: usize = 3;
        const GUTTER: f32 = 10.0;
        const LEADING: f32 = 1.35;
        let width = (CONTENT_WIDTH - GUTTER * (COLUMNS - 1) as f32) / COLUMNS as f32;
        for row in kpis.chunks(COLUMNS) {
            let lines = |kpi: &Kpi| {
                let mut lines = vec![(9.0, true, MUTED, kpi.title.clone())];
                lines.push((16.0, true, INK, kpi.shown.clone()));
                if kpi.value != kpi.shown && !kpi.value.is_empty() {
                    lines.push((8.0, false, MUTED, kpi.value.clone()));
                }
                for (shown, exact) in kpi.shown_detail.iter().zip(&kpi.detail) {
                    lines.push((8.0, false, INK, shown.clone()));
                    if exact != shown {
                        lines.push((7.0, false, MUTED, exact.clone()));
                    }
                }
                lines
            };
            let height = row
                .iter()
                .map(|kpi| lines(kpi).iter().map(|l| l.0 * LEADING).sum::<f32>())
                .fold(0.0, f32::max)
                + 10.0;
            self.room(height + GUTTER);
            let top = self.y;
            for (i, kpi) in row.iter().enumerate() {
                let x = MARGIN + i as f32 * (width + GUTTER);
                self.push(Item::Box {
                    x,
                    y: top,
                    width,
                    height,
                    colour: PANEL,
                });
                self.y = top + 4.0;
                for (size, bold, colour, text) in lines(kpi) {
                    self.y += size * LEADING;
                    let text = fonts::fit(&text, size, bold, width - 16.0);
                    self.text(x + 8.0, size, bold, colour, text);
                }
            }
            self.y = top + height + GUTTER;
        }
    }

    /// A dashboard chart (its SVG, scaled to the text width) under its title, with each
    /// series named in its colour; a chart without points says so instead.
    pub fn chart(&mut self, chart: &Chart) {
        let Some(svg) = chart_svg(chart) else {
            self.room(30.0);
            self.y += 12.0;
            self.text(MARGIN, 10.0, true, INK, chart.title.clone());
            self.paragraph(&chart.empty, 9.0, MUTED);
            return;
        };
        let height = CONTENT_WIDTH
            * (crate::dashboards::chart_geometry::HEIGHT / crate::dashboards::chart_geometry::WIDTH)
                as f32;
        self.room(height + 36.0);
        self.y += 12.0;
        self.text(MARGIN, 10.0, true, INK, chart.title.clone());
        self.y += 14.0;
        let mut x = MARGIN;
        for (i, series) in chart.series.iter().enumerate() {
            let colour = series_colour(i);
            self.push(Item::Box {
                x,
                y: self.y - 7.0,
                width: 8.0,
                height: 8.0,
                colour,
            });
            self.text(x + 11.0, 8.0, false, INK, series.name.clone());
            x += 24.0 + fonts::width(&series.name, 8.0, false);
        }
        self.y += 6.0;
        self.push(Item::Svg {
            x: MARGIN,
            y: self.y,
            width: CONTENT_WIDTH,
            height,
            svg,
        });
        self.y += height + 8.0;
    }

    /// A table with its header repeated on every page it runs onto; figures right-aligned
    /// and grouped as on the dashboards. The type shrinks (down to 6 pt) to fit the width,
    /// and cells still too wide are cut with an ellipsis.
    pub fn table(&mut self, table: &Table) {
        self.room(40.0);
        self.y += 14.0;
        self.text(MARGIN, 10.0, true, INK, table.title.clone());
        self.y += 4.0;
        if table.rows.is_empty() {
            self.paragraph("No rows.", 9.0, MUTED);
            return;
        }
        let cells: Vec<Vec<String>> = table
            .rows
            .iter()
            .map(|row| {
                row.iter()
                    .enumerate()
                    .map(|(i, cell)| match table.kinds.get(i) {
                        Some(ColumnKind::Number) => group_number(cell),
                        _ => cell.clone(),
                    })
                    .collect()
            })
            .collect();
        let headers: Vec<String> = table.columns.iter().map(|c| c.replace('_', " ")).collect();
        let natural = |size: f32| -> Vec<f32> {
            (0..headers.len())
                .map(|i| {
                    let body = cells
                        .iter()
                        .filter_map(|r| r.get(i))
                        .map(|c| fonts::width(c, size, false))
                        .fold(0.0, f32::max);
                    body.max(fonts::width(&headers[i], size, true)) + 10.0
                })
                .collect()
        };
        let mut size = 8.0;
        let mut widths = natural(size);
        while widths.iter().sum::<f32>() > CONTENT_WIDTH && size > 6.0 {
            size -= 0.5;
            widths = natural(size);
        }
        let total: f32 = widths.iter().sum();
        if total > CONTENT_WIDTH {
            let scale = CONTENT_WIDTH / total;
            widths.iter_mut().for_each(|w| *w *= scale);
        }
        let line = size * 1.6;
        let right = |i: usize| table.kinds.get(i) == Some(&ColumnKind::Number);
        let header = |flow: &mut Flow| {
            flow.y += line;
            let mut x = MARGIN;
            for (i, name) in headers.iter().enumerate() {
                let text = fonts::fit(name, size, true, widths[i] - 6.0);
                let at = if right(i) {
                    x + widths[i] - 5.0 - fonts::width(&text, size, true)
                } else {
                    x
                };
                flow.text(at, size, true, MUTED, text);
                x += widths[i];
            }
            flow.y += size * 0.5;
            flow.push(Item::Rule {
                x1: MARGIN,
                x2: MARGIN + widths.iter().sum::<f32>(),
                y: flow.y,
                colour: LINE,
            });
        };
        header(self);
        for row in &cells {
            if self.y + line > BOTTOM {
                self.new_page();
                header(self);
            }
            self.y += line;
            let mut x = MARGIN;
            for (i, cell) in row.iter().enumerate() {
                let Some(w) = widths.get(i) else { break };
                let text = fonts::fit(cell, size, false, w - 6.0);
                let at = if right(i) {
                    x + w - 5.0 - fonts::width(&text, size, false)
                } else {
                    x
                };
                self.text(at, size, false, INK, text);
                x += w;
            }
        }
        self.y += 10.0;
    }

    /// The running header and the page numbers, once the page count is known.
    pub fn finish(mut self, header: &str, label: &str) -> Vec<Vec<Item>> {
        let count = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            let at = |x: f32, y: f32, text: String| Item::Text {
                x,
                y,
                size: 8.0,
                bold: false,
                colour: MUTED,
                text,
            };
            page.push(at(MARGIN, MARGIN, header.to_owned()));
            page.push(at(
                PAGE_WIDTH - MARGIN - fonts::width(label, 8.0, false),
                MARGIN,
                label.to_owned(),
            ));
            let number = format!("Page {} of {count}", i + 1);
            page.push(at(
                PAGE_WIDTH - MARGIN - fonts::width(&number, 8.0, false),
                PAGE_HEIGHT - MARGIN,
                number,
            ));
        }
        self.pages
    }
}

pub fn series_colour(index: usize) -> Rgb {
    let hex = crate::dashboards::chart_svg::SERIES_COLOURS[index % 8];
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
    Rgb(byte(1), byte(3), byte(5))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: usize) -> Table {
        Table {
            id: "t".into(),
            title: "Commitments by vendor".into(),
            columns: vec!["vendor".into(), "committed".into()],
            kinds: vec![ColumnKind::Text, ColumnKind::Number],
            rows: (0..rows)
                .map(|i| vec![format!("Vendor {i}"), "1234567.89".into()])
                .collect(),
            links: vec![],
        }
    }

    fn texts(page: &[Item]) -> Vec<&str> {
        page.iter()
            .filter_map(|item| match item {
                Item::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }

    fn inside_the_page(pages: &[Vec<Item>]) -> bool {
        pages.iter().flatten().all(|item| match item {
            Item::Text { x, y, .. } => {
                *x >= 0.0 && *x < PAGE_WIDTH && *y > 0.0 && *y <= PAGE_HEIGHT - MARGIN
            }
            Item::Box { y, height, .. } | Item::Svg { y, height, .. } => y + height <= BOTTOM + 1.0,
            Item::Rule { y, .. } => *y <= BOTTOM,
        })
    }

    #[test]
    fn a_long_table_runs_onto_more_pages_with_its_header_on_each() {
        let mut flow = Flow::new();
        flow.table(&table(120));
        let pages = flow.finish("Board pack", "Draft");
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for page in &pages {
            assert!(
                texts(page).contains(&"committed"),
                "a page without the header"
            );
        }
        let rows: usize = pages
            .iter()
            .map(|p| texts(p).iter().filter(|t| t.starts_with("Vendor ")).count())
            .sum();
        assert_eq!(rows, 120);
        assert!(texts(&pages[0]).contains(&"1,234,567.89"));
        assert!(texts(pages.last().unwrap()).contains(&"Page 3 of 3") || pages.len() != 3);
        assert!(inside_the_page(&pages));
    }

    #[test]
    fn figures_are_right_aligned_in_their_column() {
        let mut flow = Flow::new();
        let mut t = table(2);
        t.rows[1][1] = "5.00".into();
        flow.table(&t);
        let pages = flow.finish("", "");
        let right_edge = |wanted: &str| {
            pages[0].iter().find_map(|item| match item {
                Item::Text { x, text, size, .. } if text == wanted => {
                    Some(x + fonts::width(text, *size, false))
                }
                _ => None,
            })
        };
        let (long, short) = (
            right_edge("1,234,567.89").unwrap(),
            right_edge("5.00").unwrap(),
        );
        assert!((long - short).abs() < 0.01, "{long} vs {short}");
    }

    #[test]
    fn cards_sit_three_to_a_row_and_show_the_exact_figure_under_the_short_one() {
        let kpi = |i: usize| Kpi {
            id: format!("k{i}"),
            title: format!("Card {i}"),
            value: "USD 614900000000.00".into(),
            shown: "$614.9B".into(),
            detail: vec![],
            shown_detail: vec![],
            href: String::new(),
        };
        let mut flow = Flow::new();
        flow.cards(&(0..4).map(kpi).collect::<Vec<_>>());
        let pages = flow.finish("", "");
        let boxes: Vec<(f32, f32)> = pages[0]
            .iter()
            .filter_map(|item| match item {
                Item::Box { x, y, .. } => Some((*x, *y)),
                _ => None,
            })
            .collect();
        assert_eq!(boxes.len(), 4);
        assert_eq!(boxes[0].1, boxes[2].1);
        assert!(boxes[3].1 > boxes[0].1 && boxes[3].0 == boxes[0].0);
        let t = texts(&pages[0]);
        assert_eq!(t.iter().filter(|s| **s == "USD 614900000000.00").count(), 4);
        assert!(inside_the_page(&pages));
    }

    #[test]
    fn series_colours_are_the_dashboards() {
        assert_eq!(series_colour(0), Rgb(0x2f, 0x6f, 0xba));
        assert_eq!(series_colour(9), series_colour(1));
    }
}
