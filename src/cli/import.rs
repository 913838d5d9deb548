//! `byline import wordpress|hugo|jekyll`: an archive brought into a new site, with a report of
//! the work left. Exit 0 when the site was written (its findings are in the report), 2 when the
//! archive could not be read or the new site's folder is not new or empty.

use std::path::PathBuf;
use std::process::ExitCode;

use super::usage_error;
use crate::import::{self, Categories, ImportOptions, Source};

#[derive(Debug, clap::Subcommand)]
pub enum ImportCommand {
    /// A WordPress export file (Tools -> Export -> All content).
    Wordpress {
        /// The .xml file WordPress exported.
        export: PathBuf,
        #[command(flatten)]
        args: ImportArgs,
        /// What categories become: each story's series (its first category), or topics.
        #[arg(long, value_enum, default_value_t = CategoriesArg::Series)]
        categories: CategoriesArg,
        /// A copy of the old site's wp-content/uploads folder: the media files the stories use
        /// are copied from it into static/.
        #[arg(long, value_name = "DIR")]
        uploads: Option<PathBuf>,
    },
    /// A Hugo site's folder (the one holding content/).
    Hugo {
        site: PathBuf,
        #[command(flatten)]
        args: ImportArgs,
    },
    /// A Jekyll site's folder (the one holding _posts/).
    Jekyll {
        site: PathBuf,
        #[command(flatten)]
        args: ImportArgs,
        /// What categories become: each story's series (its first category), or topics.
        #[arg(long, value_enum, default_value_t = CategoriesArg::Series)]
        categories: CategoriesArg,
    },
}

/// Flags every importer takes.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The new site's folder: must be new or empty (nothing is ever overwritten).
    #[arg(long, value_name = "DIR")]
    into: PathBuf,
    /// Do not run byline check on the new site at the end (for very large archives).
    #[arg(long)]
    skip_check: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CategoriesArg {
    Series,
    Topics,
}

impl From<CategoriesArg> for Categories {
    fn from(categories: CategoriesArg) -> Categories {
        match categories {
            CategoriesArg::Series => Categories::Series,
            CategoriesArg::Topics => Categories::Topics,
        }
    }
}

impl ImportCommand {
    /// What the import is asked to do.
    fn into_options(self) -> ImportOptions {
        let (source, args, categories, uploads) = match self {
            ImportCommand::Wordpress {
                export,
                args,
                categories,
                uploads,
            } => (
                Source::WordPress { export },
                args,
                categories.into(),
                uploads,
            ),
            ImportCommand::Hugo { site, args } => {
                (Source::Hugo { site }, args, Categories::Series, None)
            }
            ImportCommand::Jekyll {
                site,
                args,
                categories,
            } => (Source::Jekyll { site }, args, categories.into(), None),
        };
        ImportOptions {
            source,
            into: args.into,
            categories,
            uploads,
            skip_check: args.skip_check,
        }
    }
}

pub fn run(command: ImportCommand) -> ExitCode {
    match import::run(&command.into_options()) {
        Ok(summary) => {
            print!("{}", summary.report.terminal_summary());
            println!("the full report: {}", summary.report_path.display());
            ExitCode::SUCCESS
        }
        Err(error) => usage_error(&error.to_string()),
    }
}
