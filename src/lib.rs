//! byline: a static-site generator for newsrooms that publish fact-checked investigative story
//! series.
//!
//! Every command runs one pipeline of plain stages ([`pipeline`]), each taking owned data from
//! the stage before:
//!
//! ```text
//! read      site.yaml, content/**.md        config, source   -> parsed files, texts scanned
//! validate  parsed files                    validate         -> model::Site (every valid story)
//! index     Site + Edition                  index, routes    -> listings, pages and their paths
//! check     Site + index + static files     checks           -> every finding (diag::Diagnostic)
//! render    Site + index + theme            render, outputs  -> pages and feeds (OutputFile)
//! publish   pages + static files            publish          -> public/, swapped in on success
//! ```
//!
//! `check` stops after the check stage, `build` goes on to publish, `serve` keeps the checked
//! site in memory and re-runs what an edit touches. Module names say what each touches:
//!
//! - the disk: [`source`] (content files), [`site_files`] (what may be read), [`safe_read`]
//!   (how every file of the site is opened: regular files only, bounded), [`images`]
//!   (pixel sizes), [`theme`] (theme files, templates, strings), [`publish`] (the output
//!   folder), [`scaffold`] (new sites and stories), [`import`] (a WordPress, Hugo or Jekyll
//!   archive into a new site);
//! - the model: [`config`] (site.yaml), [`model`], [`validate`], [`index`], [`routes`],
//!   [`dates`], [`yaml`] (the only module that names the YAML crate);
//! - the checks: [`checks`], [`diag`] (the one `Diagnostic` type, its codes, the report
//!   formats);
//! - HTML and other output: [`markdown`], [`render`], [`outputs`] (JSON-LD, feeds, sitemaps,
//!   ledger data), [`escape`] (the one escaper);
//! - plumbing: [`settings`] (the validated command-line settings), [`layout`] (folder names,
//!   site paths of byline's own pages), [`url`], [`parallel`] (the one place work runs in
//!   parallel), [`pipeline`], [`serve`], [`cli`].
//!
//! No top-level module imports one that imports it back (`tests/module_cycles.rs` fails on a
//! cycle).

// Problems travel as `Diagnostic` values (path, position, code, message, hint) in `Err`. They
// are the cold path and are collected, not propagated in hot loops, so their size is no cost.
#![allow(clippy::result_large_err)]

pub mod checks;
pub mod cli;
pub mod config;
mod dates;
pub mod diag;
pub mod escape;
pub mod images;
pub mod import;
pub mod index;
mod layout;
pub mod markdown;
pub mod model;
mod outputs;
mod parallel;
pub mod pipeline;
mod publish;
pub mod render;
mod routes;
mod safe_read;
mod scaffold;
mod search;
mod serve;
pub mod settings;
mod site_files;
pub mod source;
pub mod theme;
pub mod typography;
pub mod url;
mod url_lock;
pub mod validate;
mod yaml;
