//! `byline serve`: the live preview.

use std::net::IpAddr;
use std::process::ExitCode;
use std::time::Duration;

use super::args::{self, SiteArgs};
use crate::diag::report;
use crate::serve::{self, ServeError, ServeOptions};

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    site: SiteArgs,
    /// The port to listen on; when it is taken, the next free one is used. 0 lets the system
    /// choose.
    #[arg(short, long, default_value_t = 1111)]
    port: u16,
    /// The address to listen on. The default is this computer only; 0.0.0.0 or :: make the
    /// preview, drafts and embargoed stories included, reachable from other computers.
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    bind: IpAddr,
    /// Preview the site as if published at this address instead of site.yaml's base_url.
    #[arg(short, long, value_name = "URL")]
    base_url: Option<String>,
    /// Also answer requests for this name (a name of this computer on the network, a
    /// tunnel); repeat for more. Requests naming any other host are refused, so a web page
    /// cannot read the preview through a name it points at this computer.
    #[arg(long, value_name = "NAME")]
    allow_host: Vec<String>,
    /// Open the preview in the default browser.
    #[arg(long)]
    open: bool,
    /// Clean story texts of anything that could run code or load another page (scripts,
    /// iframes, event handlers, javascript: links), as `safe_html: true` in site.yaml does.
    #[arg(long)]
    safe_html: bool,
    /// How long the files must be quiet after a save before the preview updates.
    #[arg(long, value_name = "MS", default_value_t = 30, hide = true)]
    debounce_ms: u64,
}

pub fn run(args: ServeArgs) -> ExitCode {
    let mut settings = match args.site.settings() {
        Ok(settings) => settings,
        Err(exit) => return exit,
    };
    settings.safe_html = args.safe_html;
    // The preview is where drafts are written: it always shows them, with their findings.
    settings.drafts = true;
    settings.base_url = match args::base_url(args.base_url) {
        Ok(url) => url,
        Err(exit) => return exit,
    };
    let options = ServeOptions {
        bind: args.bind,
        port: args.port,
        open: args.open,
        settings,
        debounce: Duration::from_millis(args.debounce_ms),
        allowed_hosts: args.allow_host,
    };
    match serve::serve(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(ServeError::Unreadable(diagnostics)) => {
            report::print_lines(&diagnostics);
            eprintln!("cannot preview: the site could not be read");
            ExitCode::from(2)
        }
        Err(ServeError::Failed(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}
