//! The dashboards over HTTP on the demo ledger: the figures are the reports' cells (summed
//! exactly where a card sums them), the CSV of a chart is the chart's numbers, the filters
//! narrow what is shown, bad filters are refused with a message, and an empty ledger gives
//! empty dashboards rather than errors.

mod common;

use app::state::AppState;
use axum::http::StatusCode;
use common::{call, demo_state, get, options, Ctx};
use serde_json::Value;
use store::testing::fresh_database;

const FIELDS: [&str; 9] = [
    "view",
    "as_of",
    "from",
    "to",
    "vendor",
    "contract",
    "scenario",
    "currency",
    "commitments_at",
];

async fn dashboard(ctx: &Ctx, view: &str, set: &[(&str, &str)]) -> Result<Value, String> {
    let form: Vec<(&str, &str)> = FIELDS
        .iter()
        .map(|f| {
            let value = if *f == "view" {
                view
            } else {
                set.iter().find(|(k, _)| k == f).map_or("", |(_, v)| v)
            };
            (*f, value)
        })
        .collect();
    let (status, body) = call(ctx, "dashboard", &form).await;
    if status == StatusCode::OK {
        Ok(serde_json::from_str(&body).unwrap())
    } else {
        Err(body)
    }
}

/// A report's CSV as rows of (column -> cell).
async fn report(ctx: &Ctx, path: &str) -> Vec<std::collections::HashMap<String, String>> {
    let (status, body) = get(ctx, path).await;
    assert_eq!(status, StatusCode::OK, "{path}: {body}");
    let mut lines = body.lines();
    let header: Vec<String> = lines
        .next()
        .unwrap()
        .split(',')
        .map(str::to_owned)
        .collect();
    lines
        .map(|l| {
            header
                .iter()
                .cloned()
                .zip(l.split(',').map(str::to_owned))
                .collect()
        })
        .collect()
}

fn kpi<'a>(d: &'a Value, id: &str) -> &'a Value {
    d["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["id"] == id)
        .unwrap_or_else(|| panic!("no KPI {id}"))
}

fn cents(cell: &str) -> i64 {
    domain::decimal::parse_scaled(cell, 2, true).unwrap()
}

fn chart<'a>(d: &'a Value, id: &str) -> &'a Value {
    d["charts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no chart {id}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

/// The demo holds EUR and GBP contracts: by default every card is in USD (the reporting
/// currency), `currency=EUR` converts into euros, `currency=each` lists each currency.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboards_convert_into_the_chosen_currency_or_show_each() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let each = dashboard(&ctx, "overview", &[("currency", "each")])
        .await
        .unwrap();
    let committed = kpi(&each, "committed");
    let lines: Vec<String> = std::iter::once(committed["value"].as_str().unwrap().to_owned())
        .chain(strings(&committed["detail"]))
        .collect();
    for code in ["EUR ", "GBP ", "USD "] {
        assert!(
            lines.iter().any(|l| l.starts_with(code)),
            "{code} in {lines:?}"
        );
    }
    let eur = dashboard(&ctx, "overview", &[("currency", "EUR")])
        .await
        .unwrap();
    let projection = report(&ctx, "/api/reports/projection.csv?currency=EUR").await;
    let committed: i64 = projection.iter().map(|r| cents(&r["committed"])).sum();
    assert_eq!(
        kpi(&eur, "committed")["value"],
        format!("EUR {}", domain::decimal::format_scaled(committed, 2))
    );
    assert_eq!(eur["currency"], "EUR");
    // No yen rate: the message names the currency.
    let refused = dashboard(&ctx, "overview", &[("currency", "JPY")])
        .await
        .unwrap_err();
    assert!(refused.contains("no exchange rate for JPY"), "{refused}");
    // The FX effect on the burn-down: at each day's rates minus at constant rates.
    let burn = dashboard(&ctx, "burndown", &[]).await.unwrap();
    let fx = kpi(&burn, "fx-burned");
    let detail = strings(&fx["detail"]);
    let converted = cents(fx["value"].as_str().unwrap().trim_start_matches("USD "));
    let constant = cents(detail[0].rsplit("USD ").next().unwrap());
    let effect = cents(detail[1].trim_start_matches("FX effect: USD "));
    assert_eq!(converted - constant, effect);
    assert_ne!(effect, 0, "the demo's rates move");
    // Constant rates of a day before the first rate: the FX card is left out, the dashboard
    // still shows the converted figures.
    let early = dashboard(&ctx, "burndown", &[("from", "2024-06-01")])
        .await
        .unwrap();
    let ids: Vec<&str> = early["kpis"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"fx-burned"), "{ids:?}");
    assert!(!early["tables"][0]["rows"].as_array().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_cards_are_the_reports_figures() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let d = dashboard(&ctx, "overview", &[]).await.unwrap();
    let projection = report(&ctx, "/api/reports/projection.csv?currency=USD").await;
    let sum = |column: &str| projection.iter().map(|r| cents(&r[column])).sum::<i64>();
    let usd = |minor: i64| format!("USD {}", domain::decimal::format_scaled(minor, 2));
    assert_eq!(kpi(&d, "committed")["value"], usd(sum("committed")));
    assert_eq!(kpi(&d, "burned")["value"], usd(sum("spent")));
    assert_eq!(
        kpi(&d, "remaining")["value"],
        usd(sum("committed") - sum("spent"))
    );
    assert_eq!(
        kpi(&d, "shortfall")["value"],
        usd(sum("projected_shortfall"))
    );
    // The true-up card: the trueup report's true-ups, summed exactly.
    let trueup = report(&ctx, "/api/reports/trueup.csv?currency=USD").await;
    let true_ups = trueup.iter().map(|r| cents(&r["true_up"])).sum::<i64>();
    assert_eq!(kpi(&d, "trueup")["value"], usd(true_ups));
    // The contracts driving the shortfall, largest first.
    let top = projection
        .iter()
        .max_by_key(|r| cents(&r["projected_shortfall"]))
        .unwrap();
    // (after the line naming the method).
    assert!(strings(&kpi(&d, "shortfall")["detail"])[1].starts_with(&top["contract"]));

    let ttm = report(&ctx, "/api/reports/ratio-ttm.csv?currency=USD").await;
    let last = ttm.last().unwrap();
    assert_eq!(kpi(&d, "ratio-month")["value"], last["ratio"].as_str());
    assert_eq!(kpi(&d, "ratio-ttm")["value"], last["ttm_ratio"].as_str());
    assert_eq!(
        kpi(&d, "commitments-to-revenue")["value"],
        last["commitments_to_revenue"].as_str()
    );
    let spend = report(&ctx, "/api/reports/concentration.csv?currency=USD").await;
    assert_eq!(
        kpi(&d, "hhi-spend")["value"],
        spend.last().unwrap()["hhi"].as_str()
    );
    // Capacity: each phase's plan once, every receipt, per resource.
    let slippage = report(&ctx, "/api/reports/slippage.csv").await;
    let planned_b200: i64 = slippage
        .iter()
        .filter(|r| r["resource"] == "GB200")
        .map(|r| {
            (
                r["contract"].clone(),
                r["phase"].clone(),
                r["planned_quantity"].parse::<i64>().unwrap(),
            )
        })
        .collect::<std::collections::BTreeSet<_>>()
        .iter()
        .map(|(_, _, q)| q)
        .sum();
    let received_b200: i64 = slippage
        .iter()
        .filter(|r| r["resource"] == "GB200")
        .map(|r| r["received_quantity"].parse::<i64>().unwrap())
        .sum();
    let capacity: Vec<String> =
        std::iter::once(kpi(&d, "capacity")["value"].as_str().unwrap().to_owned())
            .chain(strings(&kpi(&d, "capacity")["detail"]))
            .collect();
    assert!(
        capacity.contains(&format!("GB200 {received_b200} of {planned_b200}")),
        "{capacity:?}"
    );
    // Each card leads to the dashboard behind it.
    assert_eq!(kpi(&d, "ratio-ttm")["href"], "/dashboards/ratio");
    assert_eq!(kpi(&d, "shortfall")["href"], "/dashboards/burndown");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_charts_csv_is_the_numbers_it_shows() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let query = [("from", "2026-01-01"), ("vendor", "Microsoft Azure")];
    let d = dashboard(&ctx, "ratio", &query).await.unwrap();
    let ratio = chart(&d, "ratio");
    let (status, csv) = get(
        &ctx,
        "/api/dashboards/ratio/ratio.csv?from=2026-01-01&vendor=Microsoft%20Azure",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    let mut expected = vec!["month,Infra spend,Revenue,Ratio,TTM ratio".to_owned()];
    let labels: Vec<Vec<String>> = ratio["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| strings(&s["labels"]))
        .collect();
    for (i, month) in strings(&ratio["x_labels"]).iter().enumerate() {
        let cells: Vec<&str> = labels.iter().map(|l| l[i].as_str()).collect();
        expected.push(format!("{month},{}", cells.join(",")));
    }
    assert_eq!(csv.lines().collect::<Vec<_>>(), expected);
    // And those are the ratio-ttm report's cells for the same filters, from January on.
    let ttm = report(
        &ctx,
        "/api/reports/ratio-ttm.csv?vendor=Microsoft%20Azure&currency=USD",
    )
    .await;
    let from_january: Vec<String> = ttm
        .iter()
        .filter(|r| r["month"].as_str() >= "2026-01-01")
        .map(|r| {
            format!(
                "{},{},{},{},{}",
                r["month"], r["infra_spend"], r["revenue"], r["ratio"], r["ttm_ratio"]
            )
        })
        .collect();
    assert!(!from_january.is_empty());
    assert_eq!(&expected[1..], from_january.as_slice());
    // Each month drills down to its usage rows, with the vendor kept.
    assert_eq!(
        ratio["drill"][0],
        "/usage?vendor=Microsoft%20Azure&from=2026-01-01&to=2026-01-31"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_narrow_the_dashboards_and_bad_ones_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let all = dashboard(&ctx, "burndown", &[]).await.unwrap();
    assert_eq!(all["charts"][0]["id"], "portfolio-burndown");
    assert!(all["tables"][0]["rows"].as_array().unwrap().len() > 3);
    let coreweave = dashboard(&ctx, "burndown", &[("vendor", "CoreWeave")])
        .await
        .unwrap();
    let rows = coreweave["tables"][0]["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "CW-2025-22B");

    // One contract: its own chart, with the commitment, on-pace and projection lines, and the
    // plan-driven forecast (the demo prices every contract's capacity).
    let one = dashboard(
        &ctx,
        "burndown",
        &[("contract", "AWS-2025-38B"), ("as_of", "2026-06-30")],
    )
    .await
    .unwrap();
    let c = chart(&one, "contract-burndown");
    let names: Vec<String> = c["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        [
            "Cumulative spend",
            "Commitment",
            "On pace",
            "Projection",
            "Projection low (90%)",
            "Projection high (90%)",
            "Plan-driven forecast"
        ]
    );
    let x = strings(&c["x_labels"]);
    assert_eq!(
        x.first().map(String::as_str),
        Some("2025-11-03"),
        "starts at the start of term"
    );
    assert_eq!(
        x.last().map(String::as_str),
        Some("2032-11-02"),
        "ends at the end of term"
    );
    let spend = strings(&c["series"][0]["labels"]);
    let last_spend = x.iter().zip(&spend).rfind(|(_, s)| !s.is_empty()).unwrap();
    assert!(
        last_spend.0.as_str() <= "2026-06-30",
        "as of cuts the spend: {last_spend:?}"
    );
    let on_pace = strings(&c["series"][2]["labels"]);
    assert_eq!(on_pace[0], "0.00");
    assert_eq!(on_pace.last().unwrap(), "38000000000.00");

    let q1 = dashboard(
        &ctx,
        "ratio",
        &[("from", "2026-01-01"), ("to", "2026-03-31")],
    )
    .await
    .unwrap();
    assert_eq!(
        strings(&chart(&q1, "ratio")["x_labels"]),
        ["2026-01-01", "2026-02-01", "2026-03-01"]
    );

    let earlier = dashboard(&ctx, "overview", &[("as_of", "2025-12-31")])
        .await
        .unwrap();
    let now = dashboard(&ctx, "overview", &[]).await.unwrap();
    let burned = |d: &Value| {
        cents(
            kpi(d, "burned")["value"]
                .as_str()
                .unwrap()
                .trim_start_matches("USD "),
        )
    };
    assert!(burned(&earlier) < burned(&now));

    for (set, word) in [
        (vec![("as_of", "yesterday")], "as_of"),
        (vec![("from", "2026-02-01"), ("to", "2026-01-01")], "after"),
    ] {
        let error = dashboard(&ctx, "ratio", &set).await.unwrap_err();
        assert!(error.contains(word), "{error}");
    }
    assert!(dashboard(&ctx, "nonsense", &[])
        .await
        .unwrap_err()
        .contains("unknown dashboard"));
    for path in [
        "/api/dashboards/ratio/nothing.csv",
        "/api/dashboards/nonsense/ratio.csv",
        "/api/dashboards/ratio/ratio.csv?as_of=31.12.2026",
        "/api/dashboards/ratio/ratio.json",
    ] {
        let (status, body) = get(&ctx, path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {body}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_ledger_gives_empty_dashboards_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let database = fresh_database().await.unwrap();
    let db = store::connect(&database.url).await.unwrap();
    let ctx = Ctx::new(AppState::new(options(&dir), db)).await;
    for view in [
        "overview",
        "burndown",
        "ratio",
        "concentration",
        "deliveries",
    ] {
        let d = dashboard(&ctx, view, &[])
            .await
            .unwrap_or_else(|e| panic!("{view}: {e}"));
        for chart in d["charts"].as_array().unwrap() {
            assert!(chart["x"].as_array().unwrap().is_empty(), "{view}");
        }
    }
    let (status, html) = get(&ctx, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Nothing to show for these filters"), "{html}");
    let (status, csv) = get(&ctx, "/api/dashboards/overview/portfolio-burndown.csv").await;
    assert_eq!(
        (status, csv.trim()),
        (
            StatusCode::OK,
            "date,Cumulative spend,Commitment,On pace,Projection,Projection low (90%),Projection high (90%)"
        )
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_trueup_report_splits_an_annual_commitment_into_contract_years() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    // AWS-2025-38B: build-up, annual, 38,000,000,000.00 over 7 years from 2025-11-03.
    let rows = report(
        &ctx,
        "/api/reports/trueup.csv?contract=AWS-2025-38B&as_of=2026-11-23",
    )
    .await;
    assert_eq!(rows.len(), 7);
    assert_eq!(
        (
            rows[0]["interval_start"].as_str(),
            rows[0]["interval_end"].as_str()
        ),
        ("2025-11-03", "2026-11-02")
    );
    let minimums: Vec<i64> = rows.iter().map(|r| cents(&r["minimum"])).collect();
    assert_eq!(
        minimums.iter().sum::<i64>(),
        3_800_000_000_000,
        "the years add up to the commitment"
    );
    assert_eq!(minimums[0], 3_800_000_000_000 / 7);
    // Year 1 has ended: its true-up is what was not consumed, owed on its last day.
    let year1 = &rows[0];
    assert_eq!(
        cents(&year1["true_up"]),
        (cents(&year1["minimum"]) - cents(&year1["consumed"])).max(0)
    );
    assert_eq!(
        year1["status"],
        if cents(&year1["true_up"]) > 0 {
            "owed"
        } else {
            "met"
        }
    );
    assert_eq!(
        rows[1]["status"],
        if cents(&rows[1]["true_up"]) > 0 {
            "projected"
        } else {
            "met"
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_dashboard_shows_a_scenario_beside_the_baseline() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let scenario = domain::scenario::Scenario::parse(&domain::scenario::RawScenario {
        name: "Stress".into(),
        run_rate_change_percent: "-50".into(),
        delay_contract: "AWS-2025-38B".into(),
        delay_phase: "bulk-2026".into(),
        delay_months: "3".into(),
        new_reference: "NEB-2027".into(),
        new_vendor: "Nebius".into(),
        new_start_date: "2027-01-01".into(),
        new_end_date: "2027-12-31".into(),
        new_committed_amount: "1000000.00".into(),
        new_currency: "USD".into(),
        new_daily_spend: "1000.00".into(),
        ..Default::default()
    })
    .unwrap();
    store::ledger::scenarios::create(&ctx.state.db, "cfo", scenario)
        .await
        .unwrap();
    let under = [("as_of", "2026-06-30"), ("scenario", "Stress")];
    let baseline = [("as_of", "2026-06-30")];

    // Overview: the shortfall card keeps the baseline's value, the scenario's total below it.
    let d = dashboard(&ctx, "overview", &under).await.unwrap();
    assert_eq!(strings(&d["scenarios"]), ["Stress"]);
    let plain = dashboard(&ctx, "overview", &baseline).await.unwrap();
    assert_eq!(
        kpi(&d, "shortfall")["value"],
        kpi(&plain, "shortfall")["value"]
    );
    let projection = report(
        &ctx,
        "/api/reports/projection.csv?as_of=2026-06-30&scenario=Stress&currency=USD",
    )
    .await;
    let shortfall: i64 = projection
        .iter()
        .map(|r| cents(&r["projected_shortfall"]))
        .sum();
    let details = strings(&kpi(&d, "shortfall")["detail"]);
    let line = details
        .iter()
        .find(|l| l.starts_with("Scenario Stress: USD "))
        .unwrap_or_else(|| panic!("{details:?}"));
    assert_eq!(
        cents(line.trim_start_matches("Scenario Stress: USD ")),
        shortfall
    );
    assert!(series_names(chart(&d, "portfolio-burndown")).contains(&"Scenario: Stress".to_owned()));
    // The delay moves the plan-driven forecast: the plan card's scenario line is the scenario's
    // plan-forecast, and it differs from the baseline's.
    let plan = |query: &'static str| report(&ctx, query);
    let under_plan = plan_shortfall(
        &plan("/api/reports/plan-forecast.csv?as_of=2026-06-30&scenario=Stress&currency=USD").await,
    );
    let baseline_plan =
        plan_shortfall(&plan("/api/reports/plan-forecast.csv?as_of=2026-06-30&currency=USD").await);
    assert_ne!(under_plan, baseline_plan);
    let details = strings(&kpi(&d, "plan-shortfall")["detail"]);
    let line = details
        .iter()
        .find(|l| l.starts_with("Scenario Stress: USD "))
        .unwrap_or_else(|| panic!("{details:?}"));
    assert_eq!(
        cents(line.trim_start_matches("Scenario Stress: USD ")),
        under_plan
    );
    assert!(!series_names(chart(&plain, "portfolio-burndown"))
        .iter()
        .any(|n| n.starts_with("Scenario")));

    // Concentration: the scenario's outstanding commitments beside the baseline's, with the
    // new contract's vendor only on the scenario's side.
    let d = dashboard(&ctx, "concentration", &under).await.unwrap();
    let outstanding = chart(&d, "outstanding");
    let vendors = strings(&outstanding["x_labels"]);
    let at = vendors.iter().position(|v| v == "Nebius").unwrap();
    let scenario_bars = series(outstanding, "Scenario: Stress");
    assert_eq!(strings(&scenario_bars["labels"])[at], "1000000.00");
    assert_eq!(
        strings(&series(outstanding, "Outstanding")["labels"])[at],
        ""
    );
    let plain = dashboard(&ctx, "concentration", &baseline).await.unwrap();
    assert!(!strings(&chart(&plain, "outstanding")["x_labels"]).contains(&"Nebius".to_owned()));

    // Deliveries: the delayed phase carries a second, scenario mark three months on.
    let d = dashboard(&ctx, "deliveries", &under).await.unwrap();
    let rows = d["timeline"]["rows"].as_array().unwrap();
    let moved: Vec<&Value> = rows
        .iter()
        .filter(|r| !r["scenario_planned"].is_null())
        .collect();
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(moved[0]["label"], "AWS-2025-38B · bulk-2026");
    let days = |v: &Value| v.as_f64().unwrap();
    let planned = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let delayed = chrono::NaiveDate::from_ymd_opt(2027, 3, 31).unwrap();
    assert_eq!(
        days(&moved[0]["scenario_planned"]["x"]) - days(&moved[0]["planned_x"]),
        (delayed - planned).num_days() as f64
    );
    let plain = dashboard(&ctx, "deliveries", &baseline).await.unwrap();
    assert!(plain["timeline"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["scenario_planned"].is_null()));
    for view in ["overview", "concentration", "deliveries", "capacity"] {
        let d = dashboard(&ctx, view, &under).await.unwrap();
        assert!(
            strings(&d["notes"])
                .iter()
                .any(|n| n.contains("Scenario \"Stress\"")),
            "{view}"
        );
    }
}

/// The plan-driven shortfall of a plan-forecast report's rows: the plan's, or the run-rate's
/// for a commitment without a rate card.
fn plan_shortfall(rows: &[std::collections::HashMap<String, String>]) -> i64 {
    rows.iter()
        .map(|r| match r["plan_shortfall"].as_str() {
            "" => cents(&r["run_rate_shortfall"]),
            plan => cents(plan),
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_overview_shows_both_forecasts_and_the_capacity_dashboard_drills_down() {
    let dir = tempfile::tempdir().unwrap();
    let (ctx, _db) = demo_state(&dir).await;
    let usd = |minor: i64| format!("USD {}", domain::decimal::format_scaled(minor, 2));
    let d = dashboard(&ctx, "overview", &[]).await.unwrap();
    let plan = report(&ctx, "/api/reports/plan-forecast.csv?currency=USD").await;
    let run_rate: i64 = plan.iter().map(|r| cents(&r["run_rate_shortfall"])).sum();
    let by_plan = plan_shortfall(&plan);
    assert!(
        by_plan < run_rate,
        "the demo's phases still to come close most of the gap"
    );
    let card = kpi(&d, "plan-shortfall");
    assert_eq!(card["value"], usd(by_plan));
    assert_eq!(card["href"], "/dashboards/capacity");
    let detail = strings(&card["detail"]);
    assert!(
        detail.contains(&format!("At the run-rate: {}", usd(run_rate))),
        "{detail:?}"
    );
    // What is still to arrive, each contract once (a contract's commitments repeat it).
    let mut to_come = std::collections::BTreeMap::new();
    for r in &plan {
        to_come.insert(
            r["contract"].clone(),
            r["gpus_to_come"].parse::<i64>().unwrap(),
        );
    }
    let gpus: i64 = to_come.values().sum();
    assert!(
        detail
            .iter()
            .any(|l| l.starts_with(&format!("Still to arrive: {gpus} GPUs · "))),
        "{detail:?}"
    );
    // The run-rate card names its method and the plan's figure.
    let shortfall = strings(&kpi(&d, "shortfall")["detail"]);
    assert_eq!(shortfall[0], "at the trailing run-rate");
    assert!(shortfall.contains(&format!("By the delivery plan: {}", usd(by_plan))));

    // The capacity dashboard, filtered to one vendor: only its rows, each leading to the
    // vendor's own view; the phases still to come lead to their contract.
    let aws = "Amazon Web Services";
    let d = dashboard(&ctx, "capacity", &[("vendor", aws)])
        .await
        .unwrap();
    let table = |d: &Value, id: &str| -> Value {
        d["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap_or_else(|| panic!("no table {id}"))
            .clone()
    };
    let by_vendor = table(&d, "capacity-by-vendor");
    let rows = by_vendor["rows"].as_array().unwrap();
    assert!(rows.len() >= 2, "GB200, GB300 and MW: {rows:?}");
    assert!(rows.iter().all(|r| r[0] == aws));
    assert!(strings(&by_vendor["links"])
        .iter()
        .all(|l| l.starts_with("/dashboards/capacity")
            && l.contains("vendor=Amazon%20Web%20Services")));
    let slippage = report(
        &ctx,
        "/api/reports/slippage.csv?vendor=Amazon%20Web%20Services",
    )
    .await;
    let received: i64 = slippage
        .iter()
        .filter(|r| !r["received_quantity"].is_empty())
        .map(|r| r["received_quantity"].parse::<i64>().unwrap())
        .sum();
    assert_eq!(
        kpi(&d, "gpus-delivered")["value"],
        format!("{received} GPUs")
    );
    let to_come = table(&d, "phases-to-come");
    let phases: Vec<String> = to_come["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r[0].as_str().unwrap(), r[1].as_str().unwrap()))
        .collect();
    assert_eq!(
        phases,
        ["AWS-2025-38B bulk-2026", "AWS-2025-38B expansion-2027"]
    );
    assert!(strings(&to_come["links"])
        .iter()
        .all(|l| l == "/contracts/AWS-2025-38B"));
    // Its charts: GPUs and MW over the months, delivered up to now.
    let gpus = chart(&d, "capacity-gpus");
    assert_eq!(
        series_names(gpus),
        ["Contracted", "Planned", "Delivered", "Expected"]
    );
    let unfiltered = dashboard(&ctx, "capacity", &[]).await.unwrap();
    assert!(
        table(&unfiltered, "capacity-by-vendor")["rows"]
            .as_array()
            .unwrap()
            .len()
            > rows.len()
    );
}

fn series_names(chart: &Value) -> Vec<String> {
    chart["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap().to_owned())
        .collect()
}

fn series<'a>(chart: &'a Value, name: &str) -> &'a Value {
    chart["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no series {name}"))
}
