//! FOCUS 1.3 cost-and-usage import: the sample files in fixtures/focus were written from the
//! spec's column list (more columns than the ledger reads, in the spec's alphabetical order,
//! `ProviderName` beside `ServiceProviderName`, `ContractApplied` as JSON).

mod common;

use common::{fixtures, test_db};
use std::collections::BTreeMap;
use std::sync::Arc;
use store::focus::FocusCost;
use store::import::{import_files, ImportError, ImportSource, LedgerFile, NoProgress};
use store::ledger::{contract_overviews, table_counts};
use store::DatabaseConnection;

const VENDORS: &str = "name,kind\nAmazon Web Services,hyperscaler\nCoreWeave,neocloud\n\
    Microsoft,hyperscaler\nOracle,hyperscaler\n";
// AWS's two contracts overlap from July to December 2026: a row there needs ContractApplied.
const CONTRACTS: &str = "reference,vendor,start_date,end_date,committed_amount,currency\n\
    AWS-EDP-2026,Amazon Web Services,2026-01-01,2026-12-31,1000000.00,USD\n\
    AWS-GPU-2026,Amazon Web Services,2026-07-01,2027-06-30,500000.00,USD\n\
    CW-2026,CoreWeave,2026-01-01,2028-12-31,300000.00,USD\n";

async fn ledger() -> common::TestDb {
    let t = test_db().await;
    let csv = |kind: LedgerFile, text: &str| {
        ImportSource::from_bytes(kind, kind.file_name(), text.as_bytes().to_vec())
    };
    import_files(
        &t.db,
        vec![
            csv(LedgerFile::Vendors, VENDORS),
            csv(LedgerFile::Contracts, CONTRACTS),
        ],
        "tester",
        Arc::new(NoProgress),
    )
    .await
    .unwrap();
    t
}

fn focus_file(name: &str, cost: FocusCost) -> ImportSource {
    let mut source =
        ImportSource::open_as(LedgerFile::FocusUsage, &fixtures().join("focus").join(name))
            .unwrap();
    source.focus_cost = cost;
    source
}

async fn import_focus(
    db: &DatabaseConnection,
    source: ImportSource,
) -> Result<store::ImportReport, ImportError> {
    import_files(db, vec![source], "tester", Arc::new(NoProgress)).await
}

async fn burned(db: &DatabaseConnection) -> BTreeMap<String, i64> {
    contract_overviews(db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.reference, c.burned_minor))
        .collect()
}

#[tokio::test]
async fn usage_credits_and_corrections_land_on_their_contracts_and_tax_is_skipped() {
    let t = ledger().await;
    let report = import_focus(
        &t.db,
        focus_file("cost-and-usage.csv", FocusCost::Effective),
    )
    .await
    .unwrap();
    let file = &report.files[0];
    assert_eq!(file.rows, 6);
    assert_eq!(
        file.skipped,
        ["1 Tax rows (not infrastructure spend; --taxes count counts them)"]
    );
    // By hand, EffectiveCost rounded half to even to cents:
    // AWS-EDP-2026: 1234.5678 -> 1234.57, correction -34.57          = 1200.00
    // AWS-GPU-2026: 2000.004 -> 2000.00 (named in ContractApplied; the date alone fits both)
    // CW-2026:      500.125 -> 500.12, SLA credit -50.00, purchase 0 = 450.12
    let expected = BTreeMap::from([
        ("AWS-EDP-2026".to_owned(), 120_000),
        ("AWS-GPU-2026".to_owned(), 200_000),
        ("CW-2026".to_owned(), 45_012),
    ]);
    assert_eq!(burned(&t.db).await, expected);
    use sea_orm::EntityTrait;
    let usage = store::entities::usage_entry::Entity::find()
        .all(&t.db)
        .await
        .unwrap();
    let first = usage
        .iter()
        .find(|u| u.sku == "P5-48XL-USE1" && u.amount_e6 > 0)
        .expect("the first AWS row");
    assert_eq!(
        (
            first.region.as_str(),
            first.unit.as_str(),
            first.quantity_micros
        ),
        ("us-east-1", "Hours", 100_500_000)
    );
}

#[tokio::test]
async fn billed_cost_on_request() {
    let t = ledger().await;
    import_focus(&t.db, focus_file("cost-and-usage.csv", FocusCost::Billed))
        .await
        .unwrap();
    // 1300.00 - 34.57; 2100.00; 500.13 - 50.00 + the 10000.00 prepayment billed in April.
    let expected = BTreeMap::from([
        ("AWS-EDP-2026".to_owned(), 126_543),
        ("AWS-GPU-2026".to_owned(), 210_000),
        ("CW-2026".to_owned(), 1_045_013),
    ]);
    assert_eq!(burned(&t.db).await, expected);
}

#[tokio::test]
async fn importing_the_same_file_again_adds_nothing_and_says_so() {
    let t = ledger().await;
    import_focus(
        &t.db,
        focus_file("cost-and-usage.csv", FocusCost::Effective),
    )
    .await
    .unwrap();
    let counts = table_counts(&t.db).await.unwrap();
    let burned_once = burned(&t.db).await;
    let again = import_focus(
        &t.db,
        focus_file("cost-and-usage.csv", FocusCost::Effective),
    )
    .await
    .expect("a repeated FOCUS file is not an error");
    let file = &again.files[0];
    assert_eq!(file.rows, 0);
    assert_eq!(file.import_id, None, "no import is recorded for nothing");
    assert!(
        file.skipped.contains(&"6 rows already imported".to_owned()),
        "{:?}",
        file.skipped
    );
    assert!(
        file.describe("Imported").ends_with("(nothing new)."),
        "{}",
        file.describe("Imported")
    );
    assert_eq!(table_counts(&t.db).await.unwrap(), counts);
    assert_eq!(burned(&t.db).await, burned_once);
}

#[tokio::test]
async fn an_overlapping_file_adds_only_its_new_rows() {
    let t = ledger().await;
    import_focus(
        &t.db,
        focus_file("cost-and-usage.csv", FocusCost::Effective),
    )
    .await
    .unwrap();
    // The next day's export repeats the month so far and adds a day.
    let text = std::fs::read_to_string(fixtures().join("focus/cost-and-usage.csv")).unwrap();
    let first_row = text.lines().nth(1).unwrap();
    let later = first_row.replace(
        ",2026-03-02T00:00:00Z,2026-03-01T00:00:00Z,100.5,",
        ",2026-03-04T00:00:00Z,2026-03-03T00:00:00Z,100.5,",
    );
    assert_ne!(later, first_row, "the fixture's first row changed shape");
    let text = format!("{text}{later}\n");
    let source = ImportSource::from_bytes(LedgerFile::FocusUsage, "focus-2.csv", text.into_bytes());
    let report = import_focus(&t.db, source).await.unwrap();
    assert_eq!(report.files[0].rows, 1);
    assert!(report.files[0]
        .skipped
        .contains(&"6 rows already imported".to_owned()));
    assert_eq!(burned(&t.db).await["AWS-EDP-2026"], 120_000 + 123_457);
}

#[tokio::test]
async fn unknown_providers_and_categories_are_named_and_nothing_is_written() {
    let t = ledger().await;
    let before = table_counts(&t.db).await.unwrap();
    let err = import_focus(&t.db, focus_file("unmatched.csv", FocusCost::Effective))
        .await
        .expect_err("an unknown provider rejects the file");
    let ImportError::Rejected { errors, .. } = err else {
        panic!("expected a rejection, got {err}")
    };
    let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
    // Lines 3 and 4 (a date outside every AWS contract, a day two AWS contracts share) are
    // spend under no contract, not errors.
    assert_eq!(
        lines,
        [
            "unmatched.csv:5: ServiceProviderName: no vendor named \"Lambda Labs\" in the ledger; add the vendor first",
            "unmatched.csv:6: ChargeCategory: is not a FOCUS charge category (Usage, Purchase, Credit, Tax or Adjustment): got \"Refund\"",
        ]
    );
    assert_eq!(table_counts(&t.db).await.unwrap(), before);
}

/// The exact decimal sum of FOCUS cost strings, rounded once to cents (half to even): worked
/// out here with ten places in i128, apart from the ledger's own arithmetic.
fn exact_cents(costs: &[&str]) -> i64 {
    const PLACES: usize = 10;
    let sum: i128 = costs
        .iter()
        .map(|c| {
            let (negative, digits) = c.strip_prefix('-').map_or((false, *c), |d| (true, d));
            let (whole, frac) = digits.split_once('.').unwrap_or((digits, ""));
            assert!(frac.len() <= PLACES, "{c}");
            let v: i128 = format!("{whole}{frac:0<PLACES$}").parse().unwrap();
            if negative {
                -v
            } else {
                v
            }
        })
        .sum();
    let per_cent = 10_i128.pow(PLACES as u32 - 2);
    let (whole, rest) = (sum.div_euclid(per_cent), sum.rem_euclid(per_cent));
    let up = rest * 2 > per_cent || rest * 2 == per_cent && whole % 2 != 0;
    (whole + i128::from(up)) as i64
}

/// Cents per vendor, of all spend and of the spend under no contract, from the raw entries.
async fn vendor_totals(db: &DatabaseConnection) -> (BTreeMap<String, i64>, BTreeMap<String, i64>) {
    use sea_orm::{ConnectionTrait, Statement};
    let mut all = BTreeMap::new();
    let mut unapplied = BTreeMap::new();
    let sql = "SELECT v.name, CASE WHEN u.contract_id IS NULL THEN 1 ELSE 0 END AS free, \
               CAST(SUM(u.amount_e6) AS BIGINT) AS e6 FROM usage_entries u \
               JOIN vendors v ON v.id = u.vendor_id GROUP BY v.name, free";
    for row in db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            sql.to_owned(),
        ))
        .await
        .unwrap()
    {
        let name: String = row.try_get_by_index(0).unwrap();
        let free: i32 = row.try_get_by_index(1).unwrap();
        let e6: i64 = row.try_get_by_index(2).unwrap();
        *all.entry(name.clone()).or_insert(0) += e6;
        if free == 1 {
            unapplied.insert(name, e6);
        }
    }
    let cents = |m: BTreeMap<String, i64>| {
        m.into_iter()
            .map(|(k, v)| (k, domain::exact::to_minor(v)))
            .collect::<BTreeMap<_, _>>()
    };
    (cents(all), cents(unapplied))
}

#[tokio::test]
async fn a_focus_1_0_export_as_providers_write_it_imports_exactly() {
    let t = ledger().await;
    let report = import_focus(&t.db, focus_file("providers-1.0.csv", FocusCost::Effective))
        .await
        .expect("literal NULLs, refunds, sub-cent rows and unmatched spend are all accepted");
    let file = &report.files[0];
    assert_eq!(file.rows, 73, "74 rows less one tax row");
    assert_eq!(
        file.notes,
        ["4 rows under no contract (vendor spend, in no burn-down)"]
    );
    let shared_host = vec!["0.0159072"; 67];
    let burned = burned(&t.db).await;
    assert_eq!(
        burned["AWS-EDP-2026"],
        exact_cents(&["1234.5678901234", "-25.00"])
    );
    assert_eq!(burned["AWS-EDP-2026"], 120_957);
    assert_eq!(burned["CW-2026"], exact_cents(&shared_host));
    assert_eq!(
        burned["CW-2026"], 107,
        "67 × 0.0159072 = 1.0657824, not 67 × 0.02"
    );
    assert_eq!(burned["AWS-GPU-2026"], 0, "March is before its term");
    let (all, unapplied) = vendor_totals(&t.db).await;
    assert_eq!(
        all["Amazon Web Services"],
        exact_cents(&["1234.5678901234", "-25.00", "3.00"])
    );
    assert_eq!(
        unapplied["Amazon Web Services"], 300,
        "the adjustment: no contract named"
    );
    assert_eq!(
        all["Microsoft"],
        exact_cents(&["-12.3456789", "39.987654321"])
    );
    assert_eq!(all["Microsoft"], unapplied["Microsoft"]);
    assert_eq!(all["Oracle"], exact_cents(&["7.4999995"]));
    assert_eq!(all["Oracle"], 750);
    use sea_orm::EntityTrait;
    let refund = store::entities::usage_entry::Entity::find()
        .all(&t.db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.amount_e6 < 0 && u.sku == "ND96-H100-V5")
        .expect("the Microsoft refund");
    assert_eq!(
        (refund.quantity_micros, refund.amount_e6, refund.contract_id),
        (-3_500_000, -12_345_679, None)
    );
}

#[tokio::test]
async fn a_focus_1_3_export_splits_applied_rows_and_keeps_spend_under_no_contract() {
    let t = ledger().await;
    let report = import_focus(&t.db, focus_file("providers-1.3.csv", FocusCost::Effective))
        .await
        .expect("two contracts running the same day refuse nothing");
    assert_eq!(report.files[0].rows, 4);
    // The split row names commitments this ledger was not given (each contract has only its
    // own): each part is applied to the one commitment whose period holds it.
    assert_eq!(
        report.files[0].notes,
        [
            "2 rows naming a commitment the ledger does not hold (applied by period and scope instead)",
            "3 rows under no contract (vendor spend, in no burn-down)"
        ]
    );
    let burned = burned(&t.db).await;
    // The split row: each contract takes its ContractCommitmentAppliedCost.
    assert_eq!(burned["AWS-EDP-2026"], exact_cents(&["600.0000001"]));
    assert_eq!(burned["AWS-GPU-2026"], exact_cents(&["300.5"]));
    assert_eq!(
        burned["CW-2026"], 20_000,
        "one contract named: the whole row"
    );
    let (all, unapplied) = vendor_totals(&t.db).await;
    assert_eq!(
        all["Amazon Web Services"],
        exact_cents(&["500.123456789", "1000.00", "9.99"])
    );
    // On-demand on a shared day, the split row's remainder, a contract the ledger lacks.
    assert_eq!(
        unapplied["Amazon Web Services"],
        exact_cents(&["500.123456789", "99.4999999", "9.99"])
    );
    let counts = table_counts(&t.db).await.unwrap();
    let again = import_focus(&t.db, focus_file("providers-1.3.csv", FocusCost::Effective))
        .await
        .unwrap();
    assert_eq!(
        again.files[0].rows, 0,
        "split rows are recognised on a re-import"
    );
    assert_eq!(table_counts(&t.db).await.unwrap(), counts);
}

#[tokio::test]
async fn taxes_and_adjustments_count_as_asked() {
    let t = ledger().await;
    let mut source = focus_file("providers-1.0.csv", FocusCost::Effective);
    source.focus_charges = store::focus::FocusCharges {
        adjustments: false,
        taxes: true,
    };
    let report = import_focus(&t.db, source).await.unwrap();
    assert_eq!(
        report.files[0].skipped,
        ["1 Adjustment rows (--adjustments skip)"]
    );
    let (all, _) = vendor_totals(&t.db).await;
    assert_eq!(all["Oracle"], exact_cents(&["7.4999995", "5.00"]));
    assert_eq!(
        all["Amazon Web Services"],
        exact_cents(&["1234.5678901234", "-25.00"])
    );
}

#[tokio::test]
async fn a_file_without_the_cost_column_is_refused_by_name() {
    let t = ledger().await;
    let text = "ProviderName,ChargeCategory,ChargePeriodStart,BillingCurrency,BilledCost\n\
        CoreWeave,Usage,2026-03-01T00:00:00Z,USD,10.00\n";
    let source = |cost| {
        let mut s =
            ImportSource::from_bytes(LedgerFile::FocusUsage, "old.csv", text.as_bytes().to_vec());
        s.focus_cost = cost;
        s
    };
    let err = import_focus(&t.db, source(FocusCost::Effective))
        .await
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("old.csv:1: EffectiveCost: missing column"),
        "{err}"
    );
    // The pre-1.3 ProviderName is accepted.
    import_focus(&t.db, source(FocusCost::Billed))
        .await
        .unwrap();
    assert_eq!(burned(&t.db).await["CW-2026"], 1_000);
}

/// A provider's Contract Commitment dataset (FOCUS 1.3 names no provider) and its cost export:
/// one ContractId with six commitments — two annual minimums, a rate card, a Usage-category
/// compute-hours commitment, a Savings Plan and Reserved Instances, periods staggered — and a
/// second contract of the same provider running the same days.
#[tokio::test]
async fn a_providers_commitments_and_costs_add_up_per_commitment() {
    let t = test_db().await;
    import_files(
        &t.db,
        vec![ImportSource::from_bytes(
            LedgerFile::Vendors,
            "vendors.csv",
            b"name,kind\nAmazon Web Services,hyperscaler\n".to_vec(),
        )],
        "tester",
        Arc::new(NoProgress),
    )
    .await
    .unwrap();
    let commitments = || {
        ImportSource::open_as(
            LedgerFile::FocusContracts,
            &fixtures()
                .join("focus")
                .join("contract-commitments-1.3.csv"),
        )
        .unwrap()
    };
    // Without a vendor the file cannot say whose contracts these are.
    let err = import_focus(&t.db, commitments()).await.unwrap_err();
    assert!(err.to_string().contains("--vendor NAME"), "{err}");
    let mut source = commitments();
    source.vendor = Some("Amazon Web Services".into());
    let report = import_focus(&t.db, source).await.unwrap();
    let summary = report
        .files
        .iter()
        .find(|f| f.kind == LedgerFile::FocusContracts)
        .expect("a summary of the FOCUS file");
    assert_eq!(summary.rows, 7, "seven commitments");

    let edp = store::ledger::contracts::detail(&t.db, "EDP-2026")
        .await
        .unwrap()
        .unwrap();
    let references: Vec<&str> = edp
        .commitments
        .iter()
        .map(|k| k.reference.as_str())
        .collect();
    assert_eq!(
        references,
        [
            "EDP-min-2026",
            "EDP-min-2027",
            "RI-p5",
            "SP-1yr",
            "compute-hours",
            "storage-rate-card"
        ]
    );
    let compute = &edp.commitments[4];
    assert_eq!(
        (
            compute.category.as_str(),
            compute.quantity_micros,
            compute.unit.as_str()
        ),
        ("usage", Some(200_000_000_000), "Hours")
    );
    assert_eq!(
        (compute.start_date.to_string(), compute.end_date.to_string()),
        ("2026-03-01".to_owned(), "2027-02-28".to_owned())
    );
    assert_eq!(
        edp.own_committed_minor, None,
        "no commitment named after the contract"
    );

    let report = import_focus(
        &t.db,
        focus_file("cost-by-commitment-1.3.csv", FocusCost::Effective),
    )
    .await
    .expect("nothing a provider sends is refused");
    assert_eq!(report.files[0].rows, 7);
    assert_eq!(
        report.files[0].notes,
        [
            "1 rows under a contract but in no commitment's period and scope (in no burn-down)",
            "1 rows under no contract (vendor spend, in no burn-down)"
        ]
    );
    let applied = |detail: &domain::views::ContractDetail, name: &str| {
        detail
            .commitments
            .iter()
            .find(|k| k.reference == name)
            .unwrap()
            .applied
            .minor()
    };
    let edp = store::ledger::contracts::detail(&t.db, "EDP-2026")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        applied(&edp, "compute-hours"),
        exact_cents(&["1234.5678901"])
    );
    assert_eq!(edp.commitments[4].applied_quantity_micros, 100_000_000);
    assert_eq!(
        applied(&edp, "SP-1yr"),
        exact_cents(&["600.0000004", "-12.3456789"])
    );
    assert_eq!(applied(&edp, "RI-p5"), exact_cents(&["299.9999996"]));
    assert_eq!(applied(&edp, "EDP-min-2026"), 0);
    let ppa = store::ledger::contracts::detail(&t.db, "PPA-2026")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        applied(&ppa, "PPA-2026"),
        exact_cents(&["0.0159072", "0.0159072"])
    );
    // The contract's spend: applied, and the S3 row five commitments hold (so none).
    let burned = burned(&t.db).await;
    assert_eq!(
        burned["EDP-2026"],
        exact_cents(&["1234.5678901", "600.0000004", "299.9999996", "-12.3456789"])
    );
    let (all, unapplied) = vendor_totals(&t.db).await;
    assert_eq!(
        all["Amazon Web Services"],
        exact_cents(&[
            "1234.5678901",
            "900.00",
            "-12.3456789",
            "0.0159072",
            "0.0159072",
            "77.777777",
            "5.00"
        ])
    );
    assert_eq!(
        unapplied["Amazon Web Services"], 500,
        "Lambda: two contracts run that day"
    );

    // The commitments export and import into an empty ledger as the same commitments.
    let mut out = Vec::new();
    store::focus::commitments::export(&t.db, &mut out)
        .await
        .unwrap();
    let target = test_db().await;
    import_focus(
        &target.db,
        ImportSource::from_bytes(LedgerFile::FocusContracts, "back.csv", out.clone()),
    )
    .await
    .unwrap();
    let mut again = Vec::new();
    store::focus::commitments::export(&target.db, &mut again)
        .await
        .unwrap();
    assert_eq!(
        String::from_utf8(again).unwrap(),
        String::from_utf8(out).unwrap()
    );
}

/// Priced in euros, billed in dollars (as FOCUS 1.2+ and Azure's exports write a contract
/// priced in one currency and invoiced in another): the ledger records the billed cost under
/// the USD contract and keeps the pricing currency and cost on the entry; a bad pricing
/// currency is a line-numbered error.
#[tokio::test]
async fn a_row_priced_in_another_currency_keeps_its_pricing_cost() {
    use sea_orm::{EntityTrait, QueryOrder};
    let t = ledger().await;
    let file = "BilledCost,BillingCurrency,ChargeCategory,ChargePeriodStart,ContractId,\
EffectiveCost,PricingCurrency,PricingCurrencyEffectiveCost,ServiceProviderName\n\
108.12,USD,Usage,2026-02-01T00:00:00Z,CW-2026,108.12,EUR,100.00,CoreWeave\n\
50.00,USD,Usage,2026-02-02T00:00:00Z,CW-2026,50.00,NULL,NULL,CoreWeave\n";
    let source = || {
        ImportSource::from_bytes(
            LedgerFile::FocusUsage,
            "priced.csv",
            file.as_bytes().to_vec(),
        )
    };
    import_focus(&t.db, source()).await.unwrap();
    let entries = store::entities::usage_entry::Entity::find()
        .order_by_asc(store::entities::usage_entry::Column::Id)
        .all(&t.db)
        .await
        .unwrap();
    let kept: Vec<(i64, &str, &str, Option<i64>)> = entries
        .iter()
        .map(|e| {
            (
                e.amount_e6,
                e.currency.as_str(),
                e.pricing_currency.as_str(),
                e.pricing_cost_e6,
            )
        })
        .collect();
    assert_eq!(
        kept,
        [
            (108_120_000, "USD", "EUR", Some(100_000_000)),
            (50_000_000, "USD", "", None),
        ]
    );
    assert_eq!(burned(&t.db).await["CW-2026"], 15_812);

    let bad = file.replace(",EUR,100.00,", ",euro,about 100,");
    let Err(ImportError::Rejected { errors, .. }) = import_focus(
        &t.db,
        ImportSource::from_bytes(LedgerFile::FocusUsage, "bad.csv", bad.into_bytes()),
    )
    .await
    else {
        panic!("accepted a bad pricing currency");
    };
    let columns: Vec<Option<&str>> = errors.iter().map(|e| e.column.as_deref()).collect();
    assert_eq!(
        columns,
        [
            Some("PricingCurrency"),
            Some("PricingCurrencyEffectiveCost")
        ]
    );
    assert!(errors.iter().all(|e| e.line == Some(2)));
}
