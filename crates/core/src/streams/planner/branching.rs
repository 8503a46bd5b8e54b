//! What a branch step says about the way a lead went: which of its
//! conditions matched (for journeys), and the outcome of a branch on this
//! stream's own email, where a dry run can only assume who opens or clicks
//! an email it has just planned (docs/decisions.md, issue 17).

use crate::segments::engine::CompiledRule;
use crate::streams::model::Engagement;

/// "matched “A”; did not match “B”, “C”": each top-level condition of a
/// branch, by whether it `holds` for the lead now.
pub(super) fn conditions_matched(
    parts: &[(String, CompiledRule)],
    holds: impl Fn(&CompiledRule) -> bool,
) -> String {
    let (matched, unmatched): (Vec<_>, Vec<_>) = parts.iter().partition(|(_, rule)| holds(rule));
    let names = |parts: &[&(String, CompiledRule)]| {
        parts
            .iter()
            .map(|(text, _)| format!("“{text}”"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut why = Vec::new();
    if !matched.is_empty() {
        why.push(format!("matched {}", names(&matched)));
    }
    if !unmatched.is_empty() {
        why.push(format!("did not match {}", names(&unmatched)));
    }
    why.join("; ")
}

/// Whether a lead goes “yes” on a branch testing the email of step
/// `send_id`, and the note that says why: leads not `sent` it on this entry
/// go “no”; of those sent it, a share `rate` is assumed to engage (the
/// lead's deterministic `draw` below it); nobody without a rate.
pub(super) fn email_engaged(
    sent: bool,
    engagement: Engagement,
    rate: Option<f64>,
    send_id: &str,
    draw: impl FnOnce() -> f64,
) -> (bool, String) {
    let verb = match engagement {
        Engagement::Opened => "open",
        Engagement::Clicked => "click",
    };
    let rate = rate.unwrap_or(0.0);
    if !sent {
        return (
            false,
            format!("the email of step {send_id} was not sent on this entry"),
        );
    }
    if rate <= 0.0 {
        return (
            false,
            format!("a planned email has no {verb}s yet: assumed nobody does (no assumed rate)"),
        );
    }
    let share = format!("{:.0}%", rate * 100.0);
    if draw() < rate {
        (
            true,
            format!("assumed among the {share} who {verb} the email of step {send_id}"),
        )
    } else {
        (
            false,
            format!("assumed not among the {share} who {verb} the email of step {send_id}"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_branch_says_why_each_lead_went_its_way() {
        let (yes, note) = email_engaged(false, Engagement::Opened, Some(0.5), "welcome", || 0.0);
        assert!(!yes);
        assert_eq!(note, "the email of step welcome was not sent on this entry");
        let (yes, note) = email_engaged(true, Engagement::Clicked, None, "welcome", || 0.0);
        assert!(!yes);
        assert!(note.contains("no clicks yet"), "{note}");
        let (yes, note) = email_engaged(true, Engagement::Opened, Some(0.3), "welcome", || 0.1);
        assert!(yes);
        assert_eq!(
            note,
            "assumed among the 30% who open the email of step welcome"
        );
        let (yes, _) = email_engaged(true, Engagement::Opened, Some(0.3), "welcome", || 0.9);
        assert!(!yes);
    }
}
