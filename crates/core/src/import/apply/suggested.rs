//! A test helper: an import mapped exactly as the inspection suggests
//! (update on match, unknown leads created), as by a user who accepts every
//! suggestion of the wizard.

use std::path::Path;
use std::sync::atomic::AtomicBool;

use super::{run_import_tuned, ImportControl, ImportTuning};
use crate::import::spec::{ImportProgress, ImportReport};
use crate::{Result, Workspace};

/// Imports `path` as suggested; a `cancelled` import stops at its first
/// check for Cancel.
pub(crate) fn import_as_suggested(
    workspace: &mut Workspace,
    path: &Path,
    cancelled: bool,
    tuning: ImportTuning,
) -> Result<ImportReport> {
    let inspection = crate::import::inspect::inspect(workspace, path, None, None)?;
    let spec = inspection.into_suggested_spec();
    let cancel = AtomicBool::new(cancelled);
    let mut progress = |_: &ImportProgress| {};
    let control = ImportControl {
        cancel: &cancel,
        progress: &mut progress,
    };
    run_import_tuned(workspace, path, &spec, false, control, tuning)
}

/// Imports `path` as suggested, which must succeed; the import's id.
pub(crate) fn import_id_as_suggested(workspace: &mut Workspace, path: &Path) -> i64 {
    import_as_suggested(workspace, path, false, ImportTuning::default())
        .expect("the import runs")
        .import_id
        .expect("a real import has an id")
}
