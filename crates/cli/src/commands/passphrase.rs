//! `passphrase status|set|change|remove`: encryption at rest of the
//! workspace file and its backups (issue 15, docs/privacy-encryption.md).
//! The current passphrase comes from `LEADSTREAM_PASSPHRASE` (as for every
//! command), the new one from `LEADSTREAM_NEW_PASSPHRASE` or
//! `--passphrase-file FILE`, never from the command line's arguments
//! (which other users of the machine can read).

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use leadstream_core::store::cipher::{self, EncryptionChange, EncryptionChangeKind};
use leadstream_core::store::Passphrase;

use super::{open_workspace, CliResult};

/// The environment variable that holds the new passphrase.
pub const NEW_PASSPHRASE_VAR: &str = "LEADSTREAM_NEW_PASSPHRASE";

#[derive(Subcommand)]
pub enum PassphraseCommand {
    /// Whether the workspace is protected, and how many backups follow it.
    Status,
    /// Encrypt the workspace and its backups with a new passphrase.
    Set(NewPassphrase),
    /// Re-encrypt the protected workspace and its backups with another passphrase.
    Change(NewPassphrase),
    /// Decrypt the workspace and its backups (they are readable without a passphrase after).
    Remove,
}

/// Where the new passphrase comes from.
#[derive(Args)]
pub struct NewPassphrase {
    /// Read the new passphrase from FILE (its first line); without it,
    /// from the environment variable LEADSTREAM_NEW_PASSPHRASE.
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

pub fn run(db: &Path, command: PassphraseCommand, out: &mut impl Write) -> CliResult {
    let mut workspace = open_workspace(db)?;
    let done = match command {
        PassphraseCommand::Status => {
            let status = cipher::status(&workspace)?;
            let state = if status.protected {
                "protected with a passphrase"
            } else {
                "not protected (plain SQLite)"
            };
            writeln!(
                out,
                "{}: {state}; {} backup(s)",
                db.display(),
                status.backups
            )?;
            return Ok(());
        }
        PassphraseCommand::Set(new) => cipher::protect(&mut workspace, read_new(&new)?)?,
        PassphraseCommand::Change(new) => {
            cipher::change_passphrase(&mut workspace, read_new(&new)?)?
        }
        PassphraseCommand::Remove => cipher::unprotect(&mut workspace)?,
    };
    writeln!(out, "{}", describe(db, &done))?;
    Ok(())
}

/// One line saying what changed.
fn describe(db: &Path, done: &EncryptionChange) -> String {
    let what = match done.change {
        EncryptionChangeKind::Protected => "is now protected with a passphrase",
        EncryptionChangeKind::PassphraseChanged => "has a new passphrase",
        EncryptionChangeKind::Unprotected => "is no longer protected (plain SQLite)",
    };
    format!(
        "{} {what}; {} backup(s) rewritten with it",
        db.display(),
        done.backups
    )
}

/// The new passphrase, from `--passphrase-file` or the environment.
fn read_new(new: &NewPassphrase) -> CliResult<Passphrase> {
    let text = match &new.passphrase_file {
        Some(file) => {
            let content =
                std::fs::read_to_string(file).map_err(|e| format!("{}: {e}", file.display()))?;
            content.lines().next().unwrap_or_default().to_owned()
        }
        None => std::env::var(NEW_PASSPHRASE_VAR).map_err(|_| {
            format!(
                "give the new passphrase in {NEW_PASSPHRASE_VAR} or with --passphrase-file FILE"
            )
        })?,
    };
    Ok(Passphrase::new(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_names_the_change_and_the_backups() {
        let done = EncryptionChange {
            change: EncryptionChangeKind::Protected,
            backups: 2,
        };
        assert_eq!(
            describe(Path::new("a.leadstream"), &done),
            "a.leadstream is now protected with a passphrase; 2 backup(s) rewritten with it"
        );
    }

    #[test]
    fn a_passphrase_file_gives_its_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret.txt");
        std::fs::write(&file, "correct horse\nignored\n").unwrap();
        let new = NewPassphrase {
            passphrase_file: Some(file),
        };
        assert_eq!(read_new(&new).unwrap(), Passphrase::new("correct horse"));
    }
}
