//! The text of a model report (population, AUC, bands, deciles with lift
//! and cumulative gains), as lines, so that several models print side by
//! side.

use leadstream_core::insights::outcome::Rate;
use leadstream_core::scoring::ModelReport;
use leadstream_core::text::grouped;

fn percent(rate: &Rate) -> String {
    format!("{:.1}%", rate.rate * 100.0)
}

fn lift(lift: Option<f64>) -> String {
    lift.map_or_else(|| "-".to_owned(), |l| format!("{l:.2}×"))
}

/// The report's lines under a `title`.
pub fn lines(title: &str, report: &ModelReport) -> Vec<String> {
    let mut lines = vec![title.to_owned(), "=".repeat(title.chars().count().max(8))];
    let p = &report.population;
    lines.push(format!(
        "Leads {}, converted {} ({})",
        grouped(p.trials as i128),
        grouped(p.successes as i128),
        percent(p)
    ));
    lines.push(format!(
        "ROC AUC {}",
        report.auc.map_or_else(
            || "- (nobody or everybody converted)".to_owned(),
            |a| format!("{a:.3}")
        )
    ));
    lines.push(String::new());
    lines.push(format!(
        "{:<14} {:>9} {:>9} {:>7} {:>7}",
        "Band", "Leads", "Converted", "Rate", "Lift"
    ));
    for band in &report.bands {
        let name: String = band.band.chars().take(14).collect();
        lines.push(format!(
            "{:<14} {:>9} {:>9} {:>7} {:>7}",
            name,
            grouped(band.rate.trials as i128),
            grouped(band.rate.successes as i128),
            percent(&band.rate),
            lift(band.lift)
        ));
    }
    lines.push(String::new());
    lines.push(format!(
        "{:<6} {:>17} {:>9} {:>7} {:>7} {:>6}",
        "Decile", "Scores", "Leads", "Rate", "Lift", "Gains"
    ));
    for decile in &report.deciles {
        lines.push(format!(
            "{:<6} {:>17} {:>9} {:>7} {:>7} {:>5.0}%",
            decile.decile,
            format!("{:.1}–{:.1}", decile.min_score, decile.max_score),
            grouped(decile.rate.trials as i128),
            percent(&decile.rate),
            lift(decile.lift),
            decile.cumulative_share * 100.0
        ));
    }
    lines
}
