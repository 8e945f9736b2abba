//! Usage: the spend billed by each vendor, burned against a contract or (on-demand) none, a page at a time, with a date-range filter;
//! add one entry or correct one (the original stays in the audit trail).

use crate::auth::CsrfField;
use crate::forms::{field_errors, Field, FormStatus, LoadError, Saved, SelectField};
use crate::paging::{page_param, param, Pager};
use domain::views::{Page, UsageRow};
use domain::Quantity;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

pub const PAGE_SIZE: u64 = 100;

#[cfg(feature = "ssr")]
fn optional_date(raw: &str, what: &str) -> Result<Option<chrono::NaiveDate>, ServerFnError> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    domain::date::parse_iso_date(raw)
        .map(Some)
        .map_err(|e| ServerFnError::new(format!("{what}: {e}")))
}

#[server(prefix = "/api", endpoint = "list_usage", input = GetUrl)]
pub async fn list_usage(
    contract: String,
    vendor: String,
    from: String,
    to: String,
    page: u64,
) -> Result<Page<UsageRow>, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    use store::ledger::{usage::Filter, PageRequest};
    let state = crate::state::app_state()?;
    let filter = Filter {
        contract: Some(contract).filter(|c| !c.is_empty()),
        vendor: Some(vendor).filter(|v| !v.is_empty()),
        from: optional_date(&from, "from")?,
        to: optional_date(&to, "to")?,
    };
    store::ledger::usage::list(&state.db, &filter, PageRequest::new(page, PAGE_SIZE))
        .await
        .map_err(crate::forms::database_error)
}

/// References of the active contracts, for the pickers.
#[server(prefix = "/api", endpoint = "contract_references", input = GetUrl)]
pub async fn contract_references() -> Result<Vec<String>, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    let state = crate::state::app_state()?;
    let contracts = store::ledger::contract_overviews(&state.db)
        .await
        .map_err(crate::forms::database_error)?;
    Ok(contracts.into_iter().map(|c| c.reference).collect())
}

/// The usage form's fields, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct UsageInput {
    pub contract: String,
    /// Only for spend under no contract (scripts posting the older form leave it out).
    #[serde(default)]
    pub vendor: String,
    #[serde(default)]
    pub currency: String,
    pub date: String,
    pub amount: String,
    pub quantity: String,
    pub unit: String,
    pub sku: String,
    /// The contract's commitment to apply it to; empty: the only one whose period and scope
    /// hold it.
    #[serde(default)]
    pub commitment: String,
}

#[cfg(feature = "ssr")]
impl UsageInput {
    fn parse(&self) -> Result<domain::NewUsage, Vec<domain::FieldError>> {
        domain::NewUsage::parse(&domain::entries::RawUsage {
            contract: &self.contract,
            vendor: &self.vendor,
            currency: &self.currency,
            date: &self.date,
            amount: &self.amount,
            quantity: &self.quantity,
            unit: &self.unit,
            sku: &self.sku,
            commitment: &self.commitment,
        })
    }
}

#[server(prefix = "/api", endpoint = "add_usage")]
pub async fn add_usage(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    usage: UsageInput,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let new = match usage.parse() {
        Ok(new) => new,
        Err(errors) => return Ok(Err(errors)),
    };
    let result = store::ledger::usage::add(&state.db, &who.username, new).await;
    crate::forms::answer(result.map(|id| format!("Usage entry #{id} added.")))
}

#[server(prefix = "/api", endpoint = "correct_usage")]
pub async fn correct_usage(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    id: String,
    usage: UsageInput,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let id = crate::forms::parse_id(&id, "usage entry")?;
    let new = match usage.parse() {
        Ok(new) => new,
        Err(errors) => return Ok(Err(errors)),
    };
    let result = store::ledger::usage::correct(&state.db, &who.username, id, new).await;
    crate::forms::answer(result.map(|()| format!("Usage entry #{id} corrected.")))
}

#[component]
pub fn UsagePage() -> impl IntoView {
    let query = use_query_map();
    let add = ServerAction::<AddUsage>::new();
    let correct = ServerAction::<CorrectUsage>::new();
    let editing = RwSignal::new(None::<UsageRow>);
    let usage = Resource::new(
        move || {
            let q = query.get();
            (
                param(&q, "contract"),
                param(&q, "vendor"),
                param(&q, "from"),
                param(&q, "to"),
                page_param(&q),
                add.version().get() + correct.version().get(),
            )
        },
        |(contract, vendor, from, to, page, _)| list_usage(contract, vendor, from, to, page),
    );
    let references = Resource::new(|| (), |_| contract_references());
    view! {
        <h1>"Usage"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let references = references.await.unwrap_or_default();
                let q = query.get_untracked();
                view! {
                    <UsageFilters references=references.clone()/>
                    <div class="form-row" class:hidden=!crate::auth::may(domain::Permission::WriteEntries)>
                        <UsageForm add references=references.clone() selected=param(&q, "contract")/>
                        {move || editing.get().map(|row| view! { <CorrectUsageForm correct row references=references.clone()/> })}
                    </div>
                }
            })}
        </Suspense>
        <Transition fallback=|| view! { <p class="loading">"Loading usage…"</p> }>
            {move || Suspend::new(async move {
                let q = query.get_untracked();
                match usage.await {
                    Ok(page) => Either::Left(view! {
                        <UsageTable rows=page.rows.clone() correct=crate::auth::may(domain::Permission::WriteEntries).then_some(editing)/>
                        <Pager
                            page=page.page
                            page_count=page.page_count()
                            total=page.total
                            path="/usage"
                            filters=vec![("contract", param(&q, "contract")), ("vendor", param(&q, "vendor")), ("from", param(&q, "from")), ("to", param(&q, "to"))]
                        />
                    }),
                    Err(e) => Either::Right(view! { <LoadError error=e/> }),
                }
            })}
        </Transition>
    }
}

fn contract_options(references: Vec<String>, blank: &str) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), blank.to_owned())];
    options.extend(references.into_iter().map(|r| (r.clone(), r)));
    options
}

#[component]
fn UsageFilters(references: Vec<String>) -> impl IntoView {
    let q = use_query_map().get_untracked();
    let no_errors = Signal::derive(Vec::new);
    view! {
        <Form method="GET" action="" attr:class="filters">
            <SelectField form="usage-filter" name="contract" label="Contract" errors=no_errors options=contract_options(references, "All contracts") selected=param(&q, "contract")/>
            {(!param(&q, "vendor").is_empty()).then(|| view! {
                // Kept while the other filters change (a drill-down from a dashboard sets it).
                <div class="field">
                    <span class="label">"Vendor"</span>
                    <input type="hidden" name="vendor" value=param(&q, "vendor")/>
                    <span class="filter-value">{param(&q, "vendor")} " " <a href="/usage">"(all)"</a></span>
                </div>
            })}
            <Field form="usage-filter" name="from" label="From" errors=no_errors input_type="date" value=param(&q, "from")/>
            <Field form="usage-filter" name="to" label="To" errors=no_errors input_type="date" value=param(&q, "to")/>
            <button type="submit">"Apply"</button>
        </Form>
    }
}

/// The usage fields (named `usage[field]`), shared by the add and correct forms.
#[component]
fn UsageFields(
    form: &'static str,
    errors: Signal<Vec<domain::FieldError>>,
    references: Vec<String>,
    initial: UsageInput,
) -> impl IntoView {
    let errors = Signal::derive(move || {
        errors
            .get()
            .into_iter()
            .map(|e| domain::FieldError::new(&format!("usage[{}]", e.column), e.reason))
            .collect::<Vec<_>>()
    });
    view! {
        <SelectField form name="usage[contract]" label="Contract" errors options=contract_options(references, "No contract (on-demand spend)") selected=initial.contract/>
        <Field form name="usage[vendor]" label="Vendor" errors value=initial.vendor hint="without a contract"/>
        <Field form name="usage[currency]" label="Currency" errors value=initial.currency hint="without a contract: USD"/>
        <Field form name="usage[date]" label="Date" errors input_type="date" value=initial.date required=true/>
        <Field form name="usage[amount]" label="Amount" errors inputmode="decimal" value=initial.amount required=true hint="1250.00 (up to 6 places)"/>
        <Field form name="usage[quantity]" label="Quantity" errors inputmode="decimal" value=initial.quantity required=true/>
        <Field form name="usage[unit]" label="Unit" errors value=initial.unit required=true hint="gpu_hour"/>
        <Field form name="usage[sku]" label="SKU" errors value=initial.sku/>
        <Field form name="usage[commitment]" label="Commitment" errors value=initial.commitment hint="empty: by period and scope"/>
    }
}

#[component]
fn UsageForm(
    add: ServerAction<AddUsage>,
    references: Vec<String>,
    selected: String,
) -> impl IntoView {
    let errors = field_errors(add.value());
    let initial = UsageInput {
        contract: selected,
        ..Default::default()
    };
    view! {
        <ActionForm action=add>
            <CsrfField/>
            <fieldset class="form-grid compact">
                <legend>"Add usage"</legend>
                <UsageFields form="add-usage" errors references initial/>
                <button type="submit">"Add usage"</button>
                <FormStatus answer=add.value() pending=add.pending()/>
            </fieldset>
        </ActionForm>
    }
}

#[component]
fn CorrectUsageForm(
    correct: ServerAction<CorrectUsage>,
    row: UsageRow,
    references: Vec<String>,
) -> impl IntoView {
    let errors = field_errors(correct.value());
    let initial = UsageInput {
        contract: row.contract.clone().unwrap_or_default(),
        vendor: if row.contract.is_none() {
            row.vendor.clone()
        } else {
            String::new()
        },
        currency: if row.contract.is_none() {
            row.currency.to_string()
        } else {
            String::new()
        },
        date: row.date.to_string(),
        amount: domain::exact::format_full(row.amount_e6),
        quantity: Quantity::from_micros(row.quantity_micros).to_string(),
        unit: row.unit.clone(),
        sku: row.sku.clone(),
        commitment: row.commitment.clone().unwrap_or_default(),
    };
    view! {
        <ActionForm action=correct>
            <CsrfField/>
            <fieldset class="form-grid compact">
                <legend>{format!("Correct entry #{}", row.id)}</legend>
                <input type="hidden" name="id" value=row.id.to_string()/>
                <UsageFields form="correct-usage" errors references initial/>
                <button type="submit">"Save correction"</button>
                <FormStatus answer=correct.value() pending=correct.pending()/>
            </fieldset>
        </ActionForm>
    }
}

/// Usage rows; with `correct`, each row has a button that opens the correction form.
#[component]
pub fn UsageTable(
    rows: Vec<UsageRow>,
    correct: Option<RwSignal<Option<UsageRow>>>,
) -> impl IntoView {
    if rows.is_empty() {
        return Either::Left(
            view! { <p class="empty">"No usage recorded for this selection."</p> },
        );
    }
    Either::Right(view! {
        <table class="ledger-table" id="usage">
            <thead>
                <tr>
                    <th scope="col">"#"</th>
                    <th scope="col">"Date"</th>
                    <th scope="col">"Contract"</th>
                    <th scope="col">"Vendor"</th>
                    <th scope="col" class="num">"Amount"</th>
                    <th scope="col" class="num">"Quantity"</th>
                    <th scope="col">"Unit"</th>
                    <th scope="col">"SKU"</th>
                    <th scope="col">"Commitment"</th>
                    {correct.is_some().then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let for_button = row.clone();
                        let contract = match row.contract.clone() {
                            Some(contract) => {
                                let href = format!("/contracts/{}", crate::paging::path_segment(&contract));
                                Either::Left(view! { <A href=href>{contract}</A> })
                            }
                            None => Either::Right(view! { <span class="muted">"none (on-demand)"</span> }),
                        };
                        view! {
                            <tr>
                                <td class="num">{row.id}</td>
                                <td class="date">{row.date.to_string()}</td>
                                <td>{contract}</td>
                                <td>{row.vendor.clone()}</td>
                                <td class="num">{row.amount_display()}</td>
                                <td class="num">{Quantity::from_micros(row.quantity_micros).to_string()}</td>
                                <td>{row.unit.clone()}</td>
                                <td>{row.sku.clone()}</td>
                                <td>{row.commitment.clone().unwrap_or_default()}</td>
                                {correct.map(|editing| view! {
                                    <td>
                                        <button type="button" class="link" on:click=move |_| editing.set(Some(for_button.clone()))>
                                            "Correct"
                                        </button>
                                    </td>
                                })}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    })
}
