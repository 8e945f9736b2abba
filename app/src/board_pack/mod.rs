//! The board pack page: finance writes commentary per section of a month's pack, downloads a
//! draft, and publishes it (a frozen version; a re-issue lists what changed). The PDF itself
//! is served at `/board-pack/YYYY-MM.pdf` and written by `compute-ledger board-pack`.

#[cfg(feature = "ssr")]
pub mod content;
#[cfg(feature = "ssr")]
pub mod generate;
#[cfg(feature = "ssr")]
mod pdf;

use crate::auth::CsrfField;
use crate::forms::{field_errors, FormStatus, LoadError, Saved};
use crate::paging::param;
use domain::board_pack::{BoardPackView, PackVersionView, Section};
use domain::Permission;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

/// A month a write names (required: a write never guesses which month it changes).
#[cfg(feature = "ssr")]
fn written_month(raw: &str) -> Result<domain::board_pack::Month, Vec<domain::FieldError>> {
    domain::board_pack::Month::parse(raw).map_err(|e| vec![domain::FieldError::new("month", e)])
}

/// The month asked for, or the last complete one.
#[cfg(feature = "ssr")]
fn month_or_last(raw: &str) -> Result<domain::board_pack::Month, ServerFnError> {
    if raw.trim().is_empty() {
        return Ok(domain::board_pack::Month::last_complete(
            chrono::Utc::now().date_naive(),
        ));
    }
    domain::board_pack::Month::parse(raw).map_err(|e| ServerFnError::new(format!("month {e}")))
}

#[server(prefix = "/api", endpoint = "board_pack", input = GetUrl)]
pub async fn board_pack(month: String) -> Result<BoardPackView, ServerFnError> {
    crate::auth::require(Permission::Read)?;
    let state = crate::state::app_state()?;
    let month = month_or_last(&month)?;
    let commentary = store::board_packs::commentary(&state.db, month)
        .await
        .map_err(crate::forms::database_error)?;
    let versions = store::board_packs::versions(&state.db, month)
        .await
        .map_err(crate::forms::database_error)?;
    Ok(BoardPackView {
        month: month.to_string(),
        month_name: month.long_name(),
        commentary,
        versions: versions.iter().map(|v| v.view()).collect(),
    })
}

#[server(prefix = "/api", endpoint = "save_pack_commentary")]
pub async fn save_pack_commentary(
    csrf_token: String,
    month: String,
    section: String,
    text: String,
) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, Permission::WriteEntries)?;
    let month = match written_month(&month) {
        Ok(month) => month,
        Err(errors) => return Ok(Err(errors)),
    };
    let (section, text) = match domain::board_pack::parse_commentary(&section, &text) {
        Ok(parsed) => parsed,
        Err(errors) => return Ok(Err(errors)),
    };
    let result =
        store::board_packs::save_commentary(&state.db, &who.username, month, section, &text).await;
    crate::forms::answer(result.map(|()| format!("Commentary on {} saved.", section.title())))
}

#[server(prefix = "/api", endpoint = "publish_board_pack")]
pub async fn publish_board_pack(csrf_token: String, month: String) -> Result<Saved, ServerFnError> {
    let (who, state) = crate::auth::writer(csrf_token, Permission::WriteEntries)?;
    let month = match written_month(&month) {
        Ok(month) => month,
        Err(errors) => return Ok(Err(errors)),
    };
    match generate::publish(&state, &who.username, month).await {
        Ok((version, _)) => Ok(Ok(format!(
            "Version {version} of the {} pack is published.",
            month.long_name()
        ))),
        Err(generate::PackError::Write(e)) => crate::forms::answer(Err(e)),
        Err(generate::PackError::Report(reports::ReportError::BadRequest(m))) => {
            Err(ServerFnError::new(m))
        }
        Err(e) => {
            tracing::error!(error = %e, %month, "publishing the board pack failed");
            Err(ServerFnError::new(
                "The pack could not be made; the server log says why.",
            ))
        }
    }
}

#[component]
pub fn BoardPackPage() -> impl IntoView {
    let query = use_query_map();
    let save = ServerAction::<SavePackCommentary>::new();
    let publish = ServerAction::<PublishBoardPack>::new();
    let pack = Resource::new(
        move || {
            (
                param(&query.get(), "month"),
                save.version().get() + publish.version().get(),
            )
        },
        |(month, _)| board_pack(month),
    );
    let editor = crate::auth::may(Permission::WriteEntries);
    view! {
        <h1>"Board pack"</h1>
        <p class="hint">"The month-end PDF for the board: headline figures, commitments, burn-down and ratio charts, concentration, deliveries and the month's changes, each with your commentary. Publishing freezes the figures; a later correction needs a new version, which lists what changed."</p>
        <Form method="GET" action="" attr:class="filters">
            <div class="field">
                <label for="pack-month">"Month"</label>
                <input id="pack-month" name="month" type="month" value=move || param(&query.get(), "month")/>
            </div>
            <button type="submit">"Show"</button>
        </Form>
        <Transition fallback=|| view! { <p class="loading">"Loading the pack…"</p> }>
            {move || Suspend::new(async move {
                match pack.await {
                    Ok(view) => Either::Left(view! { <PackEditor pack=view editor save publish/> }),
                    Err(e) => Either::Right(view! { <LoadError error=e/> }),
                }
            })}
        </Transition>
    }
}

#[component]
fn PackEditor(
    pack: BoardPackView,
    editor: bool,
    save: ServerAction<SavePackCommentary>,
    publish: ServerAction<PublishBoardPack>,
) -> impl IntoView {
    let month = pack.month.clone();
    let pdf = format!("/board-pack/{month}.pdf");
    let errors = field_errors(save.value());
    let publish_label = match pack.versions.first() {
        None => "Publish".to_owned(),
        Some(newest) => format!("Publish version {}", newest.version + 1),
    };
    let published = pack.versions.first().map(|v| {
        let href = format!("{pdf}?version={}", v.version);
        let text = format!("Download version {} (published)", v.version);
        view! { " "<a class="download" href=href download="">{text}</a> }
    });
    let commentary = Section::ALL
        .iter()
        .map(|section| {
            let text = pack
                .commentary
                .iter()
                .find(|(s, _)| s == section)
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            commentary_form(*section, text, month.clone(), editor, save, errors)
        })
        .collect_view();
    view! {
        <section class="pack-month">
            <h2>{pack.month_name}</h2>
            <p class="pack-downloads">
                <a class="download" href=format!("{pdf}?draft") download="">"Download draft PDF"</a>
                {published}
            </p>
            <div class:hidden=!editor>
                <ActionForm action=publish attr:id="publish-pack">
                    <CsrfField/>
                    <input type="hidden" name="month" value=month/>
                    <button type="submit">{publish_label}</button>
                    <FormStatus answer=publish.value() pending=publish.pending()/>
                </ActionForm>
            </div>
            <h3>"Commentary"</h3>
            <FormStatus answer=save.value() pending=save.pending()/>
            {commentary}
            <h3>"Published versions"</h3>
            <Versions versions=pack.versions pdf=pdf/>
        </section>
    }
}

/// One section's commentary: a form for editors, the text for everyone else.
fn commentary_form(
    section: Section,
    text: String,
    month: String,
    editor: bool,
    save: ServerAction<SavePackCommentary>,
    errors: Signal<Vec<domain::FieldError>>,
) -> impl IntoView {
    let id = format!("commentary-{}", section.as_str());
    let error = move || {
        errors.with(|e| {
            e.iter()
                .find(|e| e.column == "text")
                .map(|e| e.reason.clone())
        })
    };
    if !editor {
        return Either::Left(view! {
            <div class="pack-commentary">
                <h4>{section.title()}</h4>
                <p class="wrap">{if text.is_empty() { "No commentary.".to_owned() } else { text }}</p>
            </div>
        });
    }
    Either::Right(view! {
        <ActionForm action=save attr:class="pack-commentary">
            <CsrfField/>
            <input type="hidden" name="month" value=month/>
            <input type="hidden" name="section" value=section.as_str()/>
            <div class="field">
                <label for=id.clone()>{section.title()}</label>
                <textarea id=id name="text" rows="4" maxlength=domain::board_pack::COMMENTARY_MAX.to_string()>{text}</textarea>
                <span class="field-error" role="alert">{error}</span>
            </div>
            <button type="submit">{format!("Save {}", section.title().to_lowercase())}</button>
        </ActionForm>
    })
}

#[component]
fn Versions(versions: Vec<PackVersionView>, pdf: String) -> impl IntoView {
    if versions.is_empty() {
        return Either::Left(view! { <p class="empty">"Not published yet."</p> });
    }
    Either::Right(view! {
        <table class="ledger-table" id="pack-versions">
            <thead><tr>
                <th scope="col">"Version"</th><th scope="col">"Published"</th><th scope="col">"By"</th>
                <th scope="col">"E-mailed"</th><th scope="col">"Changes from the version before"</th>
            </tr></thead>
            <tbody>
                {versions.into_iter().map(|v| view! {
                    <tr>
                        <th scope="row"><a href=format!("{pdf}?version={}", v.version) download="">{format!("v{}", v.version)}</a></th>
                        <td class="date">{v.published_at}</td>
                        <td>{v.published_by}</td>
                        <td>{v.emailed_at.unwrap_or_else(|| "—".to_owned())}</td>
                        <td class="wrap">
                            {if v.changes.is_empty() { Either::Left("First version.") } else {
                                Either::Right(view! { <ul class="changes">{v.changes.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul> })
                            }}
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    })
}
