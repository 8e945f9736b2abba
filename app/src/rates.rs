//! The exchange rates page: the newest rates, and one entered by hand (editors and admins);
//! a whole rates file goes through `compute-ledger rates import`.

use crate::auth::CsrfField;
use crate::forms::{field_errors, Field, FormStatus, LoadError, Saved};
use domain::fx::Rate;
use domain::Permission;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "list_rates", input = GetUrl)]
pub async fn list_rates() -> Result<Vec<Rate>, ServerFnError> {
    crate::auth::require(Permission::Read)?;
    let state = crate::state::app_state()?;
    store::fx::list(&state.db, 200)
        .await
        .map_err(crate::forms::database_error)
}

#[server(prefix = "/api", endpoint = "add_rate")]
pub async fn add_rate(
    csrf_token: String,
    date: String,
    base: String,
    currency: String,
    rate: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, Permission::WriteEntries)?;
    let raw = domain::fx::RawRate {
        date: &date,
        base: &base,
        currency: &currency,
        rate: &rate,
    };
    let parsed = match Rate::parse(&raw) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Err(errors)),
    };
    match store::fx::store(&state.db, &who.username, &[parsed]).await {
        Ok(done) => Ok(Ok(format!(
            "{} {} per {} on {} {}.",
            parsed.text(),
            parsed.currency,
            parsed.base,
            parsed.date,
            if done.changed > 0 {
                "replaces the rate before (audited)"
            } else if done.unchanged > 0 {
                "was already recorded"
            } else {
                "recorded"
            }
        ))),
        Err(e) => Err(crate::forms::database_error(e)),
    }
}

#[component]
pub fn RatesPage() -> impl IntoView {
    let add = ServerAction::<AddRate>::new();
    let rates = Resource::new(move || add.version().get(), |_| list_rates());
    let errors = field_errors(add.value());
    let editor = crate::auth::may(Permission::WriteEntries);
    view! {
        <h1>"Exchange rates"</h1>
        <p class="hint">"Units of the currency per unit of the base on a day (1 EUR = 1.0812 USD), kept exactly; the rate in force on a day is the latest on or before it. A rates file (date,currency,rate) is imported with compute-ledger rates import."</p>
        <div class="form-row" class:hidden=!editor>
            <ActionForm action=add>
                <CsrfField/>
                <fieldset class="form-grid compact">
                    <legend>"Record a rate"</legend>
                    <Field form="rate" name="date" label="Date" errors input_type="date" required=true/>
                    <Field form="rate" name="base" label="Base" errors value="EUR" required=true/>
                    <Field form="rate" name="currency" label="Currency" errors required=true hint="USD"/>
                    <Field form="rate" name="rate" label="Rate" errors inputmode="decimal" required=true hint="1.0812"/>
                    <button type="submit">"Record rate"</button>
                    <FormStatus answer=add.value() pending=add.pending()/>
                </fieldset>
            </ActionForm>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match rates.await {
                    Ok(rows) if rows.is_empty() => Either::Left(view! { <p class="empty">"No exchange rate recorded yet."</p> }.into_any()),
                    Ok(rows) => Either::Left(view! {
                        <table class="ledger-table" id="rates">
                            <thead><tr>
                                <th scope="col">"Date"</th><th scope="col">"Base"</th>
                                <th scope="col">"Currency"</th><th scope="col" class="num">"Rate"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| view! {
                                    <tr>
                                        <td class="date">{r.date.to_string()}</td>
                                        <td>{r.base.to_string()}</td>
                                        <th scope="row">{r.currency.to_string()}</th>
                                        <td class="num">{r.text()}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()),
                    Err(e) => Either::Right(view! { <LoadError error=e/> }),
                }
            })}
        </Transition>
    }
}
