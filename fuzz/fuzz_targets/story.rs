//! Fuzz target `story`: any bytes as a story file of a small real site, through the whole
//! pipeline in process, from reading the file to every rendered page (see
//! `byline_fuzz::StorySite::story`).

#![no_main]

use std::sync::LazyLock;

use byline_fuzz::StorySite;
use libfuzzer_sys::fuzz_target;

/// One site for the whole run: each input replaces the same story file.
static SITE: LazyLock<StorySite> = LazyLock::new(StorySite::new);

fuzz_target!(|data: &[u8]| SITE.story(data));
