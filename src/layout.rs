//! Where things are in a site folder and in the site it publishes: the folder names byline
//! reads, the output folder it writes by default, and the site paths of byline's own pages,
//! which no story or series may take.

/// The site's configuration file, at the site root.
pub const CONFIG_FILE: &str = "site.yaml";
/// Series and stories: `content/<series>/<story>.md`.
pub const CONTENT_DIR: &str = "content";
/// Files published as they are: images, documents.
pub const STATIC_DIR: &str = "static";
/// A site's own themes, or its copies of the default theme's files.
pub const THEMES_DIR: &str = "themes";
/// Where `build` publishes when no `--output` is given, inside the site folder.
pub const DEFAULT_OUTPUT_DIR: &str = "public";
/// Every folder and file of the site folder that byline reads.
pub const SOURCES: [&str; 4] = [CONTENT_DIR, STATIC_DIR, THEMES_DIR, CONFIG_FILE];

/// Top-level addresses of the site's own pages (`/topics/`, `/people/`, `/corrections/`,
/// `/funders/`, `/search/` and the search index's folder), which no series or stand-alone story may take.
pub const RESERVED_PATHS: &[&str] = &[
    "topics",
    "people",
    "corrections",
    "funders",
    "search",
    "pagefind",
];

/// Site paths of the site-wide pages and files.
pub const HOME_URL: &str = "/";
pub const TOPICS_URL: &str = "/topics/";
pub const PEOPLE_URL: &str = "/people/";
pub const NOT_FOUND_URL: &str = "/404.html";
pub const CORRECTIONS_URL: &str = "/corrections/";
pub const FUNDERS_URL: &str = "/funders/";
pub const SITE_FEED_URL: &str = "/atom.xml";
pub const CORRECTIONS_FEED_URL: &str = "/corrections/atom.xml";
pub const SITEMAP_URL: &str = "/sitemap.xml";
pub const NEWS_SITEMAP_URL: &str = "/news-sitemap.xml";
pub const ROBOTS_URL: &str = "/robots.txt";
pub const SEARCH_URL: &str = "/search/";
/// The search index's folder, written by Pagefind.
pub const SEARCH_INDEX_URL: &str = "/pagefind/";
/// Redirects from old addresses, in the format Netlify and Cloudflare Pages read.
pub const HOST_REDIRECTS_URL: &str = "/_redirects";
/// The same redirects as JSON, for any other host's configuration.
pub const REDIRECTS_MAP_URL: &str = "/redirects.json";

/// Every address the site has published, at the site root (see `urls`).
pub const URL_LOCK_FILE: &str = "urls.lock";
/// What byline keeps between builds (resized images), at the site root; never published.
pub const CACHE_DIR: &str = ".byline-cache";

/// The site path of page `page` of the listing at `listing_url`: the listing's own address for
/// the first, `<listing>/page/2/` for the second.
pub fn paged_url(listing_url: &str, page: usize) -> String {
    if page <= 1 {
        listing_url.to_string()
    } else {
        format!("{listing_url}page/{page}/")
    }
}

/// The site path of a funder's list of stories: `/funders/<anchor>/`.
pub fn funder_url(anchor: &str) -> String {
    format!("{FUNDERS_URL}{anchor}/")
}

/// The site path of a person's page: `/people/<slug>/`.
pub fn person_url(name: &str) -> String {
    format!("{PEOPLE_URL}{}/", crate::url::slugify(name))
}

/// The site path of a topic's page: `/topics/<slug>/`.
pub fn topic_url(name: &str) -> String {
    format!("{TOPICS_URL}{}/", crate::url::slugify(name))
}

/// The site path of a series' page: `/<slug>/`.
pub fn series_url(slug: &str) -> String {
    format!("/{slug}/")
}

/// The site path of a story's page: `/<series>/<slug>/`, or `/<slug>/` for a story of no series.
pub fn story_url(series_slug: Option<&str>, slug: &str) -> String {
    match series_slug {
        Some(series) => format!("/{series}/{slug}/"),
        None => format!("/{slug}/"),
    }
}

/// The feed of the page at site path `page_url` (a series, topic or person page).
pub fn feed_url(page_url: &str) -> String {
    format!("{page_url}atom.xml")
}
