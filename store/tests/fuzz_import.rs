//! Fuzzing of the CSV import (issue 8), one target per file kind. Each case takes a committed
//! seed from `tests/fuzz_seeds/<kind>/` (every seed a valid file), breaks it with a few random
//! mutations and imports it twice into a fresh ledger: as a dry run (`check_files`) and for
//! real (`import_files`). Whatever the bytes, the importer must not panic or fail on the
//! database; the dry run and the import must give the same answer; a rejection lists reasons
//! numbered by line and leaves every table as it was; an acceptance writes every row.
//!
//! Bounded: `DEFAULT_CASES` cases per file kind; `FUZZ_CASES=N` runs N instead for a longer
//! local run (`FUZZ_CASES=2000 cargo test -p store --test fuzz_import`). A failing case is
//! shrunk and appended to `fuzz_import.proptest-regressions` beside this file; commit it and
//! every later run replays it first. New seeds are new files in the seed folders.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::FileFailurePersistence;
use sea_orm::{ConnectionTrait, Statement};
use std::path::Path;
use std::sync::{Arc, LazyLock};
use store::import::{check_files, import_files, ImportError, ImportSource, LedgerFile};
use store::import::{NoProgress, RowError, MAX_REPORTED_ERRORS};
use store::ledger::{table_counts, TableCounts};
use store::DatabaseConnection;

const DEFAULT_CASES: u32 = 128;

fn config() -> ProptestConfig {
    let cases = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fuzz_import.proptest-regressions"
        )))),
        // Each case builds a database: keep shrinking from taking minutes.
        max_shrink_iters: 256,
        ..ProptestConfig::default()
    }
}

/// One runtime for all cases; the importer parses on its blocking pool.
static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
});

// ---- the corpus --------------------------------------------------------------------------------

/// A committed seed file, shown as text when a case fails.
#[derive(Clone)]
struct Seed {
    name: String,
    bytes: Vec<u8>,
}

impl std::fmt::Debug for Seed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} {:?}",
            self.name,
            String::from_utf8_lossy(&self.bytes)
        )
    }
}

fn seeds(kind: LedgerFile) -> Vec<Seed> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz_seeds")
        .join(kind.as_str());
    let mut seeds: Vec<Seed> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("a seed file").path())
        .filter(|path| path.extension().is_some_and(|e| e == "csv"))
        .map(|path| Seed {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            bytes: std::fs::read(&path).expect("a readable seed"),
        })
        .collect();
    seeds.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(!seeds.is_empty(), "no seeds in {}", dir.display());
    seeds
}

/// The ledger every case starts from (store/tests/fixtures/ledger): vendors A and B,
/// contracts C1 and C2 in USD, phases `initial` and `expansion` of C1 and `cluster` of C2.
const BASE_FILES: &[LedgerFile] = &[
    LedgerFile::Vendors,
    LedgerFile::Contracts,
    LedgerFile::Deliveries,
];

// ---- mutations ---------------------------------------------------------------------------------

/// One way to break a file. Positions are `Index`es so that they fit whatever length the
/// file has reached by then, and shrink towards the start.
#[derive(Debug, Clone)]
enum Mutation {
    FlipBit {
        at: Index,
        bit: u8,
    },
    InsertChar {
        at: Index,
        ch: char,
    },
    DeleteByte {
        at: Index,
    },
    DuplicateLine {
        line: Index,
    },
    DeleteLine {
        line: Index,
    },
    SwapLines {
        a: Index,
        b: Index,
    },
    SwapColumns {
        a: usize,
        b: usize,
    },
    ReplaceField {
        line: Index,
        field: Index,
        value: String,
    },
    Truncate {
        at: Index,
    },
    CrLf,
    PrefixBom,
}

fn field_value() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(" ".to_owned()),
        "\\PC{1,12}",
        any::<String>(),
        "[-+]?[0-9]{1,30}(\\.[0-9]{0,9})?([eE][0-9])?",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}",
        "\"[^\"]{0,6}\"",
        Just("\"a,b\"\"c\nd\"".to_owned()),
        Just("\"unterminated".to_owned()),
        Just("x".repeat(5_000)),
        Just("9".repeat(400)),
        prop::sample::select(vec![
            "-0",
            "0.000001",
            "92233720368547758.07",
            "92233720368547758.08",
            "-92233720368547758.07",
            "9223372036854.775807",
            "2026-02-29",
            "2024-02-29",
            "0000-01-01",
            "9999-12-31",
            "C1",
            "C2",
            "A",
            "initial",
            "usd",
            "EUR",
            "burn_down",
        ])
        .prop_map(String::from),
    ]
}

fn special_char() -> impl Strategy<Value = char> {
    prop_oneof![
        any::<char>(),
        prop::sample::select(vec![
            '"', ',', '\n', '\r', '\0', '\u{feff}', ' ', '-', '.', 'é'
        ]),
    ]
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 0u8..8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        (any::<Index>(), special_char()).prop_map(|(at, ch)| Mutation::InsertChar { at, ch }),
        any::<Index>().prop_map(|at| Mutation::DeleteByte { at }),
        any::<Index>().prop_map(|line| Mutation::DuplicateLine { line }),
        any::<Index>().prop_map(|line| Mutation::DeleteLine { line }),
        (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        (0usize..10, 0usize..10).prop_map(|(a, b)| Mutation::SwapColumns { a, b }),
        (any::<Index>(), any::<Index>(), field_value())
            .prop_map(|(line, field, value)| Mutation::ReplaceField { line, field, value }),
        any::<Index>().prop_map(|at| Mutation::Truncate { at }),
        Just(Mutation::CrLf),
        Just(Mutation::PrefixBom),
    ]
}

/// A seed and the mutations to apply to it (none at all now and then: the seed itself).
fn mutated(kind: LedgerFile) -> impl Strategy<Value = (Seed, Vec<Mutation>)> {
    (
        prop::sample::select(seeds(kind)),
        prop::collection::vec(mutation(), 0..=4),
    )
}

/// Lines with their terminators, so that joining them gives the bytes back.
fn lines(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split_inclusive(|b| *b == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

/// The fields of a line split naively on commas (a mutation does not need to respect
/// quoting; breaking it is the point).
fn fields(line: &[u8]) -> Vec<Vec<u8>> {
    line.split(|b| *b == b',').map(<[u8]>::to_vec).collect()
}

fn apply(bytes: &mut Vec<u8>, mutation: &Mutation) {
    let pick = |at: &Index, len: usize| (len > 0).then(|| at.index(len));
    match mutation {
        Mutation::FlipBit { at, bit } => {
            if let Some(i) = pick(at, bytes.len()) {
                bytes[i] ^= 1 << bit;
            }
        }
        Mutation::InsertChar { at, ch } => {
            let i = pick(at, bytes.len() + 1).unwrap_or(0);
            let mut buf = [0; 4];
            bytes.splice(i..i, ch.encode_utf8(&mut buf).bytes());
        }
        Mutation::DeleteByte { at } => {
            if let Some(i) = pick(at, bytes.len()) {
                bytes.remove(i);
            }
        }
        Mutation::Truncate { at } => {
            if let Some(i) = pick(at, bytes.len()) {
                bytes.truncate(i);
            }
        }
        Mutation::DuplicateLine { line } | Mutation::DeleteLine { line } => {
            let mut all = lines(bytes);
            if let Some(i) = pick(line, all.len()) {
                if matches!(mutation, Mutation::DuplicateLine { .. }) {
                    let mut copy = all[i].clone();
                    if copy.last() != Some(&b'\n') {
                        copy.push(b'\n'); // the last line has no terminator of its own
                    }
                    all.insert(i, copy);
                } else {
                    all.remove(i);
                }
                *bytes = all.concat();
            }
        }
        Mutation::SwapLines { a, b } => {
            let mut all = lines(bytes);
            if let (Some(a), Some(b)) = (pick(a, all.len()), pick(b, all.len())) {
                all.swap(a, b);
                *bytes = all.concat();
            }
        }
        Mutation::SwapColumns { a, b } => {
            let swapped: Vec<Vec<u8>> = lines(bytes)
                .iter()
                .map(|line| {
                    let body_len = line.len() - usize::from(line.ends_with(b"\n"));
                    let mut cells = fields(&line[..body_len]);
                    if *a < cells.len() && *b < cells.len() {
                        cells.swap(*a, *b);
                    }
                    let mut out = cells.join(&b","[..]);
                    out.extend_from_slice(&line[body_len..]);
                    out
                })
                .collect();
            *bytes = swapped.concat();
        }
        Mutation::ReplaceField { line, field, value } => {
            let mut all = lines(bytes);
            if let Some(l) = pick(line, all.len()) {
                let body_len = all[l].len() - usize::from(all[l].ends_with(b"\n"));
                let mut cells = fields(&all[l][..body_len]);
                let f = field.index(cells.len());
                cells[f] = value.clone().into_bytes();
                let mut out = cells.join(&b","[..]);
                out.extend_from_slice(&all[l][body_len..]);
                all[l] = out;
                *bytes = all.concat();
            }
        }
        Mutation::CrLf => {
            let mut out = Vec::with_capacity(bytes.len() + 16);
            for &b in bytes.iter() {
                if b == b'\n' {
                    out.push(b'\r');
                }
                out.push(b);
            }
            *bytes = out;
        }
        Mutation::PrefixBom => {
            bytes.splice(0..0, "\u{feff}".bytes());
        }
    }
}

// ---- one case ----------------------------------------------------------------------------------

/// A fresh in-memory ledger holding the base files: cheap enough to build for every case.
async fn base_ledger() -> DatabaseConnection {
    let db = store::connect("sqlite::memory:")
        .await
        .expect("an in-memory ledger");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/ledger");
    let sources = BASE_FILES
        .iter()
        .map(|kind| ImportSource::open_as(*kind, &fixtures.join(kind.file_name())).unwrap())
        .collect();
    import_files(&db, sources, "fixture", Arc::new(NoProgress))
        .await
        .expect("the base ledger imports");
    db
}

/// Every ledger table's row count, and the usage rollup's (which `TableCounts` leaves out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Snapshot {
    counts: TableCounts,
    rollup_days: i64,
}

async fn snapshot(db: &DatabaseConnection) -> Snapshot {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM usage_daily",
        ))
        .await
        .unwrap()
        .unwrap();
    Snapshot {
        counts: table_counts(db).await.unwrap(),
        rollup_days: row.try_get("", "n").unwrap(),
    }
}

fn import_file(kind: LedgerFile, bytes: &[u8]) -> Vec<ImportSource> {
    vec![ImportSource::from_bytes(
        kind,
        kind.file_name(),
        bytes.to_vec(),
    )]
}

/// Imports `bytes` as a dry run and for real into a fresh base ledger and checks the outcome.
fn check_case(kind: LedgerFile, bytes: &[u8]) -> Result<(), TestCaseError> {
    RUNTIME.block_on(async {
        let db = base_ledger().await;
        let before = snapshot(&db).await;
        let progress = Arc::new(NoProgress);
        let checked = check_files(&db, import_file(kind, bytes), "fuzzer", progress.clone()).await;
        prop_assert_eq!(snapshot(&db).await, before, "the dry run wrote to the ledger");
        let imported = import_files(&db, import_file(kind, bytes), "fuzzer", progress).await;
        let after = snapshot(&db).await;
        match (checked, imported) {
            (Ok(dry), Ok(report)) => {
                prop_assert_eq!(dry.total_rows(), report.total_rows());
                check_accepted(&db, kind, bytes, report.total_rows(), before, after).await?;
            }
            (
                Err(ImportError::Rejected {
                    errors: dry,
                    omitted: dry_omitted,
                }),
                Err(ImportError::Rejected { errors, omitted }),
            ) => {
                prop_assert_eq!(&dry, &errors, "the dry run and the import disagree");
                prop_assert_eq!(dry_omitted, omitted);
                check_rejected(kind, bytes, &errors, omitted)?;
                prop_assert_eq!(after, before, "a rejected import wrote to the ledger");
            }
            (dry, real) => prop_assert!(
                false,
                "neither a clean acceptance nor a clean rejection:\n  dry run: {:?}\n  import: {:?}",
                dry.map(|r| r.total_rows()),
                real.map(|r| r.total_rows())
            ),
        }
        db.close().await.unwrap();
        Ok(())
    })
}

/// Every data record of the file became a row of its table, and nothing else changed but
/// the import's own record and audit entry.
async fn check_accepted(
    db: &DatabaseConnection,
    kind: LedgerFile,
    bytes: &[u8],
    rows: u64,
    before: Snapshot,
    after: Snapshot,
) -> Result<(), TestCaseError> {
    let records = csv::Reader::from_reader(bytes).records().count() as u64;
    if kind == LedgerFile::FocusUsage {
        // A FOCUS row may be skipped (a tax row) or split across contracts (several entries).
        prop_assert!(rows <= records, "more rows imported than the file holds");
        prop_assert!(
            after.counts.usage_entries - before.counts.usage_entries >= rows as i64,
            "an imported FOCUS row left no entry"
        );
        prop_assert!(after.counts.imports - before.counts.imports <= 1);
        // Nothing but usage, the import's record and its audit entry changed.
        let mut others = after.counts;
        others.usage_entries = before.counts.usage_entries;
        others.imports = before.counts.imports;
        others.audit_log = before.counts.audit_log;
        prop_assert_eq!(others, before.counts);
        return Ok(());
    }
    prop_assert_eq!(rows, records, "accepted, but not every record was imported");
    let mut expected = before.counts;
    expected.imports += 1;
    expected.audit_log += 1;
    let added = rows as i64;
    match kind {
        LedgerFile::Vendors => expected.vendors += added,
        LedgerFile::Contracts | LedgerFile::FocusContracts => {
            // Each contract row carries its own commitment (the fuzzed rows all name an amount).
            expected.contracts += added;
            expected.commitments = after.counts.commitments;
        }
        LedgerFile::Commitments => expected.commitments += added,
        LedgerFile::Deliveries => expected.delivery_phases += added,
        LedgerFile::Receipts => expected.delivery_receipts += added,
        LedgerFile::Usage | LedgerFile::FocusUsage => expected.usage_entries += added,
        LedgerFile::Revenue => expected.revenue_entries += added,
    }
    prop_assert_eq!(after.counts, expected);
    if kind == LedgerFile::Usage {
        // The rollup holds exactly the sums of the rows that were written.
        let sums = |sql: &str| {
            let stmt = Statement::from_string(db.get_database_backend(), sql.to_owned());
            async move {
                db.query_all_raw(stmt)
                    .await
                    .unwrap()
                    .iter()
                    .map(|r| {
                        let get = |c| r.try_get::<i64>("", c).unwrap();
                        (get("contract_id"), get("amount"), get("quantity"), get("n"))
                    })
                    .collect::<Vec<_>>()
            }
        };
        let raw = sums("SELECT contract_id, date, CAST(SUM(amount_e6) AS BIGINT) AS amount, CAST(SUM(quantity_micros) AS BIGINT) AS quantity, COUNT(*) AS n FROM usage_entries GROUP BY contract_id, date ORDER BY contract_id, date").await;
        let rollup = sums("SELECT contract_id, date, CAST(SUM(amount_e6) AS BIGINT) AS amount, CAST(SUM(quantity_micros) AS BIGINT) AS quantity, CAST(SUM(entries) AS BIGINT) AS n FROM usage_daily GROUP BY contract_id, date ORDER BY contract_id, date").await;
        prop_assert_eq!(raw, rollup);
    }
    Ok(())
}

/// A rejection lists, in line order, reasons a person can act on, each at a line of the file.
fn check_rejected(
    kind: LedgerFile,
    bytes: &[u8],
    errors: &[RowError],
    omitted: usize,
) -> Result<(), TestCaseError> {
    prop_assert!(!errors.is_empty(), "rejected without a reason");
    prop_assert!(omitted == 0 || errors.len() == MAX_REPORTED_ERRORS);
    // The CSV reader ends a line at "\n", "\r" or "\r\n".
    let last_line = 1
        + bytes.iter().filter(|b| **b == b'\n').count() as u64
        + bytes
            .windows(2)
            .filter(|w| w[0] == b'\r' && w[1] != b'\n')
            .count() as u64
        + u64::from(bytes.ends_with(b"\r"));
    let columns = kind.column_names();
    let mut previous_line = 0;
    for e in errors {
        let shown = e.to_string();
        prop_assert_eq!(&e.file, kind.file_name());
        prop_assert!(
            !shown.contains(['\n', '\r']),
            "an error spans lines: {:?}",
            shown
        );
        let Some(line) = e.line else {
            return Err(TestCaseError::fail(format!("no line number: {shown}")));
        };
        prop_assert!(
            (1..=last_line).contains(&line),
            "line out of the file: {}",
            shown
        );
        prop_assert!(
            line >= previous_line,
            "errors out of line order: {:?}",
            errors
        );
        previous_line = line;
        if let Some(column) = &e.column {
            // The header may name columns the file should not have; rows only known ones.
            prop_assert!(
                line == 1 || columns.contains(&column.as_str()),
                "unknown column in {}",
                shown
            );
            prop_assert!(
                !column.trim().is_empty() || line == 1,
                "blank column in {}",
                shown
            );
        }
        check_reason(&e.reason, &shown)?;
    }
    Ok(())
}

/// The reason's own words (not the input it quotes) read as the end of a sentence that
/// starts with the column name, free of programmer debris, on one line.
fn check_reason(reason: &str, shown: &str) -> Result<(), TestCaseError> {
    prop_assert!(!reason.trim().is_empty(), "empty reason: {}", shown);
    prop_assert!(
        reason.chars().next().is_some_and(char::is_alphanumeric),
        "reason does not start with a word: {}",
        shown
    );
    prop_assert!(
        !reason.chars().any(char::is_control),
        "control characters in {:?}",
        shown
    );
    let own_words = reason
        .split(" (got ")
        .next()
        .and_then(|s| s.split('"').next())
        .unwrap_or(reason);
    for debris in [
        "Error", "error:", "Some(", "None", "panicked", "record 0", "byte:", "{",
    ] {
        prop_assert!(
            !own_words.contains(debris),
            "reads like a program: {}",
            shown
        );
    }
    Ok(())
}

// ---- the targets -------------------------------------------------------------------------------

fn fuzz(kind: LedgerFile, (seed, mutations): (Seed, Vec<Mutation>)) -> Result<(), TestCaseError> {
    let mut bytes = seed.bytes;
    for m in &mutations {
        apply(&mut bytes, m);
    }
    check_case(kind, &bytes).map_err(|e| match e {
        TestCaseError::Fail(why) => TestCaseError::fail(format!(
            "{why}\n  file: {:?}",
            String::from_utf8_lossy(&bytes)
        )),
        reject => reject,
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn vendors_csv(case in mutated(LedgerFile::Vendors)) {
        fuzz(LedgerFile::Vendors, case)?;
    }

    #[test]
    fn contracts_csv(case in mutated(LedgerFile::Contracts)) {
        fuzz(LedgerFile::Contracts, case)?;
    }

    /// Further commitments of the base ledger's contracts: spend and usage, scoped, quarterly.
    #[test]
    fn commitments_csv(case in mutated(LedgerFile::Commitments)) {
        fuzz(LedgerFile::Commitments, case)?;
    }

    #[test]
    fn deliveries_csv(case in mutated(LedgerFile::Deliveries)) {
        fuzz(LedgerFile::Deliveries, case)?;
    }

    #[test]
    fn receipts_csv(case in mutated(LedgerFile::Receipts)) {
        fuzz(LedgerFile::Receipts, case)?;
    }

    #[test]
    fn usage_csv(case in mutated(LedgerFile::Usage)) {
        fuzz(LedgerFile::Usage, case)?;
    }

    #[test]
    fn revenue_csv(case in mutated(LedgerFile::Revenue)) {
        fuzz(LedgerFile::Revenue, case)?;
    }

    /// FOCUS cost files as providers write them (literal NULLs, refunds, sub-cent costs,
    /// rows under no contract, several contracts in one ContractApplied).
    #[test]
    fn focus_usage_csv(case in mutated(LedgerFile::FocusUsage)) {
        fuzz(LedgerFile::FocusUsage, case)?;
    }
}

/// The corpus stays meaningful: every committed seed is a file the importer accepts, so the
/// mutations start from the accepting paths and break them.
#[test]
fn every_seed_is_accepted_as_committed() {
    for kind in LedgerFile::ALL.iter().chain([&LedgerFile::FocusUsage]) {
        for seed in seeds(*kind) {
            let case = (seed.clone(), Vec::new());
            if let Err(e) = fuzz(*kind, case) {
                panic!("seed {seed:?} of {kind}: {e}");
            }
            let rejected = RUNTIME.block_on(async {
                let db = base_ledger().await;
                import_files(
                    &db,
                    import_file(*kind, &seed.bytes),
                    "t",
                    Arc::new(NoProgress),
                )
                .await
                .err()
            });
            assert!(rejected.is_none(), "seed {seed:?} rejected: {rejected:?}");
        }
    }
}
