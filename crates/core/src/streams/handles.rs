//! The named outputs (handles) of stream nodes: a branch's `yes`/`no`, a
//! "wait until event"'s `event`/`timeout`, a split's paths `0`, `1`, …; which
//! handles each node has, in display order, and the strings edges store them as.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::model::{NodeAction, StreamEdge, WaitCondition};

/// A named output of a node. The single untyped output of the other steps
/// has no handle (its edge stores none). Stored and sent over IPC as the
/// strings edges use: `"yes"`, `"no"`, `"event"`, `"timeout"` and a split
/// path's index (`"0"`, `"1"`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(into = "String", try_from = "String")]
#[ts(export, type = r#""yes" | "no" | "event" | "timeout" | `${number}`"#)]
pub enum NodeHandle {
    /// A branch: the lead matches the rules.
    Yes,
    /// A branch: the lead does not match the rules.
    No,
    /// A "wait until event": the lead performed the event.
    Event,
    /// A "wait until event": the timeout passed first.
    Timeout,
    /// A split's path, by its index among the percentages.
    Split(usize),
}

impl NodeHandle {
    /// The handle an edge stores as `handle`, if it is one.
    pub fn for_edge(handle: &str) -> Option<NodeHandle> {
        match handle {
            "yes" => Some(NodeHandle::Yes),
            "no" => Some(NodeHandle::No),
            "event" => Some(NodeHandle::Event),
            "timeout" => Some(NodeHandle::Timeout),
            index if !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()) => {
                index.parse().ok().map(NodeHandle::Split)
            }
            _ => None,
        }
    }

    /// The string an edge stores for this handle.
    pub fn edge_text(self) -> String {
        match self {
            NodeHandle::Split(index) => index.to_string(),
            named => named.label().to_owned(),
        }
    }

    /// How the designer and messages name a named handle (a split path is
    /// labelled by its percentage, which the handle alone does not know).
    pub fn label(self) -> &'static str {
        match self {
            NodeHandle::Yes => "yes",
            NodeHandle::No => "no",
            NodeHandle::Event => "event",
            NodeHandle::Timeout => "timeout",
            NodeHandle::Split(_) => "path",
        }
    }

    /// The handle a branch takes: `yes` when the lead matches.
    pub fn of_branch(matches: bool) -> NodeHandle {
        if matches {
            NodeHandle::Yes
        } else {
            NodeHandle::No
        }
    }

    /// The handle a "wait until event" takes: `event` when it happened.
    pub fn of_event_wait(happened: bool) -> NodeHandle {
        if happened {
            NodeHandle::Event
        } else {
            NodeHandle::Timeout
        }
    }

    /// Whether an edge leaves through this handle.
    pub fn is_used_by(self, edge: &StreamEdge) -> bool {
        edge.handle.as_deref() == Some(self.edge_text().as_str())
    }
}

impl fmt::Display for NodeHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.edge_text())
    }
}

impl From<NodeHandle> for String {
    fn from(handle: NodeHandle) -> String {
        handle.edge_text()
    }
}

impl TryFrom<String> for NodeHandle {
    type Error = String;

    fn try_from(text: String) -> Result<NodeHandle, String> {
        NodeHandle::for_edge(&text).ok_or_else(|| format!("`{text}` is not a node handle"))
    }
}

/// The outputs a node has, in display order (left to right); `None` is the
/// single untyped output. Exit and "move to stream" have none.
pub fn outputs(action: &NodeAction) -> Vec<Option<NodeHandle>> {
    match action {
        NodeAction::Exit | NodeAction::MoveToStream { .. } => Vec::new(),
        NodeAction::Branch { .. } => vec![Some(NodeHandle::Yes), Some(NodeHandle::No)],
        NodeAction::WaitUntil {
            until: WaitCondition::Event { .. },
        } => vec![Some(NodeHandle::Event), Some(NodeHandle::Timeout)],
        NodeAction::Split { percentages } => (0..percentages.len())
            .map(|index| Some(NodeHandle::Split(index)))
            .collect(),
        _ => vec![None],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segments::RuleGroup;

    #[test]
    fn handles_read_and_write_the_strings_edges_store() {
        for text in ["yes", "no", "event", "timeout", "0", "1", "12"] {
            let handle = NodeHandle::for_edge(text).unwrap();
            assert_eq!(handle.edge_text(), text);
            assert_eq!(
                serde_json::to_string(&handle).unwrap(),
                format!("\"{text}\"")
            );
            let back: NodeHandle = serde_json::from_str(&format!("\"{text}\"")).unwrap();
            assert_eq!(back, handle);
        }
        assert_eq!(NodeHandle::for_edge("maybe"), None);
        assert_eq!(NodeHandle::for_edge(""), None);
        assert_eq!(NodeHandle::for_edge("-1"), None);
        assert!(serde_json::from_str::<NodeHandle>("\"maybe\"").is_err());
        assert_eq!(NodeHandle::of_branch(true), NodeHandle::Yes);
        assert_eq!(NodeHandle::of_event_wait(false), NodeHandle::Timeout);
    }

    #[test]
    fn each_node_type_has_its_outputs_in_display_order() {
        let branch = NodeAction::Branch {
            rules: RuleGroup::everyone(),
            rate: None,
            email: None,
        };
        assert_eq!(
            outputs(&branch),
            vec![Some(NodeHandle::Yes), Some(NodeHandle::No)]
        );
        let split = NodeAction::Split {
            percentages: vec![20, 30, 50],
        };
        assert_eq!(
            outputs(&split),
            (0..3)
                .map(|i| Some(NodeHandle::Split(i)))
                .collect::<Vec<_>>()
        );
        let event = NodeAction::WaitUntil {
            until: WaitCondition::Event {
                event_type: "email_click".into(),
                timeout_days: 3,
                rate: None,
            },
        };
        assert_eq!(
            outputs(&event),
            vec![Some(NodeHandle::Event), Some(NodeHandle::Timeout)]
        );
        assert_eq!(outputs(&NodeAction::Entry), vec![None]);
        assert!(outputs(&NodeAction::Exit).is_empty());
        assert!(outputs(&NodeAction::MoveToStream { stream_id: 1 }).is_empty());
    }

    #[test]
    fn an_edge_uses_the_handle_it_stores() {
        let edge = StreamEdge {
            id: "e".into(),
            source: "a".into(),
            target: "b".into(),
            handle: Some("1".into()),
        };
        assert!(NodeHandle::Split(1).is_used_by(&edge));
        assert!(!NodeHandle::Yes.is_used_by(&edge));
    }
}
