//! The event types the behaviour editor lists: each type's count and the
//! property keys of its first events, kept in the workspace's cache.

use rusqlite::Connection;

use super::*;
use crate::store::tables::columns;

impl LeadIndex {
    /// Each event type (folded), its stored spellings and its event count,
    /// most common first: from the cache's list of types when it has one
    /// (no event needs loading), else from the events (loaded if needed).
    pub fn event_type_counts(
        &mut self,
        conn: &Connection,
    ) -> Result<Vec<(String, Vec<String>, u64)>> {
        let listed = if self.all_events {
            None
        } else {
            self.cached_event_types(conn)
        };
        let mut counts: Vec<(String, Vec<String>, u64)> = match listed {
            Some(types) => types
                .into_iter()
                .map(|(key, stored)| (key, stored.raw_types, stored.events))
                .collect(),
            None => {
                self.ensure_events(conn)?;
                self.events
                    .iter()
                    .map(|(key, events)| {
                        let count = events.times.len() as u64;
                        (key.clone(), events.raw_types.clone(), count)
                    })
                    .collect()
            }
        };
        counts.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
        Ok(counts)
    }

    /// The property keys of each of `types` (as [`Self::event_type_counts`]
    /// lists them), in their order: from the workspace's cache when it holds
    /// them for this data (the scan that loads the events stores them), else
    /// read from SQL and stored there. SQL reads the first 1,000 events of
    /// each type; with no index on the type, a rare type's read is a scan of
    /// every event (0.7 s for the demo's types at 11.2M events), so the
    /// behaviour editor would wait for it on every start of the app.
    pub fn event_property_keys(
        &mut self,
        conn: &Connection,
        types: &[(String, Vec<String>, u64)],
    ) -> Result<Vec<Vec<String>>> {
        if self.event_property_keys.is_none() {
            self.event_property_keys = self.cached(
                conn,
                &stored::event_property_keys_name(),
                stored::decode_event_property_keys,
            );
        }
        if let Some(known) = &self.event_property_keys {
            let listed: Option<Vec<Vec<String>>> = types
                .iter()
                .map(|(key, _, _)| known.get(key).cloned())
                .collect();
            if let Some(listed) = listed {
                return Ok(listed);
            }
        }
        let mut found = Vec::with_capacity(types.len());
        for (key, raw_types, _) in types {
            found.push((key.clone(), columns::event_property_keys(conn, raw_types)?));
        }
        let listed = found.iter().map(|(_, keys)| keys.clone()).collect();
        self.keep_event_property_keys(conn, found);
        Ok(listed)
    }

    /// Reads the property keys of each type's first events, by their ids
    /// (`samples`, as the scan of every event collected them), and keeps
    /// them here and in the workspace's cache.
    pub(super) fn store_event_property_keys(
        &mut self,
        conn: &Connection,
        samples: &[(String, Vec<i64>)],
    ) -> Result<()> {
        let mut found = Vec::with_capacity(samples.len());
        for (key, event_ids) in samples {
            found.push((
                key.clone(),
                columns::property_keys_of_events(conn, event_ids)?,
            ));
        }
        self.keep_event_property_keys(conn, found);
        Ok(())
    }

    /// Keeps each type's property keys here and in the workspace's cache.
    fn keep_event_property_keys(&mut self, conn: &Connection, found: Vec<(String, Vec<String>)>) {
        self.store(conn, &stored::event_property_keys_name(), || {
            stored::encode_event_property_keys(&found)
        });
        self.event_property_keys = Some(found.into_iter().collect());
    }
}

#[cfg(test)]
mod tests {
    use crate::store::tables::{columns, derived_cache};
    use crate::Workspace;

    /// 1,200 events of one type under two spellings: the first 1,000 carry
    /// `asset`, the later ones `late`; one holds properties that are not JSON.
    fn workspace() -> Workspace {
        let workspace = Workspace::in_memory().unwrap();
        let conn = workspace.conn();
        conn.execute(
            "INSERT INTO leads (id, email, created_at, updated_at) VALUES (1, 'a@example.com', 0, 0)",
            [],
        )
        .unwrap();
        for id in 1..=1200_i64 {
            let spelling = if id % 2 == 0 { "Download" } else { "download" };
            let properties = match id {
                5 => "not json",
                1..=1000 => r#"{"asset": "whitepaper"}"#,
                _ => r#"{"late": 1}"#,
            };
            conn.execute(
                "INSERT INTO events (id, lead_id, type, occurred_at, properties) VALUES (?1, 1, ?2, ?1, ?3)",
                (id, spelling, properties),
            )
            .unwrap();
        }
        workspace
    }

    #[test]
    fn the_scan_of_the_events_stores_the_keys_of_each_types_first_events() {
        let workspace = workspace();
        let conn = workspace.conn();
        crate::segments::with_index(&workspace, |index| index.ensure_events(conn)).unwrap();
        let parts: Vec<String> = derived_cache::parts(conn)
            .unwrap()
            .into_iter()
            .map(|(name, _, _)| name)
            .collect();
        assert!(
            parts.contains(&super::stored::event_property_keys_name()),
            "{parts:?}"
        );
        let types = crate::segments::event_types(&workspace).unwrap();
        assert_eq!(types.len(), 1);
        assert_eq!(types[0].count, 1200);
        // The first 1,000 events of both spellings, as SQL samples them.
        assert_eq!(types[0].properties, vec!["asset"]);
        let spellings = ["download".to_owned(), "Download".to_owned()];
        assert_eq!(
            columns::event_property_keys(conn, &spellings).unwrap(),
            types[0].properties
        );
    }
}
