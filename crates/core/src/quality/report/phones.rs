//! The phone part of the quality report: every lead's number checked in its
//! country (`quality::phone`), on every core for big workspaces (a check
//! costs microseconds, a million of them seconds), the lists kept in id
//! order.

use std::collections::BTreeMap;

use super::{FlaggedLeads, PhoneReasonCount, PhoneReport, LEAD_IDS_SHOWN};
use crate::quality::phone::{self, PhoneCheck};

/// Below this many numbers one thread checks them all.
const PARALLEL_FROM: usize = 20_000;

/// One lead's phone, as the scan reads it.
pub(super) struct PhoneInput {
    pub lead_id: i64,
    pub raw: Option<String>,
    /// The lead's country's ISO alpha-2 code, if it has a known one.
    pub region: Option<&'static str>,
    pub unsendable: bool,
}

#[derive(Default)]
struct PhoneScan {
    report: PhoneReport,
    reasons: BTreeMap<&'static str, u64>,
}

impl PhoneScan {
    fn add(&mut self, input: &PhoneInput) {
        let raw = input.raw.as_deref().unwrap_or("");
        match phone::check(raw, input.region) {
            PhoneCheck::Empty => self.report.empty += 1,
            PhoneCheck::Valid { e164 } if e164 == raw => self.report.e164 += 1,
            PhoneCheck::Valid { .. } => self
                .report
                .normalisable
                .add(input.lead_id, input.unsendable),
            PhoneCheck::Invalid { reason } => {
                self.report.invalid.add(input.lead_id, input.unsendable);
                *self.reasons.entry(reason).or_default() += 1;
            }
        }
    }

    /// Adds `later`, the scan of the leads after this one's.
    fn append(&mut self, later: PhoneScan) {
        self.report.empty += later.report.empty;
        self.report.e164 += later.report.e164;
        append_leads(&mut self.report.normalisable, later.report.normalisable);
        append_leads(&mut self.report.invalid, later.report.invalid);
        for (reason, count) in later.reasons {
            *self.reasons.entry(reason).or_default() += count;
        }
    }

    fn finish(mut self) -> PhoneReport {
        let mut reasons: Vec<PhoneReasonCount> = self
            .reasons
            .into_iter()
            .map(|(reason, count)| PhoneReasonCount {
                reason: reason.to_owned(),
                count,
            })
            .collect();
        reasons.sort_by(|a, b| b.count.cmp(&a.count).then(a.reason.cmp(&b.reason)));
        self.report.invalid_reasons = reasons;
        self.report
    }
}

fn append_leads(list: &mut FlaggedLeads, later: FlaggedLeads) {
    list.total += later.total;
    list.unsendable += later.unsendable;
    let room = LEAD_IDS_SHOWN.saturating_sub(list.lead_ids.len());
    list.lead_ids.extend(later.lead_ids.into_iter().take(room));
}

fn scan_part(part: &[PhoneInput]) -> PhoneScan {
    let mut scan = PhoneScan::default();
    for input in part {
        scan.add(input);
    }
    scan
}

/// Checks every number of `inputs` (in lead id order).
pub(super) fn scan(inputs: &[PhoneInput]) -> PhoneReport {
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(8);
    if threads == 1 || inputs.len() < PARALLEL_FROM {
        return scan_part(inputs).finish();
    }
    let parts: Vec<PhoneScan> = std::thread::scope(|scope| {
        let handles: Vec<_> = inputs
            .chunks(inputs.len().div_ceil(threads))
            .map(|part| scope.spawn(move || scan_part(part)))
            .collect();
        handles
            .into_iter()
            .map(|handle| {
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let mut whole = PhoneScan::default();
    for part in parts {
        whole.append(part);
    }
    whole.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(count: usize) -> Vec<PhoneInput> {
        (0..count)
            .map(|i| PhoneInput {
                lead_id: i as i64 + 1,
                raw: Some(match i % 4 {
                    0 => "+14155552671".to_owned(),
                    1 => format!("(415) 555-{:04}", 1000 + i % 9000),
                    2 => "12345".to_owned(),
                    _ => String::new(),
                }),
                region: Some("US"),
                unsendable: i % 8 == 2,
            })
            .collect()
    }

    #[test]
    fn the_parallel_scan_equals_the_single_one() {
        let all = inputs(PARALLEL_FROM + 1_001);
        let single = scan_part(&all).finish();
        let parallel = scan(&all);
        assert_eq!(parallel, single);
        assert_eq!(parallel.invalid.lead_ids[..3], [3, 7, 11]);
        assert_eq!(parallel.invalid.lead_ids.len(), LEAD_IDS_SHOWN);
        let unsendable = (0..all.len()).filter(|i| i % 8 == 2).count() as u64;
        assert_eq!(parallel.invalid.unsendable, unsendable);
        assert_eq!(
            parallel.empty + parallel.e164 + parallel.normalisable.total + parallel.invalid.total,
            all.len() as u64
        );
    }
}
