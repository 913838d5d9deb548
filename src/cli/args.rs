//! Flags shared by the commands that read a site, and their validation into [`Settings`].

use std::path::PathBuf;

use jiff::Timestamp;

use super::{SettingsOrExit, usage_error};
use crate::config::normalise_base_url;
use crate::settings::Settings;

/// Flags shared by every command that reads a site.
#[derive(Debug, clap::Args)]
pub struct SiteArgs {
    /// The site's folder (the one holding site.yaml).
    #[arg(short, long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Include stories marked `draft: true` (the preview shows them with a DRAFT banner; it
    /// always shows embargoed stories, with an EMBARGOED banner).
    #[arg(short = 'D', long)]
    pub drafts: bool,
    /// Act as if it were this moment (RFC 3339, e.g. 2026-12-01T07:00:00Z), for embargo
    /// replays and tests.
    #[arg(long, value_name = "TIME")]
    pub now: Option<String>,
}

impl SiteArgs {
    /// The validated settings.
    pub fn settings(&self) -> SettingsOrExit {
        let now = match &self.now {
            None => Timestamp::now(),
            Some(text) => text.parse::<Timestamp>().map_err(|_| {
                usage_error(&format!(
                    "--now must be a time with a zone like 2026-12-01T07:00:00Z, not \"{text}\""
                ))
            })?,
        };
        Ok(Settings {
            now,
            drafts: self.drafts,
            ..Settings::new(&self.root)
        })
    }
}

/// `--base-url`, validated as `base_url` in site.yaml is: a full address, without a query or
/// fragment.
pub fn base_url(url: Option<String>) -> Result<Option<String>, std::process::ExitCode> {
    match url {
        Some(url) => match normalise_base_url(&url) {
            Ok(url) => Ok(Some(url)),
            Err(why) => Err(usage_error(&format!("--base-url: {why}"))),
        },
        None => Ok(None),
    }
}
