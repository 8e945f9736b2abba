//! Phased deliveries: the plan and what has arrived. Procurement logs a receipt in one step on
//! the contract page; over-receipt is accepted and flagged.

use crate::auth::CsrfField;
use crate::forms::{field_errors, Field, FormStatus, LoadError, Saved, SelectField};
use domain::views::PhaseProgress;
use domain::Quantity;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_router::components::A;

#[server(prefix = "/api", endpoint = "list_deliveries", input = GetUrl)]
pub async fn list_deliveries() -> Result<Vec<PhaseProgress>, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    let state = crate::state::app_state()?;
    store::ledger::deliveries::phases(&state.db, None)
        .await
        .map_err(crate::forms::database_error)
}

#[server(prefix = "/api", endpoint = "add_phase")]
pub async fn add_phase(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    contract: String,
    phase: String,
    resource: String,
    region: String,
    planned_date: String,
    planned_quantity: String,
    // Optional (the power a phase states beside its GPUs): a client that predates it sends none.
    #[server(default)] planned_power_mw: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let raw = domain::entries::RawPhase {
        contract: &contract,
        phase: &phase,
        resource: &resource,
        region: &region,
        planned_date: &planned_date,
        planned_quantity: &planned_quantity,
        planned_power_mw: &planned_power_mw,
    };
    let new = match domain::NewPhase::parse(&raw) {
        Ok(new) => new,
        Err(errors) => return Ok(Err(errors)),
    };
    let name = new.phase.clone();
    let result = store::ledger::deliveries::add_phase(&state.db, &who.username, new).await;
    crate::forms::answer(result.map(|()| format!("Phase {name} added.")))
}

#[server(prefix = "/api", endpoint = "log_receipt")]
pub async fn log_receipt(
    // Checked against the session by the CSRF middleware before this runs; a parameter so
    // that the form's hidden field survives the server function's serialisation.
    csrf_token: String,
    contract: String,
    phase: String,
    date: String,
    quantity: String,
    note: String,
    #[server(default)] power_mw: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, domain::Permission::WriteEntries)?;
    let raw = domain::entries::RawReceipt {
        contract: &contract,
        phase: &phase,
        date: &date,
        quantity: &quantity,
        note: &note,
        power_mw: &power_mw,
    };
    let new = match domain::NewReceipt::parse(&raw) {
        Ok(new) => new,
        Err(errors) => return Ok(Err(errors)),
    };
    let name = new.phase.clone();
    let result = store::ledger::deliveries::log_receipt(&state.db, &who.username, new).await;
    crate::forms::answer(result.map(|logged| {
        let mut message = format!(
            "Receipt logged: {} of {} received for {name}.",
            logged.received, logged.planned
        );
        if logged.over_received() {
            message.push_str(" More than planned has been received: check the invoice.");
        }
        message
    }))
}

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let phases = Resource::new(|| (), |_| list_deliveries());
    view! {
        <h1>"Deliveries"</h1>
        <p class="lead">"Every planned phase of capacity, what has arrived, and how late. Log a receipt on the contract's page."</p>
        <Suspense fallback=|| view! { <p class="loading">"Loading deliveries…"</p> }>
            {move || Suspend::new(async move {
                match phases.await {
                    Ok(phases) => Either::Left(view! { <PhaseTable phases show_contract=true/> }),
                    Err(e) => Either::Right(view! { <LoadError error=e/> }),
                }
            })}
        </Suspense>
    }
}

fn quantity(micros: i64) -> String {
    Quantity::from_micros(micros).to_string()
}

/// "received of planned" MW, or blank for a phase that states no power.
fn power(p: &PhaseProgress) -> String {
    match (p.power_micros(), p.received_power_micros()) {
        (Some(planned), Some(received)) => {
            format!("{} of {}", quantity(received), quantity(planned))
        }
        _ => String::new(),
    }
}

/// Planned vs received per phase, with each receipt's lateness.
#[component]
pub fn PhaseTable(phases: Vec<PhaseProgress>, show_contract: bool) -> impl IntoView {
    if phases.is_empty() {
        return Either::Left(view! { <p class="empty">"No delivery phases planned yet."</p> });
    }
    Either::Right(view! {
        <table class="ledger-table" id="phases">
            <thead>
                <tr>
                    {show_contract.then(|| view! { <th scope="col">"Contract"</th> })}
                    <th scope="col">"Phase"</th>
                    <th scope="col">"Resource"</th>
                    <th scope="col">"Region"</th>
                    <th scope="col">"Planned date"</th>
                    <th scope="col" class="num">"Planned"</th>
                    <th scope="col" class="num">"Received"</th>
                    <th scope="col" class="num">"Outstanding"</th>
                    <th scope="col" class="num">"Power (MW)"</th>
                    <th scope="col">"Receipts"</th>
                </tr>
            </thead>
            <tbody>
                {phases
                    .into_iter()
                    .map(|p| {
                        let over = p.over_received_micros();
                        let href = format!("/contracts/{}", crate::paging::path_segment(&p.contract));
                        view! {
                            <tr class:over=over.is_some()>
                                {show_contract.then(|| { let contract = p.contract.clone(); view! { <td><A href=href>{contract}</A></td> } })}
                                <th scope="row">{p.phase.clone()}</th>
                                <td>{p.resource.clone()}</td>
                                <td>{p.region.clone()}</td>
                                <td class="date">{p.planned_date.to_string()}</td>
                                <td class="num">{quantity(p.planned_micros)}</td>
                                <td class="num received">{quantity(p.received_micros)}</td>
                                <td class="num">{quantity(p.outstanding_micros())}</td>
                                <td class="num power">{power(&p)}</td>
                                <td class="wrap">
                                    {over.map(|o| view! { <span class="flag" title="More received than planned">{format!("over by {}", quantity(o))}</span> })}
                                    <ul class="receipts">
                                        {p.receipts.iter().map(|r| {
                                            let late = r.days_late > 0;
                                            view! {
                                            <li class:late=late>
                                                {format!("{}: {}", r.date, quantity(r.quantity_micros))}
                                                {(r.days_late > 0).then(|| format!(" ({} days late)", r.days_late))}
                                                {(!r.note.is_empty()).then(|| format!(" — {}", r.note))}
                                            </li>
                                        }}).collect_view()}
                                    </ul>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    })
}

#[component]
pub fn PhaseForm(action: ServerAction<AddPhase>, contract: String) -> impl IntoView {
    let errors = field_errors(action.value());
    view! {
        <ActionForm action>
            <CsrfField/>
            <fieldset class="form-grid compact">
                <legend>"Add a phase to the plan"</legend>
                <input type="hidden" name="contract" value=contract/>
                <Field form="phase" name="phase" label="Phase" errors required=true hint="GB200 phase 1"/>
                <Field form="phase" name="resource" label="Resource" errors required=true hint="GB200 NVL72 racks"/>
                <Field form="phase" name="region" label="Region" errors hint="us-east-1"/>
                <Field form="phase" name="planned_date" label="Planned date" errors input_type="date" required=true/>
                <Field form="phase" name="planned_quantity" label="Planned quantity" errors inputmode="decimal" required=true hint="GPUs, or MW when the resource is MW"/>
                <Field form="phase" name="planned_power_mw" label="Power (MW)" errors inputmode="decimal" hint="where the contract states it"/>
                <button type="submit">"Add phase"</button>
                <FormStatus answer=action.value() pending=action.pending()/>
            </fieldset>
        </ActionForm>
    }
}

#[component]
pub fn ReceiptForm(
    action: ServerAction<LogReceipt>,
    contract: String,
    phases: Vec<String>,
) -> impl IntoView {
    let errors = field_errors(action.value());
    if phases.is_empty() {
        return Either::Left(
            view! { <p class="empty">"Add a phase to the plan before logging receipts."</p> },
        );
    }
    let options: Vec<(String, String)> = phases.into_iter().map(|p| (p.clone(), p)).collect();
    Either::Right(view! {
        <ActionForm action>
            <CsrfField/>
            <fieldset class="form-grid compact">
                <legend>"Log a receipt"</legend>
                <input type="hidden" name="contract" value=contract/>
                <SelectField form="receipt" name="phase" label="Phase" errors options/>
                <Field form="receipt" name="date" label="Date received" errors input_type="date" required=true/>
                <Field form="receipt" name="quantity" label="Quantity" errors inputmode="decimal" required=true/>
                <Field form="receipt" name="power_mw" label="Power (MW)" errors inputmode="decimal" hint="blank: the phase's, pro rata"/>
                <Field form="receipt" name="note" label="Note" errors/>
                <button type="submit">"Log receipt"</button>
                <FormStatus answer=action.value() pending=action.pending()/>
            </fieldset>
        </ActionForm>
    })
}
