//! The demo's active scoring model, "Demo scoring" (`scoring-model.json`):
//! fit on persona, company size and industry, engagement on downloads,
//! pricing page views, e-mail clicks, webinars, trials and demo requests
//! with a 30-day half-life, and negative points for unsubscribed leads and
//! students or free e-mail addresses. Saved, activated and run as of the
//! demo's "today" when the demo is generated.

use crate::scoring::{self, ModelDefinition, ScoringModel};
use crate::{Error, Result, Workspace};

/// The demo model's name.
pub const DEMO_MODEL_NAME: &str = "Demo scoring";

/// The demo model's definition.
pub fn demo_model() -> Result<ModelDefinition> {
    serde_json::from_str(include_str!("scoring-model.json"))
        .map_err(|e| Error::InvalidArgument(format!("the demo scoring model cannot be read: {e}")))
}

/// Saves the demo model, makes it the active one and stores every lead's
/// scores as of `as_of`.
pub(super) fn install_demo_scoring(workspace: &mut Workspace, as_of: i64) -> Result<ScoringModel> {
    let saved = scoring::save_model(workspace, None, DEMO_MODEL_NAME, &demo_model()?)?;
    scoring::activate_model_as_of(workspace, saved.id, as_of)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{generate, DemoSpec};
    use crate::insights::outcome::Outcome;
    use crate::scoring::{backtest, BacktestRequest};
    use crate::time::SECONDS_PER_DAY;

    const ANCHOR: i64 = 1_790_000_000; // 2026-09-21

    fn demo(leads: u32) -> Workspace {
        let mut workspace = Workspace::in_memory().unwrap();
        let spec = DemoSpec {
            leads,
            ..DemoSpec::standard(ANCHOR)
        };
        generate(&mut workspace, &spec).unwrap();
        workspace
    }

    #[test]
    fn the_demo_model_checks_and_is_active_with_every_lead_scored() {
        demo_model().unwrap().check().unwrap();
        let workspace = demo(400);
        let active = scoring::active_model(&workspace).unwrap().unwrap();
        assert_eq!(active.name, DEMO_MODEL_NAME);
        let scored: i64 = workspace
            .conn()
            .query_row("SELECT count(score_band) FROM leads", [], |r| r.get(0))
            .unwrap();
        assert_eq!(scored, 400);
        let last = scoring::last_run(&workspace).unwrap().unwrap();
        assert_eq!(last.as_of, ANCHOR);
        assert_eq!(last.bands.iter().map(|b| b.leads).sum::<u64>(), 400);
        assert!(
            last.bands.iter().filter(|b| b.leads > 0).count() >= 3,
            "the demo's leads fall in several bands: {:?}",
            last.bands
        );
    }

    /// The demo's purchases follow behaviour (trials, demo requests and
    /// pricing views before a purchase), so scoring 60 days before its
    /// "today" ranks the next 60 days' buyers well above chance.
    #[test]
    fn a_back_test_of_the_demo_model_shows_real_lift() {
        let workspace = demo(DemoSpec::standard(ANCHOR).leads);
        let result = backtest(
            &workspace,
            &demo_model().unwrap(),
            &BacktestRequest {
                at: ANCHOR - 60 * SECONDS_PER_DAY,
                window_days: 60,
                outcome: Outcome::default(),
            },
        )
        .unwrap();
        let auc = result.report.auc.unwrap();
        assert!(auc > 0.6, "AUC {auc}");
        let top = result
            .report
            .deciles
            .iter()
            .max_by(|a, b| a.min_score.total_cmp(&b.min_score))
            .unwrap();
        let lift = top.lift.unwrap();
        assert!(lift > 1.5, "top decile lift {lift} (AUC {auc})");
        eprintln!("demo back-test: AUC {auc:.3}, top decile lift {lift:.2}");
    }
}
