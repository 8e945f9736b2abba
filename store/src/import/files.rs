//! The six file kinds: their columns, how a row is validated and resolved, and the stream
//! that turns a CSV into inserted batches.

use super::columns::{ColumnSpec, Header};
use super::insert::{insert_rows, InsertRow};
use super::lookups::{ContractKey, Lookups};
use super::{ImportSource, Progress, Rejections, RowError};
use crate::rollup::DailyUsageRow;
use chrono::{DateTime, NaiveDate, Utc};
use domain::entries::{RawContract, RawPhase, RawReceipt, RawRevenue, RawUsage, RawVendor};
use domain::{FieldError, NewContract, NewPhase, NewReceipt, NewRevenue, NewUsage, NewVendor};
use sea_orm::{DatabaseTransaction, DbErr, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LedgerFile {
    Vendors,
    Contracts,
    /// Further commitments of contracts (a contract's own one is in `contracts.csv`).
    Commitments,
    Deliveries,
    Receipts,
    Usage,
    Revenue,
    /// A FOCUS 1.3 cost-and-usage file, imported as usage entries.
    FocusUsage,
    /// A FOCUS 1.3 contract commitment dataset, imported as contracts (and their vendors).
    FocusContracts,
}

impl LedgerFile {
    /// In import order: each kind refers only to kinds before it.
    pub const ALL: &'static [LedgerFile] = &[
        LedgerFile::Vendors,
        LedgerFile::Contracts,
        LedgerFile::Commitments,
        LedgerFile::Deliveries,
        LedgerFile::Receipts,
        LedgerFile::Usage,
        LedgerFile::Revenue,
    ];

    /// Imported but not one of the ledger's own files (never exported as one).
    pub const FOREIGN: &'static [LedgerFile] =
        &[LedgerFile::FocusUsage, LedgerFile::FocusContracts];

    pub fn as_str(self) -> &'static str {
        match self {
            LedgerFile::FocusUsage => "focus-usage",
            LedgerFile::FocusContracts => "focus-contracts",
            LedgerFile::Vendors => "vendors",
            LedgerFile::Contracts => "contracts",
            LedgerFile::Commitments => "commitments",
            LedgerFile::Deliveries => "deliveries",
            LedgerFile::Receipts => "receipts",
            LedgerFile::Usage => "usage",
            LedgerFile::Revenue => "revenue",
        }
    }

    /// The ledger file its rows end up in: FOCUS usage is exported as usage entries.
    pub fn ledger_kind(self) -> Self {
        match self {
            LedgerFile::FocusUsage => LedgerFile::Usage,
            LedgerFile::FocusContracts => LedgerFile::Contracts,
            other => other,
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .chain(Self::FOREIGN)
            .copied()
            .find(|k| k.as_str() == raw.trim())
    }

    pub fn file_name(self) -> &'static str {
        match self {
            LedgerFile::Vendors => "vendors.csv",
            LedgerFile::Contracts => "contracts.csv",
            LedgerFile::Commitments => "commitments.csv",
            LedgerFile::Deliveries => "deliveries.csv",
            LedgerFile::Receipts => "receipts.csv",
            LedgerFile::Usage => "usage.csv",
            LedgerFile::Revenue => "revenue.csv",
            LedgerFile::FocusUsage => "focus-usage.csv",
            LedgerFile::FocusContracts => "focus-contracts.csv",
        }
    }

    /// `usage.csv`, and also dated variants such as `usage-2026-01.csv`.
    pub fn from_path(path: &std::path::Path) -> Option<Self> {
        let stem = path.file_stem()?.to_str()?;
        let ext_ok = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
        Self::ALL.iter().copied().find(|k| {
            ext_ok
                && (stem == k.as_str()
                    || stem
                        .strip_prefix(k.as_str())
                        .is_some_and(|rest| rest.starts_with(['-', '_'])))
        })
    }

    pub fn import_order(self) -> usize {
        Self::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or(usize::MAX)
    }

    /// Every column, in file order (the export header).
    pub fn column_names(self) -> Vec<&'static str> {
        let spec = self.columns();
        spec.required
            .iter()
            .chain(spec.optional.iter())
            .copied()
            .collect()
    }

    pub fn columns(self) -> ColumnSpec {
        match self {
            LedgerFile::Vendors => ColumnSpec {
                required: &["name"],
                optional: &["kind"],
            },
            LedgerFile::Contracts => ColumnSpec {
                required: &[
                    "reference",
                    "vendor",
                    "start_date",
                    "end_date",
                    "committed_amount",
                    "currency",
                ],
                optional: &["title", "commitment_model", "fulfillment_interval", "notes"],
            },
            LedgerFile::Commitments => ColumnSpec {
                required: &["contract", "commitment", "start_date", "end_date"],
                optional: &[
                    "category",
                    "committed_amount",
                    "quantity",
                    "unit",
                    "commitment_model",
                    "fulfillment_interval",
                    "scope",
                ],
            },
            LedgerFile::Deliveries => ColumnSpec {
                required: &[
                    "contract",
                    "phase",
                    "resource",
                    "region",
                    "planned_date",
                    "planned_quantity",
                ],
                optional: &[],
            },
            LedgerFile::Receipts => ColumnSpec {
                required: &["contract", "phase", "date", "quantity"],
                optional: &["note"],
            },
            LedgerFile::Usage => ColumnSpec {
                required: &["contract", "date", "amount", "quantity", "unit", "sku"],
                // Spend under no contract: an empty contract, the vendor and the currency. A
                // commitment names the contract's commitment the spend is applied to.
                optional: &["vendor", "currency", "commitment"],
            },
            LedgerFile::Revenue => ColumnSpec {
                required: &["period_start", "amount", "currency"],
                optional: &[],
            },
            LedgerFile::FocusUsage => super::focus::USAGE_COLUMNS,
            LedgerFile::FocusContracts => ColumnSpec {
                required: super::focus_commitments::COLUMNS,
                optional: &[],
            },
        }
    }
}

impl std::fmt::Display for LedgerFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What validating one row needs besides the row: the ledger's keys, the keys seen so far in
/// this file (for "duplicate of line N"), and per-import values.
pub(super) struct RowContext {
    pub lookups: Lookups,
    seen: HashMap<String, u64>,
    pub import_id: i64,
    pub now: DateTime<Utc>,
    line: u64,
    daily: HashMap<(i64, i64, NaiveDate, i64), DailyUsageRow>,
    /// The contracts' own commitments, written once the contracts have ids.
    pub own_commitments: Vec<domain::NewCommitment>,
    pub focus: super::focus::FocusState,
    /// Rows read but not imported, by reason, for the import's summary.
    pub skipped: std::collections::BTreeMap<String, u64>,
    /// Rows imported that the summary points out ("rows under no contract"), by what.
    pub noted: std::collections::BTreeMap<String, u64>,
}

impl RowContext {
    /// Claims a natural key for this row; `exists` says whether the ledger already holds it.
    fn claim(
        &mut self,
        column: &str,
        what: &str,
        key: String,
        exists: bool,
    ) -> Result<(), Vec<FieldError>> {
        if let Some(first) = self.seen.get(&key) {
            return Err(vec![FieldError::new(
                column,
                format!("duplicate {what} (first on line {first})"),
            )]);
        }
        if exists {
            return Err(vec![FieldError::new(
                column,
                format!("{what} already exists in the ledger"),
            )]);
        }
        self.seen.insert(key, self.line);
        Ok(())
    }

    /// Adds a usage row to its day's rollup, refusing a sum the rollup cannot hold.
    pub(super) fn add_to_day(
        &mut self,
        placed: &PlacedUsage,
        usage: &NewUsage,
    ) -> Result<(), Vec<FieldError>> {
        let contract_id = placed.contract_id.unwrap_or(crate::rollup::NO_CONTRACT);
        let commitment_id = placed.commitment_id.unwrap_or(crate::rollup::NO_COMMITMENT);
        let day = self
            .daily
            .entry((contract_id, commitment_id, usage.date, placed.vendor_id))
            .or_insert_with(|| DailyUsageRow {
                contract_id,
                commitment_id,
                date: usage.date,
                vendor_id: placed.vendor_id,
                ..Default::default()
            });
        // Checked: each value fits, but a day's sum of them need not (found by fuzzing).
        let too_large = |column: &str| {
            let whose = match &usage.contract {
                Some(contract) => format!("contract {contract}"),
                None => format!(
                    "{} (no contract)",
                    usage.vendor.as_deref().unwrap_or_default()
                ),
            };
            vec![FieldError::new(
                column,
                format!(
                    "adds up past the largest {column} the ledger can hold for {whose}'s usage on {}",
                    usage.date
                ),
            )]
        };
        let amount = day
            .amount_e6
            .checked_add(usage.amount_e6)
            .ok_or_else(|| too_large("amount"))?;
        let quantity = day
            .quantity_micros
            .checked_add(usage.quantity.micros())
            .ok_or_else(|| too_large("quantity"))?;
        day.amount_e6 = amount;
        day.quantity_micros = quantity;
        day.entries += 1;
        Ok(())
    }

    /// Where a usage row goes: its contract (if it names one) and vendor, checked.
    pub(super) fn place(&self, usage: &NewUsage) -> Result<PlacedUsage, Vec<FieldError>> {
        let contract = usage
            .contract
            .as_deref()
            .map(|reference| self.contract(reference))
            .transpose()?;
        let vendor_id = match usage.vendor.as_deref() {
            None => None,
            Some(name) => Some(self.lookups.vendors.get(name).copied().ok_or_else(|| {
                vec![FieldError::new(
                    "vendor",
                    format!("unknown vendor {name:?}"),
                )]
            })?),
        };
        let (vendor_id, currency) = usage.placement(
            contract
                .as_ref()
                .map(|k| (k.vendor_id, k.currency, &k.term)),
            vendor_id,
        )?;
        let commitment_id = match usage.contract.as_deref() {
            Some(reference) => self.apply(reference, usage.commitment.as_deref(), usage)?,
            None => None,
        };
        Ok(PlacedUsage {
            vendor_id,
            contract_id: contract.map(|k| k.id),
            commitment_id,
            currency,
        })
    }

    /// The commitment of contract `reference` a usage row is applied to (see
    /// `domain::commitment::apply`).
    pub(super) fn apply(
        &self,
        reference: &str,
        named: Option<&str>,
        usage: &NewUsage,
    ) -> Result<Option<i64>, Vec<FieldError>> {
        let commitments = self
            .lookups
            .commitments
            .get(reference)
            .map_or(&[][..], Vec::as_slice);
        domain::commitment::apply(commitments, named, usage.date, &usage.sku).map_err(|e| vec![e])
    }

    fn contract(&self, reference: &str) -> Result<ContractKey, Vec<FieldError>> {
        self.lookups
            .contracts
            .get(reference)
            .copied()
            .ok_or_else(|| {
                vec![FieldError::new(
                    "contract",
                    format!("unknown contract reference {reference:?}"),
                )]
            })
    }
}

/// A file kind: how one CSV record becomes a row ready to insert.
pub(super) trait RowParser {
    type Row: InsertRow;
    /// `Ok(None)`: a row the file may hold but the ledger does not count (a FOCUS tax row,
    /// a row already imported); `cx` says why.
    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
    ) -> Result<Option<Self::Row>, Vec<FieldError>>;

    fn match_header(
        kind: LedgerFile,
        _cx: &RowContext,
        names: &[&str],
    ) -> Result<Header, Vec<(Option<String>, String)>> {
        kind.columns().match_header(names)
    }
}

pub(super) struct FileOutcome {
    pub rows: u64,
    /// Usage summed per contract and day, to be added to the `usage_daily` rollup.
    pub daily: Vec<DailyUsageRow>,
    /// The own commitments of the contracts a contracts file added.
    pub own_commitments: Vec<domain::NewCommitment>,
    pub sha256: String,
    pub lookups: Lookups,
    pub rejections: Rejections,
    /// Rows read but not imported, by reason.
    pub skipped: std::collections::BTreeMap<String, u64>,
    pub noted: std::collections::BTreeMap<String, u64>,
}

pub(super) async fn import_file(
    txn: &DatabaseTransaction,
    source: ImportSource,
    import_id: i64,
    lookups: Lookups,
    rejections: Rejections,
    progress: Arc<dyn Progress>,
) -> Result<FileOutcome, DbErr> {
    let run = Run {
        source,
        import_id,
        lookups,
        rejections,
        progress,
    };
    match run.source.kind {
        LedgerFile::Vendors => run.execute::<VendorRow>(txn).await,
        // FOCUS commitments arrive here already turned into a contracts file.
        LedgerFile::Contracts | LedgerFile::FocusContracts => run.execute::<ContractRow>(txn).await,
        LedgerFile::Commitments => run.execute::<CommitmentRow>(txn).await,
        LedgerFile::Deliveries => run.execute::<PhaseRow>(txn).await,
        LedgerFile::Receipts => run.execute::<ReceiptRow>(txn).await,
        LedgerFile::Usage => run.execute::<UsageRow>(txn).await,
        LedgerFile::Revenue => run.execute::<RevenueRow>(txn).await,
        LedgerFile::FocusUsage => run.execute::<super::focus::FocusUsageRows>(txn).await,
    }
}

struct Run {
    source: ImportSource,
    import_id: i64,
    lookups: Lookups,
    rejections: Rejections,
    progress: Arc<dyn Progress>,
}

const BATCH_ROWS: usize = 5_000;

impl Run {
    /// Parses on a blocking thread while this task inserts the batches it sends.
    async fn execute<P>(self, txn: &DatabaseTransaction) -> Result<FileOutcome, DbErr>
    where
        P: RowParser + 'static,
    {
        let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<P::Row>>(4);
        let parser = tokio::task::spawn_blocking(move || self.parse_stream::<P>(tx));
        let mut insert_result = Ok(());
        while let Some(batch) = rx.recv().await {
            insert_result = insert_rows(txn, batch).await;
            if insert_result.is_err() {
                break;
            }
        }
        drop(rx);
        let outcome = parser
            .await
            .map_err(|e| DbErr::Custom(format!("import worker failed: {e}")))?;
        insert_result.map(|()| outcome)
    }

    fn parse_stream<P: RowParser>(self, tx: tokio::sync::mpsc::Sender<Vec<P::Row>>) -> FileOutcome {
        let Run {
            source,
            import_id,
            lookups,
            mut rejections,
            progress,
        } = self;
        let file = source.name.clone();
        let reject = |rejections: &mut Rejections,
                      line: Option<u64>,
                      column: Option<String>,
                      reason: String| {
            rejections.push(RowError {
                file: file.clone(),
                line,
                column,
                reason,
            })
        };
        progress.file_started(&file, source.size);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .buffer_capacity(1 << 20)
            .from_reader(HashingReader {
                inner: source.reader,
                hasher: Sha256::new(),
            });
        let mut cx = RowContext {
            lookups,
            seen: HashMap::new(),
            import_id,
            now: Utc::now(),
            line: 1,
            daily: HashMap::new(),
            own_commitments: Vec::new(),
            focus: super::focus::FocusState::new(source.focus_cost, source.focus_charges),
            skipped: Default::default(),
            noted: Default::default(),
        };
        let header = match reader.headers() {
            Ok(names) => {
                let names: Vec<&str> = names.iter().collect();
                P::match_header(source.kind, &cx, &names)
            }
            // In the same words as a bad data row (the csv crate's own text is for programmers).
            Err(e) => Err(vec![(None, describe_csv_error(&e))]),
        };
        let header = match header {
            Ok(h) => Some(h),
            Err(problems) => {
                for (column, reason) in problems {
                    reject(&mut rejections, Some(1), column, reason);
                }
                None
            }
        };
        let mut rows = 0u64;
        let mut batch = Vec::with_capacity(BATCH_ROWS);
        let mut sending = header.is_some() && rejections.is_empty();
        if let Some(header) = header {
            let mut record = csv::StringRecord::new();
            loop {
                match reader.read_record(&mut record) {
                    Ok(false) => break,
                    Ok(true) => {
                        cx.line = record.position().map_or(0, |p| p.line());
                        match P::parse(&header, &record, &mut cx) {
                            Ok(Some(row)) => {
                                rows += 1;
                                if sending {
                                    batch.push(row);
                                }
                            }
                            Ok(None) => {}
                            Err(errors) => {
                                sending = false;
                                batch.clear();
                                for e in errors {
                                    reject(
                                        &mut rejections,
                                        Some(cx.line),
                                        Some(e.column),
                                        e.reason,
                                    );
                                }
                            }
                        }
                    }
                    Err(e) => {
                        sending = false;
                        let line = e.position().map(|p| p.line());
                        let fatal = matches!(e.kind(), csv::ErrorKind::Io(_));
                        reject(&mut rejections, line, None, describe_csv_error(&e));
                        if fatal {
                            break;
                        }
                    }
                }
                if batch.len() >= BATCH_ROWS {
                    if tx
                        .blocking_send(std::mem::replace(
                            &mut batch,
                            Vec::with_capacity(BATCH_ROWS),
                        ))
                        .is_err()
                    {
                        break;
                    }
                }
                if rows % BATCH_ROWS as u64 == 0 {
                    progress.advanced(&file, rows, reader.position().byte());
                }
            }
        }
        if sending && !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        progress.advanced(&file, rows, reader.position().byte());
        progress.file_finished(&file, rows);
        let mut hashing = reader.into_inner();
        // Hash whatever the CSV reader left unread so the checksum covers the whole file.
        let _ = std::io::copy(&mut hashing, &mut std::io::sink());
        let sha256 = format!("{:x}", hashing.hasher.finalize());
        FileOutcome {
            rows,
            daily: cx.daily.into_values().collect(),
            own_commitments: cx.own_commitments,
            sha256,
            lookups: cx.lookups,
            rejections,
            skipped: cx.skipped,
            noted: cx.noted,
        }
    }
}

fn describe_csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("has {len} fields, expected {expected_len} like the header")
        }
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8 (save the file as UTF-8)".to_owned(),
        csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
        _ => e.to_string(),
    }
}

struct HashingReader {
    inner: Box<dyn Read + Send>,
    hasher: Sha256,
}

impl Read for HashingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

// ---- the six kinds -------------------------------------------------------------------------

struct VendorRow {
    vendor: NewVendor,
    created_at: DateTime<Utc>,
}

impl InsertRow for VendorRow {
    const TABLE: &'static str = "vendors";
    const COLUMNS: &'static [&'static str] = &["name", "kind", "created_at"];
    fn push_values(self, out: &mut Vec<Value>) {
        out.extend([
            self.vendor.name.into(),
            self.vendor.kind.as_str().into(),
            self.created_at.into(),
        ]);
    }
}

impl RowParser for VendorRow {
    type Row = Self;
    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let vendor = NewVendor::parse(&RawVendor {
            name: h.get(rec, "name"),
            kind: h.get(rec, "kind"),
        })?;
        let exists = cx.lookups.vendors.contains_key(&vendor.name);
        cx.claim(
            "name",
            &format!("vendor {:?}", vendor.name),
            vendor.name.clone(),
            exists,
        )?;
        let id = cx.lookups.placeholder_id();
        cx.lookups.vendors.insert(vendor.name.clone(), id);
        Ok(Some(Self {
            vendor,
            created_at: cx.now,
        }))
    }
}

struct ContractRow {
    contract: NewContract,
    vendor_id: i64,
    created_at: DateTime<Utc>,
}

impl InsertRow for ContractRow {
    const TABLE: &'static str = "contracts";
    const COLUMNS: &'static [&'static str] = &[
        "reference",
        "vendor_id",
        "title",
        "start_date",
        "end_date",
        "committed_minor",
        "currency",
        "commitment_model",
        "fulfillment_interval",
        "notes",
        "created_at",
    ];
    fn push_values(self, out: &mut Vec<Value>) {
        let c = self.contract;
        out.extend([
            c.reference.into(),
            self.vendor_id.into(),
            c.title.into(),
            c.term.start().into(),
            c.term.end().into(),
            // Retired columns (the terms are the own commitment's, in `commitments`).
            0i64.into(),
            c.currency.as_str().into(),
            domain::CommitmentModel::default().as_str().into(),
            domain::FulfillmentInterval::default().as_str().into(),
            c.notes.into(),
            self.created_at.into(),
        ]);
    }
}

impl RowParser for ContractRow {
    type Row = Self;
    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let parsed = Self::parse_contract(h, rec, cx);
        if parsed.is_err() {
            let reference = h.get(rec, "reference").trim().to_owned();
            cx.lookups.refused_contracts.insert(reference);
        }
        parsed
    }
}

impl ContractRow {
    fn parse_contract(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let get = |c| h.get(rec, c);
        let contract = NewContract::parse(&RawContract {
            reference: get("reference"),
            vendor: get("vendor"),
            start_date: get("start_date"),
            end_date: get("end_date"),
            committed_amount: get("committed_amount"),
            currency: get("currency"),
            title: get("title"),
            commitment_model: get("commitment_model"),
            fulfillment_interval: get("fulfillment_interval"),
            notes: get("notes"),
        })?;
        let vendor_id = *cx.lookups.vendors.get(&contract.vendor).ok_or_else(|| {
            vec![FieldError::new(
                "vendor",
                format!(
                    "unknown vendor {:?}; add it to vendors.csv first",
                    contract.vendor
                ),
            )]
        })?;
        let exists = cx.lookups.contracts.contains_key(&contract.reference);
        cx.claim(
            "reference",
            &format!("contract reference {:?}", contract.reference),
            contract.reference.clone(),
            exists,
        )?;
        let key = ContractKey {
            id: cx.lookups.placeholder_id(),
            vendor_id,
            currency: contract.currency,
            term: contract.term,
        };
        cx.lookups.contracts.insert(contract.reference.clone(), key);
        if let Some(own) = crate::ledger::commitments::own_terms(&contract) {
            let id = cx.lookups.placeholder_id();
            cx.lookups
                .commitments
                .entry(contract.reference.clone())
                .or_default()
                .push(domain::commitment::Applicable {
                    id,
                    reference: own.reference.clone(),
                    period: own.period,
                    scope: own.scope.clone(),
                });
            cx.own_commitments.push(own);
        }
        Ok(Some(Self {
            contract,
            vendor_id,
            created_at: cx.now,
        }))
    }
}

/// A commitment ready for its table, with its contract's id.
pub(super) struct CommitmentRow {
    pub commitment: domain::NewCommitment,
    pub contract_id: i64,
    pub created_at: DateTime<Utc>,
}

impl InsertRow for CommitmentRow {
    const TABLE: &'static str = "commitments";
    const COLUMNS: &'static [&'static str] = &[
        "contract_id",
        "reference",
        "category",
        "committed_minor",
        "quantity_micros",
        "unit",
        "commitment_model",
        "fulfillment_interval",
        "start_date",
        "end_date",
        "scope",
        "created_at",
    ];
    fn push_values(self, out: &mut Vec<Value>) {
        let k = self.commitment;
        out.extend([
            self.contract_id.into(),
            k.reference.into(),
            k.category.as_str().into(),
            k.committed.minor().into(),
            k.quantity.map(|q| q.micros()).into(),
            k.unit.into(),
            k.model.as_str().into(),
            k.interval.as_str().into(),
            k.period.start().into(),
            k.period.end().into(),
            k.scope.as_text().into(),
            self.created_at.into(),
        ]);
    }
}

impl RowParser for CommitmentRow {
    type Row = Self;
    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let get = |c| h.get(rec, c);
        let reference = get("contract").trim();
        if cx.lookups.refused_contracts.contains(reference) {
            // Its contract's errors are reported already; the import fails on them.
            return Ok(None);
        }
        let key = cx.contract(reference).map_err(|mut e| {
            e.iter_mut().for_each(|e| {
                e.reason.push_str("; add it to contracts.csv first");
            });
            e
        })?;
        let commitment = domain::NewCommitment::parse(
            &domain::commitment::RawCommitment {
                contract: reference,
                commitment: get("commitment"),
                category: get("category"),
                committed_amount: get("committed_amount"),
                quantity: get("quantity"),
                unit: get("unit"),
                commitment_model: get("commitment_model"),
                fulfillment_interval: get("fulfillment_interval"),
                start_date: get("start_date"),
                end_date: get("end_date"),
                scope: get("scope"),
            },
            key.currency,
        )?;
        commitment.check_within(&key.term).map_err(|e| vec![e])?;
        let exists = cx
            .lookups
            .commitments
            .get(reference)
            .is_some_and(|ks| ks.iter().any(|k| k.reference == commitment.reference));
        cx.claim(
            "commitment",
            &format!(
                "commitment {:?} of contract {reference:?}",
                commitment.reference
            ),
            format!("{reference}\u{1f}{}", commitment.reference),
            exists,
        )?;
        let id = cx.lookups.placeholder_id();
        cx.lookups
            .commitments
            .entry(reference.to_owned())
            .or_default()
            .push(domain::commitment::Applicable {
                id,
                reference: commitment.reference.clone(),
                period: commitment.period,
                scope: commitment.scope.clone(),
            });
        Ok(Some(Self {
            commitment,
            contract_id: key.id,
            created_at: cx.now,
        }))
    }
}

struct PhaseRow {
    phase: NewPhase,
    contract_id: i64,
}

impl InsertRow for PhaseRow {
    const TABLE: &'static str = "delivery_phases";
    const COLUMNS: &'static [&'static str] = &[
        "contract_id",
        "phase",
        "resource",
        "region",
        "planned_date",
        "planned_quantity_micros",
    ];
    fn push_values(self, out: &mut Vec<Value>) {
        let p = self.phase;
        out.extend([
            self.contract_id.into(),
            p.phase.into(),
            p.resource.into(),
            p.region.into(),
            p.planned_date.into(),
            p.planned_quantity.micros().into(),
        ]);
    }
}

impl RowParser for PhaseRow {
    type Row = Self;
    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let get = |c| h.get(rec, c);
        let phase = NewPhase::parse(&RawPhase {
            contract: get("contract"),
            phase: get("phase"),
            resource: get("resource"),
            region: get("region"),
            planned_date: get("planned_date"),
            planned_quantity: get("planned_quantity"),
        })?;
        let contract_id = cx.contract(&phase.contract)?.id;
        let key = (contract_id, phase.phase.clone());
        let exists = cx.lookups.phases.contains_key(&key);
        let what = format!("phase {:?} of contract {:?}", phase.phase, phase.contract);
        cx.claim(
            "phase",
            &what,
            format!("{}\u{0}{}", phase.contract, phase.phase),
            exists,
        )?;
        let id = cx.lookups.placeholder_id();
        cx.lookups.phases.insert(key, id);
        Ok(Some(Self { phase, contract_id }))
    }
}

struct ReceiptRow {
    receipt: NewReceipt,
    phase_id: i64,
}

impl InsertRow for ReceiptRow {
    const TABLE: &'static str = "delivery_receipts";
    const COLUMNS: &'static [&'static str] = &["phase_id", "date", "quantity_micros", "note"];
    fn push_values(self, out: &mut Vec<Value>) {
        let r = self.receipt;
        out.extend([
            self.phase_id.into(),
            r.date.into(),
            r.quantity.micros().into(),
            r.note.into(),
        ]);
    }
}

impl RowParser for ReceiptRow {
    type Row = Self;
    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let get = |c| h.get(rec, c);
        let receipt = NewReceipt::parse(&RawReceipt {
            contract: get("contract"),
            phase: get("phase"),
            date: get("date"),
            quantity: get("quantity"),
            note: get("note"),
        })?;
        cx.lookups.check_open("date", receipt.date)?;
        let contract_id = cx.contract(&receipt.contract)?.id;
        let phase_id = *cx
            .lookups
            .phases
            .get(&(contract_id, receipt.phase.clone()))
            .ok_or_else(|| {
                vec![FieldError::new(
                    "phase",
                    format!(
                        "contract {:?} has no phase {:?}; add it to deliveries.csv first",
                        receipt.contract, receipt.phase
                    ),
                )]
            })?;
        Ok(Some(Self { receipt, phase_id }))
    }
}

/// A usage row's vendor, contract (none for on-demand spend) and currency.
#[derive(Debug, Clone, Copy)]
pub(super) struct PlacedUsage {
    pub vendor_id: i64,
    pub contract_id: Option<i64>,
    pub commitment_id: Option<i64>,
    pub currency: domain::Currency,
}

pub(super) struct UsageRow {
    pub usage: NewUsage,
    pub placed: PlacedUsage,
    pub import_id: i64,
}

/// Usage columns as FOCUS rows fill them; ledger CSV rows leave the last two to their
/// defaults (fewer parameters on the 10M-row path).
pub(super) const USAGE_COLUMNS_WITH_SOURCE: &[&str] = &[
    "vendor_id",
    "contract_id",
    "commitment_id",
    "date",
    "amount_e6",
    "currency",
    "quantity_micros",
    "unit",
    "sku",
    "import_id",
    "region",
    "row_hash",
];

impl InsertRow for UsageRow {
    const TABLE: &'static str = "usage_entries";
    const COLUMNS: &'static [&'static str] = USAGE_COLUMNS_WITH_SOURCE.split_at(10).0;
    fn push_values(self, out: &mut Vec<Value>) {
        let u = self.usage;
        out.extend([
            self.placed.vendor_id.into(),
            self.placed.contract_id.into(),
            self.placed.commitment_id.into(),
            u.date.into(),
            u.amount_e6.into(),
            self.placed.currency.as_str().into(),
            u.quantity.micros().into(),
            u.unit.into(),
            u.sku.into(),
            self.import_id.into(),
        ]);
    }
}

impl RowParser for UsageRow {
    type Row = Self;
    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let get = |c| h.get(rec, c);
        let usage = NewUsage::parse(&RawUsage {
            contract: get("contract"),
            vendor: get("vendor"),
            currency: get("currency"),
            date: get("date"),
            amount: get("amount"),
            quantity: get("quantity"),
            unit: get("unit"),
            sku: get("sku"),
            commitment: get("commitment"),
        })?;
        let placed = cx.place(&usage)?;
        cx.lookups.check_open("date", usage.date)?;
        cx.add_to_day(&placed, &usage)?;
        Ok(Some(Self {
            usage,
            placed,
            import_id: cx.import_id,
        }))
    }
}

struct RevenueRow {
    revenue: NewRevenue,
}

impl InsertRow for RevenueRow {
    const TABLE: &'static str = "revenue_entries";
    const COLUMNS: &'static [&'static str] = &["period_start", "amount_minor", "currency"];
    fn push_values(self, out: &mut Vec<Value>) {
        let r = self.revenue;
        out.extend([
            r.period_start.into(),
            r.amount.minor().into(),
            r.amount.currency().as_str().into(),
        ]);
    }
}

impl RowParser for RevenueRow {
    type Row = Self;
    fn parse(
        h: &Header,
        rec: &csv::StringRecord,
        cx: &mut RowContext,
    ) -> Result<Option<Self>, Vec<FieldError>> {
        let revenue = NewRevenue::parse(&RawRevenue {
            period_start: h.get(rec, "period_start"),
            amount: h.get(rec, "amount"),
            currency: h.get(rec, "currency"),
        })?;
        cx.lookups
            .check_open("period_start", revenue.period_start)?;
        let key: (NaiveDate, _) = (revenue.period_start, revenue.amount.currency());
        let exists = cx.lookups.revenue_periods.contains(&key);
        let what = format!("revenue for {} in {}", key.0, key.1);
        cx.claim("period_start", &what, format!("{}{}", key.0, key.1), exists)?;
        cx.lookups.revenue_periods.insert(key);
        Ok(Some(Self { revenue }))
    }
}
