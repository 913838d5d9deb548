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

/// How many threads [`waiting_on_disk`] gives its work: removing files mostly waits on the
/// disk, and more requests in flight than there are cores keep it busy.
const DISK_THREADS: usize = 8;

/// Runs `work` with [`DISK_THREADS`] threads for whatever it does in parallel: for work that
/// waits on the disk rather than the CPU (removing a previous site). Without a pool of its own,
/// it runs on the cores' threads.
pub fn waiting_on_disk<R: Send>(work: impl FnOnce() -> R + Send) -> R {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(DISK_THREADS)
        .thread_name(|number| format!("byline-disk-{number}"))
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}
