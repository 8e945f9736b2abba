//! Contracts: the list (filter by vendor and status, paged, totals), the contract page (terms,
//! burn, phases, recent usage, history) and the forms to create, edit and archive.

use crate::auth::CsrfField;
use crate::deliveries::{PhaseForm, PhaseTable, ReceiptForm};
use crate::forms::{
    field_errors, server_message, word_options, Field, FormStatus, Saved, SelectField,
};
use crate::history::HistoryTable;
use crate::paging::{page_param, param, Pager};
use crate::usage::UsageTable;
use domain::views::{ContractDetail, ContractList, ContractOverview};
use domain::{CommitmentModel, FieldError, FulfillmentInterval, Money};
use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_router::components::{Form, A};
use leptos_router::hooks::{use_params_map, use_query_map};

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

#[server(prefix = "/api", endpoint = "get_contract", input = GetUrl)]
pub async fn get_contract(reference: String) -> Result<Option<ContractDetail>, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    let state = crate::state::app_state()?;
    store::ledger::contracts::detail(&state.db, &reference)
        .await
        .map_err(crate::forms::database_error)
}

/// The contract form's fields, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ContractInput {
    pub reference: String,
    pub vendor: String,
    pub title: String,
    pub start_date: String,
    pub end_date: String,
    pub committed_amount: String,
    pub currency: String,
    pub commitment_model: String,
    pub fulfillment_interval: String,
    pub notes: String,
}

#[cfg(feature = "ssr")]
impl ContractInput {
    fn parse(&self) -> Result<domain::NewContract, Vec<FieldError>> {
        domain::NewContract::parse(&domain::entries::RawContract {
            reference: &self.reference,
            vendor: &self.vendor,
            start_date: &self.start_date,
            end_date: &self.end_date,
            committed_amount: &self.committed_amount,
            currency: &self.currency,
            title: &self.title,
            commitment_model: &self.commitment_model,
            fulfillment_interval: &self.fulfillment_interval,
            notes: &self.notes,
        })
    }
}

/// On success the browser goes to the new contract's page.
#[server(prefix = "/api", endpoint = "create_contract")]
pub async fn create_contract(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    contract: ContractInput,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let new = match contract.parse() {
        Ok(new) => new,
        Err(errors) => return Ok(Err(errors)),
    };
    let reference = new.reference.clone();
    let result = store::ledger::contracts::create(&state.db, &who.username, new).await;
    if result.is_ok() {
        leptos_axum::redirect(&format!(
            "/contracts/{}",
            crate::paging::path_segment(&reference)
        ));
    }
    crate::forms::answer(result.map(|()| format!("Contract {reference} created.")))
}

#[server(prefix = "/api", endpoint = "update_contract")]
pub async fn update_contract(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    original_reference: String,
    contract: ContractInput,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let new = match contract.parse() {
        Ok(new) => new,
        Err(errors) => return Ok(Err(errors)),
    };
    let result =
        store::ledger::contracts::update(&state.db, &who.username, &original_reference, new).await;
    crate::forms::answer(result.map(|()| format!("Contract {original_reference} saved.")))
}

#[server(prefix = "/api", endpoint = "archive_contract")]
pub async fn archive_contract(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    reference: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let result = store::ledger::contracts::archive(&state.db, &who.username, &reference).await;
    crate::forms::answer(result.map(|()| format!("Contract {reference} archived.")))
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
                    Err(e) => Either::Right(view! { <p class="error" role="alert">{server_message(&e)}</p> }),
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

fn reference_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("reference").unwrap_or_default())
}

/// Refetched whenever one of the page's forms has saved something.
fn contract_resource(
    reference: Memo<String>,
    saved: Signal<usize>,
) -> Resource<Result<Option<ContractDetail>, ServerFnError>> {
    Resource::new(
        move || (reference.get(), saved.get()),
        |(r, _)| get_contract(r),
    )
}

#[component]
pub fn ContractPage() -> impl IntoView {
    let reference = reference_param();
    let add_phase = ServerAction::<crate::deliveries::AddPhase>::new();
    let log_receipt = ServerAction::<crate::deliveries::LogReceipt>::new();
    let archive = ServerAction::<ArchiveContract>::new();
    let add_commitment = ServerAction::<crate::commitments::AddCommitment>::new();
    let saved = Signal::derive(move || {
        add_phase.version().get()
            + log_receipt.version().get()
            + archive.version().get()
            + add_commitment.version().get()
    });
    let contract = contract_resource(reference, saved);
    view! {
        <Transition fallback=|| view! { <p class="loading">"Loading the contract…"</p> }>
            {move || Suspend::new(async move {
                match contract.await {
                    Ok(Some(detail)) => EitherOf3::A(view! {
                        <ContractView detail add_phase log_receipt archive add_commitment/>
                    }),
                    Ok(None) => EitherOf3::B({
                        crate::respond_not_found();
                        view! {
                        <h1>"Contract not found"</h1>
                        <p class="empty">
                            {format!("There is no contract {:?}. ", reference.get_untracked())}
                            <A href="/contracts">"Back to the contracts"</A>
                        </p>
                    }}),
                    Err(e) => EitherOf3::C(view! { <p class="error" role="alert">{server_message(&e)}</p> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn ContractView(
    detail: ContractDetail,
    add_phase: ServerAction<crate::deliveries::AddPhase>,
    log_receipt: ServerAction<crate::deliveries::LogReceipt>,
    archive: ServerAction<ArchiveContract>,
    add_commitment: ServerAction<crate::commitments::AddCommitment>,
) -> impl IntoView {
    let c = detail.overview.clone();
    let segment = crate::paging::path_segment(&c.reference);
    let phase_names: Vec<String> = detail.phases.iter().map(|p| p.phase.clone()).collect();
    let archived = detail.archived_at.clone();
    let writer = crate::auth::may(domain::Permission::WriteEntries);
    view! {
        <div class="page-head">
            <h1>{c.reference.clone()} {archived.as_ref().map(|_| view! { <span class="badge">"archived"</span> })}</h1>
            <div class="actions">
                {writer.then(|| view! { <A href=format!("/contracts/{segment}/edit") attr:class="button">"Edit"</A> })}
                <A href=format!("/usage?contract={segment}") attr:class="button secondary">"Usage"</A>
                {(writer && archived.is_none()).then(|| {
                    let reference = c.reference.clone();
                    view! {
                    <ActionForm action=archive>
                        <CsrfField/>
                        <input type="hidden" name="reference" value=reference/>
                        <button type="submit" class="secondary">"Archive"</button>
                    </ActionForm>
                }})}
            </div>
        </div>
        <FormStatus answer=archive.value() pending=archive.pending()/>
        <section class="kpis" aria-label="Commitment">
            <div class="kpi"><span>"Committed"</span><strong id="kpi-committed">{c.committed().display_grouped()}</strong></div>
            <div class="kpi"><span>"Burned"</span><strong id="kpi-burned">{c.burned().display_grouped()}</strong></div>
            <div class="kpi"><span>"Remaining"</span><strong id="kpi-remaining">{c.remaining().display_grouped()}</strong></div>
            <div class="kpi"><span>"Burned %"</span><strong>{format!("{:.1}%", c.burned_share() * 100.0)}</strong></div>
        </section>
        <dl class="terms">
            <dt>"Vendor"</dt><dd>{c.vendor.clone()}</dd>
            <dt>"Title"</dt><dd>{c.title.clone()}</dd>
            <dt>"Term"</dt><dd>{format!("{} – {}", c.start_date, c.end_date)}</dd>
            <dt>"Notes"</dt><dd class="wrap">{detail.notes.clone()}</dd>
            {archived.map(|at| view! { <dt>"Archived"</dt><dd>{at}" UTC"</dd> })}
        </dl>
        <h2>"Commitments"</h2>
        <crate::commitments::CommitmentsSection reference=c.reference.clone() commitments=detail.commitments.clone() action=add_commitment writer/>
        <h2>"Deliveries"</h2>
        <PhaseTable phases=detail.phases.clone() show_contract=false/>
        {writer.then(|| view! {
            <div class="form-row">
                <ReceiptForm action=log_receipt contract=c.reference.clone() phases=phase_names/>
                <PhaseForm action=add_phase contract=c.reference.clone()/>
            </div>
        })}
        <h2>"Recent usage"</h2>
        <UsageTable rows=detail.recent_usage.clone() correct=None/>
        <h2>"True-up"</h2>
        <crate::trueup::TrueUpSection reference=c.reference.clone()/>
        <h2>"Vendor statements"</h2>
        <crate::reconciliation::Statements reference=c.reference.clone()/>
        <h2>"History"</h2>
        <HistoryTable rows=detail.history.clone()/>
    }
}

#[component]
pub fn NewContractPage() -> impl IntoView {
    let create = ServerAction::<CreateContract>::new();
    let errors = field_errors(create.value());
    let vendors = Resource::new(|| (), |_| crate::vendors::list_vendors());
    if !crate::auth::may(domain::Permission::WriteEntries) {
        return view! { <h1>"New contract"</h1><crate::auth::NotAllowed what="create contracts"/> }
            .into_any();
    }
    view! {
        <h1>"New contract"</h1>
        <Suspense fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                let vendors = vendors.await.unwrap_or_default();
                let names: Vec<String> = vendors.into_iter().map(|v| v.name).collect();
                view! {
                    <ActionForm action=create>
                        <CsrfField/>
                        <ContractFields errors vendors=names initial=ContractInput { currency: "USD".into(), ..Default::default() } editing=false/>
                        <button type="submit">"Create contract"</button>
                        <FormStatus answer=create.value() pending=create.pending()/>
                    </ActionForm>
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn EditContractPage() -> impl IntoView {
    let reference = reference_param();
    let update = ServerAction::<UpdateContract>::new();
    let errors = field_errors(update.value());
    let contract = contract_resource(reference, Signal::derive(|| 0));
    let vendors = Resource::new(|| (), |_| crate::vendors::list_vendors());
    view! {
        <Suspense fallback=|| view! { <p class="loading">"Loading the contract…"</p> }>
            {move || Suspend::new(async move {
                let names: Vec<String> = vendors.await.unwrap_or_default().into_iter().map(|v| v.name).collect();
                match contract.await {
                    Ok(Some(detail)) => {
                        let c = detail.overview.clone();
                        let initial = ContractInput {
                            reference: c.reference.clone(),
                            vendor: c.vendor.clone(),
                            title: c.title.clone(),
                            start_date: c.start_date.to_string(),
                            end_date: c.end_date.to_string(),
                            // The contract's own commitment (empty when it has none).
                            committed_amount: detail
                                .own_committed_minor
                                .map(|m| domain::decimal::format_scaled(m, domain::money::MINOR_PLACES))
                                .unwrap_or_default(),
                            currency: c.currency.to_string(),
                            commitment_model: detail.commitment_model.clone(),
                            fulfillment_interval: detail.fulfillment_interval.clone(),
                            notes: detail.notes.clone(),
                        };
                        let back = format!("/contracts/{}", crate::paging::path_segment(&c.reference));
                        view! {
                            <h1>{format!("Edit {}", c.reference)}</h1>
                            <ActionForm action=update>
                                <CsrfField/>
                                <input type="hidden" name="original_reference" value=c.reference.clone()/>
                                <ContractFields errors vendors=names initial editing=true/>
                                <button type="submit">"Save changes"</button>
                                <A href=back attr:class="button secondary">"Back to the contract"</A>
                                <FormStatus answer=update.value() pending=update.pending()/>
                            </ActionForm>
                        }
                        .into_any()
                    }
                    Ok(None) => view! { <p class="empty">"There is no such contract."</p> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{server_message(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The fields of the create and edit forms (named `contract[field]` for the server function).
#[component]
fn ContractFields(
    errors: Signal<Vec<FieldError>>,
    vendors: Vec<String>,
    initial: ContractInput,
    editing: bool,
) -> impl IntoView {
    let errors = Signal::derive(move || {
        errors
            .get()
            .into_iter()
            .map(|e| FieldError::new(&format!("contract[{}]", e.column), e.reason))
            .collect::<Vec<_>>()
    });
    let mut vendor_options = vec![(String::new(), "Choose a vendor…".to_owned())];
    vendor_options.extend(vendors.into_iter().map(|v| (v.clone(), v)));
    view! {
        <fieldset class="form-grid">
            {if editing {
                Either::Left(view! {
                    <div class="field">
                        <span class="label">"Reference"</span>
                        <strong>{initial.reference.clone()}</strong>
                        <input type="hidden" name="contract[reference]" value=initial.reference.clone()/>
                    </div>
                })
            } else {
                Either::Right(view! {
                    <Field form="contract" name="contract[reference]" label="Reference" errors value=initial.reference.clone() required=true hint="AWS-2025-38B"/>
                })
            }}
            <SelectField form="contract" name="contract[vendor]" label="Vendor" errors options=vendor_options selected=initial.vendor.clone()/>
            <Field form="contract" name="contract[title]" label="Title" errors value=initial.title.clone()/>
            <Field form="contract" name="contract[start_date]" label="Start date" errors value=initial.start_date.clone() input_type="date" required=true/>
            <Field form="contract" name="contract[end_date]" label="End date" errors value=initial.end_date.clone() input_type="date" required=true/>
            <Field form="contract" name="contract[committed_amount]" label="Committed amount" errors value=initial.committed_amount.clone() inputmode="decimal" required=true hint="38000000000.00"/>
            <Field form="contract" name="contract[currency]" label="Currency" errors value=initial.currency.clone() required=true hint="USD"/>
            <SelectField form="contract" name="contract[commitment_model]" label="Commitment model" errors options=word_options(CommitmentModel::ALL) selected=initial.commitment_model.clone()/>
            <SelectField form="contract" name="contract[fulfillment_interval]" label="Fulfilment interval" errors options=word_options(FulfillmentInterval::ALL) selected=initial.fulfillment_interval.clone()/>
            <Field form="contract" name="contract[notes]" label="Notes" errors value=initial.notes.clone()/>
        </fieldset>
    }
}
