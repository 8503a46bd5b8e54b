//! One demo lead's history: the event that brought the lead in, then a mix
//! of events weighted by lifecycle stage, with purchases for customers.

use super::rng::Rng;
use super::vocabulary::{Lifecycle, CAMPAIGNS, DAY, PAGES, WHITEPAPERS};

/// Generates the events of one lead: an entry event matching how the lead
/// came in, then a mix weighted by lifecycle, with purchases for customers.
pub(super) fn plan_events(
    rng: &mut Rng,
    timeline: &mut Vec<(i64, &'static str, String)>,
    count: usize,
    start: i64,
    end: i64,
    entry_point: &str,
    lifecycle: Lifecycle,
) {
    if count == 0 || end <= start {
        return;
    }
    let entry = match entry_point {
        "Whitepaper download" => (
            "download",
            format!(r#"{{"asset":"{}"}}"#, rng.pick(WHITEPAPERS)),
        ),
        "Trade show" => (
            "trade_show_visit",
            r#"{"campaign":"saastr-europa"}"#.to_owned(),
        ),
        "Abandoned cart" => (
            "cart_add",
            format!(r#"{{"value":{}}}"#, 49 + rng.below(950)),
        ),
        "Free trial" => ("trial_start", r#"{"url":"/signup"}"#.to_owned()),
        "Webinar registration" => (
            "webinar_attend",
            r#"{"campaign":"webinar-invite"}"#.to_owned(),
        ),
        "Demo request" => ("demo_request", r#"{"url":"/demo"}"#.to_owned()),
        _ => ("form_submit", r#"{"url":"/contact"}"#.to_owned()),
    };
    timeline.push((rng.between(start, (start + DAY).min(end)), entry.0, entry.1));
    let decision_weight = match lifecycle {
        Lifecycle::Sql | Lifecycle::Opportunity => 4,
        Lifecycle::Mql => 2,
        _ => 1,
    };
    let kinds: [(&str, u32); 9] = [
        ("page_view", 40),
        ("email_open", 22),
        ("email_click", 9),
        ("download", 6),
        ("webinar_attend", 2),
        ("cart_add", 2),
        ("trial_start", decision_weight),
        ("demo_request", decision_weight),
        ("form_submit", 2),
    ];
    for _ in 1..count {
        let at = rng.between(start, end);
        let kind = *rng.weighted(&kinds);
        let properties = match kind {
            "page_view" => format!(r#"{{"url":"{}"}}"#, rng.weighted(PAGES)),
            "email_open" => format!(r#"{{"campaign":"{}"}}"#, rng.pick(CAMPAIGNS)),
            "email_click" => format!(
                r#"{{"campaign":"{}","url":"{}"}}"#,
                rng.pick(CAMPAIGNS),
                rng.weighted(PAGES)
            ),
            "download" => format!(r#"{{"asset":"{}"}}"#, rng.pick(WHITEPAPERS)),
            "cart_add" => format!(r#"{{"value":{}}}"#, 49 + rng.below(950)),
            "webinar_attend" => r#"{"campaign":"webinar-invite"}"#.to_owned(),
            _ => "{}".to_owned(),
        };
        timeline.push((at, kind, properties));
    }
    match lifecycle {
        Lifecycle::Customer => {
            let at = rng.between(start, end);
            timeline.push((
                at,
                "purchase",
                format!(r#"{{"value":{}}}"#, 990 + rng.below(20_000)),
            ));
        }
        Lifecycle::FormerCustomer => {
            let at = rng.between(start, start + (end - start) / 3);
            timeline.push((
                at,
                "purchase",
                format!(r#"{{"value":{}}}"#, 990 + rng.below(20_000)),
            ));
        }
        _ => {}
    }
}

/// What a customer did on the way to the purchase at `purchase` (between
/// `start` and `end`): often a free trial and a demo request shortly before,
/// pricing page views, and sometimes a repeat purchase later. This is what
/// makes the demo's action ranking show that trials predict purchases. It
/// draws from `journey`, a generator of its own, so that adding it left the
/// rest of the demo as it was.
pub(super) fn plan_buying_journey(
    journey: &mut Rng,
    timeline: &mut Vec<(i64, &'static str, String)>,
    start: i64,
    purchase: i64,
    end: i64,
) {
    let before = |journey: &mut Rng, days: i64| {
        let earliest = (purchase - days * DAY).max(start);
        (earliest < purchase).then(|| journey.between(earliest, purchase))
    };
    if journey.chance(0.6) {
        if let Some(at) = before(journey, 30) {
            timeline.push((at, "trial_start", r#"{"url":"/signup"}"#.to_owned()));
        }
    }
    if journey.chance(0.4) {
        if let Some(at) = before(journey, 21) {
            timeline.push((at, "demo_request", r#"{"url":"/demo"}"#.to_owned()));
        }
    }
    for _ in 0..journey.below(3) {
        if let Some(at) = before(journey, 14) {
            timeline.push((at, "page_view", r#"{"url":"/pricing"}"#.to_owned()));
        }
    }
    if journey.chance(0.25) && purchase + DAY < end {
        let at = journey.between(purchase + DAY, end);
        let value = 490 + journey.below(9_000);
        timeline.push((at, "purchase", format!(r#"{{"value":{value}}}"#)));
    }
    plan_research(journey, timeline, start, purchase);
}

/// The weeks of research before a purchase (drawn after the rest of the
/// journey, so the events above stay as they were): a whitepaper, pricing
/// page views and e-mail clicks, in the 90 days before it. Buyers engage
/// for weeks before they buy, as real ones do, which is what lets the
/// demo's scoring model predict purchases in a back-test.
fn plan_research(
    journey: &mut Rng,
    timeline: &mut Vec<(i64, &'static str, String)>,
    start: i64,
    purchase: i64,
) {
    let before = |journey: &mut Rng, days: i64| {
        let earliest = (purchase - days * DAY).max(start);
        (earliest < purchase).then(|| journey.between(earliest, purchase))
    };
    if journey.chance(0.7) {
        if let Some(at) = before(journey, 90) {
            let asset = journey.pick(WHITEPAPERS);
            timeline.push((at, "download", format!(r#"{{"asset":"{asset}"}}"#)));
        }
    }
    for _ in 0..1 + journey.below(4) {
        if let Some(at) = before(journey, 75) {
            timeline.push((at, "page_view", r#"{"url":"/pricing"}"#.to_owned()));
        }
    }
    for _ in 0..journey.below(3) {
        if let Some(at) = before(journey, 60) {
            let campaign = journey.pick(CAMPAIGNS);
            timeline.push((
                at,
                "email_click",
                format!(r#"{{"campaign":"{campaign}","url":"/pricing"}}"#),
            ));
        }
    }
}
