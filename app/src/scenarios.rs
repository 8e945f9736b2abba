//! What-if scenarios: create one (a run-rate change, revenue growth, a phase delayed, a contract
//! under negotiation) and view the burn-down and the ratio under it beside the baseline. The
//! ledger is untouched.

use crate::auth::CsrfField;
use crate::forms::{field_errors, Field, FormStatus, LoadError, Saved};
use crate::paging::query_string;
use domain::scenario::Scenario;
use domain::Permission;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "list_scenarios", input = GetUrl)]
pub async fn list_scenarios() -> Result<Vec<Scenario>, ServerFnError> {
    crate::auth::require(Permission::Read)?;
    let state = crate::state::app_state()?;
    store::ledger::scenarios::list(&state.db)
        .await
        .map_err(crate::forms::database_error)
}

#[allow(clippy::too_many_arguments)]
#[server(prefix = "/api", endpoint = "create_scenario")]
pub async fn create_scenario(
    csrf_token: String,
    name: String,
    #[server(default)] run_rate_change_percent: String,
    #[server(default)] revenue_growth_percent: String,
    #[server(default)] utilisation_percent: String,
    #[server(default)] delay_contract: String,
    #[server(default)] delay_phase: String,
    #[server(default)] delay_months: String,
    #[server(default)] new_reference: String,
    #[server(default)] new_vendor: String,
    #[server(default)] new_start_date: String,
    #[server(default)] new_end_date: String,
    #[server(default)] new_committed_amount: String,
    #[server(default)] new_currency: String,
    #[server(default)] new_daily_spend: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, Permission::WriteEntries)?;
    let raw = domain::scenario::RawScenario {
        name,
        run_rate_change_percent,
        revenue_growth_percent,
        utilisation_percent,
        delay_contract,
        delay_phase,
        delay_months,
        new_reference,
        new_vendor,
        new_start_date,
        new_end_date,
        new_committed_amount,
        new_currency,
        new_daily_spend,
    };
    let scenario = match Scenario::parse(&raw) {
        Ok(s) => s,
        Err(errors) => return Ok(Err(errors)),
    };
    let name = scenario.name.clone();
    let result = store::ledger::scenarios::create(&state.db, &who.username, scenario).await;
    crate::forms::answer(result.map(|_| format!("Scenario {name:?} saved.")))
}

#[component]
pub fn ScenariosPage() -> impl IntoView {
    let create = ServerAction::<CreateScenario>::new();
    let scenarios = Resource::new(move || create.version().get(), |_| list_scenarios());
    let errors = field_errors(create.value());
    let writer = crate::auth::may(Permission::WriteEntries);
    view! {
        <h1>"What-if scenarios"</h1>
        <p class="hint">"A scenario lays changes over the ledger without touching it; the burn-down and the ratio dashboard then show its projection beside the baseline."</p>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match scenarios.await {
                    Ok(rows) if rows.is_empty() => Either::Left(view! { <p class="empty">"No scenario yet. Create one below."</p> }.into_any()),
                    Ok(rows) => Either::Left(view! {
                        <table class="ledger-table" id="scenarios">
                            <thead><tr>
                                <th scope="col">"Scenario"</th><th scope="col">"Changes"</th>
                                <th scope="col"><span class="visually-hidden">"View"</span></th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|s| {
                                    let query = query_string(&[("scenario", s.name.clone())]);
                                    let burn_down = format!("/dashboards/burndown{query}");
                                    let ratio = format!("/dashboards/ratio{query}");
                                    view! {
                                        <tr>
                                            <th scope="row">{s.name.clone()}</th>
                                            <td>{s.summary()}</td>
                                            <td>
                                                <a href=burn_down>"Burn-down under this scenario"</a>
                                                " · "
                                                <a href=ratio>"Ratio outlook"</a>
                                            </td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()),
                    Err(e) => Either::Right(view! { <LoadError error=e/> }),
                }
            })}
        </Transition>
        <div class="form-row" class:hidden=!writer>
            <ActionForm action=create>
                <CsrfField/>
                <fieldset class="form-grid">
                    <legend>"New scenario"</legend>
                    <Field form="scenario" name="name" label="Name" errors required=true/>
                    <Field form="scenario" name="run_rate_change_percent" label="Usage run-rate change (%)" errors inputmode="decimal" hint="e.g. -20 for a fifth less spend a day"/>
                    <Field form="scenario" name="revenue_growth_percent" label="Revenue growth a month (%)" errors inputmode="decimal" hint="compounded from the latest month's revenue"/>
                    <Field form="scenario" name="utilisation_percent" label="Utilisation (%)" errors inputmode="decimal" hint="the plan-driven forecast's, instead of the rate cards'"/>
                    <Field form="scenario" name="delay_contract" label="Delay: contract" errors/>
                    <Field form="scenario" name="delay_phase" label="Delay: phase" errors/>
                    <Field form="scenario" name="delay_months" label="Delay: months" errors inputmode="numeric"/>
                    <Field form="scenario" name="new_reference" label="New contract: reference" errors/>
                    <Field form="scenario" name="new_vendor" label="New contract: vendor" errors/>
                    <Field form="scenario" name="new_start_date" label="New contract: start" errors input_type="date"/>
                    <Field form="scenario" name="new_end_date" label="New contract: end" errors input_type="date"/>
                    <Field form="scenario" name="new_committed_amount" label="New contract: commitment" errors inputmode="decimal"/>
                    <Field form="scenario" name="new_currency" label="New contract: currency" errors/>
                    <Field form="scenario" name="new_daily_spend" label="New contract: spend a day" errors inputmode="decimal"/>
                    <button type="submit">"Save scenario"</button>
                    <FormStatus answer=create.value() pending=create.pending()/>
                </fieldset>
            </ActionForm>
        </div>
    }
}
