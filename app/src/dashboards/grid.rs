//! Report cells as a table people read: headers in words (the machine name on hover; the CSV
//! keeps it), numbers right-aligned and grouped in thousands, quantities with their unit,
//! dates as the reports write them (ISO). One component for every table of figures.

use super::model::ColumnKind;
use super::scale::group_number;
use leptos::prelude::*;

#[component]
pub fn Grid(
    columns: Vec<String>,
    kinds: Vec<ColumnKind>,
    rows: Vec<Vec<String>>,
    /// Where each row's first cell leads, if anywhere.
    #[prop(optional)]
    links: Vec<Option<String>>,
    /// The first cell of a row names it (a `<th>`).
    #[prop(optional)]
    row_heads: bool,
) -> impl IntoView {
    let kind = move |i: usize| kinds.get(i).copied().unwrap_or_default();
    let unit_at = columns.iter().position(|c| c == "unit" || c == "resource");
    let quantity: Vec<bool> = columns
        .iter()
        .map(|c| domain::columns::is_quantity(c))
        .collect();
    let headers = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let class = (kind(i) == ColumnKind::Number).then_some("num");
            view! { <th scope="col" class=class title=c.clone()>{domain::columns::header(c)}</th> }
        })
        .collect_view();
    let body = rows
        .into_iter()
        .enumerate()
        .map(|(r, row)| {
            let unit = unit_at
                .and_then(|u| row.get(u).cloned())
                .unwrap_or_default();
            let link = links.get(r).cloned().flatten();
            let cells = row
                .into_iter()
                .enumerate()
                .map(|(i, cell)| {
                    let (class, shown) = match kind(i) {
                        ColumnKind::Number => {
                            let mut shown = group_number(&cell);
                            if quantity[i] && !cell.is_empty() && !unit.is_empty() {
                                shown = format!("{shown} {unit}");
                            }
                            (Some("num"), shown)
                        }
                        ColumnKind::Date => (Some("date"), cell),
                        ColumnKind::Text => (None, cell),
                    };
                    let content = match (i, &link) {
                        (0, Some(href)) => view! { <a href=href.clone()>{shown}</a> }.into_any(),
                        _ => shown.into_any(),
                    };
                    if i == 0 && row_heads {
                        view! { <th scope="row" class=class>{content}</th> }.into_any()
                    } else {
                        view! { <td class=class>{content}</td> }.into_any()
                    }
                })
                .collect_view();
            view! { <tr>{cells}</tr> }
        })
        .collect_view();
    view! {
        <table class="ledger-table">
            <thead><tr>{headers}</tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}
