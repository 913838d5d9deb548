//! `byline completions SHELL` and `byline man`: written from the command line's own
//! definition, so they never drift from it.

use std::process::ExitCode;

use clap::CommandFactory;

use super::Cli;

#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: clap_complete::Shell,
}

pub fn completions(args: CompletionsArgs) -> ExitCode {
    let mut command = Cli::command();
    clap_complete::generate(args.shell, &mut command, "byline", &mut std::io::stdout());
    ExitCode::SUCCESS
}

pub fn man() -> ExitCode {
    let page = clap_mangen::Man::new(Cli::command());
    match page.render(&mut std::io::stdout()) {
        // A reader that stops early (`byline man | head`) is no failure.
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => super::usage_error(&format!("cannot write the manual page: {error}")),
    }
}
