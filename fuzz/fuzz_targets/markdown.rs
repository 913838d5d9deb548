//! Fuzz target `markdown`: any text as a story body through the Markdown pipeline with every
//! adapter on (see `byline_fuzz::markdown`).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| byline_fuzz::markdown(data));
