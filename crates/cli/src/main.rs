//! `leadstream`: the headless command line over Leadstream's core, for power
//! users, tests and benchmarks. Every subcommand is a stable, documented
//! interface (see README.md, "The CLI"). Errors go to stderr with exit code 1;
//! usage errors exit with code 2. This file holds the command-line definition
//! and the dispatch; each command group lives in a module of [`commands`].

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// mimalloc instead of glibc's allocator: an import's parser and writer
/// threads allocate and free a value per cell, and glibc's arenas made them
/// wait on each other's locks (docs/decisions.md, "Speed (issue 16)").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand, ValueEnum};
use leadstream_core::export::write_file_atomically;

mod commands;
use commands::{
    content, fields, hierarchy, import, insights, leads, passphrase, plan, privacy, quality, score,
    segments, strategy, streams, workspace, CliResult,
};

#[derive(Parser)]
#[command(
    name = "leadstream",
    version,
    about = "Leadstream: lead segments and nurture plans, offline."
)]
struct Cli {
    /// The workspace file (.leadstream).
    #[arg(long, global = true, value_name = "FILE")]
    db: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create a new, empty workspace file.
    Init,
    /// Fill a new workspace with generated demo or benchmark data.
    Demo {
        /// How many leads to generate.
        #[arg(long, default_value_t = 5_000)]
        leads: u32,
        /// The average number of events per lead.
        #[arg(long, default_value_t = 10)]
        events_per_lead: u32,
        /// The random seed; the same seed, size and anchor give the same data.
        #[arg(long, default_value_t = 0x1ead_57ea)]
        seed: u64,
        /// "Now" for the generated history (YYYY-MM-DD); defaults to today (UTC).
        #[arg(long, value_name = "DATE")]
        anchor: Option<chrono::NaiveDate>,
    },
    /// Work with leads.
    Leads {
        #[command(subcommand)]
        command: LeadsCommand,
    },
    /// Import a CSV file of leads or events.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// The import history.
    Imports {
        #[command(subcommand)]
        command: ImportsCommand,
    },
    /// Count, list, explain and save segments.
    Segment {
        #[command(subcommand)]
        command: SegmentCommand,
    },
    /// Hierarchies: ordered segments that give each lead one primary segment.
    Hierarchy {
        #[command(subcommand)]
        command: hierarchy::HierarchyCommand,
    },
    /// Overlaps, coverage and performance of segments; what predicts conversion.
    Insights {
        #[command(subcommand)]
        command: insights::InsightsCommand,
    },
    /// Dry-run nurture streams on the leads: who gets which message when.
    Plan(PlanArgs),
    /// Lead scoring: models, storing every lead's scores, explanations,
    /// back-tests, evaluation and suggested points.
    Score {
        #[command(subcommand)]
        command: score::ScoreCommand,
    },
    /// SMART goals of segments and streams, and their progress.
    Goal {
        #[command(subcommand)]
        command: strategy::goals::GoalCommand,
    },
    /// Segment reviews: what is due, and recording a decision.
    Review {
        #[command(subcommand)]
        command: strategy::reviews::ReviewCommand,
    },
    /// Data quality: the report and likely duplicates.
    Quality {
        #[command(subcommand)]
        command: quality::QualityCommand,
    },
    /// Data-quality fixes (recorded in the history; `imports undo ID` undoes one).
    Fix {
        #[command(subcommand)]
        command: quality::fix::FixCommand,
    },
    /// One person: everything the workspace holds about them, or their erasure.
    Person {
        #[command(subcommand)]
        command: privacy::person::PersonCommand,
    },
    /// Retention: delete or anonymise leads without activity.
    Retention {
        #[command(subcommand)]
        command: privacy::retention::RetentionCommand,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: privacy::audit::AuditCommand,
    },
    /// Backups of the workspace: create, list, restore.
    Backup {
        #[command(subcommand)]
        command: privacy::backup::BackupCommand,
    },
    /// Encryption at rest: protect the workspace (and its backups) with a
    /// passphrase, change it or remove it. Every command reads the current
    /// passphrase from LEADSTREAM_PASSPHRASE.
    Passphrase {
        #[command(subcommand)]
        command: passphrase::PassphraseCommand,
    },
    /// Nurture streams: list, export and import as JSON.
    Streams {
        #[command(subcommand)]
        command: StreamsCommand,
    },
    /// The content library.
    Content {
        #[command(subcommand)]
        command: ContentCommand,
    },
    /// List the field catalogue, or delete a custom field.
    Fields {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        command: Option<FieldsCommand>,
    },
}

#[derive(Subcommand)]
enum FieldsCommand {
    /// Delete a custom field and all its values. Standard fields, and fields
    /// that saved segments or streams use, are refused.
    Delete {
        /// The field's key, as `fields` lists it.
        key: String,
    },
}

#[derive(Subcommand)]
enum LeadsCommand {
    /// Print the number of leads.
    Count,
    /// Write every lead with every field to stdout (or --output FILE).
    Export {
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Merge duplicates into the first id (a fix: `imports undo ID` undoes it).
    Merge(quality::merge::MergeArgs),
    /// The app's quick search: how many leads have TEXT in their name,
    /// e-mail, company or external id (case and accents ignored), then the
    /// first of them by id, tab-separated: id, first name, last name,
    /// e-mail, company.
    Search {
        text: String,
        /// How many matching leads to list (at most 1,000).
        #[arg(long, default_value_t = 20)]
        limit: u32,
        /// Search this many times and print each search's time to stderr
        /// (the first includes loading the search's keys): for benchmarks.
        #[arg(long, default_value_t = 1)]
        repeat: u32,
    },
}

/// Where an export goes.
#[derive(clap::Args)]
struct OutputArgs {
    /// Write to this file instead of stdout. The file is replaced only when
    /// the export succeeds; a failed export leaves it as it was.
    #[arg(long, short = 'o', visible_alias = "out", value_name = "FILE")]
    output: Option<PathBuf>,
}

impl OutputArgs {
    /// Runs `export` on the output file (written whole or not at all) or on stdout.
    pub(crate) fn write<T>(
        &self,
        stdout: &mut dyn Write,
        export: impl FnOnce(&mut dyn Write) -> leadstream_core::Result<T>,
    ) -> leadstream_core::Result<T> {
        match &self.output {
            Some(path) => write_file_atomically(path, export),
            None => export(stdout),
        }
    }

    /// Notes an export written to the output file in the audit log: `rows`
    /// of `what`. Nothing for an export to stdout (the CLI cannot know
    /// where it went).
    pub(crate) fn record(
        &self,
        workspace: &mut leadstream_core::Workspace,
        what: &str,
        rows: u64,
    ) -> leadstream_core::Result<()> {
        match &self.output {
            Some(path) => leadstream_core::export::record_export(workspace, what, rows, path),
            None => Ok(()),
        }
    }
}

/// Where a command's rules come from: a rule JSON file, `-` for stdin, or
/// the id of a saved segment.
#[derive(clap::Args)]
struct RulesArgs {
    /// A rule JSON file (react-querybuilder format), `-` for stdin, or a saved segment's id.
    rules: String,
    /// Evaluate relative dates and behaviour as of this instant (YYYY-MM-DD
    /// or ISO 8601; default: now).
    #[arg(long, value_name = "ISO8601")]
    as_of: Option<String>,
}

/// What `segment members` writes a file for.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum MembersFor {
    /// An e-mail tool (HubSpot, Mailchimp).
    Email,
    /// Google Ads Customer Match.
    GoogleAds,
    /// Meta custom audiences.
    Meta,
    /// LinkedIn matched audiences.
    Linkedin,
}

#[derive(Subcommand)]
enum SegmentCommand {
    /// Print the number of matching leads.
    Count {
        #[command(flatten)]
        rules: RulesArgs,
        /// Count this many times and print each evaluation's time to stderr
        /// (the first includes loading the index): for benchmarks.
        #[arg(long, default_value_t = 1)]
        repeat: u32,
    },
    /// Write the matching leads with chosen fields, for an email tool: leads
    /// marked "do not email" or without email opt-in are left out (counted
    /// on stderr) unless --include-unconsented.
    Members {
        #[command(flatten)]
        rules: RulesArgs,
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Field keys, comma-separated.
        #[arg(
            long,
            value_delimiter = ',',
            default_value = "email,first_name,last_name,company"
        )]
        fields: Vec<String>,
        /// Also write members marked "do not email" or without email opt-in
        /// (only with --for email).
        #[arg(long)]
        include_unconsented: bool,
        /// Who the file is for: an e-mail tool (the chosen fields, e-mailable
        /// members only), or an ad platform's audience (its documented
        /// layout, identifiers normalised and SHA-256 hashed; members without
        /// advertising consent or marked "do not sell or share" left out).
        #[arg(long = "for", value_enum, default_value_t = MembersFor::Email)]
        for_: MembersFor,
        #[command(flatten)]
        output: OutputArgs,
    },
    /// Explain, rule by rule, why a lead is in or out.
    Explain {
        #[command(flatten)]
        rules: RulesArgs,
        /// The lead's id.
        #[arg(long)]
        lead: i64,
        /// Print the explanation as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Save rules as a named segment (or replace segment --id); prints its id.
    Save {
        /// A rule JSON file, or `-` for stdin.
        rules: String,
        #[arg(long)]
        name: String,
        #[arg(long, default_value = "")]
        description: String,
        #[arg(long, default_value = "#4f46e5")]
        color: String,
        #[arg(long, default_value = "")]
        folder: String,
        /// Replace this saved segment instead of creating one.
        #[arg(long)]
        id: Option<i64>,
    },
    /// Delete a saved segment; refused for built-in segments and for segments
    /// that other segments or streams use.
    Delete {
        /// The saved segment's id.
        id: i64,
    },
    /// List saved segments with their counts.
    List {
        #[arg(long, value_name = "ISO8601")]
        as_of: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The ICE ranking of segments and streams, with suggestions; or set
    /// one's scores (`segment ice set`).
    Ice(strategy::ice::IceArgs),
    /// A saved segment's recorded member counts over time.
    History(strategy::history::HistoryArgs),
    /// Who joined and who left a saved segment between two dates, and why.
    Diff(strategy::history::DiffArgs),
}

#[derive(clap::Args)]
struct PlanArgs {
    /// A stream to plan: a saved stream's id, or a stream JSON file
    /// (docs/streams.md). Repeatable; without any, every active stream.
    #[arg(long = "stream", value_name = "ID|FILE.json")]
    streams: Vec<String>,
    /// The first day of the plan (YYYY-MM-DD, UTC, 1900-01-01 to
    /// 2199-12-31); default today.
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// How many days to plan (1 to 3,660).
    #[arg(long, default_value_t = 90)]
    days: u32,
    /// When entry segments are evaluated (default: the first day, 00:00
    /// UTC; 1900-01-01 to 2199-12-31).
    #[arg(long, value_name = "ISO8601")]
    as_of: Option<String>,
    /// csv: one row per send, for an email tool; json: the summary and every send.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    format: Format,
    /// Print the summary only (as text, or as JSON with --format json).
    #[arg(long)]
    summary: bool,
    /// Plan one lead and print its journey with explanations.
    #[arg(long, value_name = "ID")]
    lead: Option<i64>,
    /// With --summary: plan this many times and print each run's time to
    /// stderr (the first includes loading the index): for benchmarks.
    #[arg(long, default_value_t = 1)]
    repeat: u32,
}

#[derive(Subcommand)]
enum StreamsCommand {
    /// List streams with priority, state and problems.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Print a stream as portable JSON.
    Export { id: i64 },
    /// Add a stream from its JSON file (inactive); prints its id.
    Import { file: PathBuf },
}

#[derive(Subcommand)]
enum ContentCommand {
    /// List the content library.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import leads: one row per person.
    Leads(ImportArgs),
    /// Import events: one row per thing a lead did.
    Events(ImportArgs),
}

#[derive(clap::Args)]
struct ImportArgs {
    /// The CSV file.
    file: PathBuf,
    /// How rows match existing leads: `email` (default), or the name of the
    /// column that holds a CRM id (it is mapped to external_id).
    #[arg(long)]
    key: Option<String>,
    /// Where a column goes, as 'Header=target'. Targets: a field key, a new
    /// custom field key, `external_id` or `skip`; for events also
    /// `lead_email`, `lead_external_id`, `event_type`, `occurred_at` and
    /// `property:NAME`. Columns not named keep the suggested target.
    #[arg(long = "map", value_name = "HEADER=TARGET")]
    maps: Vec<String>,
    /// A cell value that means "empty" (repeatable). Without any, the
    /// suggested placeholders are used.
    #[arg(long = "null-token", value_name = "TOKEN")]
    null_tokens: Vec<String>,
    /// What a row matching an existing lead does.
    #[arg(long, value_enum, default_value_t = OnMatchArg::Update)]
    on_match: OnMatchArg,
    /// Events for unknown leads: create minimal leads, or reject the rows.
    #[arg(long, value_enum, default_value_t = UnknownLeadsArg::Create)]
    unknown_leads: UnknownLeadsArg,
    /// Override the detected encoding: utf8, utf16le, utf16be, windows1252 (or latin1).
    #[arg(long)]
    encoding: Option<String>,
    /// Override the detected delimiter: a single character, or `tab`.
    #[arg(long)]
    delimiter: Option<String>,
    /// Report what would happen without changing the workspace.
    #[arg(long)]
    dry_run: bool,
    /// Print the counts as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum OnMatchArg {
    Update,
    Fill,
    Skip,
}

#[derive(Clone, Copy, ValueEnum)]
enum UnknownLeadsArg {
    Create,
    Reject,
}

#[derive(Subcommand)]
enum ImportsCommand {
    /// List past imports, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Undo an import: remove what it inserted, restore what it overwrote.
    Undo {
        id: i64,
        /// Also delete the custom fields the import created that nothing
        /// else uses (no other lead, import, segment or stream).
        #[arg(long)]
        remove_fields: bool,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Json,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let db = cli.db.clone();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // A busy, full or damaged workspace is named in the message.
            let message = match (error.downcast::<leadstream_core::Error>(), &db) {
                (Ok(core), Some(db)) => (*core).in_workspace(db).to_string(),
                (Ok(core), None) => core.to_string(),
                (Err(other), _) => other.to_string(),
            };
            eprintln!("leadstream: {message}");
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> CliResult {
    let Some(db) = cli.db else {
        use clap::CommandFactory;
        Cli::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "--db FILE is required",
            )
            .exit();
    };
    let mut stdout = std::io::stdout().lock();
    let out = &mut stdout;
    match cli.command {
        Command::Init => workspace::init(&db, out),
        Command::Demo {
            leads,
            events_per_lead,
            seed,
            anchor,
        } => {
            let options = workspace::DemoOptions {
                leads,
                events_per_lead,
                seed,
                anchor,
            };
            workspace::demo(&db, &options, out)
        }
        Command::Leads { command } => leads::run(&db, command, out),
        Command::Import { command } => import::run(&db, command, out),
        Command::Imports { command } => import::history(&db, command, out),
        Command::Segment { command } => segments::run(&db, command, out),
        Command::Hierarchy { command } => hierarchy::run(&db, command, out),
        Command::Insights { command } => insights::run(&db, command, out),
        Command::Plan(args) => plan::run(&db, &args, out),
        Command::Score { command } => score::run(&db, command, out),
        Command::Goal { command } => strategy::goals::run(&db, command, out),
        Command::Review { command } => strategy::reviews::run(&db, command, out),
        Command::Quality { command } => quality::run(&db, command, out),
        Command::Fix { command } => quality::fix::run(&db, command, out),
        Command::Person { command } => privacy::person::run(&db, command, out),
        Command::Retention { command } => privacy::retention::run(&db, command, out),
        Command::Audit { command } => privacy::audit::run(&db, command, out),
        Command::Backup { command } => privacy::backup::run(&db, command, out),
        Command::Passphrase { command } => passphrase::run(&db, command, out),
        Command::Streams { command } => streams::run(&db, command, out),
        Command::Content { command } => content::run(&db, command, out),
        Command::Fields { json, command } => fields::run(&db, json, command, out),
    }
}
