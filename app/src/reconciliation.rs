//! Vendor statements on the contract page: record what the vendor says was consumed to a
//! date, and see whether the ledger agrees (within the statement's tolerance).

use crate::auth::CsrfField;
use crate::forms::{field_errors, Field, FormStatus, LoadError, Saved};
use crate::paging::query_string;
use domain::views::Reconciliation;
use domain::Permission;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "list_statements", input = GetUrl)]
pub async fn list_statements(contract: String) -> Result<Vec<Reconciliation>, ServerFnError> {
    crate::auth::require(Permission::Read)?;
    let state = crate::state::app_state()?;
    store::ledger::reconciliation::for_contract(&state.db, &contract)
        .await
        .map_err(crate::forms::database_error)
}

#[server(prefix = "/api", endpoint = "record_statement")]
pub async fn record_statement(
    csrf_token: String,
    contract: String,
    as_of: String,
    consumed: String,
    tolerance: String,
    note: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, Permission::WriteEntries)?;
    let statement = store::ledger::reconciliation::NewStatement {
        contract: &contract,
        as_of: &as_of,
        consumed: &consumed,
        tolerance: &tolerance,
        note: &note,
    };
    let result = store::ledger::reconciliation::record(&state.db, &who.username, statement).await;
    crate::forms::answer(result.map(|id| format!("Statement #{id} recorded.")))
}

#[component]
pub fn Statements(reference: String) -> impl IntoView {
    let record = ServerAction::<RecordStatement>::new();
    let for_list = reference.clone();
    let statements = Resource::new(
        move || record.version().get(),
        move |_| list_statements(for_list.clone()),
    );
    let errors = field_errors(record.value());
    let writer = crate::auth::may(Permission::WriteEntries);
    let link_reference = reference.clone();
    view! {
        {writer.then(|| view! {
            <ActionForm action=record>
                <CsrfField/>
                <input type="hidden" name="contract" value=reference.clone()/>
                <fieldset class="form-grid compact">
                    <legend>"Record a vendor statement"</legend>
                    <Field form="statement" name="as_of" label="Consumed as of" errors input_type="date" required=true/>
                    <Field form="statement" name="consumed" label="Consumed per the vendor" errors inputmode="decimal" required=true/>
                    <Field form="statement" name="tolerance" label="Tolerance" errors inputmode="decimal" value="0.00"/>
                    <Field form="statement" name="note" label="Note" errors/>
                    <button type="submit">"Reconcile"</button>
                    <FormStatus answer=record.value() pending=record.pending()/>
                </fieldset>
            </ActionForm>
        })}
        <Transition fallback=|| view! { <p class="loading">"Loading statements…"</p> }>
            {move || {
                let reference = link_reference.clone();
                Suspend::new(async move {
                    match statements.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="empty">"No vendor statement recorded yet."</p> }.into_any(),
                        Ok(rows) => view! {
                            <table class="ledger-table" id="statements">
                                <thead><tr>
                                    <th scope="col">"As of"</th>
                                    <th scope="col" class="num">"Vendor says"</th>
                                    <th scope="col" class="num">"Ledger says"</th>
                                    <th scope="col" class="num">"Difference"</th>
                                    <th scope="col" class="num">"Tolerance"</th>
                                    <th scope="col">"Result"</th>
                                    <th scope="col">"Entries to check"</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|r| {
                                        let href = format!("/usage{}", query_string(&[
                                            ("contract", reference.clone()),
                                            ("from", r.entries_from.to_string()),
                                            ("to", r.as_of.to_string()),
                                        ]));
                                        view! {
                                            <tr class:mismatch=!r.agrees data-agrees=r.agrees.to_string()>
                                                <th scope="row">{r.as_of.to_string()}</th>
                                                <td class="num">{r.vendor_consumed.display_grouped()}</td>
                                                <td class="num">{r.ledger_consumed.display_grouped()}</td>
                                                <td class="num">{r.difference.display_grouped()}</td>
                                                <td class="num">{r.tolerance.display_grouped()}</td>
                                                <td>{if r.agrees {
                                                    view! { <span class="ok">"Agrees"</span> }.into_any()
                                                } else {
                                                    view! { <span class="flag" role="status">"Differs beyond tolerance"</span> }.into_any()
                                                }}</td>
                                                <td><a href=href>{format!("{} – {}", r.entries_from, r.as_of)}</a></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any(),
                        Err(e) => view! { <LoadError error=e/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}
