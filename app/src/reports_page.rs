//! The reports page: every report as CSV (opens in a spreadsheet) or JSON, for an as-of date
//! and optional vendor / contract filters.

use crate::paging::{param, query_string};
use crate::report_names::ReportName;
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
        ])
    };
    let q = query.get_untracked();
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
            <button type="submit">"Apply"</button>
        </Form>
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
                            <td class="wrap">{name.describe()}</td>
                            <td>
                                <a href=move || format!("/api/reports/{}.csv{}", name.as_str(), filters()) download="">"CSV"</a>
                                " · "
                                <a href=move || format!("/api/reports/{}.json{}", name.as_str(), filters())>"JSON"</a>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
