//! The one place byline runs work in parallel (rayon): every stage with an archive's worth of
//! independent items (files to read, texts to check, pages to render and write, findings to
//! print) goes through these functions.

use rayon::prelude::*;

/// The most items one parallel task takes on in a row. Left to itself, rayon cuts an archive
/// into a few long runs (a quarter of the pages each on two cores) and splits one again only
/// when another thread steals from it; when the last run holds the slow pages (listings,
/// feeds), one core then works alone for a second while the other waits. Short runs let an idle
/// core take over whatever is left.
const MAX_RUN: usize = 8;

/// `f` applied to every item, results in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    items.par_iter().with_max_len(MAX_RUN).map(f).collect()
}

/// Everything `f` gives for every item, in the items' order.
pub fn flat_map<T: Sync, R: Send, I: IntoIterator<Item = R>>(
    items: &[T],
    f: impl Fn(&T) -> I + Sync + Send,
) -> Vec<R> {
    items
        .par_iter()
        .with_max_len(MAX_RUN)
        .flat_map_iter(f)
        .collect()
}

/// The results of `f` that are Some, in the items' order.
pub fn filter_map<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> Option<R> + Sync + Send,
) -> Vec<R> {
    items
        .par_iter()
        .with_max_len(MAX_RUN)
        .filter_map(f)
        .collect()
}
