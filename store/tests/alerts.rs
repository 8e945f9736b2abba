//! Alert state in the store: a rule fires once per episode, deliveries retry with backoff and
//! give up, the inbox counts and acknowledges, rules are audited and their names not reused.

mod common;

use chrono::{TimeDelta, Utc};
use common::test_db;
use domain::alerts::{AlertRule, RawAlertRule};
use store::alerts::deliveries::{self, MAX_ATTEMPTS};
use store::alerts::firing::{settle, Channels, Finding};
use store::alerts::{inbox, rules};

fn rule(name: &str, webhook: &str) -> AlertRule {
    AlertRule::parse(&RawAlertRule {
        name,
        kind: "pace",
        threshold: "10",
        scope: "",
        webhook,
        email: "cfo@example.com",
    })
    .unwrap()
}

fn finding(subject: &str) -> Finding {
    Finding {
        subject: subject.into(),
        figure: "burned 40.0% vs 25.0% of term".into(),
        message: "ahead of pace".into(),
        link: "/dashboards/burndown".into(),
    }
}

#[tokio::test]
async fn a_rule_fires_once_clears_and_fires_again() {
    let t = test_db().await;
    let db = &t.db;
    rules::create(db, "cfo", rule("Pace", "")).await.unwrap();
    let pace = rules::list(db).await.unwrap().remove(0);
    let none = Channels::default();
    assert_eq!(
        settle(db, &pace, &[finding("A/a")], &none)
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        settle(db, &pace, &[finding("A/a")], &none)
            .await
            .unwrap()
            .is_empty(),
        "still true: no second event"
    );
    assert_eq!(
        settle(db, &pace, &[finding("A/a"), finding("B/b")], &none)
            .await
            .unwrap()
            .len(),
        1,
        "another subject fires on its own"
    );
    assert!(
        settle(db, &pace, &[], &none).await.unwrap().is_empty(),
        "both cleared"
    );
    assert_eq!(
        settle(db, &pace, &[finding("A/a")], &none)
            .await
            .unwrap()
            .len(),
        1,
        "true again after clearing: fires again"
    );
    assert_eq!(inbox::unacknowledged(db).await.unwrap(), 3);
    let newest = inbox::list(db, 10).await.unwrap();
    assert_eq!(newest.len(), 3);
    assert_eq!(newest[0].subject, "A/a");
    assert!(inbox::acknowledge(db, "cfo", newest[0].id).await.unwrap());
    assert!(
        !inbox::acknowledge(db, "cfo", newest[0].id).await.unwrap(),
        "once"
    );
    assert_eq!(inbox::unacknowledged(db).await.unwrap(), 2);
    assert!(inbox::list(db, 10).await.unwrap()[0]
        .acknowledged
        .as_deref()
        .unwrap()
        .ends_with("by cfo"));
}

#[tokio::test]
async fn a_failing_delivery_backs_off_and_gives_up() {
    let t = test_db().await;
    let db = &t.db;
    rules::create(db, "cfo", rule("Pace", "http://127.0.0.1:9/hook"))
        .await
        .unwrap();
    let pace = rules::list(db).await.unwrap().remove(0);
    let global = Channels {
        webhook: Some("http://127.0.0.1:9/hook".into()),
        email: vec!["board@example.com".into()],
    };
    settle(db, &pace, &[finding("A/a")], &global).await.unwrap();
    let mut now = Utc::now() + TimeDelta::seconds(1);
    let due = deliveries::take_due(db, now, 10).await.unwrap();
    let channels: Vec<(&str, &str)> = due
        .iter()
        .map(|d| (d.channel.as_str(), d.target.as_str()))
        .collect();
    assert_eq!(
        channels,
        [
            ("email", "board@example.com"),
            ("email", "cfo@example.com"),
            ("webhook", "http://127.0.0.1:9/hook"),
        ],
        "the rule's and the global targets, the same webhook once"
    );
    assert!(
        deliveries::take_due(db, now, 10).await.unwrap().is_empty(),
        "leased"
    );
    let hook = due.iter().find(|d| d.channel == "webhook").unwrap().clone();
    for d in due.iter().filter(|d| d.channel == "email") {
        deliveries::record(db, d, Ok(()), now).await.unwrap();
    }
    let mut waits = Vec::new();
    let mut current = hook;
    for attempt in 1..=MAX_ATTEMPTS {
        deliveries::record(db, &current, Err("connection refused".into()), now)
            .await
            .unwrap();
        let next = deliveries::take_due(db, now + TimeDelta::hours(1), 10)
            .await
            .unwrap();
        if attempt == MAX_ATTEMPTS {
            assert!(next.is_empty(), "given up");
            break;
        }
        assert!(
            deliveries::take_due(db, now, 10).await.unwrap().is_empty(),
            "not before its time"
        );
        let found = next.into_iter().next().expect("retried");
        waits.push(found.attempts);
        current = found;
        now += TimeDelta::seconds(1);
    }
    assert_eq!(waits, [1, 2, 3, 4, 5]);
    let shown = &inbox::list(db, 1).await.unwrap()[0].deliveries;
    let hook = shown.iter().find(|d| d.channel == "webhook").unwrap();
    assert_eq!(
        (hook.state.as_str(), hook.attempts),
        ("failed", MAX_ATTEMPTS)
    );
    assert_eq!(hook.last_error.as_deref(), Some("connection refused"));
    assert!(shown
        .iter()
        .filter(|d| d.channel == "email")
        .all(|d| d.state == "sent"));
}

#[tokio::test]
async fn rules_are_audited_and_their_names_not_reused() {
    let t = test_db().await;
    let db = &t.db;
    let version = store::reports::ledger_version(db).await.unwrap();
    rules::create(db, "cfo", rule("Pace", "")).await.unwrap();
    assert!(matches!(
        rules::create(db, "cfo", rule("Pace", "")).await,
        Err(store::ledger::WriteError::Conflict(_))
    ));
    rules::remove(db, "cfo", "Pace").await.unwrap();
    assert!(rules::list(db).await.unwrap().is_empty());
    assert!(matches!(
        rules::create(db, "cfo", rule("Pace", "")).await,
        Err(store::ledger::WriteError::Conflict(_))
    ));
    assert_eq!(
        store::reports::ledger_version(db).await.unwrap(),
        version,
        "rules change no figure, so the reports are not recomputed for them"
    );
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let trail: Vec<String> = store::entities::audit_log::Entity::find()
        .filter(store::entities::audit_log::Column::Entity.eq("alert_rule"))
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| {
            format!(
                "{} {} by {}",
                e.action,
                e.entity_id.unwrap_or_default(),
                e.actor
            )
        })
        .collect();
    assert_eq!(trail, ["create Pace by cfo", "remove Pace by cfo"]);
}
