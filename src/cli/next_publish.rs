//! `byline next-publish`: when the next embargo lifts, for scheduling a rebuild.

use std::process::ExitCode;

use super::args::SiteArgs;
use super::failure_code;
use crate::diag::report::{self, Format};
use crate::model::WithheldReason;
use crate::pipeline;
use crate::source::Keep;

pub fn run(args: SiteArgs) -> ExitCode {
    let settings = match args.settings() {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    let checked = match pipeline::check(&settings, Keep::ScanOnly) {
        Ok(checked) => checked,
        Err(failure) => {
            report::print(&failure.diagnostics, Format::Human, &settings.root);
            return failure_code(&failure);
        }
    };
    let edition = checked.edition;
    let next = checked
        .site
        .stories
        .iter()
        .filter_map(|story| match edition.withheld_reason(story) {
            Some(WithheldReason::Embargo(until)) => Some(until),
            _ => None,
        })
        .min_by_key(|until| until.instant);
    if let Some(until) = next {
        println!("{}", until.instant);
    }
    ExitCode::SUCCESS
}
