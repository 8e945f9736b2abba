//! The rate cards page: the cards of the latest days, and one recorded by hand (editors and
//! admins); a whole rate cards file goes through `compute-ledger rate-cards import`.

use crate::auth::CsrfField;
use crate::forms::{field_errors, Field, FormStatus, LoadError, Saved};
use domain::rate_card::RateCard;
use domain::Permission;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

#[server(prefix = "/api", endpoint = "list_rate_cards", input = GetUrl)]
pub async fn list_rate_cards() -> Result<Vec<RateCard>, ServerFnError> {
    crate::auth::require(Permission::Read)?;
    let state = crate::state::app_state()?;
    store::rate_cards::list(&state.db, 200)
        .await
        .map_err(crate::forms::database_error)
}

#[server(prefix = "/api", endpoint = "add_rate_card")]
pub async fn add_rate_card(
    csrf_token: String,
    contract: String,
    resource: String,
    from: String,
    price: String,
    utilisation: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, Permission::WriteEntries)?;
    let raw = domain::rate_card::RawRateCard {
        contract: &contract,
        resource: &resource,
        from: &from,
        price: &price,
        utilisation: &utilisation,
    };
    let card = match RateCard::parse(&raw) {
        Ok(card) => card,
        Err(errors) => return Ok(Err(errors)),
    };
    let stored = store::rate_cards::store(&state.db, &who.username, std::slice::from_ref(&card))
        .await
        .map(|done| {
            format!(
                "{} {} from {}: {} per unit-hour at {}% utilisation {}.",
                card.contract,
                card.resource,
                card.from,
                card.price_text(),
                card.utilisation_text(),
                if done.changed > 0 {
                    "replaces the card before (audited)"
                } else if done.unchanged > 0 {
                    "was already recorded"
                } else {
                    "recorded"
                }
            )
        });
    crate::forms::answer(stored)
}

#[component]
pub fn RateCardsPage() -> impl IntoView {
    let add = ServerAction::<AddRateCard>::new();
    let cards = Resource::new(move || add.version().get(), |_| list_rate_cards());
    let errors = field_errors(add.value());
    let editor = crate::auth::may(Permission::WriteEntries);
    view! {
        <h1>"Rate cards"</h1>
        <p class="hint">"A rate card is the price a contract expects per unit-hour of a resource (a GPU, a megawatt) from a day on, in the contract's currency and kept exactly, and the utilisation it expects (100% when left blank); it is in force until the resource's next card and drives the plan-driven forecast. A rate cards file (contract,resource,from,price,utilisation) is imported with compute-ledger rate-cards import."</p>
        <div class="form-row" class:hidden=!editor>
            <ActionForm action=add>
                <CsrfField/>
                <fieldset class="form-grid compact">
                    <legend>"Record a rate card"</legend>
                    <Field form="rate-card" name="contract" label="Contract" errors required=true hint="AWS-2025-38B"/>
                    <Field form="rate-card" name="resource" label="Resource" errors required=true hint="GB300"/>
                    <Field form="rate-card" name="from" label="From" errors input_type="date" required=true/>
                    <Field form="rate-card" name="price" label="Price per unit-hour" errors inputmode="decimal" required=true hint="11.50"/>
                    <Field form="rate-card" name="utilisation" label="Utilisation %" errors inputmode="decimal" hint="85"/>
                    <button type="submit">"Record rate card"</button>
                    <FormStatus answer=add.value() pending=add.pending()/>
                </fieldset>
            </ActionForm>
        </div>
        <Transition fallback=|| view! { <p class="loading">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match cards.await {
                    Ok(rows) if rows.is_empty() => Either::Left(view! { <p class="empty">"No rate card recorded yet."</p> }.into_any()),
                    Ok(rows) => Either::Left(view! {
                        <table class="ledger-table" id="rate-cards">
                            <thead><tr>
                                <th scope="col">"Contract"</th><th scope="col">"Resource"</th>
                                <th scope="col">"From"</th>
                                <th scope="col" class="num">"Price per unit-hour"</th>
                                <th scope="col" class="num">"Utilisation"</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|c| view! {
                                    <tr>
                                        <td>{c.contract.clone()}</td>
                                        <th scope="row">{c.resource.clone()}</th>
                                        <td class="date">{c.from.to_string()}</td>
                                        <td class="num">{c.price_text()}</td>
                                        <td class="num">{format!("{}%", c.utilisation_text())}</td>
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
