//! Site search that works on any static host: a Pagefind index of the story pages a build
//! publishes, made in process by the `pagefind` crate while the pages are rendered, and written
//! into `public/pagefind/`. The default theme's `/search/` page asks it from the reader's
//! browser (`search.js` with Pagefind's own `pagefind.js`); no server is involved.
//!
//! Pagefind is async and indexes one page at a time behind a lock, so it runs on a thread of its
//! own, with a small tokio runtime, fed through a bounded channel: rendering goes on on every
//! core meanwhile. The pages it receives are the story pages only (never a draft, never a story
//! under embargo: the build's edition has none of those), and the theme marks what it indexes:
//! `data-pagefind-body` around the story, `data-pagefind-filter` on reporters and topics,
//! `data-pagefind-ignore` on what is not the story's own (related reading, the series'
//! neighbours).

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread::JoinHandle;

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

use crate::layout::SEARCH_INDEX_URL;

/// Pages waiting for the indexer at most: two of the build's chunks of pages (see
/// `pipeline::build`), so that one chunk renders while the indexer reads the one before.
const QUEUE: usize = 512;

/// A file of the search index, by its path in the output (`pagefind/pagefind.js`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchFile {
    pub path: String,
    pub contents: Vec<u8>,
}

/// The search index of one build, being made.
pub struct SearchIndexer {
    pages: Option<SyncSender<(String, String)>>,
    worker: Option<JoinHandle<Result<Vec<SearchFile>, String>>>,
}

impl SearchIndexer {
    /// Starts indexing pages in `language` (an ISO 639-1 code such as `en`; Pagefind stems
    /// words for the languages it knows).
    pub fn start(language: &str) -> SearchIndexer {
        let (pages, received) = sync_channel(QUEUE);
        let language = language.to_string();
        let worker = std::thread::Builder::new()
            .name("byline-search".into())
            .spawn(move || index(&language, &received))
            .ok();
        SearchIndexer {
            pages: Some(pages),
            worker,
        }
    }

    /// Indexes the page `html`, linked as `href` (a link under the site's base path).
    pub fn add(&self, href: String, html: String) {
        if let Some(pages) = &self.pages {
            // A worker that stopped has its error waiting in `finish`.
            let _ = pages.send((href, html));
        }
    }

    /// The index's files, once every page is in; or why it could not be made.
    pub fn finish(mut self) -> Result<Vec<SearchFile>, String> {
        drop(self.pages.take());
        let worker = self
            .worker
            .take()
            .ok_or_else(|| "the search indexer could not be started".to_string())?;
        worker
            .join()
            .map_err(|_| "the search indexer stopped unexpectedly".to_string())?
    }
}

fn index(language: &str, pages: &Receiver<(String, String)>) -> Result<Vec<SearchFile>, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|error| error.to_string())?;
    runtime.block_on(async {
        let config = PagefindServiceConfig::builder()
            .force_language(language.to_string())
            .build();
        let mut index = PagefindIndex::new(Some(config)).map_err(|error| error.to_string())?;
        while let Ok((href, html)) = pages.recv() {
            index
                .add_html_file(None, Some(href), html)
                .await
                .map_err(|error| error.to_string())?;
        }
        let files = index.get_files().await.map_err(|error| error.to_string())?;
        let folder = SEARCH_INDEX_URL.trim_matches('/');
        let mut files: Vec<SearchFile> = files
            .into_iter()
            .map(|file| SearchFile {
                path: format!(
                    "{folder}/{}",
                    file.filename.to_string_lossy().replace('\\', "/")
                ),
                contents: file.contents,
            })
            .collect();
        files.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(files)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_the_pages_it_is_given() {
        let indexer = SearchIndexer::start("en");
        indexer.add(
            "/site/s/a/".into(),
            "<html lang=\"en\"><body><article data-pagefind-body><h1>Alpha</h1><p>quokka</p></article></body></html>".into(),
        );
        let files = indexer.finish().unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert!(paths.contains(&"pagefind/pagefind.js"), "{paths:?}");
        assert!(
            paths.iter().any(|p| p.ends_with(".pf_fragment")),
            "{paths:?}"
        );
        let fragment = files
            .iter()
            .find(|f| f.path.ends_with(".pf_fragment"))
            .unwrap();
        let text = crate::checks::search_file_text(&fragment.path, &fragment.contents);
        let text = String::from_utf8_lossy(&text);
        assert!(
            text.contains("quokka") && text.contains("/site/s/a/"),
            "{text}"
        );
    }
}
