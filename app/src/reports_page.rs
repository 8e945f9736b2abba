//! The reports page: every report as CSV (opens in a spreadsheet) or JSON, for an as-of date,
//! optional vendor / contract filters and optionally a saved what-if scenario.

use crate::paging::{param, query_string};
use domain::ReportName;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn ReportsPage() -> impl IntoView {
    let query = use_query_map();
    let filters = move || {
        let q = query.get();
        query_string(&[
            ("as_of", param(&q, "as_of")),
            ("vendor", param(&q, "vendor")),
            ("contract", param(&q, "contract")),
            ("scenario", param(&q, "scenario")),
        ])
    };
    let q = query.get_untracked();
    let chosen = param(&q, "scenario");
    let scenarios = Resource::new(|| (), |_| crate::scenarios::list_scenarios());
    view! {
        <h1>"Reports"</h1>
        <Form method="GET" action="" attr:class="filters">
            <div class="field">
                <label for="report-as-of">"As of"</label>
                <input id="report-as-of" name="as_of" type="date" value=param(&q, "as_of")/>
            </div>
            <div class="field">
                <label for="report-vendor">"Vendor"</label>
                <input id="report-vendor" name="vendor" value=param(&q, "vendor") placeholder="all"/>
            </div>
            <div class="field">
                <label for="report-contract">"Contract"</label>
                <input id="report-contract" name="contract" value=param(&q, "contract") placeholder="all"/>
            </div>
            <Suspense fallback=|| ()>
                {move || {
                    let chosen = chosen.clone();
                    Suspend::new(async move {
                        // Without saved scenarios (or if they cannot be read) there is nothing to choose.
                        let names: Vec<String> = scenarios.await.unwrap_or_default().into_iter().map(|s| s.name).collect();
                        (!names.is_empty()).then(|| view! {
                            <div class="field">
                                <label for="report-scenario">"Scenario"</label>
                                <select id="report-scenario" name="scenario">
                                    <option value="" selected=chosen.is_empty()>"Baseline only"</option>
                                    {names.into_iter().map(|n| {
                                        let selected = n == chosen;
                                        let label = n.clone();
                                        view! { <option value=n selected=selected>{label}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                        })
                    })
                }}
            </Suspense>
            <button type="submit">"Apply"</button>
        </Form>
        <p>
            <a id="download-workbook" class="button secondary" href=move || format!("/api/reports/workbook.xlsx{}", filters()) download="">
                "Download workbook"
            </a>
            " every report below as one Excel file, a sheet each, with the query on its last sheet."
        </p>
        <table class="ledger-table" id="reports">
            <thead>
                <tr><th scope="col">"Report"</th><th scope="col">"What it answers"</th><th scope="col">"Download"</th></tr>
            </thead>
            <tbody>
                {ReportName::ALL.iter().map(|name| {
                    let name = *name;
                    view! {
                        <tr>
                            <th scope="row">{name.as_str()}</th>
                            <td class="wrap">{name.describe()} " " <a href=format!("/formats#report-{}", name.as_str())>"Columns and formulas"</a></td>
                            <td>
                                <a href=move || format!("/api/reports/{}.csv{}", name.as_str(), filters()) download="">"CSV"</a>
                                " · "
                                <a href=move || format!("/api/reports/{}.json{}", name.as_str(), filters())>"JSON"</a>
                                " · "
                                <a href=move || format!("/api/reports/{}.xlsx{}", name.as_str(), filters()) download="">"Excel"</a>
                                " · "
                                <a href=move || format!("/api/reports/{}.parquet{}", name.as_str(), filters()) download="">"Parquet"</a>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
