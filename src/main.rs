//! The `byline` command: a thin shell around the library.

fn main() -> std::process::ExitCode {
    byline::cli::run()
}
