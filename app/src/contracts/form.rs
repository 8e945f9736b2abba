//! The contract form and the server functions that create, edit and archive a contract.

use super::detail::{contract_resource, reference_param};
use crate::auth::CsrfField;
use crate::forms::{field_errors, word_options, Field, FormStatus, LoadError, Saved, SelectField};
use domain::{CommitmentModel, FieldError, FulfillmentInterval};
use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

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
                    Err(e) => view! { <LoadError error=e/> }.into_any(),
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
