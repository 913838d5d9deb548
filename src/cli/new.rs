//! `byline init`, `byline new story`, `byline new series`: the files of a new site, story or
//! series, with placeholders to fill in.

use std::path::PathBuf;
use std::process::ExitCode;

use jiff::Timestamp;

use super::usage_error;
use crate::scaffold;

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The folder to create the site in (must be new or empty).
    dir: PathBuf,
}

#[derive(Debug, clap::Subcommand)]
pub enum NewCommand {
    /// Write content/<series>/<slug>.md (or content/<slug>.md) for a new story.
    Story {
        /// The headline.
        title: String,
        /// The series folder the story belongs to.
        #[arg(long, value_name = "SLUG")]
        series: Option<String>,
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
    /// Write content/<slug>/_index.md for a new series.
    Series {
        /// The series' name.
        name: String,
        #[arg(long, value_name = "DIR", default_value = ".")]
        root: PathBuf,
    },
}

fn today() -> String {
    Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::system())
        .date()
        .to_string()
}

pub fn run_init(args: InitArgs) -> ExitCode {
    match scaffold::init(&args.dir, &today()) {
        Ok(files) => {
            for file in files {
                println!("created {}", file.display());
            }
            println!(
                "next: cd {} && byline check && byline build",
                args.dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(error) => usage_error(&error.to_string()),
    }
}

pub fn run_new(command: NewCommand) -> ExitCode {
    let result = match &command {
        NewCommand::Story {
            title,
            series,
            root,
        } => scaffold::new_story(root, title, series.as_deref(), &today()),
        NewCommand::Series { name, root } => scaffold::new_series(root, name),
    };
    match result {
        Ok(path) => {
            println!("created {}", path.display());
            println!("fill in the fields marked TODO; `byline check` lists the ones left");
            ExitCode::SUCCESS
        }
        Err(error) => usage_error(&error.to_string()),
    }
}
