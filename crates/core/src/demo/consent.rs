//! The demo's consent history: a statement for each lead with a recorded
//! opt-in, withdrawals and refusals for some leads that are opted out, and
//! advertising consent for the leads with `ads_opt_in`; deterministic from
//! the seed, from a generator of its own so no other demo data changes.
//! The status columns always agree with each lead's latest statement.

use rusqlite::Transaction;

use super::rng::Rng;
use crate::store::tables::consent::{self as table, NewConsentRow};
use crate::Result;

const DAY: i64 = 86_400;

/// Where demo consent was given, with weights.
const SOURCES: [(&str, u32); 3] = [
    ("Web form", 6),
    ("Trade show scanner", 2),
    ("Webinar registration", 3),
];

/// Where a demo withdrawal came from.
const WITHDRAWAL_SOURCES: [(&str, u32); 2] = [("Unsubscribe link", 4), ("Preference centre", 1)];

/// Writes the demo consent history of every lead; returns how many
/// statements were written.
pub(super) fn install_demo_consent(tx: &Transaction<'_>, seed: u64, anchor: i64) -> Result<u64> {
    let mut written = 0u64;
    for lead in table::lead_columns(tx)? {
        let rng = &mut Rng(seed ^ (lead.lead_id as u64).wrapping_mul(0xe703_7ed1_a0b4_28db));
        let source = *rng.weighted(&SOURCES);
        let mut write = |channel: &str, status: &str, source: &str, at: i64| {
            written += 1;
            table::insert(
                tx,
                &NewConsentRow {
                    lead_id: lead.lead_id,
                    channel,
                    status,
                    lawful_basis: Some("consent"),
                    source,
                    recorded_at: at,
                    import_id: None,
                },
            )
        };
        match lead.email_opt_in {
            Some(true) => {
                write("email", "granted", source, lead.created_at)?;
            }
            Some(false) => {
                let draw = rng.unit();
                if draw < 0.5 {
                    // Opted in when they signed up, withdrew later.
                    write("email", "granted", source, lead.created_at)?;
                    let span = (anchor - lead.created_at).max(DAY);
                    let withdrawn_at = lead.created_at + rng.between(DAY / 2, span);
                    let withdrawal_source = *rng.weighted(&WITHDRAWAL_SOURCES);
                    write(
                        "email",
                        "withdrawn",
                        withdrawal_source,
                        withdrawn_at.min(anchor),
                    )?;
                } else if draw < 0.75 {
                    write("email", "denied", source, lead.created_at)?;
                }
            }
            None => {}
        }
        if lead.ads_opt_in == Some(true) {
            write(
                "ads",
                "granted",
                source,
                lead.created_at + rng.between(0, 60),
            )?;
        }
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use crate::demo::{generate, DemoSpec};
    use crate::Workspace;

    fn demo(seed: u64) -> Workspace {
        let mut ws = Workspace::in_memory().unwrap();
        let spec = DemoSpec {
            leads: 300,
            events_per_lead: 2,
            seed,
            anchor: 1_790_000_000,
        };
        generate(&mut ws, &spec).unwrap();
        ws
    }

    fn count(ws: &Workspace, sql: &str) -> i64 {
        ws.conn().query_row(sql, [], |r| r.get(0)).unwrap()
    }

    #[test]
    fn the_status_columns_agree_with_each_leads_latest_statement() {
        let ws = demo(3);
        for (channel, column) in [("email", "email_opt_in"), ("ads", "ads_opt_in")] {
            let disagreeing = count(
                &ws,
                &format!(
                    "SELECT count(*) FROM leads l JOIN consent_events c ON c.lead_id = l.id
                      WHERE c.channel = '{channel}' AND c.id = (SELECT id FROM consent_events
                        WHERE lead_id = l.id AND channel = '{channel}'
                        ORDER BY recorded_at DESC, id DESC LIMIT 1)
                        AND (c.status = 'granted') <> (l.{column} = 1)"
                ),
            );
            assert_eq!(disagreeing, 0, "{channel}");
        }
        assert_eq!(
            count(&ws, "SELECT count(*) FROM leads WHERE email_opt_in = 1 AND id NOT IN (SELECT lead_id FROM consent_events WHERE channel = 'email')"),
            0
        );
        assert!(
            count(
                &ws,
                "SELECT count(*) FROM consent_events WHERE status = 'withdrawn'"
            ) > 0
        );
        assert_eq!(
            count(
                &ws,
                "SELECT count(*) FROM consent_events WHERE recorded_at > 1790000000"
            ),
            0
        );
    }

    #[test]
    fn the_history_is_deterministic_from_the_seed() {
        let dump = |ws: &Workspace| -> Vec<(i64, String, String, i64)> {
            ws.conn()
                .prepare(
                    "SELECT lead_id, channel, status, recorded_at FROM consent_events ORDER BY id",
                )
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap()
        };
        assert_eq!(dump(&demo(9)), dump(&demo(9)));
    }
}
