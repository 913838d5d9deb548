//! How byline is asked to read a site, validated once from the command line: every command
//! that reads a site takes these settings, and nothing else decides the moment, the drafts or
//! what overrides site.yaml.

use std::path::PathBuf;

use jiff::Timestamp;

use crate::model::Edition;

/// How to read and judge the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The site folder (the one holding site.yaml).
    pub root: PathBuf,
    /// The moment embargoes and the news sitemap's window are judged at: `--now`, for tests and
    /// replays, or the clock.
    pub now: Timestamp,
    /// Stories marked `draft: true` are part of the site (`--drafts`).
    pub drafts: bool,
    /// Publish for this address instead of site.yaml's `base_url` (a staging host).
    pub base_url: Option<String>,
    /// Clean story texts of anything that could run code (`--safe-html`), whatever site.yaml
    /// says.
    pub safe_html: bool,
}

impl Settings {
    /// The settings of a plain command on the site at `root`, as of now.
    pub fn new(root: impl Into<PathBuf>) -> Settings {
        Settings {
            root: root.into(),
            now: Timestamp::now(),
            drafts: false,
            base_url: None,
            safe_html: false,
        }
    }

    /// What a build with these settings publishes, and what every command checks.
    pub fn edition(&self) -> Edition {
        Edition::published(self.now, self.drafts)
    }
}
