//! The real binary killed with SIGKILL at the worst moments, then started again: a 1M-row
//! import is absent, never partial; every write the server acknowledged before the kill is
//! there, with the daily rollup and the audit trail agreeing with the entries. With
//! PostgreSQL (scripts/with-postgres.sh), the database is restarted under a running app, which
//! answers again without a restart of its own.

mod common;

use common::free_port;
use sea_orm::{ConnectionTrait, Statement};
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use store::testing::fresh_database;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const BIN: &str = env!("CARGO_BIN_EXE_compute-ledger");

/// One at a time: restarting PostgreSQL would cut off the other tests' servers and imports.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn ledger(url: &str) -> Command {
    let mut command = Command::new(BIN);
    command
        .args(["--database-url", url])
        .env("LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    command
}

async fn count(db: &sea_orm::DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index(0).unwrap()
}

/// The daily rollup is the sum of the entries, day by day: no half-applied write.
async fn assert_rollup_matches_entries(db: &sea_orm::DatabaseConnection) {
    let mismatches = count(
        db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT COALESCE(contract_id, 0) AS contract_id, vendor_id, date, \
         SUM(amount_e6) AS amount, COUNT(*) AS n \
         FROM usage_entries GROUP BY COALESCE(contract_id, 0), vendor_id, date) e \
         FULL OUTER JOIN usage_daily d ON d.contract_id = e.contract_id AND d.vendor_id = e.vendor_id AND d.date = e.date \
         WHERE e.amount IS NULL OR d.amount_e6 IS NULL OR e.amount <> d.amount_e6 OR e.n <> d.entries",
    )
    .await;
    assert_eq!(mismatches, 0, "usage_daily agrees with usage_entries");
}

async fn base_ledger(dir: &std::path::Path, url: &str) {
    std::fs::write(dir.join("vendors.csv"), "name,kind\nA,hyperscaler\n").unwrap();
    std::fs::write(
        dir.join("contracts.csv"),
        "reference,vendor,start_date,end_date,committed_amount,currency\nK1,A,2020-01-01,2039-12-31,900000000.00,USD\n",
    )
    .unwrap();
    let status = ledger(url)
        .args(["import"])
        .arg(dir.join("vendors.csv"))
        .arg(dir.join("contracts.csv"))
        .status()
        .unwrap();
    assert!(status.success());
}

fn kill(mut child: Child) {
    assert!(
        child.try_wait().unwrap().is_none(),
        "still running when killed"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_killed_midway_leaves_nothing_behind() {
    let _serial = SERIAL.lock().await;
    let database = fresh_database().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    base_ledger(dir.path(), &database.url).await;
    let db = store::connect(&database.url).await.unwrap();
    let audit_before = count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log").await;

    let usage = dir.path().join("usage.csv");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&usage).unwrap());
    writeln!(out, "contract,date,amount,quantity,unit,sku").unwrap();
    let start = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
    for i in 0..1_000_000u32 {
        let day = start + chrono::Duration::days(i64::from(i % 7000));
        writeln!(out, "K1,{day},{}.{:02},1,gpu_hour,h100", i % 997, i % 100).unwrap();
    }
    out.flush().unwrap();
    drop(out);

    let child = ledger(&database.url)
        .arg("import")
        .arg(&usage)
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    kill(child);

    assert_eq!(
        count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM usage_entries").await,
        0,
        "absent, not partial"
    );
    assert_eq!(
        count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM usage_daily").await,
        0
    );
    assert_eq!(
        count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log").await,
        audit_before
    );
    // And the database takes the next import.
    std::fs::write(
        &usage,
        "contract,date,amount,quantity,unit,sku\nK1,2026-01-01,10.00,1,gpu_hour,h100\n",
    )
    .unwrap();
    assert!(ledger(&database.url)
        .arg("import")
        .arg(&usage)
        .status()
        .unwrap()
        .success());
    assert_eq!(
        count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM usage_entries").await,
        1
    );
    assert_rollup_matches_entries(&db).await;
}

/// A plain HTTP/1.1 exchange; the status code, or an error when the server is gone.
async fn post(addr: &str, path: &str, cookie: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nCookie: {cookie}\r\nAccept: application/json\r\n\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await?;
    let status = response
        .get(9..12)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

async fn get_status(addr: &str, path: &str) -> Option<u16> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).await.ok()?;
    response.get(9..12)?.parse().ok()
}

async fn start_server(url: &str, site: &std::path::Path, addr: &str) -> Child {
    let child = ledger(url)
        .args(["serve", "--no-demo", "--addr", addr])
        .env("LEPTOS_SITE_ROOT", site)
        .spawn()
        .unwrap();
    let started = Instant::now();
    while get_status(addr, "/healthz").await != Some(200) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child
}

/// Signs in a user straight in the database: the cookie and the CSRF token a browser would hold.
async fn editor_session(db: &sea_orm::DatabaseConnection) -> (String, String) {
    let id = store::auth::add_user(
        db,
        "test",
        "editor",
        domain::Role::Editor,
        "a long enough password",
    )
    .await
    .unwrap();
    let session = store::auth::create_session(db, id, chrono::Duration::hours(1))
        .await
        .unwrap();
    (
        format!("ledger_session={}", session.secret),
        session.csrf_token,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_write_survives_a_kill() {
    let _serial = SERIAL.lock().await;
    let database = fresh_database().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    base_ledger(dir.path(), &database.url).await;
    let db = store::connect(&database.url).await.unwrap();
    let (cookie, csrf) = editor_session(&db).await;
    let addr = format!("127.0.0.1:{}", free_port());
    let server = start_server(&database.url, dir.path(), &addr).await;

    // 8 writers, each adding entries with amounts no other writer uses, until the kill.
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..8u32 {
        let (addr, cookie, csrf, stop) = (addr.clone(), cookie.clone(), csrf.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for n in 0u32.. {
                if stop.load(std::sync::atomic::Ordering::Relaxed) {
                    break;
                }
                let cents = 1_000_000 + w * 100_000 + n;
                let body = format!(
                    "csrf_token={csrf}&usage%5Bcontract%5D=K1&usage%5Bdate%5D=2026-03-{:02}&usage%5Bamount%5D={}.{:02}\
                     &usage%5Bquantity%5D=1&usage%5Bunit%5D=gpu_hour&usage%5Bsku%5D=h100",
                    1 + n % 28,
                    cents / 100,
                    cents % 100
                );
                match post(&addr, "/api/add_usage", &cookie, &body).await {
                    Ok((200, reply)) if reply.contains("Ok") => acknowledged.push(i64::from(cents)),
                    _ => {} // refused or cut off by the kill: not acknowledged
                }
            }
            acknowledged
        }));
    }
    tokio::time::sleep(Duration::from_millis(1500)).await;
    kill(server);
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut acknowledged = Vec::new();
    for writer in writers {
        acknowledged.extend(writer.await.unwrap());
    }
    assert!(
        acknowledged.len() > 10,
        "the burst wrote something before the kill ({})",
        acknowledged.len()
    );

    // Started again, the server answers, and every acknowledged write is in the ledger.
    let server = start_server(&database.url, dir.path(), &addr).await;
    let stored: std::collections::HashSet<i64> = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT amount_e6 / 10000 FROM usage_entries".to_owned(),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index(0).unwrap())
        .collect();
    let lost: Vec<&i64> = acknowledged
        .iter()
        .filter(|a| !stored.contains(a))
        .collect();
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    let entries = count(&db, "SELECT CAST(COUNT(*) AS BIGINT) FROM usage_entries").await;
    let audited = count(
        &db,
        "SELECT CAST(COUNT(*) AS BIGINT) FROM audit_log WHERE entity = 'usage'",
    )
    .await;
    assert_eq!(
        entries, audited,
        "each entry has its audit record, and no record lacks its entry"
    );
    assert_rollup_matches_entries(&db).await;
    kill(server);
}

/// Needs the throw-away cluster of scripts/with-postgres.sh, which says how to restart it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_reconnects_after_postgres_restarts() {
    let _serial = SERIAL.lock().await;
    let Ok(restart) = std::env::var("LEDGER_TEST_PG_RESTART") else {
        eprintln!("skipped: not running against scripts/with-postgres.sh");
        return;
    };
    let database = fresh_database().await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    base_ledger(dir.path(), &database.url).await;
    let addr = format!("127.0.0.1:{}", free_port());
    let server = start_server(&database.url, dir.path(), &addr).await;
    assert!(Command::new("sh")
        .args(["-c", &restart])
        .status()
        .unwrap()
        .success());
    let started = Instant::now();
    while get_status(&addr, "/healthz").await != Some(200) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the app did not reconnect"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // Not only the health check: a page that reads the ledger.
    assert_eq!(get_status(&addr, "/login").await, Some(200));
    kill(server);
}
