//! The Formats page: every file the ledger imports (columns, what each holds, a template to
//! download) and every report (columns and how they are computed), from the same catalogue as
//! the importers and `docs/`.

use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnDoc {
    pub name: String,
    pub required: bool,
    pub meaning: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileDoc {
    pub kind: String,
    pub file_name: String,
    pub title: String,
    pub purpose: String,
    pub columns: Vec<ColumnDoc>,
    pub template: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportDocView {
    pub name: String,
    pub describe: String,
    pub formula: String,
    pub columns: Vec<ColumnDoc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Formats {
    pub rules: Vec<String>,
    pub files: Vec<FileDoc>,
    pub reports: Vec<ReportDocView>,
}

#[server(prefix = "/api", endpoint = "get_formats", input = GetUrl)]
pub async fn get_formats() -> Result<Formats, ServerFnError> {
    use store::formats::{FileFormat, GENERAL_RULES};
    crate::auth::require(domain::Permission::Read)?;
    let files = FileFormat::all()
        .iter()
        .map(|f| FileDoc {
            kind: f.kind.as_str().to_owned(),
            file_name: f.kind.file_name().to_owned(),
            title: f.title.to_owned(),
            purpose: f.purpose.to_owned(),
            columns: f
                .columns
                .iter()
                .map(|(name, meaning)| ColumnDoc {
                    name: (*name).to_owned(),
                    required: f.is_required(name),
                    meaning: (*meaning).to_owned(),
                })
                .collect(),
            template: f.template_csv(),
        })
        .collect();
    let reports = reports::docs::REPORTS
        .iter()
        .map(|r| ReportDocView {
            name: r.name.as_str().to_owned(),
            describe: r.name.describe().to_owned(),
            formula: r.formula.to_owned(),
            columns: r
                .columns
                .iter()
                .map(|c| ColumnDoc {
                    name: (*c).to_owned(),
                    required: false,
                    meaning: reports::docs::meaning(c).to_owned(),
                })
                .collect(),
        })
        .collect();
    Ok(Formats {
        rules: GENERAL_RULES.iter().map(|r| (*r).to_owned()).collect(),
        files,
        reports,
    })
}

/// Text with `code` spans, as the catalogue writes it.
fn with_code(text: &str) -> impl IntoView {
    text.split('`')
        .enumerate()
        .map(|(i, part)| {
            let part = part.to_owned();
            if i % 2 == 1 {
                view! { <code>{part}</code> }.into_any()
            } else {
                part.into_any()
            }
        })
        .collect_view()
}

#[component]
pub fn FormatsPage() -> impl IntoView {
    let formats = Resource::new(|| (), |_| get_formats());
    view! {
        <h1>"Formats"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match formats.await {
                    Ok(f) => view! { <FormatsBody formats=f/> }.into_any(),
                    Err(e) => view! { <crate::forms::LoadError error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn FormatsBody(formats: Formats) -> impl IntoView {
    let contents = formats
        .files
        .iter()
        .map(|f| {
            let href = format!("#{}", f.kind);
            view! { <li><a href=href>{f.file_name.clone()}</a></li> }
        })
        .collect_view();
    view! {
        <p class="lead">"What each file the ledger imports holds, with a template for each (its header and two example rows, which import as they are), and what each report's columns mean."</p>
        <nav aria-label="Files" class="toc"><ul>{contents}<li><a href="#reports">"Reports"</a></li></ul></nav>
        <section aria-labelledby="rules">
            <h2 id="rules">"Every file"</h2>
            <ul>{formats.rules.iter().map(|r| view! { <li>{with_code(r)}</li> }).collect_view()}</ul>
        </section>
        {formats.files.into_iter().map(|f| view! { <FileSection file=f/> }).collect_view()}
        <h2 id="reports">"Reports"</h2>
        {formats.reports.into_iter().map(|r| view! { <ReportSection report=r/> }).collect_view()}
    }
}

#[component]
fn FileSection(file: FileDoc) -> impl IntoView {
    let href = format!("/api/formats/{}.csv", file.kind);
    let heading = format!("{}-title", file.kind);
    let labelled_by = heading.clone();
    view! {
        <section class="format" id=file.kind.clone() aria-labelledby=labelled_by>
            <h2 id=heading>{file.title} " " <code>{file.file_name.clone()}</code></h2>
            <p>{with_code(&file.purpose)}</p>
            <ColumnTable columns=file.columns show_required=true/>
            <p><a class="download" href=href download=file.file_name>"Download the template"</a></p>
            <pre class="template">{file.template}</pre>
        </section>
    }
}

#[component]
fn ReportSection(report: ReportDocView) -> impl IntoView {
    let id = format!("report-{}", report.name);
    let csv = format!("/api/reports/{}.csv", report.name);
    view! {
        <section class="format" id=id>
            <h3><code>{report.name}</code></h3>
            <p>{report.describe}</p>
            <p class="formula">{with_code(&report.formula)}</p>
            <ColumnTable columns=report.columns show_required=false/>
            <p><a class="download" href=csv download="">"Download CSV"</a></p>
        </section>
    }
}

#[component]
fn ColumnTable(columns: Vec<ColumnDoc>, show_required: bool) -> impl IntoView {
    view! {
        <table class="ledger-table formats">
            <thead>
                <tr>
                    <th scope="col">"Column"</th>
                    {show_required.then(|| view! { <th scope="col">"Needed"</th> })}
                    {(!show_required).then(|| view! { <th scope="col">"Shown as"</th> })}
                    <th scope="col">"Meaning"</th>
                </tr>
            </thead>
            <tbody>
                {columns.into_iter().map(|c| {
                    let shown = domain::columns::header(&c.name);
                    view! {
                        <tr>
                            <th scope="row"><code>{c.name}</code></th>
                            {show_required.then(|| view! { <td>{if c.required { "required" } else { "optional" }}</td> })}
                            {(!show_required).then(|| view! { <td>{shown}</td> })}
                            <td class="wrap">{with_code(&c.meaning)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}
