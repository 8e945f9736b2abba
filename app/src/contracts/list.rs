//! The contracts list: filtered by vendor and status, sorted, paged, with totals.

use crate::forms::{LoadError, SelectField};
use crate::paging::{page_param, param, Pager};
use domain::views::{ContractList, ContractOverview};
use domain::Money;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

pub const PAGE_SIZE: u64 = 50;

#[server(prefix = "/api", endpoint = "list_contracts", input = GetUrl)]
pub async fn list_contracts(
    vendor: String,
    status: String,
    page: u64,
) -> Result<ContractList, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    use store::ledger::contracts::{Filter, Status};
    let state = crate::state::app_state()?;
    let filter = Filter {
        vendor: Some(vendor).filter(|v| !v.is_empty()),
        status: Status::parse(&status).map_err(|e| ServerFnError::new(format!("status {e}")))?,
    };
    let page = store::ledger::PageRequest::new(page, PAGE_SIZE);
    store::ledger::contracts::list(&state.db, &filter, page)
        .await
        .map_err(crate::forms::database_error)
}

#[component]
pub fn ContractsPage() -> impl IntoView {
    let query = use_query_map();
    let contracts = Resource::new(
        move || {
            let q = query.get();
            (param(&q, "vendor"), param(&q, "status"), page_param(&q))
        },
        |(vendor, status, page)| list_contracts(vendor, status, page),
    );
    view! {
        <div class="page-head">
            <h1>"Contracts"</h1>
            {crate::auth::may(domain::Permission::WriteEntries).then(|| view! {
                <A href="/contracts/new" attr:class="button">"New contract"</A>
            })}
        </div>
        <Suspense fallback=|| view! { <p class="loading">"Loading contracts…"</p> }>
            {move || Suspend::new(async move {
                match contracts.await {
                    Ok(list) => Either::Left(view! { <ContractListView list/> }),
                    Err(e) => Either::Right(view! { <LoadError error=e/> }),
                }
            })}
        </Suspense>
    }
}

#[component]
fn ContractListView(list: ContractList) -> impl IntoView {
    let query = use_query_map().get_untracked();
    let vendor = param(&query, "vendor");
    let status = param(&query, "status");
    let mut vendor_options = vec![(String::new(), "All vendors".to_owned())];
    vendor_options.extend(list.vendors.iter().map(|v| (v.clone(), v.clone())));
    let status_options: Vec<(String, String)> = [
        ("active", "Active"),
        ("archived", "Archived"),
        ("all", "All"),
    ]
    .iter()
    .map(|(v, l)| (v.to_string(), l.to_string()))
    .collect();
    let no_errors = Signal::derive(Vec::new);
    let page = list.page.clone();
    let filters = vec![("vendor", vendor.clone()), ("status", status.clone())];
    view! {
        <Form method="GET" action="" attr:class="filters">
            <SelectField form="contract-filter" name="vendor" label="Vendor" errors=no_errors options=vendor_options selected=vendor/>
            <SelectField form="contract-filter" name="status" label="Status" errors=no_errors options=status_options selected=status/>
            <button type="submit">"Apply"</button>
        </Form>
        {if page.rows.is_empty() {
            Either::Left(view! {
                <p class="empty">
                    "No contracts match. Create one with “New contract”, or import contracts.csv on the "
                    <A href="/import">"Import"</A>" page."
                </p>
            })
        } else {
            Either::Right(view! {
                <ContractTable contracts=page.rows.clone() totals=list.totals.clone()/>
                <Pager page=page.page page_count=page.page_count() total=page.total path="/contracts" filters/>
            })
        }}
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Reference,
    Vendor,
    Term,
    Committed,
    Burned,
    Remaining,
}

impl SortKey {
    fn compare(self, a: &ContractOverview, b: &ContractOverview) -> std::cmp::Ordering {
        match self {
            SortKey::Reference => a.reference.cmp(&b.reference),
            SortKey::Vendor => a
                .vendor
                .cmp(&b.vendor)
                .then_with(|| a.reference.cmp(&b.reference)),
            SortKey::Term => a.end_date.cmp(&b.end_date),
            SortKey::Committed => a.committed_minor.cmp(&b.committed_minor),
            SortKey::Burned => a.burned_minor.cmp(&b.burned_minor),
            SortKey::Remaining => {
                (a.committed_minor - a.burned_minor).cmp(&(b.committed_minor - b.burned_minor))
            }
        }
    }
}

/// Sorting happens in the browser: no round trip, and it shows the page is hydrated.
#[component]
fn ContractTable(contracts: Vec<ContractOverview>, totals: Vec<(Money, Money)>) -> impl IntoView {
    let sort = RwSignal::new((SortKey::Reference, true));
    let rows = move || {
        let (key, ascending) = sort.get();
        let mut rows = contracts.clone();
        rows.sort_by(|a, b| {
            if ascending {
                key.compare(a, b)
            } else {
                key.compare(b, a)
            }
        });
        rows
    };
    view! {
        <table class="ledger-table" id="contracts">
            <thead>
                <tr>
                    <SortHeader label="Reference" key=SortKey::Reference sort/>
                    <SortHeader label="Vendor" key=SortKey::Vendor sort/>
                    <th scope="col">"Title"</th>
                    <SortHeader label="Term" key=SortKey::Term sort/>
                    <SortHeader label="Committed" key=SortKey::Committed sort numeric=true/>
                    <SortHeader label="Burned" key=SortKey::Burned sort numeric=true/>
                    <SortHeader label="Remaining" key=SortKey::Remaining sort numeric=true/>
                    <th scope="col" class="num">"Burned %"</th>
                </tr>
            </thead>
            <tbody>
                <For
                    each=rows
                    key=|c| c.reference.clone()
                    children=move |c| {
                        let href = format!("/contracts/{}", crate::paging::path_segment(&c.reference));
                        let reference = c.reference.clone();
                        view! {
                            <tr>
                                <th scope="row">
                                    <A href=href>{reference}</A>
                                    {c.archived.then(|| view! { <span class="badge">"archived"</span> })}
                                </th>
                                <td>{c.vendor.clone()}</td>
                                <td class="wrap">{c.title.clone()}</td>
                                <td class="date">{format!("{} – {}", c.start_date, c.end_date)}</td>
                                <td class="num">{c.committed().display_grouped()}</td>
                                <td class="num">{c.burned().display_grouped()}</td>
                                <td class="num">{c.remaining().display_grouped()}</td>
                                <td class="num">{format!("{:.1}%", c.burned_share() * 100.0)}</td>
                            </tr>
                        }
                    }
                />
            </tbody>
            <tfoot>
                {totals
                    .into_iter()
                    .map(|(committed, burned)| {
                        let remaining = Money::from_minor(committed.minor() - burned.minor(), committed.currency());
                        view! {
                            <tr>
                                <th scope="row" colspan="4">{format!("Total ({})", committed.currency())}</th>
                                <td class="num">{committed.display_grouped()}</td>
                                <td class="num">{burned.display_grouped()}</td>
                                <td class="num">{remaining.display_grouped()}</td>
                                <td></td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tfoot>
        </table>
    }
}

#[component]
fn SortHeader(
    label: &'static str,
    key: SortKey,
    sort: RwSignal<(SortKey, bool)>,
    #[prop(optional)] numeric: bool,
) -> impl IntoView {
    let aria_sort = move || match sort.get() {
        (k, true) if k == key => "ascending",
        (k, false) if k == key => "descending",
        _ => "none",
    };
    let on_click = move |_| {
        sort.update(|(k, ascending)| {
            if *k == key {
                *ascending = !*ascending;
            } else {
                *k = key;
                *ascending = true;
            }
        })
    };
    view! {
        <th scope="col" class:num=numeric aria-sort=aria_sort>
            <button type="button" class="sort" on:click=on_click>{label}</button>
        </th>
    }
}
