//! The site's addresses as a whole: two pages at one address, an alias that another page or
//! alias already has, and addresses of `urls.lock` a build would no longer publish.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diag::{Code, Diagnostic};
use crate::layout::{CONFIG_FILE, URL_LOCK_FILE};
use crate::model::{Edition, Site, WithheldReason};
use crate::routes::{Listing, Page, Routes};
use crate::url::output_path;

/// Every finding about the addresses of the edition `routes` lists (`pages` are its pages).
pub(super) fn findings(
    site: &Site,
    edition: &Edition,
    routes: &Routes,
    pages: &[Page],
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    // Each page's output file, and the first page that has it. Stories and series that take
    // each other's or a site page's address are reported where they are validated; what only
    // the routes know is a later page of a listing at a story's or series' address.
    let mut at: HashMap<String, Page> = HashMap::with_capacity(pages.len());
    let is_later_page = |page: Page| matches!(page, Page::Listing(_, number) if number > 1);
    for &page in pages {
        if matches!(page, Page::Redirect(_)) {
            continue;
        }
        let url = routes.url(page);
        if let Some(&first) = at.get(&output_path(&url))
            && (is_later_page(first) || is_later_page(page))
        {
            let shown = routes
                .source(page)
                .or_else(|| routes.source(first))
                .map_or_else(|| PathBuf::from(CONFIG_FILE), Path::to_path_buf);
            found.push(
                Diagnostic::new(
                    Code::StructureDuplicateUrl,
                    shown,
                    format!(
                        "two pages would be published at {url}: {} and {}",
                        describe(site, routes, first),
                        describe(site, routes, page)
                    ),
                )
                .with_hint(
                    "change a slug, or `paginate`, so that each page has an address of its own",
                ),
            );
        } else {
            at.entry(output_path(&url)).or_insert(page);
        }
    }
    found.extend(alias_collisions(site, edition, routes, &at));
    found.extend(dropped(site, routes, pages));
    found
}

/// What a page is, in a message: the file it comes from, or its address.
fn describe(site: &Site, routes: &Routes, page: Page) -> String {
    match page {
        Page::Story(story) | Page::Withdrawn(story) => {
            format!("the story {}", site.stories[story].source.display())
        }
        Page::Listing(Listing::Series(series), 1) => {
            format!("the series {}", site.series[series].source.display())
        }
        _ => format!("the site's page {}", routes.url(page)),
    }
}

/// Aliases of the stories a build publishes or holds under embargo (drafts when drafts are
/// published) that another page, story or alias has already.
fn alias_collisions(
    site: &Site,
    edition: &Edition,
    routes: &Routes,
    pages: &HashMap<String, Page>,
) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let story_at: HashMap<String, usize> = site
        .stories
        .iter()
        .enumerate()
        .map(|(index, story)| (output_path(&story.url), index))
        .collect();
    let mut alias_of: HashMap<String, usize> = HashMap::new();
    let checked = site.stories.iter().enumerate().filter(|(_, story)| {
        edition.includes(story)
            || matches!(
                edition.withheld_reason(story),
                Some(WithheldReason::Embargo(_))
            )
    });
    for (index, story) in checked {
        for alias in &story.aliases {
            if *alias == story.url {
                continue;
            }
            let key = output_path(alias);
            let other = if let Some(&page) = pages.get(&key) {
                Some(format!("the address of {}", describe(site, routes, page)))
            } else if let Some(&other) = story_at.get(&key) {
                Some(format!(
                    "the address of the story {}",
                    site.stories[other].source.display()
                ))
            } else if let Some(&other) = alias_of.get(&key) {
                Some(format!(
                    "an alias of {}",
                    site.stories[other].source.display()
                ))
            } else {
                alias_of.insert(key, index);
                None
            };
            if let Some(other) = other {
                found.push(
                    Diagnostic::new(
                        Code::UrlAliasCollision,
                        &story.source,
                        format!(
                            "the alias {alias} is already {other}; one address can lead to one page only"
                        ),
                    )
                    .at_position(story.aliases_position)
                    .with_hint("remove the alias from one of them: an address that shows a page cannot also redirect"),
                );
            }
        }
    }
    found
}

/// The addresses of `urls.lock` that the pages no longer include.
fn dropped(site: &Site, routes: &Routes, pages: &[Page]) -> Vec<Diagnostic> {
    let Some(lock) = &site.url_lock else {
        return Vec::new();
    };
    let published: std::collections::HashSet<String> = pages
        .iter()
        .filter(|page| is_locked(**page))
        .map(|&page| output_path(&routes.url(page)))
        .collect();
    lock.entries
        .iter()
        .filter(|entry| !published.contains(&output_path(&entry.url)))
        .map(|entry| {
            Diagnostic::new(
                Code::UrlDropped,
                URL_LOCK_FILE,
                format!(
                    "{} was published (by {}) and this build would no longer publish it; readers, search engines and other sites link to it",
                    entry.url,
                    entry.source.display()
                ),
            )
            .at(entry.line, 1)
            .with_hint(format!(
                "give the story that has it now `aliases: [{}]`, or keep the story with `withdrawn: {{date: ..., reason: ...}}` to say why it is gone; to let the address die on purpose, delete this line",
                entry.url
            ))
        })
        .collect()
}

/// Whether the address of `page` is kept in `urls.lock` once published: stories (withdrawn
/// ones too), series and aliases. Listings of topics and people, and pages of listings, come
/// and go with the stories.
pub fn is_locked(page: Page) -> bool {
    matches!(
        page,
        Page::Story(_)
            | Page::Withdrawn(_)
            | Page::Redirect(_)
            | Page::Listing(Listing::Series(_), 1)
    )
}
