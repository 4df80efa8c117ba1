use super::*;

fn seen<'a>(commit: &'a str, status: SyncStatus) -> Observed<'a> {
    Observed {
        auto_sync: true,
        self_heal: true,
        commit,
        compared: Some((commit, status)),
        drifted: vec![(
            "apps/Deployment/shop/web".into(),
            vec!["hpa-like-controller".into()],
        )],
    }
}

fn deployed(current: &str, tried: &[&str]) -> Deployed {
    Deployed {
        current: Some(current.into()),
        tried: tried.iter().map(|s| s.to_string()).collect(),
    }
}

#[test]
fn a_new_commit_is_auto_synced_once_and_a_tried_one_never_again() {
    let t0 = Instant::now();
    let mut pilot = Pilot::default();
    let d = deployed("a", &["a"]);
    assert_eq!(
        pilot.decide(t0, &seen("b", SyncStatus::OutOfSync), &d),
        Decision::AutoSync
    );
    // While that sync runs, the same state asks for nothing more.
    assert_eq!(
        pilot.decide(t0, &seen("b", SyncStatus::OutOfSync), &d),
        Decision::Nothing
    );
    // A commit that was deployed and failed, then rolled back, is not synced on its own.
    let mut fresh = Pilot::default();
    let rolled_back = deployed("a", &["a", "b"]);
    assert_eq!(
        fresh.decide(t0, &seen("b", SyncStatus::OutOfSync), &rolled_back),
        Decision::Nothing
    );
    // Nor is a commit whose comparison is not in yet.
    let mut early = Pilot::default();
    let not_compared = Observed {
        compared: Some(("a", SyncStatus::Synced)),
        ..seen("b", SyncStatus::OutOfSync)
    };
    assert_eq!(early.decide(t0, &not_compared, &d), Decision::Nothing);
    // Without auto-sync nothing happens.
    let off = Observed {
        auto_sync: false,
        ..seen("b", SyncStatus::OutOfSync)
    };
    assert_eq!(Pilot::default().decide(t0, &off, &d), Decision::Nothing);
}

#[test]
fn self_heal_waits_for_drift_to_settle_then_backs_off() {
    let t0 = Instant::now();
    let mut pilot = Pilot::default();
    let d = deployed("a", &["a"]);
    let drift = seen("a", SyncStatus::OutOfSync);
    assert_eq!(pilot.decide(t0, &drift, &d), Decision::Nothing);
    assert_eq!(pilot.next_look(t0), Some(SETTLE));
    assert_eq!(pilot.decide(t0 + SETTLE, &drift, &d), Decision::SelfHeal);
    // It held for longer than the fight window: the next drift is healed after SETTLE again.
    let later = t0 + SETTLE + FIGHT_WINDOW + Duration::from_secs(1);
    assert_eq!(
        pilot.decide(later, &seen("a", SyncStatus::Synced), &d),
        Decision::Nothing
    );
    assert_eq!(pilot.decide(later, &drift, &d), Decision::Nothing);
    assert_eq!(pilot.decide(later + SETTLE, &drift, &d), Decision::SelfHeal);
    // Drift on another commit than the deployed one (a rollback) is not self-healed.
    let mut other = Pilot::default();
    let rolled = deployed("old", &["old", "a"]);
    assert_eq!(other.decide(t0, &drift, &rolled), Decision::Nothing);
    assert_eq!(
        other.decide(t0 + MAX_BACKOFF, &drift, &rolled),
        Decision::Nothing
    );
}

#[test]
fn a_controller_that_changes_it_back_every_time_stops_self_heal_with_its_name() {
    let mut now = Instant::now();
    let mut pilot = Pilot::default();
    let d = deployed("a", &["a"]);
    let drift = seen("a", SyncStatus::OutOfSync);
    let synced = seen("a", SyncStatus::Synced);
    let mut heals = 0;
    let stop = loop {
        match pilot.decide(now, &drift, &d) {
            Decision::SelfHeal => {
                heals += 1;
                // The re-apply lands, then the controller changes it back a moment later.
                now += Duration::from_secs(1);
                assert_eq!(pilot.decide(now, &synced, &d), Decision::Nothing);
                now += Duration::from_secs(1);
            }
            Decision::Stop(reason) => break reason,
            Decision::Nothing => now += Duration::from_secs(1),
            Decision::AutoSync => panic!("the commit is deployed"),
        }
        assert!(heals < 10, "never stopped");
    };
    assert_eq!(heals, FIGHTS as usize);
    assert!(stop.contains("hpa-like-controller"), "{stop}");
    assert!(stop.contains("apps/Deployment/shop/web"), "{stop}");
    assert_eq!(
        pilot.decide(now + MAX_BACKOFF, &drift, &d),
        Decision::Nothing
    );
    // Turning self-heal off and on again starts over.
    let off = Observed {
        self_heal: false,
        ..drift.clone()
    };
    pilot.decide(now, &off, &d);
    assert!(pilot.stopped().is_none());
}
