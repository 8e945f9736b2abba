//! The dashboard pages and the one server function behind them.

use super::chart_view::ChartView;
use super::grid::Grid;
use super::model::{Dashboard, Kpi, Table};
use super::scale::group_number;
use super::timeline_view::TimelineView;
use super::FigureDownloads;
use super::{DashboardQuery, View};
use crate::forms::{Field, SelectField};
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[server(prefix = "/api", endpoint = "dashboard", input = GetUrl)]
pub async fn load_dashboard(
    view: String,
    as_of: String,
    from: String,
    to: String,
    vendor: String,
    contract: String,
    #[server(default)] scenario: String,
    #[server(default)] currency: String,
    #[server(default)] commitments_at: String,
) -> Result<Dashboard, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    let state = crate::state::app_state()?;
    let view = View::parse(&view).map_err(ServerFnError::new)?;
    let query = DashboardQuery {
        as_of,
        from,
        to,
        vendor,
        contract,
        scenario,
        currency,
        commitments_at,
    };
    super::build::build(&state, view, &query)
        .await
        .map_err(|e| match e {
            reports::ReportError::BadRequest(message) => ServerFnError::new(message),
            other => {
                tracing::error!(error = ?other, view = view.as_str(), "dashboard failed");
                ServerFnError::new("the dashboard could not be computed; the server log says why")
            }
        })
}

/// A view's dashboard for a query: the server function's arguments spelled out once.
pub(crate) async fn load(view: View, q: DashboardQuery) -> Result<Dashboard, ServerFnError> {
    load_dashboard(
        view.as_str().to_owned(),
        q.as_of,
        q.from,
        q.to,
        q.vendor,
        q.contract,
        q.scenario,
        q.currency,
        q.commitments_at,
    )
    .await
}

#[component]
pub fn OverviewPage() -> impl IntoView {
    view! { <DashboardPage view=View::Overview/> }
}

#[component]
pub fn BurnDownPage() -> impl IntoView {
    view! { <DashboardPage view=View::BurnDown/> }
}

#[component]
pub fn RatioPage() -> impl IntoView {
    view! { <DashboardPage view=View::Ratio/> }
}

#[component]
pub fn ConcentrationPage() -> impl IntoView {
    view! { <DashboardPage view=View::Concentration/> }
}

#[component]
pub fn DeliveriesTimelinePage() -> impl IntoView {
    view! { <DashboardPage view=View::Deliveries/> }
}

#[component]
pub fn CapacityPage() -> impl IntoView {
    view! { <DashboardPage view=View::Capacity/> }
}

#[component]
fn DashboardPage(view: View) -> impl IntoView {
    let query = use_query_map();
    let data = Resource::new(
        move || DashboardQuery::from_params(&query.get()),
        move |q| load(view, q),
    );
    view! {
        <h1>{view.title()}</h1>
        <nav class="tabs" aria-label="Dashboards">
            {View::ALL.iter().map(|v| {
                let v = *v;
                let href = move || format!("{}{}", v.path(), DashboardQuery::from_params(&query.get()).query_string());
                view! { <A href=href attr:class="tab" attr:aria-current=move || (v == view).then_some("page")>{v.title()}</A> }
            }).collect_view()}
        </nav>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let q = DashboardQuery::from_params(&query.get_untracked());
                match data.await {
                    Ok(d) => view! { <DashboardBody view=view query=q data=d/> }.into_any(),
                    Err(e) => view! {
                        <FilterBar query=q vendors=vec![] contracts=vec![] scenarios=vec![] currencies=vec![] reporting=String::new()/>
                        <p class="error" role="alert">{crate::forms::server_message(&e)}</p>
                    }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DashboardBody(view: View, query: DashboardQuery, data: Dashboard) -> impl IntoView {
    let Dashboard {
        kpis,
        charts,
        tables,
        timeline,
        notes,
        vendors,
        contracts,
        scenarios,
        figures_as_of,
        currencies,
        reporting_currency,
        currency,
    } = data;
    let empty = charts.iter().all(|c| c.x.is_empty())
        && tables.iter().all(|t| t.rows.is_empty())
        && timeline.as_ref().is_none_or(|t| t.rows.is_empty());
    view! {
        <FilterBar query=query.clone() vendors=vendors contracts=contracts scenarios=scenarios currencies=currencies reporting=reporting_currency/>
        {(!currency.is_empty()).then(|| view! { <p class="currency-view" data-currency=currency.clone()>"Every amount in " {currency.clone()} " at the stored exchange rates."</p> })}
        {notes.into_iter().map(|n| view! { <p class="note">{n}</p> }).collect_view()}
        {(!figures_as_of.is_empty()).then(|| view! { <p class="as-of">"Figures as of " {figures_as_of}</p> })}
        {empty.then(|| view! {
            <p class="empty">"Nothing to show for these filters. Record contracts and usage (or " <a href="/import">"import"</a> " them), or widen the filters."</p>
        })}
        {(!kpis.is_empty()).then(|| view! {
            <section class="kpis" aria-label="Key figures">
                {kpis.into_iter().map(|k| view! { <KpiCard kpi=k/> }).collect_view()}
            </section>
        })}
        {charts.into_iter().map(|c| {
            let downloads = query.downloads(view, &c.id);
            view! { <ChartView chart=c downloads=downloads/> }
        }).collect_view()}
        {timeline.map(|t| {
            let downloads = query.downloads(view, &t.id);
            view! { <TimelineView timeline=t downloads=downloads/> }
        })}
        {tables.into_iter().map(|t| {
            let downloads = query.downloads(view, &t.id);
            view! { <TableView table=t downloads=downloads/> }
        }).collect_view()}
    }
}

/// Figures read better grouped ("USD 3,096,948,243.03") and ratios with two places ("2.88");
/// the exact text stays in `data-value` and the card's title.
fn group_words(text: &str) -> String {
    text.split(' ')
        .map(|word| match word.split_once('.') {
            Some((_, places)) if places.len() > 2 && places.bytes().all(|b| b.is_ascii_digit()) => {
                word.parse::<f64>()
                    .map(|v| group_number(&format!("{v:.2}")))
                    .unwrap_or_else(|_| word.to_owned())
            }
            _ => group_number(word),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[component]
fn KpiCard(kpi: Kpi) -> impl IntoView {
    // Hovering shows every exact figure behind the compact ones.
    let exact = std::iter::once(kpi.value.clone())
        .chain(kpi.detail.iter().cloned())
        .collect::<Vec<_>>()
        .join("\n");
    view! {
        <a class="kpi" href=kpi.href data-kpi=kpi.id data-value=kpi.value.clone() title=exact>
            <span class="kpi-title">{kpi.title}</span>
            <span class="kpi-value">{group_words(&kpi.shown)}</span>
            {kpi.shown_detail.into_iter().map(|d| view! { <span class="kpi-detail">{group_words(&d)}</span> }).collect_view()}
        </a>
    }
}

#[component]
pub(crate) fn TableView(table: Table, downloads: super::Downloads) -> impl IntoView {
    let links = table.links.into_iter().map(Some).collect();
    view! {
        <figure class="chart" data-table=table.id.clone()>
            <figcaption>
                <span class="chart-title">{table.title}</span>
                <FigureDownloads downloads=downloads/>
            </figcaption>
            <Grid columns=table.columns kinds=table.kinds rows=table.rows links=links row_heads=true/>
        </figure>
    }
}

/// The shared filter bar: a GET form, so the filters are the URL's query.
#[component]
fn FilterBar(
    query: DashboardQuery,
    vendors: Vec<String>,
    contracts: Vec<String>,
    scenarios: Vec<String>,
    /// Offered only when there is more than one to choose from.
    currencies: Vec<String>,
    reporting: String,
) -> impl IntoView {
    let no_errors = Signal::derive(Vec::new);
    let currency_choice = if currencies.len() > 1 {
        let options: Vec<(String, String)> =
            std::iter::once((String::new(), format!("{reporting} (reporting)")))
                .chain(
                    currencies
                        .into_iter()
                        .filter(|c| *c != reporting)
                        .map(|c| (c.clone(), c)),
                )
                .chain([("each".to_owned(), "Each currency".to_owned())])
                .collect();
        let at = vec![
            (String::new(), "at their start's rate".to_owned()),
            ("as_of".to_owned(), "at the as-of rate".to_owned()),
        ];
        Either::Right(view! {
            <SelectField form="dash" name="currency" label="Currency" errors=no_errors options=options selected=query.currency.clone()/>
            <SelectField form="dash" name="commitments_at" label="Commitments" errors=no_errors options=at selected=query.commitments_at.clone()/>
        })
    } else {
        Either::Left(view! {
            <input type="hidden" name="currency" value=query.currency.clone()/>
            <input type="hidden" name="commitments_at" value=query.commitments_at.clone()/>
        })
    };
    let options = |all: Vec<String>, none: &str| {
        std::iter::once((String::new(), none.to_owned()))
            .chain(all.into_iter().map(|v| (v.clone(), v)))
            .collect::<Vec<_>>()
    };
    view! {
        <Form method="GET" action="" attr:class="filters" attr:aria-label="Filters">
            <Field form="dash" name="from" label="From" errors=no_errors input_type="date" value=query.from/>
            <Field form="dash" name="to" label="To" errors=no_errors input_type="date" value=query.to/>
            <Field form="dash" name="as_of" label="As of" errors=no_errors input_type="date" value=query.as_of/>
            <SelectField form="dash" name="vendor" label="Vendor" errors=no_errors options=options(vendors, "All vendors") selected=query.vendor/>
            <SelectField form="dash" name="contract" label="Contract" errors=no_errors options=options(contracts, "All contracts") selected=query.contract/>
            {if scenarios.is_empty() {
                // Nothing to choose from (or the page failed): keep what the URL asked for.
                Either::Left(view! { <input type="hidden" name="scenario" value=query.scenario/> })
            } else {
                Either::Right(view! {
                    <SelectField form="dash" name="scenario" label="Scenario" errors=no_errors options=options(scenarios, "Baseline only") selected=query.scenario/>
                })
            }}
            {currency_choice}
            <button type="submit">"Apply"</button>
            <a class="reset" href="?">"Reset"</a>
        </Form>
    }
}

#[cfg(test)]
mod tests {
    use super::group_words;

    #[test]
    fn card_figures_are_grouped_and_ratios_shortened() {
        assert_eq!(group_words("USD 614900000000.00"), "USD 614,900,000,000.00");
        assert_eq!(group_words("2.876485786023303"), "2.88");
        assert_eq!(group_words("4965.775900749919"), "4,965.78");
        assert_eq!(group_words("B200 10000 of 10000"), "B200 10,000 of 10,000");
        assert_eq!(group_words("month of 2026-10-01"), "month of 2026-10-01");
    }
}
