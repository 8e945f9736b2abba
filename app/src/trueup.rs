//! The true-up and the burn-down chart of one contract for its page: the `trueup` report's rows for it, as a table
//! with the report's CSV behind "Download CSV".

use crate::dashboards::model::Table;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "get_trueup", input = GetUrl)]
pub async fn get_trueup(contract: String) -> Result<Table, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    let state = crate::state::app_state()?;
    let filters = reports::parse_filters(None, &[], std::slice::from_ref(&contract), &[])
        .map_err(|e| ServerFnError::new(e.to_string()))?;
    let request = reports::ReportRequest::new(filters);
    let report = reports::run(
        &state.reports,
        &state.db,
        reports::ReportName::TrueUp,
        &request,
    )
    .await
    .map_err(|e| ServerFnError::new(e.to_string()))?;
    let table = &report.table;
    let link = format!(
        "/dashboards/burndown?contract={}",
        crate::paging::path_segment(&contract)
    );
    Ok(Table::from_report(
        "trueup",
        "True-up by fulfilment interval",
        table,
        vec![link; table.rows.len()],
    ))
}

#[component]
pub fn TrueUpSection(reference: String) -> impl IntoView {
    let for_fetch = reference.clone();
    let table = Resource::new(|| (), move |_| get_trueup(for_fetch.clone()));
    let downloads = crate::dashboards::Downloads::report(
        "trueup",
        &format!("?contract={}", crate::paging::path_segment(&reference)),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let downloads = downloads.clone();
                Suspend::new(async move {
                    match table.await {
                        Ok(t) => view! { <crate::dashboards::pages::TableView table=t downloads=downloads/> }.into_any(),
                        Err(e) => view! { <p class="error" role="alert">{crate::forms::server_message(&e)}</p> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}

/// The contract's burn-down chart: the burn-down dashboard's own chart for this contract
/// (spend, commitment, on-pace and projection lines), with its CSV.
#[component]
pub fn BurnDownSection(reference: String) -> impl IntoView {
    use crate::dashboards::{DashboardQuery, View};
    let query = DashboardQuery {
        contract: reference,
        ..Default::default()
    };
    let for_fetch = query.clone();
    let dashboard = Resource::new(
        || (),
        move |_| crate::dashboards::pages::load(View::BurnDown, for_fetch.clone()),
    );
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || {
                let query = query.clone();
                Suspend::new(async move {
                    match dashboard.await {
                        Ok(d) => {
                            // One spend commitment: its own chart; several: them together.
                            let chart = d.charts.into_iter().find(|c| {
                                c.id == "contract-burndown" || c.id == "portfolio-burndown"
                            });
                            match chart {
                                Some(c) => {
                                    let downloads = query.downloads(View::BurnDown, &c.id);
                                    view! { <crate::dashboards::chart_view::ChartView chart=c downloads=downloads/> }.into_any()
                                }
                                None => view! { <p class="empty">"No spend commitment to burn down."</p> }.into_any(),
                            }
                        }
                        Err(e) => view! { <crate::forms::LoadError error=e/> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
