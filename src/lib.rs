//! byline: a static-site generator for newsrooms that publish fact-checked investigative story series.
//!
//! The build is a pipeline of plain stages, each in its own module, each taking owned data from
//! the stage before and handing owned data to the next:
//!
//! ```text
//! config::load      site.yaml                      -> SiteConfig
//! content::load     content/**.md (front_matter)   -> Site (validated series and stories)
//! render::render    Site + theme (markdown, templates) -> Vec<OutputFile>
//!                   (outputs: JSON-LD, feed, sitemap and ledger data for the pages)
//! output::publish   Vec<OutputFile> + static files -> public/ (swapped in only on success)
//! ```
//!
//! `build` strings the stages together; `serve` keeps the same stages' results in memory for a
//! live preview; `cli` turns command-line flags into settings. Every
//! problem any stage finds is a [`diagnostic::Diagnostic`], and stages report all they find, not
//! just the first.

// Problems travel as `Diagnostic` values (path, position, code, message, hint) in `Err`. They
// are the cold path and are collected, not propagated in hot loops, so their size is no cost.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod checks;
pub mod cli;
pub mod config;
pub mod content;
pub mod dates;
pub mod diagnostic;
pub mod front_matter;
pub mod images;
pub mod markdown;
pub mod output;
pub mod outputs;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod serve;
pub mod site_files;
pub mod templates;
pub mod theme;
