//! Fuzz target `front_matter`: any text as a story and as a series' `_index.md`, through
//! splitting, parsing and validation (see `byline_fuzz::front_matter`).

#![no_main]

use std::sync::LazyLock;

use byline::config::SiteConfig;
use libfuzzer_sys::fuzz_target;

static CONFIG: LazyLock<SiteConfig> = LazyLock::new(byline_fuzz::fixture_config);

fuzz_target!(|data: &[u8]| byline_fuzz::front_matter(data, &CONFIG));
