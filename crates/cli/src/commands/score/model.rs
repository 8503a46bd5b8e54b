//! `score model list|show|save|activate|delete`: stored scoring models. A
//! model file is `{"name": …, "definition": ModelDefinition}` or a bare
//! ModelDefinition with `--name` (docs/scoring.md); `show` prints the first
//! form, so its output can be saved back.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use leadstream_core::scoring::{self, ModelDefinition};

use crate::commands::CliResult;

#[derive(Subcommand)]
pub enum ModelCommand {
    /// List the models, the active one first.
    List {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print a model as a model file (JSON).
    Show {
        /// The model's id.
        id: i64,
    },
    /// Save a model file (a new model, or replace model --id); prints its id.
    Save {
        /// The model file (JSON), or `-` for stdin.
        file: PathBuf,
        /// The model's name (required when the file is a bare definition;
        /// replaces the file's name otherwise).
        #[arg(long)]
        name: Option<String>,
        /// Replace this model instead of adding one.
        #[arg(long)]
        id: Option<i64>,
    },
    /// Make a model the active one (the one whose scores leads carry).
    Activate {
        /// The model's id.
        id: i64,
    },
    /// Delete a model.
    Delete {
        /// The model's id.
        id: i64,
    },
}

pub fn run(db: &Path, command: ModelCommand, out: &mut impl Write) -> CliResult {
    match command {
        ModelCommand::List { json } => list(db, json, out),
        ModelCommand::Show { id } => {
            let model = scoring::get_model(&crate::commands::open_workspace(db)?, id)?;
            let file = serde_json::json!({
                "name": model.name,
                "definition": model.definition,
            });
            writeln!(out, "{}", serde_json::to_string_pretty(&file)?)?;
            Ok(())
        }
        ModelCommand::Save { file, name, id } => {
            let (file_name, definition) = read_model_file(&file)?;
            let name = name.or(file_name).ok_or_else(|| {
                format!(
                    "{}: the file is a bare model definition: give the model a name with --name",
                    file.display()
                )
            })?;
            let mut workspace = crate::commands::open_workspace(db)?;
            let saved = scoring::save_model(&mut workspace, id, &name, &definition)?;
            writeln!(out, "{}", saved.id)?;
            Ok(())
        }
        ModelCommand::Activate { id } => {
            let model = scoring::activate_model(&mut crate::commands::open_workspace(db)?, id)?;
            writeln!(out, "model {} (“{}”) is now active", model.id, model.name)?;
            Ok(())
        }
        ModelCommand::Delete { id } => {
            scoring::delete_model(&mut crate::commands::open_workspace(db)?, id)?;
            writeln!(out, "deleted model {id}")?;
            Ok(())
        }
    }
}

/// Reads a model file: its name (if it has one) and its definition.
pub fn read_model_file(path: &Path) -> CliResult<(Option<String>, ModelDefinition)> {
    let text = if path == Path::new("-") {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?
    };
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: not JSON: {e}", path.display()))?;
    if let Some(definition) = value.get("definition") {
        let name = value
            .get("name")
            .and_then(|n| n.as_str())
            .map(str::to_owned);
        if let Some(key) = value
            .as_object()
            .and_then(|o| o.keys().find(|k| *k != "name" && *k != "definition"))
        {
            return Err(format!(
                "{}: a model file has `name` and `definition` only, not `{key}`",
                path.display()
            )
            .into());
        }
        let definition: ModelDefinition = serde_json::from_value(definition.clone())
            .map_err(|e| format!("{}: the model's definition: {e}", path.display()))?;
        Ok((name, definition))
    } else {
        let definition: ModelDefinition = serde_json::from_value(value)
            .map_err(|e| format!("{}: not a model definition: {e}", path.display()))?;
        Ok((None, definition))
    }
}

fn list(db: &Path, json: bool, out: &mut impl Write) -> CliResult {
    let models = scoring::list_models(&crate::commands::open_workspace(db)?)?;
    if json {
        writeln!(out, "{}", serde_json::to_string_pretty(&models)?)?;
        return Ok(());
    }
    if models.is_empty() {
        writeln!(
            out,
            "No scoring models yet: save one with `leadstream score model save FILE.json` (docs/scoring.md)."
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>5}  {:<6}  {:>5}  {:>5}  Name",
        "Id", "Active", "Fit", "Eng."
    )?;
    for model in &models {
        let count = |kind| {
            model
                .definition
                .rules
                .iter()
                .filter(|r| r.kind == kind)
                .count()
        };
        writeln!(
            out,
            "{:>5}  {:<6}  {:>5}  {:>5}  {}",
            model.id,
            if model.is_active { "yes" } else { "" },
            count(scoring::ScoreKind::Fit),
            count(scoring::ScoreKind::Engagement),
            model.name
        )?;
    }
    Ok(())
}
