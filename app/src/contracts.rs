//! The contracts list: every active commitment, what is burned and what is left.

use domain::views::ContractOverview;
use domain::Money;
use leptos::either::EitherOf3;
use leptos::prelude::*;

#[server]
pub async fn list_contracts() -> Result<Vec<ContractOverview>, ServerFnError> {
    let state = expect_context::<crate::state::AppState>();
    store::ledger::contract_overviews(&state.db)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "listing contracts failed");
            ServerFnError::new("The contracts could not be loaded. Please try again.")
        })
}

#[component]
pub fn ContractsPage() -> impl IntoView {
    let contracts = Resource::new(|| (), |_| list_contracts());
    view! {
        <h1>"Contracts"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading contracts…"</p> }>
            {move || Suspend::new(async move {
                match contracts.await {
                    Ok(list) if list.is_empty() => EitherOf3::A(view! {
                        <p class="empty">
                            "No contracts yet. Import contracts.csv with "
                            <code>"compute-ledger import DIR"</code>"."
                        </p>
                    }),
                    Ok(list) => EitherOf3::B(view! { <ContractTable contracts=list/> }),
                    Err(e) => EitherOf3::C(view! { <p class="error" role="alert">{e.to_string()}</p> }),
                }
            })}
        </Suspense>
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
fn ContractTable(contracts: Vec<ContractOverview>) -> impl IntoView {
    let sort = RwSignal::new((SortKey::Reference, true));
    let totals = single_currency_totals(&contracts);
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
                        view! {
                            <tr>
                                <th scope="row">{c.reference.clone()}</th>
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
            {totals.map(|(committed, burned)| {
                let remaining = Money::from_minor(committed.minor() - burned.minor(), committed.currency());
                view! {
                    <tfoot>
                        <tr>
                            <th scope="row" colspan="4">"Total"</th>
                            <td class="num">{committed.display_grouped()}</td>
                            <td class="num">{burned.display_grouped()}</td>
                            <td class="num">{remaining.display_grouped()}</td>
                            <td></td>
                        </tr>
                    </tfoot>
                }
            })}
        </table>
    }
}

/// Totals make sense only when every contract is in the same currency.
fn single_currency_totals(contracts: &[ContractOverview]) -> Option<(Money, Money)> {
    let currency = contracts.first()?.currency;
    if contracts.iter().any(|c| c.currency != currency) {
        return None;
    }
    let committed = contracts.iter().map(|c| c.committed_minor).sum();
    let burned = contracts.iter().map(|c| c.burned_minor).sum();
    Some((
        Money::from_minor(committed, currency),
        Money::from_minor(burned, currency),
    ))
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
