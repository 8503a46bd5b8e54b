//! `leadstream`: the headless command line over Leadstream's core, for power
//! users, tests and benchmarks. Every subcommand is a stable, documented
//! interface (see README.md, "The CLI"). Errors go to stderr with exit code 1;
//! usage errors exit with code 2.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use leadstream_core::demo::{self, DemoSpec};
use leadstream_core::export::{export_leads, write_file_atomically, ConsentPolicy, ExportFormat};
use leadstream_core::import::apply::{run_import, ImportControl};
use leadstream_core::import::history;
use leadstream_core::import::spec::ImportKind;
use leadstream_core::segments::{self, saved, RuleGroup};
use leadstream_core::streams::{content, limits, model as streams, planner};
use leadstream_core::{fields, leads, Workspace};
use std::sync::atomic::AtomicBool;

mod import_args;
use import_args::{import_spec, print_report};

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
    /// Dry-run nurture streams on the leads: who gets which message when.
    Plan(PlanArgs),
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
}

/// Where an export goes.
#[derive(clap::Args)]
struct OutputArgs {
    /// Write to this file instead of stdout. The file is replaced only when
    /// the export succeeds; a failed export leaves it as it was.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
}

impl OutputArgs {
    /// Runs `export` on the output file (written whole or not at all) or on stdout.
    fn write<T>(
        &self,
        stdout: &mut dyn Write,
        export: impl FnOnce(&mut dyn Write) -> leadstream_core::Result<T>,
    ) -> leadstream_core::Result<T> {
        match &self.output {
            Some(path) => write_file_atomically(path, export),
            None => export(stdout),
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
        /// Also write members marked "do not email" or without email opt-in.
        #[arg(long)]
        include_unconsented: bool,
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
    Undo { id: i64 },
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

type CliResult = Result<(), Box<dyn std::error::Error>>;

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
    let open = || Workspace::open(&db);
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        Command::Init => {
            Workspace::create(&db)?;
            writeln!(stdout, "created {}", db.display())?;
        }
        Command::Demo {
            leads,
            events_per_lead,
            seed,
            anchor,
        } => {
            let anchor = anchor
                .unwrap_or_else(|| chrono::Utc::now().date_naive())
                .and_hms_opt(0, 0, 0)
                .expect("midnight exists")
                .and_utc()
                .timestamp();
            let mut workspace = Workspace::open_or_create(&db)?;
            if leads::count(workspace.conn())? > 0 {
                return Err(format!(
                    "{}: the workspace already holds leads; demo data goes into an empty workspace",
                    db.display()
                )
                .into());
            }
            let spec = DemoSpec {
                leads,
                events_per_lead,
                seed,
                anchor,
            };
            let summary = demo::generate(&mut workspace, &spec)?;
            writeln!(
                stdout,
                "generated {} leads, {} events, {} custom fields, {} content items and {} streams in {}",
                summary.leads,
                summary.events,
                summary.custom_fields,
                summary.content_items,
                summary.streams,
                db.display()
            )?;
        }
        Command::Leads {
            command: LeadsCommand::Count,
        } => {
            let count = leads::count(open()?.conn())?;
            writeln!(stdout, "{count}")?;
        }
        Command::Leads {
            command: LeadsCommand::Export { format, output },
        } => {
            let format = match format {
                Format::Csv => ExportFormat::Csv,
                Format::Json => ExportFormat::Json,
            };
            let workspace = open()?;
            output.write(&mut stdout, |out| {
                export_leads(workspace.conn(), format, out)
            })?;
        }
        Command::Import { command } => {
            let (kind, args) = match command {
                ImportCommand::Leads(args) => (ImportKind::Leads, args),
                ImportCommand::Events(args) => (ImportKind::Events, args),
            };
            let mut workspace = open()?;
            let spec = import_spec(&workspace, kind, &args)?;
            let cancel = AtomicBool::new(false);
            let mut progress = |_: &leadstream_core::import::spec::ImportProgress| {};
            let control = ImportControl {
                cancel: &cancel,
                progress: &mut progress,
            };
            let report = run_import(&mut workspace, &args.file, &spec, args.dry_run, control)?;
            print_report(&mut stdout, &report, args.json)?;
        }
        Command::Imports {
            command: ImportsCommand::List { json },
        } => {
            let imports = history::list(open()?.conn())?;
            if json {
                writeln!(stdout, "{}", serde_json::to_string_pretty(&imports)?)?;
            } else {
                for import in imports {
                    let c = &import.counts;
                    writeln!(
                        stdout,
                        "{:>4}  {}  {:<6} {}  rows {} inserted {} updated {} skipped {} merged {} rejected {}{}",
                        import.id,
                        import.started_at,
                        fields::enum_text(&import.kind),
                        import.file_name,
                        c.rows,
                        c.inserted,
                        c.updated,
                        c.skipped,
                        c.merged,
                        c.rejected,
                        import.undone_at.map(|at| format!("  (undone {at})")).unwrap_or_default()
                    )?;
                }
            }
        }
        Command::Imports {
            command: ImportsCommand::Undo { id },
        } => {
            let summary = history::undo(&mut open()?, id)?;
            writeln!(
                stdout,
                "undid import {id}: removed {} leads and {} events, restored {} values",
                summary.leads_removed, summary.events_removed, summary.values_restored
            )?;
        }
        Command::Segment { command } => segment_command(&open()?, command, &mut stdout)?,
        Command::Plan(args) => plan_command(&open()?, args, &mut stdout)?,
        Command::Streams { command } => streams_command(&open()?, command, &mut stdout)?,
        Command::Content {
            command: ContentCommand::List { json },
        } => {
            let items = content::list(open()?.conn())?;
            if json {
                writeln!(stdout, "{}", serde_json::to_string_pretty(&items)?)?;
            } else {
                for item in items {
                    writeln!(
                        stdout,
                        "{:>4}  {:<16} {}  [{}] [{}]",
                        item.id,
                        fields::enum_text(&item.kind),
                        item.title,
                        item.personas.join(", "),
                        item.stages.join(", ")
                    )?;
                }
            }
        }
        Command::Fields {
            command: Some(FieldsCommand::Delete { key }),
            ..
        } => {
            let deletion = leadstream_core::field_usage::delete_custom(&mut open()?, &key)?;
            let values = match deletion.values_deleted {
                0 => "; it had no values".to_owned(),
                1 => " and its 1 value".to_owned(),
                n => format!(" and its {n} values"),
            };
            writeln!(
                stdout,
                "deleted the field `{}` (“{}”){values}",
                deletion.key, deletion.label
            )?;
        }
        Command::Fields {
            json,
            command: None,
        } => {
            let catalogue = fields::list(open()?.conn())?;
            if json {
                let text = serde_json::to_string_pretty(&catalogue)?;
                writeln!(stdout, "{text}")?;
            } else {
                writeln!(
                    stdout,
                    "{:<20} {:<8} {:<14} {:<9} label",
                    "key", "type", "category", "origin"
                )?;
                for field in catalogue {
                    writeln!(
                        stdout,
                        "{:<20} {:<8} {:<14} {:<9} {}",
                        field.key,
                        fields::enum_text(&field.field_type),
                        fields::enum_text(&field.category),
                        fields::enum_text(&field.origin),
                        field.label
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Reads rules from a file, stdin (`-`) or a saved segment id.
fn load_rules(
    workspace: &Workspace,
    source: &str,
) -> Result<RuleGroup, Box<dyn std::error::Error>> {
    if let Ok(id) = source.parse::<i64>() {
        return Ok(saved::get(workspace.conn(), id)?.rules);
    }
    let text = if source == "-" {
        std::io::read_to_string(std::io::stdin())?
    } else {
        std::fs::read_to_string(source).map_err(|e| format!("{source}: {e}"))?
    };
    RuleGroup::from_json(&text).map_err(|e| format!("{source}: {e}").into())
}

fn as_of(text: &Option<String>) -> leadstream_core::Result<i64> {
    text.as_deref()
        .map_or_else(|| Ok(segments::now()), segments::parse_as_of)
}

fn segment_command(
    workspace: &Workspace,
    command: SegmentCommand,
    stdout: &mut impl Write,
) -> CliResult {
    match command {
        SegmentCommand::Count { rules, repeat } => {
            let group = load_rules(workspace, &rules.rules)?;
            let at = as_of(&rules.as_of)?;
            let mut count = 0;
            for run in 1..=repeat.max(1) {
                let started = std::time::Instant::now();
                count = segments::count(workspace, &group, at)?;
                if repeat > 1 {
                    eprintln!(
                        "run {run}: {:.3} ms",
                        started.elapsed().as_secs_f64() * 1000.0
                    );
                }
            }
            writeln!(stdout, "{count}")?;
        }
        SegmentCommand::Members {
            rules,
            format,
            fields,
            include_unconsented,
            output,
        } => {
            let group = load_rules(workspace, &rules.rules)?;
            let at = as_of(&rules.as_of)?;
            let format = match format {
                Format::Csv => segments::MemberFormat::Csv,
                Format::Json => segments::MemberFormat::Json,
            };
            let consent = if include_unconsented {
                ConsentPolicy::IncludeUnconsented
            } else {
                ConsentPolicy::EmailableOnly
            };
            let summary = output.write(stdout, |out| {
                segments::export_members(workspace, &group, at, &fields, format, consent, out)
            })?;
            eprintln!("{}", summary.message);
        }
        SegmentCommand::Explain { rules, lead, json } => {
            let group = load_rules(workspace, &rules.rules)?;
            let explanation = segments::explain(workspace, &group, lead, as_of(&rules.as_of)?)?;
            if json {
                writeln!(stdout, "{}", serde_json::to_string_pretty(&explanation)?)?;
            } else {
                writeln!(
                    stdout,
                    "Lead {} ({}) is {} the segment as of {}",
                    explanation.lead_id,
                    explanation.lead_name,
                    if explanation.matched { "IN" } else { "NOT IN" },
                    explanation.as_of
                )?;
                print_explain_node(stdout, &explanation.root, 0)?;
            }
        }
        SegmentCommand::Save {
            rules,
            name,
            description,
            color,
            folder,
            id,
        } => {
            let draft = saved::SegmentDraft {
                name,
                description,
                color,
                folder,
                rules: load_rules(workspace, &rules)?,
            };
            let segment = match id {
                Some(id) => saved::update(workspace, id, &draft)?,
                None => saved::create(workspace, &draft)?,
            };
            writeln!(stdout, "{}", segment.id)?;
        }
        SegmentCommand::Delete { id } => {
            let name = saved::get(workspace.conn(), id)?.name;
            saved::delete(workspace, id)?;
            writeln!(stdout, "Deleted segment {id} (“{name}”)")?;
        }
        SegmentCommand::List { as_of: at, json } => {
            let summaries = saved::list_with_counts(workspace, as_of(&at)?)?;
            if json {
                writeln!(stdout, "{}", serde_json::to_string_pretty(&summaries)?)?;
            } else {
                writeln!(stdout, "{:>4}  {:>9}  {:<18} name", "id", "count", "folder")?;
                for summary in summaries {
                    let s = &summary.segment;
                    writeln!(
                        stdout,
                        "{:>4}  {:>9}  {:<18} {}{}{}",
                        s.id,
                        summary
                            .count
                            .map_or_else(|| "—".to_owned(), |n| n.to_string()),
                        s.folder,
                        s.name,
                        if s.is_builtin { "  (built in)" } else { "" },
                        summary
                            .problem
                            .as_deref()
                            .map(|problem| format!("  (cannot count: {problem})"))
                            .unwrap_or_default()
                    )?;
                }
            }
        }
    }
    Ok(())
}

fn print_explain_node(
    out: &mut impl Write,
    node: &segments::ExplainNode,
    depth: usize,
) -> CliResult {
    let mark = if node.matched { "✓" } else { "✗" };
    let actual = node
        .actual
        .as_deref()
        .map(|a| format!("  [{a}]"))
        .unwrap_or_default();
    writeln!(
        out,
        "{}{mark} {}{actual}",
        "  ".repeat(depth),
        node.description
    )?;
    for child in &node.children {
        print_explain_node(out, child, depth + 1)?;
    }
    Ok(())
}

fn plan_command(workspace: &Workspace, args: PlanArgs, stdout: &mut impl Write) -> CliResult {
    let conn = workspace.conn();
    let mut chosen = Vec::new();
    for source in &args.streams {
        chosen.push(match source.parse::<i64>() {
            Ok(id) => streams::get(conn, id)?,
            Err(_) => {
                let json = std::fs::read_to_string(source).map_err(|e| format!("{source}: {e}"))?;
                streams::from_file(conn, &json).map_err(|e| format!("{source}: {e}"))?
            }
        });
    }
    if args.streams.is_empty() {
        chosen = streams::list(conn)?
            .into_iter()
            .filter(|s| s.is_active)
            .collect();
        if chosen.is_empty() {
            return Err("no active streams: activate one, or name one with --stream".into());
        }
    }
    let from = match &args.from {
        Some(text) => limits::parse_date("the plan's first day (--from)", text)?,
        None => chrono::Utc::now().date_naive(),
    };
    let start = from.and_time(chrono::NaiveTime::MIN).and_utc().timestamp();
    let request = planner::PlanRequest {
        streams: chosen,
        from,
        days: args.days,
        as_of: args
            .as_of
            .as_deref()
            .map(segments::parse_as_of)
            .transpose()?
            .unwrap_or(start),
        settings: planner::load_settings(conn)?,
    };
    if let Some(lead) = args.lead {
        let journey = planner::journey(workspace, &request, lead)?;
        if matches!(args.format, Format::Json) {
            writeln!(stdout, "{}", serde_json::to_string_pretty(&journey)?)?;
        } else {
            writeln!(
                stdout,
                "Lead {} ({}): {}",
                journey.lead_id, journey.timezone, journey.status
            )?;
            for entry in &journey.entries {
                let note = entry
                    .note
                    .as_deref()
                    .map(|n| format!("  ({n})"))
                    .unwrap_or_default();
                writeln!(
                    stdout,
                    "  {}  {:<28} {}{note}",
                    entry.local, entry.stream, entry.step
                )?;
            }
        }
        return Ok(());
    }
    if args.summary {
        let mut plan = None;
        for run in 1..=args.repeat.max(1) {
            let started = std::time::Instant::now();
            plan = Some(planner::plan_summary(workspace, &request)?);
            if args.repeat > 1 {
                eprintln!(
                    "run {run}: {:.1} ms",
                    started.elapsed().as_secs_f64() * 1000.0
                );
            }
        }
        let plan = plan.expect("planned at least once");
        match args.format {
            Format::Json => {
                warn_skipped(&plan.skipped);
                writeln!(stdout, "{}", serde_json::to_string_pretty(&plan)?)?
            }
            Format::Csv => print_plan_summary(stdout, &plan)?,
        }
        return Ok(());
    }
    let run = planner::plan(workspace, &request)?;
    warn_skipped(&run.plan.skipped);
    match args.format {
        Format::Json => writeln!(stdout, "{}", serde_json::to_string(&run)?)?,
        Format::Csv => {
            planner::write_sends_csv(conn, &run, stdout)?;
        }
    }
    Ok(())
}

/// Streams the plan left out, on stderr: the plan itself is on stdout.
fn warn_skipped(skipped: &[planner::SkippedStream]) {
    for stream in skipped {
        eprintln!(
            "leadstream: warning: stream {} “{}” was not planned: {}",
            stream.stream_id,
            stream.name,
            stream.problems.join("; ")
        );
    }
}

fn print_plan_summary(out: &mut impl Write, plan: &planner::Plan) -> CliResult {
    writeln!(
        out,
        "Plan {} to {} ({} days), entry as of {}",
        plan.from, plan.until, plan.days, plan.as_of
    )?;
    writeln!(
        out,
        "{} eligible leads, {} sends",
        plan.eligible, plan.sends
    )?;
    for stream in &plan.streams {
        writeln!(
            out,
            "  stream {} “{}” (priority {}): {} leads, {} entries, {} sends",
            stream.stream_id,
            stream.name,
            stream.priority,
            stream.leads,
            stream.entries,
            stream.sends
        )?;
        for other in &stream.also_eligible {
            writeln!(
                out,
                "    {} also eligible for “{}”",
                other.leads, other.name
            )?;
        }
        for node in &stream.nodes {
            writeln!(out, "    {:<14} {:>9} leads", node.node_id, node.leads)?;
        }
    }
    let tally =
        |out: &mut dyn Write, title: &str, items: &[planner::ReasonTally]| -> std::io::Result<()> {
            writeln!(out, "{title}:")?;
            for item in items {
                writeln!(out, "  {:>9}  {}", item.count, item.reason)?;
            }
            Ok(())
        };
    tally(out, "Suppressed leads", &plan.suppressed)?;
    tally(out, "Moved sends", &plan.moved)?;
    tally(out, "Outcomes", &plan.outcomes)?;
    writeln!(out, "Content:")?;
    for item in &plan.per_content {
        writeln!(
            out,
            "  {:>9} sends to {:>9} leads  {}",
            item.sends, item.leads, item.title
        )?;
    }
    if !plan.skipped.is_empty() {
        writeln!(out, "Not planned (fix these streams to plan them):")?;
        for stream in &plan.skipped {
            writeln!(
                out,
                "  stream {} “{}”: {}",
                stream.stream_id,
                stream.name,
                stream.problems.join("; ")
            )?;
        }
    }
    let busiest = plan.per_day.iter().max_by_key(|d| d.sends);
    if let Some(day) = busiest {
        writeln!(out, "Busiest day: {} with {} sends", day.date, day.sends)?;
    }
    Ok(())
}

fn streams_command(
    workspace: &Workspace,
    command: StreamsCommand,
    stdout: &mut impl Write,
) -> CliResult {
    let conn = workspace.conn();
    match command {
        StreamsCommand::List { json } => {
            let all = streams::list(conn)?;
            if json {
                writeln!(stdout, "{}", serde_json::to_string_pretty(&all)?)?;
            } else {
                for stream in all {
                    let problems = streams::problems(workspace, &stream)?;
                    writeln!(
                        stdout,
                        "{:>4}  {:>4}  {:<8} {}{}",
                        stream.id,
                        stream.priority,
                        if stream.is_active {
                            "active"
                        } else {
                            "inactive"
                        },
                        stream.name,
                        if problems.is_empty() {
                            String::new()
                        } else {
                            format!("  ({} problems)", problems.len())
                        }
                    )?;
                }
            }
        }
        StreamsCommand::Export { id } => {
            writeln!(
                stdout,
                "{}",
                serde_json::to_string_pretty(&streams::export(conn, id)?)?
            )?;
        }
        StreamsCommand::Import { file } => {
            let json =
                std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
            let stream = streams::import(workspace, &json)
                .map_err(|e| format!("{}: {e}", file.display()))?;
            writeln!(stdout, "{}", stream.id)?;
        }
    }
    Ok(())
}
