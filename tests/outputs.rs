//! Newsroom outputs of the real `byline build`: structured data (JSON-LD parsed with
//! serde_json), social and feed tags in the head, Atom feeds and sitemaps (parsed with an XML
//! parser), the corrections and funders pages, the news sitemap's window and robots.txt.

mod common;

use byline::typography::smart;

use common::{TestSite, attrs, snapshot, texts};
use serde_json::{Value, json};

const BASE: &str = "https://news.example.org";
const TWITTER: &str = "decision-machines/twitter-cuts-ties/index.html";
const MAP: &str = "decision-machines/map-of-lookups/index.html";
const STANDALONE: &str = "standalone/index.html";
const ATOM: &str = "http://www.w3.org/2005/Atom";
const SITEMAP: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

fn built(extra: &[&str]) -> TestSite {
    let site = TestSite::fixture("newsroom");
    site.build(extra).assert_success();
    site
}

/// Every JSON-LD block of a page, parsed.
fn json_ld(html: &str) -> Vec<Value> {
    let document = scraper::Html::parse_document(html);
    let selector = scraper::Selector::parse(r#"script[type="application/ld+json"]"#).unwrap();
    document
        .select(&selector)
        .map(|script| {
            let text: String = script.text().collect();
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
        })
        .collect()
}

fn of_type<'a>(documents: &'a [Value], kind: &str) -> Vec<&'a Value> {
    documents.iter().filter(|d| d["@type"] == kind).collect()
}

// ---- XML helpers -------------------------------------------------------------------------

type Node<'a> = roxmltree::Node<'a, 'a>;

fn children<'a>(node: Node<'a>, ns: &str, name: &str) -> Vec<Node<'a>> {
    node.children()
        .filter(|child| child.has_tag_name((ns, name)))
        .collect()
}

/// The text of the only `name` child of `node`; panics unless there is exactly one.
fn one(node: Node, ns: &str, name: &str) -> String {
    let found = children(node, ns, name);
    assert_eq!(
        found.len(),
        1,
        "exactly one <{name}> in <{}>",
        node.tag_name().name()
    );
    found[0].text().unwrap_or("").to_string()
}

fn assert_absolute(url: &str) {
    assert!(
        url.starts_with(BASE) || url.starts_with("https://"),
        "not absolute: {url}"
    );
}

fn assert_rfc3339(date: &str) {
    date.parse::<jiff::Timestamp>()
        .unwrap_or_else(|e| panic!("{date} is not RFC 3339: {e}"));
}

#[derive(Debug)]
struct Entry {
    title: String,
    link: String,
    id: String,
    published: String,
    updated: String,
    authors: Vec<(String, Option<String>)>,
    categories: Vec<String>,
    summary: Option<String>,
    content: String,
}

#[derive(Debug)]
struct Feed {
    title: String,
    id: String,
    updated: String,
    self_link: String,
    alternate: String,
    entries: Vec<Entry>,
}

/// Parses an Atom feed, checking what Atom 1.0 requires of it on the way.
fn parse_feed(xml: &str) -> Feed {
    let document = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let feed = document.root_element();
    assert!(feed.has_tag_name((ATOM, "feed")), "{xml}");
    let link = |node: Node, rel: &str| -> String {
        let links: Vec<_> = children(node, ATOM, "link")
            .into_iter()
            .filter(|l| l.attribute("rel").unwrap_or("alternate") == rel)
            .collect();
        assert_eq!(links.len(), 1, "one link rel={rel}");
        links[0].attribute("href").unwrap().to_string()
    };
    let feed_has_author = !children(feed, ATOM, "author").is_empty();
    let entries = children(feed, ATOM, "entry")
        .into_iter()
        .map(|entry| {
            let authors: Vec<_> = children(entry, ATOM, "author")
                .into_iter()
                .map(|author| {
                    let uri = children(author, ATOM, "uri")
                        .first()
                        .map(|u| u.text().unwrap().to_string());
                    (one(author, ATOM, "name"), uri)
                })
                .collect();
            assert!(
                feed_has_author || !authors.is_empty(),
                "an entry needs an author"
            );
            let content = children(entry, ATOM, "content");
            assert_eq!(content.len(), 1);
            assert_eq!(content[0].attribute("type"), Some("html"));
            let entry = Entry {
                title: one(entry, ATOM, "title"),
                link: link(entry, "alternate"),
                id: one(entry, ATOM, "id"),
                published: one(entry, ATOM, "published"),
                updated: one(entry, ATOM, "updated"),
                authors,
                categories: children(entry, ATOM, "category")
                    .iter()
                    .map(|c| c.attribute("term").unwrap().to_string())
                    .collect(),
                summary: children(entry, ATOM, "summary")
                    .first()
                    .map(|s| s.text().unwrap_or("").to_string()),
                content: content[0].text().unwrap_or("").to_string(),
            };
            assert_absolute(&entry.link);
            assert_absolute(&entry.id);
            assert_rfc3339(&entry.published);
            assert_rfc3339(&entry.updated);
            entry
        })
        .collect();
    let parsed = Feed {
        title: one(feed, ATOM, "title"),
        id: one(feed, ATOM, "id"),
        updated: one(feed, ATOM, "updated"),
        self_link: link(feed, "self"),
        alternate: link(feed, "alternate"),
        entries,
    };
    assert_rfc3339(&parsed.updated);
    assert_absolute(&parsed.self_link);
    assert_absolute(&parsed.alternate);
    parsed
}

fn entry_titles(feed: &Feed) -> Vec<&str> {
    feed.entries.iter().map(|e| e.title.as_str()).collect()
}

// ---- JSON-LD -------------------------------------------------------------------------------

#[test]
fn news_article_carries_every_field() {
    let site = built(&[]);
    let documents = json_ld(&site.page(TWITTER));
    let articles = of_type(&documents, "NewsArticle");
    assert_eq!(articles.len(), 1);
    let article = articles[0];
    let permalink = format!("{BASE}/decision-machines/twitter-cuts-ties/");
    assert_eq!(article["@context"], "https://schema.org");
    assert_eq!(
        article["headline"],
        "Twitter cuts ties to Swiss tech company after Bureau investigation"
    );
    assert_eq!(
        article["description"],
        "Twitter has stopped using Mitto after our investigation."
    );
    assert_eq!(article["datePublished"], "2022-02-09T00:00:00+00:00");
    // The latest of `updated` (2022-02-10) and the correction (2022-02-10).
    assert_eq!(article["dateModified"], "2022-02-10T00:00:00+00:00");
    assert_eq!(
        article["author"],
        json!([{"@type": "Person", "name": "Meirion Jones", "url": format!("{BASE}/people/meirion-jones/")}])
    );
    assert_eq!(
        article["editor"],
        json!([{"@type": "Person", "name": "Meirion Jones", "url": format!("{BASE}/people/meirion-jones/")}])
    );
    let contributors: Vec<(&str, &str, &str)> = article["contributor"]
        .as_array()
        .unwrap()
        .iter()
        .map(|role| {
            assert_eq!(role["@type"], "Role");
            assert_eq!(role["contributor"]["@type"], "Person");
            (
                role["roleName"].as_str().unwrap(),
                role["contributor"]["name"].as_str().unwrap(),
                role["contributor"]["url"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        contributors,
        [
            (
                "Global editor",
                "James Ball",
                "https://news.example.org/people/james-ball/"
            ),
            (
                "Fact checker",
                "Ana Lind",
                "https://news.example.org/people/ana-lind/"
            ),
            (
                "Fact checker",
                "Tom Byrne",
                "https://news.example.org/people/tom-byrne/"
            ),
        ]
    );
    assert_eq!(article["image"]["@type"], "ImageObject");
    assert_eq!(
        article["image"]["contentUrl"],
        format!("{BASE}/images/zug.png")
    );
    assert_eq!(
        article["image"]["caption"],
        "Zug, Switzerland, where Mitto is headquartered."
    );
    assert_eq!(
        article["image"]["creditText"],
        "imageBROKER/Daniel Baertschi/Getty Images"
    );
    assert_eq!(
        article["publisher"],
        json!({
            "@type": "NewsMediaOrganization",
            "name": "Fixture Bureau",
            "url": "https://news.example.org",
            "logo": {"@type": "ImageObject", "url": format!("{BASE}/images/logo.png")},
        })
    );
    assert_eq!(
        article["isPartOf"],
        json!({"@type": "CreativeWorkSeries", "name": "Decision Machines", "url": format!("{BASE}/decision-machines/")})
    );
    assert_eq!(
        article["about"],
        json!([
            {"@type": "Thing", "name": "Big Tech", "url": format!("{BASE}/topics/big-tech/")},
            {"@type": "Thing", "name": "Surveillance", "url": format!("{BASE}/topics/surveillance/")},
        ])
    );
    assert_eq!(article["keywords"], "Big Tech, Surveillance");
    // The story names no funder: it is funded through its series.
    assert_eq!(
        article["funder"],
        json!([{"@type": "Organization", "name": "Open Society Foundations", "url": "https://osf.example"}])
    );
    assert_eq!(
        article["citation"],
        json!([
            {
                "@type": "CreativeWork",
                "name": "The original investigation",
                "url": "https://news.example.org/decision-machines/",
                "publisher": {"@type": "Organization", "name": "Fixture Bureau"},
            },
            {"@type": "CreativeWork", "name": "A leaked memo"},
        ])
    );
    assert_eq!(
        article["correction"],
        json!([{
            "@type": "CorrectionComment",
            "text": "An earlier version misspelt the company's name.",
            "datePublished": "2022-02-10T00:00:00+00:00",
        }])
    );
    assert_eq!(
        article["mainEntityOfPage"],
        json!({"@type": "WebPage", "@id": permalink})
    );
    assert_eq!(article["url"], permalink);
    assert_eq!(article["inLanguage"], "en");
}

#[test]
fn news_article_with_two_reporters_own_funder_and_bundle_image() {
    let site = built(&[]);
    let documents = json_ld(&site.page(MAP));
    let article = of_type(&documents, "NewsArticle")[0];
    let names: Vec<&str> = article["author"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Ana Lind", "Tom Byrne"]);
    assert_eq!(
        article["author"][1]["url"],
        format!("{BASE}/people/tom-byrne/")
    );
    assert_eq!(article["funder"][0]["name"], "Luminate");
    assert_eq!(article["funder"][0]["url"], "https://luminate.example");
    assert_eq!(
        article["image"]["contentUrl"],
        format!("{BASE}/decision-machines/map-of-lookups/map.png")
    );
    assert_eq!(article["image"]["creditText"], "Fixture Bureau");
    assert!(article["image"].get("caption").is_none());
    assert_eq!(article["datePublished"], "2022-03-01T09:30:00+01:00");
    // No `updated`: the correction is the last change.
    assert_eq!(article["dateModified"], "2022-03-02T00:00:00+00:00");
    assert!(article.get("contributor").is_none(), "no further credits");
    assert!(article.get("about").is_none(), "no topics");

    let standalone = json_ld(&site.page(STANDALONE));
    let article = of_type(&standalone, "NewsArticle")[0];
    assert!(
        article.get("isPartOf").is_none(),
        "a stand-alone story has no series"
    );
    let funders: Vec<&str> = article["funder"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(funders, ["Open Society Foundations", "Luminate"]);
}

#[test]
fn claim_review_for_every_claim() {
    let site = built(&[]);
    let html = site.page(TWITTER);
    let documents = json_ld(&html);
    let reviews = of_type(&documents, "ClaimReview");
    assert_eq!(reviews.len(), 1);
    let review = reviews[0];
    let anchor = &attrs(&html, ".claim", "id")[0];
    assert_eq!(review["@context"], "https://schema.org");
    assert_eq!(
        review["url"],
        format!("{BASE}/decision-machines/twitter-cuts-ties/#{anchor}")
    );
    assert_eq!(review["claimReviewed"], "Mitto never sold location data.");
    assert_eq!(
        review["reviewRating"],
        json!({"@type": "Rating", "alternateName": "False"})
    );
    assert_eq!(review["author"]["@type"], "NewsMediaOrganization");
    assert_eq!(review["author"]["name"], "Fixture Bureau");
    assert_eq!(review["datePublished"], "2022-02-09T00:00:00+00:00");
    assert_eq!(
        review["itemReviewed"],
        json!({"@type": "Claim", "author": {"@type": "Person", "name": "Mitto spokesperson"}})
    );

    // A claim with the date and place it was made.
    let html = site.page(MAP);
    let review = of_type(&json_ld(&html), "ClaimReview")[0].clone();
    assert_eq!(
        review["url"],
        format!(
            "{BASE}/decision-machines/map-of-lookups/#{}",
            attrs(&html, ".claim", "id")[0]
        )
    );
    assert_eq!(review["reviewRating"]["alternateName"], "Misleading");
    assert_eq!(
        review["itemReviewed"],
        json!({
            "@type": "Claim",
            "author": {"@type": "Person", "name": "Carrow Telecom"},
            "datePublished": "2022-02-20T00:00:00+00:00",
            "appearance": {"@type": "CreativeWork", "url": "https://example.org/carrow-statement"},
        })
    );
}

#[test]
fn every_story_page_has_parseable_json_ld() {
    let site = built(&["--drafts"]);
    let files = snapshot(&site.output());
    let mut stories = 0;
    for (path, bytes) in &files {
        if !path.ends_with("index.html") {
            continue;
        }
        let html = String::from_utf8(bytes.clone()).unwrap();
        let documents = json_ld(&html);
        if html.contains("class=\"kind-story\"") {
            stories += 1;
            assert_eq!(of_type(&documents, "NewsArticle").len(), 1, "{path}");
            for document in &documents {
                assert_eq!(document["@context"], "https://schema.org", "{path}");
            }
        } else {
            assert!(documents.is_empty(), "{path}");
        }
    }
    assert_eq!(stories, 4, "three stories and the draft");
}

const HOSTILE_TITLE: &str = "</script><script>alert(1)</script> \"quotes\" ünïcode";

fn hostile_site() -> TestSite {
    let site = TestSite::fixture("newsroom");
    site.write(
        "content/hostile.md",
        concat!(
            "---\n",
            "title: \"</script><script>alert(1)</script> \\\"quotes\\\" ünïcode\"\n",
            "date: 2022-03-02T06:00:00Z\n",
            "reporter: \"Zoë O'Brien & <Co>\"\n",
            "editor: Meirion Jones\n",
            "funder: Luminate\n",
            "summary: \"Line\\u2028separator <!-- not a comment --> & a \\x01 control\"\n",
            "topics: [\"<Tech> & Co\"]\n",
            "corrections:\n",
            "  - date: 2022-03-03\n",
            "    text: \"We said </script> & <!-- twice\"\n",
            "claims:\n",
            "  - claim: \"</script>\"\n",
            "    claimant: \"A \\\"source\\\"\"\n",
            "    rating: <False>\n",
            "---\n\nBody with <b>raw HTML</b> and [a link](/decision-machines/?a=1&b=2).\n",
        ),
    );
    site.build(&["--now", "2022-03-03T12:00:00Z"])
        .assert_success();
    site
}

#[test]
fn hostile_front_matter_is_escaped_in_json_ld() {
    let site = hostile_site();
    let html = site.page("hostile/index.html");
    assert!(!html.contains("<script>alert(1)"), "the title broke out");
    let head = &html[..html.find("</head>").unwrap()];
    assert_eq!(
        head.matches("</script>").count(),
        2,
        "only the two JSON-LD scripts end"
    );
    assert!(!head.contains("<!-- not"), "{head}");
    let scripts = texts_raw(&html);
    for script in &scripts {
        assert!(!script.contains('<') && !script.contains('>') && !script.contains('&'));
        assert!(!script.contains('\u{2028}'), "U+2028 is escaped");
    }
    let documents = json_ld(&html);
    let article = of_type(&documents, "NewsArticle")[0];
    assert_eq!(article["headline"], HOSTILE_TITLE);
    assert_eq!(
        article["description"],
        "Line\u{2028}separator <!-- not a comment --> & a \u{1} control"
    );
    assert_eq!(article["author"][0]["name"], "Zoë O'Brien & <Co>");
    assert_eq!(
        article["correction"][0]["text"],
        "We said </script> & <!-- twice"
    );
    assert_eq!(article["keywords"], "<Tech> & Co");
    let review = of_type(&documents, "ClaimReview")[0];
    assert_eq!(review["claimReviewed"], "</script>");
    assert_eq!(review["reviewRating"]["alternateName"], "<False>");
    assert_eq!(review["itemReviewed"]["author"]["name"], "A \"source\"");
    // The head's other tags are escaped HTML.
    assert_eq!(
        attrs(&html, r#"meta[property="og:title"]"#, "content"),
        [smart(HOSTILE_TITLE)]
    );
}

/// The raw text of every JSON-LD script, as written in the file.
fn texts_raw(html: &str) -> Vec<String> {
    html.split(r#"<script type="application/ld+json">"#)
        .skip(1)
        .map(|rest| rest[..rest.find("</script>").unwrap()].to_string())
        .collect()
}

#[test]
fn hostile_front_matter_keeps_feeds_and_sitemaps_well_formed() {
    let site = hostile_site();
    let feed = parse_feed(&site.page("atom.xml"));
    let entry = &feed.entries[0];
    // Feeds give what readers see the page's smart punctuation.
    assert_eq!(entry.title, smart(HOSTILE_TITLE));
    assert_eq!(entry.authors[0].0, "Zoë O’Brien & <Co>");
    assert_eq!(entry.categories, ["<Tech> & Co"]);
    // The control character, which XML cannot hold, is dropped; `--` is a dash, as in a body.
    assert_eq!(
        entry.summary.as_deref(),
        Some("Line\u{2028}separator <!– not a comment –> & a  control")
    );
    assert!(
        entry.content.contains("<b>raw HTML</b>"),
        "{}",
        entry.content
    );
    assert!(
        entry
            .content
            .contains(r#"href="https://news.example.org/decision-machines/?a=1&amp;b=2""#),
        "{}",
        entry.content
    );
    parse_feed(&site.page("topics/tech-co/atom.xml"));
    parse_feed(&site.page("people/zoe-o-brien-co/atom.xml"));
    let corrections = parse_feed(&site.page("corrections/atom.xml"));
    assert_eq!(
        corrections.entries[0].title,
        smart(&format!("Correction: {HOSTILE_TITLE}"))
    );
    let news = site.page("news-sitemap.xml");
    let document = roxmltree::Document::parse(&news).unwrap();
    let titles: Vec<&str> = document
        .descendants()
        .filter(|n| n.has_tag_name((NEWS, "title")))
        .map(|n| n.text().unwrap())
        .collect();
    assert_eq!(titles, [HOSTILE_TITLE]);
    roxmltree::Document::parse(&site.page("sitemap.xml")).unwrap();
}

// ---- The head ------------------------------------------------------------------------------

/// The `content` of every `<meta>` with `property` (or `name`) `key`.
fn meta(html: &str, key: &str) -> Vec<String> {
    let mut found = attrs(html, &format!(r#"meta[property="{key}"]"#), "content");
    found.extend(attrs(html, &format!(r#"meta[name="{key}"]"#), "content"));
    found
}

#[test]
fn story_head_has_social_tags_once_each() {
    let site = built(&[]);
    let html = site.page(TWITTER);
    let one = |key: &str| -> String {
        let values = meta(&html, key);
        assert_eq!(values.len(), 1, "{key}: {values:?}");
        values[0].clone()
    };
    assert_eq!(
        one("og:title"),
        "Twitter cuts ties to Swiss tech company after Bureau investigation"
    );
    let description = "Twitter has stopped using Mitto after our investigation.";
    assert_eq!(one("og:description"), description);
    assert_eq!(one("description"), description);
    assert_eq!(one("og:image"), format!("{BASE}/images/zug.png"));
    assert_eq!(one("og:image:alt"), "Office buildings by a lake");
    assert_eq!(one("og:type"), "article");
    assert_eq!(
        one("og:url"),
        format!("{BASE}/decision-machines/twitter-cuts-ties/")
    );
    assert_eq!(one("article:published_time"), "2022-02-09T00:00:00+00:00");
    assert_eq!(one("article:modified_time"), "2022-02-10T00:00:00+00:00");
    assert_eq!(
        one("article:author"),
        format!("{BASE}/people/meirion-jones/")
    );
    assert_eq!(one("article:section"), "Decision Machines");
    assert_eq!(meta(&html, "article:tag"), ["Big Tech", "Surveillance"]);
    assert_eq!(one("twitter:card"), "summary_large_image");
    assert_eq!(
        attrs(&html, r#"link[rel="canonical"]"#, "href"),
        [format!("{BASE}/decision-machines/twitter-cuts-ties/")]
    );
    assert_eq!(
        attrs(
            &html,
            r#"link[rel="alternate"][type="application/atom+xml"]"#,
            "href"
        ),
        [
            format!("{BASE}/atom.xml"),
            format!("{BASE}/decision-machines/atom.xml")
        ]
    );

    // Two reporters, one `article:author` each; the modified time comes from a correction.
    let map = site.page(MAP);
    assert_eq!(
        meta(&map, "article:author"),
        [
            format!("{BASE}/people/ana-lind/"),
            format!("{BASE}/people/tom-byrne/")
        ]
    );
    assert_eq!(
        meta(&map, "article:modified_time"),
        ["2022-03-02T00:00:00+00:00"]
    );

    // Other pages are websites, with a plain card and the feeds they follow.
    let topic = site.page("topics/big-tech/index.html");
    assert_eq!(meta(&topic, "og:type"), ["website"]);
    assert_eq!(meta(&topic, "twitter:card"), ["summary"]);
    assert_eq!(
        attrs(&topic, r#"link[type="application/atom+xml"]"#, "href"),
        [
            format!("{BASE}/atom.xml"),
            format!("{BASE}/topics/big-tech/atom.xml")
        ]
    );
    let home = site.page("index.html");
    assert_eq!(
        attrs(&home, r#"link[type="application/atom+xml"]"#, "href"),
        [format!("{BASE}/atom.xml")]
    );
    assert_eq!(
        attrs(
            &site.page("people/ana-lind/index.html"),
            r#"link[type="application/atom+xml"]"#,
            "title"
        ),
        ["Fixture Bureau", "Ana Lind — Fixture Bureau"]
    );
}

// ---- Feeds ---------------------------------------------------------------------------------

#[test]
fn site_feed_is_atom_with_full_entries() {
    let site = built(&[]);
    let feed = parse_feed(&site.page("atom.xml"));
    assert_eq!(feed.title, "Fixture Bureau");
    assert_eq!(feed.id, format!("{BASE}/atom.xml"));
    assert_eq!(feed.self_link, format!("{BASE}/atom.xml"));
    assert_eq!(feed.alternate, format!("{BASE}/"));
    // The latest change on the site: the map's correction.
    assert_eq!(feed.updated, "2022-03-02T00:00:00+00:00");
    assert_eq!(
        entry_titles(&feed),
        [
            "A map of the lookups",
            "Twitter cuts ties to Swiss tech company after Bureau investigation",
            "A stand-alone story"
        ]
    );
    let map = &feed.entries[0];
    assert_eq!(
        map.link,
        format!("{BASE}/decision-machines/map-of-lookups/")
    );
    assert_eq!(map.id, map.link);
    assert_eq!(map.published, "2022-03-01T09:30:00+01:00");
    assert_eq!(
        map.updated, "2022-03-02T00:00:00+00:00",
        "bumped by the correction"
    );
    assert_eq!(
        map.authors,
        [
            (
                "Ana Lind".to_string(),
                Some(format!("{BASE}/people/ana-lind/"))
            ),
            (
                "Tom Byrne".to_string(),
                Some(format!("{BASE}/people/tom-byrne/"))
            )
        ]
    );
    assert_eq!(
        map.summary.as_deref(),
        Some("The first paragraph is the summary.")
    );
    assert!(
        map.content.contains(&format!(
            r#"<img src="{BASE}/decision-machines/map-of-lookups/map.png""#
        )),
        "{}",
        map.content
    );

    let twitter = &feed.entries[1];
    assert_eq!(twitter.published, "2022-02-09T00:00:00+00:00");
    assert_eq!(twitter.updated, "2022-02-10T00:00:00+00:00");
    assert_eq!(twitter.categories, ["Big Tech", "Surveillance"]);
    assert_eq!(
        twitter.summary.as_deref(),
        Some("Twitter has stopped using Mitto after our investigation.")
    );
    // Full content, every link absolute.
    for expected in [
        "<h2 id=\"what-happened\">What happened</h2>",
        &format!(r#"<a href="{BASE}/decision-machines/map-of-lookups/">the map</a>"#),
        &format!(r#"<img src="{BASE}/images/phone.png""#),
        r#"<a href="https://example.org/report">"#,
        &format!(r##"href="{BASE}/decision-machines/twitter-cuts-ties/#"##),
    ] {
        assert!(
            twitter.content.contains(expected),
            "{expected} in {}",
            twitter.content
        );
    }
    for entry in &feed.entries {
        for relative in ["href=\"/", "src=\"/", "href=\"#"] {
            assert!(
                !entry.content.contains(relative),
                "{relative} in {}",
                entry.content
            );
        }
    }
}

#[test]
fn series_topic_and_person_feeds() {
    let site = built(&[]);
    let series = parse_feed(&site.page("decision-machines/atom.xml"));
    assert_eq!(series.title, "Decision Machines");
    assert_eq!(series.alternate, format!("{BASE}/decision-machines/"));
    assert_eq!(
        entry_titles(&series),
        [
            "A map of the lookups",
            "Twitter cuts ties to Swiss tech company after Bureau investigation"
        ]
    );
    let topic = parse_feed(&site.page("topics/big-tech/atom.xml"));
    assert_eq!(topic.self_link, format!("{BASE}/topics/big-tech/atom.xml"));
    assert_eq!(
        entry_titles(&topic),
        [
            "Twitter cuts ties to Swiss tech company after Bureau investigation",
            "A stand-alone story"
        ]
    );
    assert_eq!(topic.updated, "2022-02-10T00:00:00+00:00");
    let person = parse_feed(&site.page("people/tom-byrne/atom.xml"));
    assert_eq!(person.title, "Tom Byrne");
    assert_eq!(person.alternate, format!("{BASE}/people/tom-byrne/"));
    // Every story Tom worked on, in any role.
    assert_eq!(
        entry_titles(&person),
        [
            "A map of the lookups",
            "Twitter cuts ties to Swiss tech company after Bureau investigation",
            "A stand-alone story"
        ]
    );
    for person in ["ana-lind", "james-ball", "meirion-jones"] {
        parse_feed(&site.page(&format!("people/{person}/atom.xml")));
    }
    parse_feed(&site.page("topics/surveillance/atom.xml"));
}

#[test]
fn feeds_hold_the_latest_fifty() {
    let site = TestSite::fixture("newsroom");
    for day in 1..=55 {
        site.write(
            &format!("content/decision-machines/bulk-{day:02}.md"),
            &format!(
                "---\ntitle: Bulk {day:02}\ndate: 2023-01-{:02}T{:02}:00:00Z\nreporter: Ana Lind\neditor: Meirion Jones\ntopics: Bulk\n---\nBody {day}.\n",
                (day - 1) / 24 + 1,
                (day - 1) % 24
            ),
        );
    }
    site.build(&[]).assert_success();
    for path in [
        "atom.xml",
        "decision-machines/atom.xml",
        "topics/bulk/atom.xml",
        "people/ana-lind/atom.xml",
    ] {
        let feed = parse_feed(&site.page(path));
        assert_eq!(feed.entries.len(), 50, "{path}");
        assert_eq!(feed.entries[0].title, "Bulk 55", "{path}");
        assert_eq!(feed.entries[49].title, "Bulk 06", "{path}");
    }
}

// ---- Corrections and funders ---------------------------------------------------------------

#[test]
fn corrections_page_lists_every_correction_newest_first() {
    let site = built(&[]);
    let html = site.page("corrections/index.html");
    assert_eq!(texts(&html, "h1"), ["Corrections"]);
    assert_eq!(
        texts(&html, ".ledger-entry .ledger-meta"),
        [
            "2 March 2022 · A map of the lookups",
            "10 February 2022 · Twitter cuts ties to Swiss tech company after Bureau investigation",
            "2 December 2021 · A stand-alone story"
        ]
    );
    assert_eq!(
        texts(&html, ".ledger-text"),
        [
            "The map’s legend said “lookups per day”; it shows lookups per week.",
            "An earlier version misspelt the company’s name.",
            "We corrected the date of the hearing."
        ]
    );
    let links = attrs(&html, ".ledger-meta a", "href");
    assert_eq!(
        links,
        [
            "/decision-machines/map-of-lookups/#correction-2022-03-02",
            "/decision-machines/twitter-cuts-ties/#correction-2022-02-10",
            "/standalone/#correction-2021-12-02"
        ]
    );
    // Each link lands on the correction printed on its story.
    for link in &links {
        let (page, anchor) = link.split_once('#').unwrap();
        let story = site.page(&format!("{}index.html", page.trim_start_matches('/')));
        let notice = texts(&story, &format!(".corrections #{anchor}"));
        assert_eq!(notice.len(), 1, "{link}");
        assert!(notice[0].starts_with("Correction, "), "{notice:?}");
    }
    assert_eq!(
        attrs(&html, r#"link[type="application/atom+xml"]"#, "href"),
        [
            format!("{BASE}/atom.xml"),
            format!("{BASE}/corrections/atom.xml")
        ]
    );

    let feed = parse_feed(&site.page("corrections/atom.xml"));
    assert_eq!(feed.alternate, format!("{BASE}/corrections/"));
    assert_eq!(feed.updated, "2022-03-02T00:00:00+00:00");
    assert_eq!(
        entry_titles(&feed),
        [
            "Correction: A map of the lookups",
            "Correction: Twitter cuts ties to Swiss tech company after Bureau investigation",
            "Correction: A stand-alone story"
        ]
    );
    let first = &feed.entries[0];
    assert_eq!(
        first.link,
        format!("{BASE}/decision-machines/map-of-lookups/#correction-2022-03-02")
    );
    assert_eq!(first.published, "2022-03-02T00:00:00+00:00");
    assert_eq!(
        first.summary.as_deref(),
        Some("The map’s legend said “lookups per day”; it shows lookups per week.")
    );
    assert!(
        first.content.contains("Correction, 2 March 2022:"),
        "{}",
        first.content
    );
}

#[test]
fn funders_page_lists_each_funder_and_what_it_funded() {
    let site = built(&[]);
    let html = site.page("funders/index.html");
    assert_eq!(
        texts(&html, ".funder-name"),
        ["Open Society Foundations", "Luminate"]
    );
    assert_eq!(
        attrs(&html, ".funder-name a", "href"),
        ["https://osf.example", "https://luminate.example"]
    );
    assert_eq!(
        texts(&html, "#open-society-foundations .funder-description"),
        ["A grant-making network."]
    );
    assert!(texts(&html, "#luminate .funder-description").is_empty());
    // OSF funds the series, so every published story of it, whatever else funds them; and one
    // story on its own. The two are counted apart.
    assert_eq!(
        texts(&html, "#open-society-foundations .funder-series"),
        ["Funds the series Decision Machines (2 stories)."]
    );
    assert_eq!(
        texts(&html, "#open-society-foundations .page-count"),
        ["1 story funded on its own"]
    );
    // Each funder's stories are counted here and listed on a page of their own, a page of
    // stories at a time.
    assert_eq!(
        texts(&html, "#open-society-foundations .funder-all"),
        ["See all 3 stories funded"]
    );
    assert!(texts(&html, "#luminate .funder-series").is_empty());
    assert_eq!(
        attrs(&html, "#luminate .funder-all a", "href"),
        ["/funders/luminate/"]
    );
    assert!(
        texts(&html, ".card-title").is_empty(),
        "no story cards here"
    );
    let osf = site.page("funders/open-society-foundations/index.html");
    assert_eq!(
        texts(&osf, ".card-title"),
        [
            "A map of the lookups",
            "Twitter cuts ties to Swiss tech company after Bureau investigation",
            "A stand-alone story"
        ]
    );
    assert_eq!(texts(&osf, "h1"), ["Open Society Foundations"]);
    assert_eq!(
        texts(&site.page("funders/luminate/index.html"), ".card-title"),
        ["A map of the lookups", "A stand-alone story"]
    );
    assert_eq!(
        texts(&html, ".funding"),
        ["None of our funders have any influence over our editorial decisions or output."]
    );
    // Both pages are linked from every page's footer.
    let footer = attrs(&site.page("index.html"), ".site-footer a", "href");
    assert!(footer.contains(&"/corrections/".to_string()), "{footer:?}");
    assert!(footer.contains(&"/funders/".to_string()), "{footer:?}");
}

// ---- Sitemaps and robots.txt ---------------------------------------------------------------

/// `(loc, lastmod)` of every URL of a sitemap.
fn sitemap(xml: &str) -> Vec<(String, Option<String>)> {
    let document = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = document.root_element();
    assert!(root.has_tag_name((SITEMAP, "urlset")));
    children(root, SITEMAP, "url")
        .into_iter()
        .map(|url| {
            let lastmod = children(url, SITEMAP, "lastmod")
                .first()
                .map(|l| l.text().unwrap().to_string());
            (one(url, SITEMAP, "loc"), lastmod)
        })
        .collect()
}

#[test]
fn sitemap_lists_every_published_page() {
    let site = built(&[]);
    let urls = sitemap(&site.page("sitemap.xml"));
    let mut locs: Vec<String> = urls.iter().map(|(loc, _)| loc.clone()).collect();
    locs.sort();
    let mut pages: Vec<String> = snapshot(&site.output())
        .into_keys()
        .filter(|path| path.ends_with("index.html"))
        .map(|path| format!("{BASE}/{}", path.trim_end_matches("index.html")))
        .collect();
    pages.sort();
    assert_eq!(locs, pages, "every HTML page but 404.html, nothing else");
    let lastmod = |loc: &str| {
        urls.iter()
            .find(|(l, _)| l == &format!("{BASE}{loc}"))
            .unwrap_or_else(|| panic!("{loc} missing"))
            .1
            .clone()
    };
    assert_eq!(
        lastmod("/decision-machines/twitter-cuts-ties/").as_deref(),
        Some("2022-02-10T00:00:00+00:00")
    );
    assert_eq!(
        lastmod("/decision-machines/map-of-lookups/").as_deref(),
        Some("2022-03-02T00:00:00+00:00")
    );
    assert_eq!(
        lastmod("/standalone/").as_deref(),
        Some("2021-12-02T00:00:00+00:00")
    );
    assert_eq!(
        lastmod("/decision-machines/").as_deref(),
        Some("2022-03-02T00:00:00+00:00")
    );
    assert_eq!(
        lastmod("/topics/big-tech/").as_deref(),
        Some("2022-02-10T00:00:00+00:00")
    );
    assert_eq!(
        lastmod("/people/james-ball/").as_deref(),
        Some("2022-02-10T00:00:00+00:00")
    );
    assert_eq!(lastmod("/").as_deref(), Some("2022-03-02T00:00:00+00:00"));
    assert_eq!(
        lastmod("/corrections/").as_deref(),
        Some("2022-03-02T00:00:00+00:00")
    );
    for (loc, lastmod) in &urls {
        assert_absolute(loc);
        let lastmod = lastmod.as_deref().unwrap();
        assert!(
            lastmod.parse::<jiff::civil::Date>().is_ok()
                || lastmod.parse::<jiff::Timestamp>().is_ok(),
            "{lastmod}"
        );
    }
}

/// `(loc, title, publication date)` of each story of the news sitemap, checking the
/// publication on the way.
fn news_sitemap(site: &TestSite) -> Vec<(String, String, String)> {
    // Without a story in its window there is no news sitemap at all (an empty one would not
    // be a valid sitemap), and robots.txt does not name it.
    let listed = site.page("robots.txt").contains("news-sitemap.xml");
    if !site.output().join("news-sitemap.xml").exists() {
        assert!(!listed);
        return Vec::new();
    }
    assert!(listed);
    let xml = site.page("news-sitemap.xml");
    let document = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = document.root_element();
    assert!(root.has_tag_name((SITEMAP, "urlset")));
    children(root, SITEMAP, "url")
        .into_iter()
        .map(|url| {
            let news = children(url, NEWS, "news");
            assert_eq!(news.len(), 1);
            let publication = children(news[0], NEWS, "publication");
            assert_eq!(publication.len(), 1);
            assert_eq!(one(publication[0], NEWS, "name"), "Fixture Bureau");
            assert_eq!(one(publication[0], NEWS, "language"), "en");
            (
                one(url, SITEMAP, "loc"),
                one(news[0], NEWS, "title"),
                one(news[0], NEWS, "publication_date"),
            )
        })
        .collect()
}

#[test]
fn news_sitemap_holds_the_two_days_before_the_build() {
    // The map was published 2022-03-01T09:30:00+01:00 (08:30 UTC).
    let site = built(&["--now", "2022-03-03T08:30:00Z"]);
    assert_eq!(
        news_sitemap(&site),
        [(
            format!("{BASE}/decision-machines/map-of-lookups/"),
            "A map of the lookups".to_string(),
            "2022-03-01T09:30:00+01:00".to_string()
        )]
    );
    // One second later it is more than two days old.
    let site = built(&["--now", "2022-03-03T08:30:01Z"]);
    assert_eq!(news_sitemap(&site), []);
    // Before it was published, it is not news yet; the Twitter story is.
    let site = built(&["--now", "2022-02-10T12:00:00Z"]);
    let stories = news_sitemap(&site);
    assert_eq!(stories.len(), 1);
    assert_eq!(stories[0].2, "2022-02-09T00:00:00+00:00");
    // The draft (5 March) is news only when drafts are built.
    let site = built(&["--now", "2022-03-06T00:00:00Z"]);
    assert_eq!(news_sitemap(&site), []);
    let site = built(&["--now", "2022-03-06T00:00:00Z", "--drafts"]);
    assert_eq!(news_sitemap(&site)[0].1, "An unfinished draft");
}

#[test]
fn robots_txt_points_at_the_sitemaps_there_are() {
    let site = built(&["--now", "2022-03-03T08:30:00Z"]);
    assert_eq!(
        site.page("robots.txt"),
        format!(
            "User-agent: *\nAllow: /\n\nSitemap: {BASE}/sitemap.xml\nSitemap: {BASE}/news-sitemap.xml\n"
        )
    );
    let site = built(&[]);
    assert_eq!(
        site.page("robots.txt"),
        format!("User-agent: *\nAllow: /\n\nSitemap: {BASE}/sitemap.xml\n")
    );
    assert!(!site.output().join("news-sitemap.xml").exists());
}

#[test]
fn drafts_appear_in_no_output() {
    let site = built(&["--now", "2022-03-06T00:00:00Z"]);
    for (path, bytes) in snapshot(&site.output()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("draft-story") && !text.contains("An unfinished draft"),
            "the draft leaks into {path}"
        );
    }
}

#[test]
fn staging_base_url_reaches_every_output() {
    let site = built(&["--base-url", "https://staging.example.net"]);
    for path in ["sitemap.xml", "robots.txt"] {
        let text = site.page(path);
        assert!(!text.contains(BASE), "{path} still names {BASE}");
    }
    let feed = parse_feed(&site.page("atom.xml"));
    assert_eq!(feed.self_link, "https://staging.example.net/atom.xml");
}

#[test]
fn stories_cannot_take_the_address_of_a_site_page() {
    let site = TestSite::fixture("newsroom");
    site.write(
        "content/corrections.md",
        "---\ntitle: C\ndate: 2022-01-01\nreporter: X\neditor: Y\nfunder: Luminate\nsummary: S\n---\n",
    );
    site.write(
        "content/funders/_index.md",
        "---\ntitle: F\nfunder: Luminate\n---\n",
    );
    let run = site.build(&["--format", "json"]);
    run.assert_failure(1);
    assert_eq!(
        common::error_places(&run),
        [
            "content/corrections.md:1:1 E-STRUCTURE-DUPLICATE-URL",
            "content/funders/_index.md:1:1 E-STRUCTURE-DUPLICATE-URL"
        ]
    );
    assert!(
        common::findings(&run)[0]
            .message
            .starts_with("this would be published at /corrections/"),
        "{:?}",
        common::findings(&run)
    );
}

#[test]
fn ids_in_a_page_are_unique_and_the_themes_own_stay_the_themes() {
    let site = TestSite::fixture("clean");
    site.write(
        "content/ids.md",
        "---\ntitle: Ids\ndate: 2022-03-01\nreporter: Ana Lind\neditor: Meirion Jones\nfunder: Luminate\nsummary: S.\n\
         corrections:\n  - date: 2022-03-02\n    text: Fixed.\nclaims:\n  - claim: The sky is green\n    claimant: X\n    rating: \"False\"\n---\n\n\
         ## Sources\n\nText[^sources] and[^1].\n\n## 1\n\n## Main\n\n## Corrections\n\n## Claims heading\n\n## Story title\n\n\
         ## Claim the sky is green\n\n## Correction 2022 03 02\n\n[^sources]: A note.\n[^1]: Another.\n",
    );
    site.write(
        "content/inquiry/_index.md",
        "---\ntitle: The Inquiry\nsummary: S.\nfunder: Open Society Foundations\n---\n\n## Stories heading\n\nIn [the first story](first.md).\n",
    );
    // Links to the body's headings name the ids they get on the page.
    site.write(
        "content/linker.md",
        "---\ntitle: Linker\ndate: 2022-03-03\nreporter: Ana Lind\neditor: Meirion Jones\nfunder: Luminate\nsummary: S.\n---\n\n\
         See [main](/ids/#main-1), [sources](/ids/#sources) and [claims](/ids/#claims-heading-1).\n",
    );
    site.build(&["--now", "2026-01-01T00:00:00Z"])
        .assert_success();
    for page in ["ids/index.html", "inquiry/index.html"] {
        let html = site.page(page);
        let ids = attrs(&html, "[id]", "id");
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{page}: {ids:?}");
        // Every reference inside the page reaches the element meant.
        for target in attrs(&html, "[aria-labelledby]", "aria-labelledby") {
            assert_eq!(
                attrs(&html, &format!("#{target}"), "id").len(),
                1,
                "{target}"
            );
        }
    }
    let html = site.page("ids/index.html");
    assert_eq!(attrs(&html, "main#main", "id").len(), 1);
    assert_eq!(
        attrs(&html, "section.claims > h2#claims-heading", "id").len(),
        1
    );
    assert_eq!(
        attrs(&html, "section#corrections.corrections", "id").len(),
        1
    );
    assert_eq!(attrs(&html, "h1#story-title", "id").len(), 1);
    assert_eq!(
        attrs(&html, ".story-body h2", "id"),
        [
            "sources",
            "1-1",
            "main-1",
            "corrections-1",
            "claims-heading-1",
            "story-title-1",
            "claim-the-sky-is-green-1",
            "correction-2022-03-02-1"
        ]
    );
    for href in attrs(&html, "sup.footnote-reference a", "href") {
        let id = href.trim_start_matches('#');
        assert_eq!(
            attrs(
                &html,
                &format!("div.footnote-definition[id=\"{id}\"]"),
                "id"
            )
            .len(),
            1,
            "{href}"
        );
    }
    let claim_review = of_type(&json_ld(&html), "ClaimReview")[0].clone();
    let claim_url = claim_review["url"].as_str().unwrap().to_string();
    let anchor = claim_url.split_once('#').unwrap().1;
    assert_eq!(
        attrs(&html, &format!("li.claim#{anchor}"), "id").len(),
        1,
        "{claim_url}"
    );
    let series = site.page("inquiry/index.html");
    assert_eq!(
        attrs(&series, ".series-description h2", "id"),
        ["stories-heading-1"]
    );
    assert_eq!(
        attrs(&series, "section.listing > h2#stories-heading", "id").len(),
        1
    );
}
