//! Upload any ledger CSV (or FOCUS export) from the browser. The file goes to `POST /api/imports` as the raw
//! request body (so a big file streams to disk on the server), with a progress bar while it
//! uploads. "Check only" validates everything and writes nothing; otherwise the import is
//! all-or-nothing and a rejected file lists every bad row by line.

use domain::views::ImportOutcome;
use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// The file kinds the server accepts, as `(kind, label)`; empty means "tell by the file name".
const KINDS: &[(&str, &str)] = &[
    ("", "Tell from the file name"),
    ("vendors", "vendors.csv — vendors"),
    ("contracts", "contracts.csv — contracts"),
    ("commitments", "commitments.csv — further commitments"),
    ("deliveries", "deliveries.csv — delivery phases"),
    ("receipts", "receipts.csv — delivery receipts"),
    ("usage", "usage.csv — usage"),
    ("revenue", "revenue.csv — revenue"),
    ("focus-usage", "FOCUS 1.0–1.3 cost and usage export — usage"),
    (
        "focus-contracts",
        "FOCUS 1.3 contract commitments — contracts and commitments",
    ),
];

#[server(prefix = "/api", endpoint = "upload_limit", input = GetUrl)]
pub async fn upload_limit() -> Result<u64, ServerFnError> {
    crate::auth::require(domain::Permission::Read)?;
    Ok(crate::state::app_state()?.upload_limit_bytes)
}

// Only the browser build moves past Idle; the server renders the idle form.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
#[derive(Debug, Clone, PartialEq)]
enum Upload {
    Idle,
    Sending { fraction: Option<f64> },
    Processing,
    Answered { status: u16, outcome: ImportOutcome },
    Failed(String),
}

/// The FOCUS usage choices of the import form (ignored for other files).
#[derive(Clone, Copy, Default)]
pub struct FocusChoices {
    cost: NodeRef<leptos::html::Select>,
    adjustments: NodeRef<leptos::html::Select>,
    taxes: NodeRef<leptos::html::Select>,
    vendor: NodeRef<leptos::html::Input>,
}

#[component]
pub fn ImportPage() -> impl IntoView {
    let upload = RwSignal::new(Upload::Idle);
    let limit = Resource::new(|| (), |_| upload_limit());
    let file_input = NodeRef::<leptos::html::Input>::new();
    let kind_select = NodeRef::<leptos::html::Select>::new();
    let check_box = NodeRef::<leptos::html::Input>::new();
    let focus = FocusChoices::default();
    // Read while rendering: event handlers run outside the component's context.
    #[cfg_attr(not(feature = "hydrate"), allow(unused_variables))]
    let csrf = crate::auth::use_session()
        .map(|s| s.csrf_token)
        .unwrap_or_default();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        browser::start(
            file_input,
            kind_select,
            focus,
            check_box,
            csrf.clone(),
            upload,
        );
    };
    let busy = move || matches!(upload.get(), Upload::Sending { .. } | Upload::Processing);
    if !crate::auth::may(domain::Permission::Import) {
        return view! { <h1>"Import"</h1><crate::auth::NotAllowed what="import files"/> }
            .into_any();
    }
    view! {
        <h1>"Import"</h1>
        <p class="lead">
            "Load a ledger CSV or a FOCUS export: "
            <a href="/formats">"Formats"</a>
            " lists every file's columns and has a template for each. An import is all-or-nothing: one bad row and nothing is written. "
            "Re-importing the same usage or receipts file is refused; a FOCUS export may be imported again and adds only its new rows."
        </p>
        <form class="form-grid compact upload" on:submit=on_submit>
            <div class="field">
                <label for="upload-file">"CSV file"</label>
                <input id="upload-file" name="file" type="file" accept=".csv,text/csv" required node_ref=file_input/>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        limit.await.ok().map(|bytes| view! {
                            <span class="hint">{format!("Up to {} MB.", bytes / (1024 * 1024))}</span>
                        })
                    })}
                </Suspense>
            </div>
            <div class="field">
                <label for="upload-kind">"What it holds"</label>
                <select id="upload-kind" name="kind" node_ref=kind_select>
                    {KINDS.iter().map(|(value, label)| view! { <option value=*value>{*label}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="upload-cost">"FOCUS cost"</label>
                <select id="upload-cost" name="cost" node_ref=focus.cost>
                    <option value="effective">"EffectiveCost (after discounts)"</option>
                    <option value="billed">"BilledCost (as invoiced)"</option>
                </select>
                <span class="hint">"For FOCUS usage files only. Rows imported before are skipped."</span>
            </div>
            <div class="field">
                <label for="upload-adjustments">"FOCUS adjustments"</label>
                <select id="upload-adjustments" name="adjustments" node_ref=focus.adjustments>
                    <option value="count">"Count (they change what was paid)"</option>
                    <option value="skip">"Skip"</option>
                </select>
            </div>
            <div class="field">
                <label for="upload-taxes">"FOCUS taxes"</label>
                <select id="upload-taxes" name="taxes" node_ref=focus.taxes>
                    <option value="skip">"Skip (not infrastructure spend)"</option>
                    <option value="count">"Count as spend under no contract"</option>
                </select>
            </div>
            <div class="field">
                <label for="upload-vendor">"FOCUS commitments: vendor"</label>
                <input id="upload-vendor" name="vendor" node_ref=focus.vendor placeholder="Amazon Web Services"/>
                <span class="hint">"For a provider's contract commitment file, which names no provider."</span>
            </div>
            <div class="field checkbox">
                <input id="upload-check" name="check" type="checkbox" node_ref=check_box/>
                <label for="upload-check">"Check only (write nothing)"</label>
            </div>
            <button type="submit" disabled=busy>"Upload"</button>
        </form>
        <UploadStatus upload/>
    }
    .into_any()
}

#[component]
fn UploadStatus(upload: RwSignal<Upload>) -> impl IntoView {
    move || match upload.get() {
        Upload::Idle => ().into_any(),
        Upload::Sending { fraction } => {
            let percent = fraction.map(|f| (f * 100.0).round());
            view! {
                <div class="upload-progress" role="status">
                    <progress max="100" value=percent.map(|p| p.to_string())></progress>
                    <span>{match percent {
                        Some(p) => format!("Uploading… {p}%"),
                        None => "Uploading…".to_owned(),
                    }}</span>
                </div>
            }
            .into_any()
        }
        Upload::Processing => view! {
            <div class="upload-progress" role="status">
                <progress></progress>
                <span>"Uploaded. Validating and importing every row…"</span>
            </div>
        }
        .into_any(),
        Upload::Failed(message) => {
            view! { <p class="form-status error" role="alert">{message}</p> }.into_any()
        }
        Upload::Answered { status, outcome } => view! { <OutcomeView status outcome/> }.into_any(),
    }
}

#[component]
fn OutcomeView(status: u16, outcome: ImportOutcome) -> impl IntoView {
    let ok = (200..300).contains(&status);
    view! {
        <section class="upload-result" class:rejected=!ok aria-live="polite">
            <p class=if ok { "form-status saved" } else { "form-status error" } role="status" id="upload-message">
                {outcome.message.clone()}
            </p>
            {(!outcome.errors.is_empty()).then(|| view! {
                <ol class="row-errors" id="upload-errors">
                    {outcome.errors.iter().map(|e| view! { <li>{e.clone()}</li> }).collect_view()}
                </ol>
                {(outcome.omitted > 0).then(|| view! { <p>{format!("… and {} more.", outcome.omitted)}</p> })}
            })}
            {if outcome.header.is_empty() {
                Either::Left(())
            } else {
                Either::Right(view! {
                    <h2>"First rows of the file"</h2>
                    <table class="ledger-table" id="upload-preview">
                        <thead><tr>{outcome.header.iter().map(|h| view! { <th scope="col">{h.clone()}</th> }).collect_view()}</tr></thead>
                        <tbody>
                            {outcome.preview.iter().map(|row| view! {
                                <tr>{row.iter().map(|cell| view! { <td>{cell.clone()}</td> }).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                })
            }}
        </section>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use super::{ImportOutcome, Upload};
    use crate::paging::query_string;
    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;

    pub fn start(
        file_input: NodeRef<leptos::html::Input>,
        kind_select: NodeRef<leptos::html::Select>,
        focus: super::FocusChoices,
        check_box: NodeRef<leptos::html::Input>,
        csrf: String,
        upload: RwSignal<Upload>,
    ) {
        let (Some(file_input), Some(kind), Some(cost), Some(adjustments), Some(taxes), Some(check)) = (
            file_input.get(),
            kind_select.get(),
            focus.cost.get(),
            focus.adjustments.get(),
            focus.taxes.get(),
            check_box.get(),
        ) else {
            return;
        };
        let vendor = focus.vendor.get().map(|v| v.value()).unwrap_or_default();
        let Some(file) = file_input.files().and_then(|files| files.get(0)) else {
            upload.set(Upload::Failed("Choose a CSV file first.".into()));
            return;
        };
        let url = format!(
            "/api/imports{}",
            query_string(&[
                ("kind", kind.value()),
                ("name", file.name()),
                ("cost", cost.value()),
                ("adjustments", adjustments.value()),
                ("taxes", taxes.value()),
                ("vendor", vendor),
                (
                    "check",
                    if check.checked() {
                        "1".into()
                    } else {
                        String::new()
                    }
                ),
            ])
        );
        upload.set(Upload::Sending { fraction: None });
        send(url, file, csrf, upload);
    }

    /// Sends the file with XMLHttpRequest: unlike fetch, it reports upload progress.
    fn send(url: String, file: web_sys::File, csrf: String, upload: RwSignal<Upload>) {
        let fail = move |message: &str| upload.set(Upload::Failed(message.to_owned()));
        let Ok(xhr) = web_sys::XmlHttpRequest::new() else {
            return fail("This browser cannot upload files.");
        };
        if xhr.open("POST", &url).is_err()
            || xhr.set_request_header("Content-Type", "text/csv").is_err()
            || xhr.set_request_header("X-CSRF-Token", &csrf).is_err()
        {
            return fail("The upload could not be started.");
        }
        if let Ok(target) = xhr.upload() {
            let on_progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(
                move |e: web_sys::ProgressEvent| {
                    let fraction =
                        (e.length_computable() && e.total() > 0.0).then(|| e.loaded() / e.total());
                    upload.set(Upload::Sending { fraction });
                },
            );
            target.set_onprogress(Some(on_progress.as_ref().unchecked_ref()));
            on_progress.forget();
            let on_sent = Closure::<dyn FnMut()>::new(move || upload.set(Upload::Processing));
            target.set_onload(Some(on_sent.as_ref().unchecked_ref()));
            on_sent.forget();
        }
        let answered = xhr.clone();
        let on_load = Closure::<dyn FnMut()>::new(move || {
            let status = answered.status().unwrap_or(0);
            let body = answered.response_text().ok().flatten().unwrap_or_default();
            match serde_json::from_str::<ImportOutcome>(&body) {
                Ok(outcome) => upload.set(Upload::Answered { status, outcome }),
                Err(_) => upload.set(Upload::Failed(format!(
                    "The server answered {status}: {}",
                    body.trim()
                ))),
            }
        });
        xhr.set_onload(Some(on_load.as_ref().unchecked_ref()));
        on_load.forget();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            upload.set(Upload::Failed(
                "The upload was interrupted (network error). Nothing was imported.".into(),
            ))
        });
        xhr.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        on_error.forget();
        if xhr.send_with_opt_blob(Some(&file)).is_err() {
            fail("The upload could not be sent.");
        }
    }
}
