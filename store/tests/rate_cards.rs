//! Rate cards in the store: a rate cards file read all or nothing with every bad line named
//! (an unknown contract and a card repeated in the file among them), cards stored and audited
//! (a corrected card keeps the one before), a file imported again changing nothing, and the
//! cards read back with their contracts' references. On SQLite and PostgreSQL.

mod common;

use common::test_db;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::sync::Arc;
use store::import::{ImportError, NoProgress};
use store::ledger::WriteError;
use store::rate_cards;

/// Two contracts, C1 and C2, to hang the cards on.
async fn two_contracts(db: &DatabaseConnection) {
    let dir = tempfile::tempdir().unwrap();
    let vendors = dir.path().join("vendors.csv");
    std::fs::write(&vendors, "name,kind\nA,hyperscaler\nB,neocloud\n").unwrap();
    let contracts = dir.path().join("contracts.csv");
    std::fs::write(
        &contracts,
        "reference,vendor,start_date,end_date,committed_amount,currency\n\
         C1,A,2026-01-01,2026-12-31,1000.00,USD\n\
         C2,B,2026-01-01,2027-12-31,3000.00,USD\n",
    )
    .unwrap();
    let sources = vec![
        store::ImportSource::open(&vendors).unwrap(),
        store::ImportSource::open(&contracts).unwrap(),
    ];
    store::import_files(db, sources, "test", Arc::new(NoProgress))
        .await
        .unwrap();
}

const CARDS: &str = "Contract,Resource,From,Price,Utilisation\n\
C1,GB300,2026-01-01,11.50,85\n\
C1,GB300,2026-07-01,10.25,\n\
C2,MW,2026-03-01,0.0035,92.5%\n";

fn lines(result: Result<Vec<domain::rate_card::RateCard>, ImportError>) -> Vec<String> {
    match result {
        Err(ImportError::Rejected { errors, omitted }) => {
            assert_eq!(omitted, 0);
            errors.iter().map(ToString::to_string).collect()
        }
        other => panic!("expected a rejected file, got {other:?}"),
    }
}

#[tokio::test]
async fn a_rate_cards_file_with_bad_lines_is_refused_whole_and_each_line_named() {
    let t = test_db().await;
    two_contracts(&t.db).await;
    let file = "contract,resource,from,price,utilisation\n\
C1,GB300,2026-01-01,11.50,85\n\
C1,GB300,1 July,11.50,85\n\
C1,,2026-07-01,0,120\n\
C9,GB300,2026-07-01,11.50,85\n\
C1,GB300,2026-01-01,12.00,85\n\
C2,MW,2026-03-01,1.0e2,\n";
    let listed = lines(rate_cards::read_csv(&t.db, "cards.csv", file.as_bytes()).await);
    assert_eq!(
        listed,
        [
            "cards.csv:3: from: must be a date as YYYY-MM-DD (got \"1 July\")",
            "cards.csv:4: resource: is required",
            "cards.csv:4: price: must be greater than zero",
            "cards.csv:4: utilisation: must be a percentage above 0 and at most 100 (got \"120\")",
            "cards.csv:5: contract: unknown contract reference \"C9\"",
            "cards.csv:6: from: C1 GB300 from 2026-01-01 is already on line 2",
            "cards.csv:7: price: is not a plain decimal number (got \"1.0e2\")",
        ],
        "{listed:#?}"
    );
    // Without the ledger the same file is read the same way, bar the contract it cannot know.
    let offline = lines(rate_cards::parse_csv("cards.csv", file.as_bytes()));
    assert_eq!(offline.len(), listed.len() - 1, "{offline:#?}");
    assert!(!offline.iter().any(|l| l.contains("C9")));
    // A header without the columns is an error on line 1; the utilisation column may be left out.
    let header = lines(rate_cards::parse_csv(
        "cards.csv",
        "contract,sku,date,price\n".as_bytes(),
    ));
    assert_eq!(
        header,
        ["cards.csv:1: the header must name contract, resource, from and price (and may name utilisation)"]
    );
    let cards = rate_cards::parse_csv(
        "cards.csv",
        "contract,resource,from,price\nC1,GB300,2026-01-01,4.25\n".as_bytes(),
    )
    .unwrap();
    assert_eq!(cards[0].utilisation_bp, 10_000, "blank utilisation is 100%");
    assert!(rate_cards::all(&t.db).await.unwrap().is_empty());
}

#[tokio::test]
async fn rate_cards_are_stored_audited_and_read_back_with_their_contracts() {
    let t = test_db().await;
    two_contracts(&t.db).await;
    let cards = rate_cards::read_csv(&t.db, "cards.csv", CARDS.as_bytes())
        .await
        .unwrap();
    assert_eq!(cards.len(), 3);
    let done = rate_cards::store(&t.db, "finance", &cards).await.unwrap();
    assert_eq!((done.added, done.changed, done.unchanged), (3, 0, 0));
    let described = |cards: Vec<domain::rate_card::RateCard>| -> Vec<String> {
        cards
            .iter()
            .map(|c| {
                format!(
                    "{} {} {} {} {}",
                    c.contract, c.resource, c.from, c.price_e6, c.utilisation_bp
                )
            })
            .collect()
    };
    assert_eq!(
        described(rate_cards::all(&t.db).await.unwrap()),
        [
            "C1 GB300 2026-01-01 11500000 8500",
            "C1 GB300 2026-07-01 10250000 10000",
            "C2 MW 2026-03-01 3500 9250",
        ]
    );
    assert_eq!(
        described(rate_cards::list(&t.db, 2).await.unwrap()),
        [
            "C1 GB300 2026-07-01 10250000 10000",
            "C2 MW 2026-03-01 3500 9250",
        ],
        "the latest days first"
    );

    // The same file again changes nothing; a corrected card is updated and audited.
    let again = rate_cards::store(&t.db, "finance", &cards).await.unwrap();
    assert_eq!((again.added, again.changed, again.unchanged), (0, 0, 3));
    let corrected = rate_cards::read_csv(
        &t.db,
        "fix.csv",
        "contract,resource,from,price,utilisation\nC1,GB300,2026-07-01,10.25,90\nC1,GB300,2027-01-01,9.75,90\n"
            .as_bytes(),
    )
    .await
    .unwrap();
    let fixed = rate_cards::store(&t.db, "controller", &corrected)
        .await
        .unwrap();
    assert_eq!((fixed.added, fixed.changed, fixed.unchanged), (1, 1, 0));
    assert_eq!(
        described(rate_cards::all(&t.db).await.unwrap())[1],
        "C1 GB300 2026-07-01 10250000 9000"
    );
    use store::entities::audit_log;
    let trail = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("rate_card"))
        .order_by_asc(audit_log::Column::Id)
        .all(&t.db)
        .await
        .unwrap();
    assert_eq!(trail.len(), 5, "three added, one changed, one added");
    let update = trail.iter().find(|e| e.action == "update").unwrap();
    assert_eq!(update.actor, "controller");
    assert_eq!(
        update.entity_id.as_deref(),
        Some("C1 GB300 from 2026-07-01")
    );
    assert_eq!(
        update.before,
        Some(serde_json::json!({ "price": "10.25", "utilisation": "100%" }))
    );
    assert_eq!(
        update.after,
        Some(serde_json::json!({ "price": "10.25", "utilisation": "90%" }))
    );

    // A card naming a contract the ledger does not hold stores nothing, not even its fellows.
    let stray = |contract: &str| domain::rate_card::RateCard {
        contract: contract.into(),
        resource: "H100".into(),
        from: "2026-02-01".parse().unwrap(),
        price_e6: 2_000_000,
        utilisation_bp: 10_000,
    };
    match rate_cards::store(&t.db, "finance", &[stray("C2"), stray("C9")]).await {
        Err(WriteError::Invalid(errors)) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(errors[0].column, "contract");
            assert_eq!(errors[0].reason, "no contract \"C9\"");
        }
        other => panic!("expected the contract refused, got {other:?}"),
    }
    assert_eq!(rate_cards::all(&t.db).await.unwrap().len(), 4);
}

#[tokio::test]
async fn a_rate_card_moves_the_ledger_version() {
    let t = test_db().await;
    two_contracts(&t.db).await;
    let before = store::reports::ledger_version(&t.db).await.unwrap();
    let cards = rate_cards::parse_csv("cards.csv", CARDS.as_bytes()).unwrap();
    rate_cards::store(&t.db, "finance", &cards).await.unwrap();
    assert!(store::reports::ledger_version(&t.db).await.unwrap() > before);
}
