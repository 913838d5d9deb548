//! schema.org structured data for a story: one `NewsArticle` and one `ClaimReview` per checked
//! claim, each a JSON document ready to sit inside a `<script type="application/ld+json">`.
//!
//! The JSON is built with serde_json (so quotes, backslashes and control characters in the
//! front matter are escaped as JSON needs) and then made safe for a `<script>` element by
//! [`escape::json_in_script`]: `<`, `>` and `&` become `\u003c`, `\u003e`, `\u0026` (so no `</script>` or
//! `<!--` can end or confuse the element), and U+2028/U+2029 become `\u2028`/`\u2029`. Those
//! characters only ever occur inside JSON strings, where the escapes mean the same text.
//! Objects are serde_json maps, so keys are sorted and the output is the same on every build.
//!
//! Choices where schema.org leaves room: dates are RFC 3339 instants with their offset (a day
//! alone is its start in the newsroom's zone, as in every machine output, see `dates`), so no
//! reader takes a day in its own zone; credit roles other than reporter and editor are `contributor`s in a schema.org `Role`
//! that keeps the role's name ("Fact checker"); a claimant is a `Person` or an `Organization` as
//! its `type` says (or as site.yaml knows the name: a person, a funder, the publisher); a name
//! byline cannot place is taken to be a person's, as schema.org has no neutral "agent". Texts are
//! written as typed: the smart punctuation of pages and feeds is not applied here, so the data
//! quotes the front matter exactly.

use serde_json::{Map, Value, json};

use crate::config::SiteConfig;
use crate::escape;
use crate::layout::{person_url, topic_url};
use crate::model::{AgentKind, Series, Story};
use crate::outputs::{absolute_link, last_changed};

/// What the structured data of one story needs besides the story and the site configuration.
pub struct ArticleInput<'a> {
    pub story: &'a Story,
    pub config: &'a SiteConfig,
    pub series: Option<&'a Series>,
    /// The description: the story's summary or its first paragraph; may be empty.
    pub description: &'a str,
    /// The id of each claim on the page, in the order of `story.claims`.
    pub claim_anchors: &'a [String],
}

/// The JSON-LD documents of a story: its `NewsArticle`, then a `ClaimReview` per claim. Each is
/// already [`escape::json_in_script`].
pub fn story_documents(input: &ArticleInput) -> Vec<String> {
    let mut documents = Vec::with_capacity(1 + input.story.claims.len());
    documents.push(to_script(&news_article(input)));
    documents.extend(claim_reviews(input).iter().map(to_script));
    documents
}

fn to_script(value: &Value) -> String {
    escape::json_in_script(&value.to_string())
}

/// A schema.org object of type `kind`, to which fields are added.
fn thing(kind: &str) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert("@type".into(), kind.into());
    map
}

fn person(config: &SiteConfig, name: &str) -> Value {
    json!({
        "@type": "Person",
        "name": name,
        "url": config.absolute_url(&person_url(name)),
    })
}

/// The publisher from site.yaml (its name and address default to the site's).
pub fn publisher(config: &SiteConfig) -> Value {
    let publisher = config.publisher.as_ref();
    let mut map = thing("NewsMediaOrganization");
    let name = publisher
        .and_then(|p| p.name.as_deref())
        .unwrap_or(&config.title);
    let url = publisher
        .and_then(|p| p.url.as_deref())
        .map(|url| absolute_link(config, "/", url))
        .unwrap_or_else(|| config.absolute_url("/"));
    map.insert("name".into(), name.into());
    map.insert("url".into(), url.into());
    if let Some(logo) = publisher.and_then(|p| p.logo.as_deref()) {
        let mut image = thing("ImageObject");
        image.insert("url".into(), absolute_link(config, "/", logo).into());
        map.insert("logo".into(), image.into());
    }
    map.into()
}

fn news_article(input: &ArticleInput) -> Value {
    let ArticleInput {
        story,
        config,
        series,
        description,
        ..
    } = *input;
    let permalink = config.absolute_url(&story.url);
    let mut article = thing("NewsArticle");
    article.insert("@context".into(), "https://schema.org".into());
    article.insert("headline".into(), story.title.as_str().into());
    if !description.is_empty() {
        article.insert("description".into(), description.into());
    }
    article.insert("url".into(), permalink.as_str().into());
    article.insert(
        "mainEntityOfPage".into(),
        json!({ "@type": "WebPage", "@id": permalink }),
    );
    article.insert("inLanguage".into(), config.language.as_str().into());
    article.insert("datePublished".into(), story.date.rfc3339().into());
    article.insert("dateModified".into(), last_changed(story).rfc3339().into());
    let people =
        |names: &[String]| -> Value { names.iter().map(|name| person(config, name)).collect() };
    article.insert("author".into(), people(&story.reporters));
    article.insert("editor".into(), people(&story.editors));
    let contributors: Vec<Value> = story
        .credits
        .iter()
        .flat_map(|credit| {
            credit.names.iter().map(|name| {
                json!({
                    "@type": "Role",
                    "roleName": credit.role,
                    "contributor": person(config, name),
                })
            })
        })
        .collect();
    if !contributors.is_empty() {
        article.insert("contributor".into(), contributors.into());
    }
    if let Some(image) = &story.image {
        let mut object = thing("ImageObject");
        let url = absolute_link(config, &story.url, &image.src);
        object.insert("url".into(), url.as_str().into());
        object.insert("contentUrl".into(), url.into());
        if let Some(caption) = &image.caption {
            object.insert("caption".into(), caption.as_str().into());
        }
        object.insert("creditText".into(), image.credit.as_str().into());
        article.insert("image".into(), object.into());
    }
    article.insert("publisher".into(), publisher(config));
    if let Some(series) = series {
        article.insert(
            "isPartOf".into(),
            json!({
                "@type": "CreativeWorkSeries",
                "name": series.title,
                "url": config.absolute_url(&series.url),
            }),
        );
    }
    if !story.topics.is_empty() {
        let about: Vec<Value> = story
            .topics
            .iter()
            .map(|topic| {
                json!({
                    "@type": "Thing",
                    "name": topic,
                    "url": config.absolute_url(&topic_url(topic)),
                })
            })
            .collect();
        article.insert("about".into(), about.into());
        article.insert("keywords".into(), story.topics.join(", ").into());
    }
    // The story's own funders and its series', each once (see `model::Funding`).
    let series_funders = series.iter().flat_map(|series| &series.funders);
    let funder_names: Vec<&String> = story
        .funders
        .iter()
        .chain(series_funders.filter(|name| !story.funders.contains(name)))
        .collect();
    if !funder_names.is_empty() {
        let funders: Vec<Value> = funder_names
            .into_iter()
            .map(|name| {
                let mut funder = thing("Organization");
                funder.insert("name".into(), name.as_str().into());
                if let Some(url) = config.funder(name).and_then(|f| f.url.as_deref()) {
                    funder.insert("url".into(), url.into());
                }
                funder.into()
            })
            .collect();
        article.insert("funder".into(), funders.into());
    }
    if !story.sources.is_empty() {
        let citations: Vec<Value> = story
            .sources
            .iter()
            .map(|source| {
                let mut work = thing("CreativeWork");
                work.insert("name".into(), source.title.as_str().into());
                if let Some(url) = &source.url {
                    work.insert("url".into(), absolute_link(config, &story.url, url).into());
                }
                if let Some(publisher) = &source.publisher {
                    work.insert(
                        "publisher".into(),
                        json!({ "@type": "Organization", "name": publisher }),
                    );
                }
                work.into()
            })
            .collect();
        article.insert("citation".into(), citations.into());
    }
    if !story.corrections.is_empty() {
        let corrections: Vec<Value> = story
            .corrections
            .iter()
            .map(|correction| {
                json!({
                    "@type": "CorrectionComment",
                    "text": correction.text,
                    "datePublished": correction.date.rfc3339(),
                })
            })
            .collect();
        article.insert("correction".into(), corrections.into());
    }
    article.into()
}

fn claim_reviews(input: &ArticleInput) -> Vec<Value> {
    let ArticleInput { story, config, .. } = *input;
    let permalink = config.absolute_url(&story.url);
    story
        .claims
        .iter()
        .zip(input.claim_anchors)
        .map(|(claim, anchor)| {
            let mut item = thing("Claim");
            let claimant = &claim.claimant;
            let mut author = thing(match claimant.kind {
                AgentKind::Person => "Person",
                AgentKind::Organization => "Organization",
            });
            author.insert("name".into(), claimant.name.as_str().into());
            if let Some(url) = &claimant.url {
                author.insert("url".into(), absolute_link(config, &story.url, url).into());
            }
            item.insert("author".into(), author.into());
            if let Some(date) = &claim.date {
                item.insert("datePublished".into(), date.rfc3339().into());
            }
            if let Some(place) = &claim.appeared_in {
                let mut work = thing("CreativeWork");
                work.insert(
                    "url".into(),
                    absolute_link(config, &story.url, &place.url).into(),
                );
                if let Some(title) = &place.title {
                    work.insert("name".into(), title.as_str().into());
                }
                item.insert("appearance".into(), work.into());
            }
            let mut review = thing("ClaimReview");
            review.insert("@context".into(), "https://schema.org".into());
            review.insert("url".into(), format!("{permalink}#{anchor}").into());
            review.insert("claimReviewed".into(), claim.claim.as_str().into());
            review.insert(
                "reviewRating".into(),
                json!({ "@type": "Rating", "alternateName": claim.rating }),
            );
            review.insert("author".into(), publisher(config));
            review.insert("datePublished".into(), story.date.rfc3339().into());
            review.insert("inLanguage".into(), config.language.as_str().into());
            review.insert("itemReviewed".into(), item.into());
            review.into()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_end_the_script_element() {
        let hostile = "</script><script>alert(1)</script> <!-- \"q\" & ü \u{2028}\u{2029} \\";
        let json = Value::from(hostile).to_string();
        let safe = escape::json_in_script(&json);
        for forbidden in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!safe.contains(forbidden), "{forbidden:?} in {safe}");
        }
        assert!(safe.contains('ü'), "non-ASCII text stays readable: {safe}");
        let back: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, hostile);
    }

    /// Text of every kind (never empty: an empty description is left out), weighted towards
    /// what could end or confuse a `<script>` element.
    fn any_text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex(
            r"(.|\PC|[\x00-\x1F\u{2028}\u{2029}\u{FEFF}]|</script>|</SCRIPT|<!--|-->|\\u003c|]]>){1,12}",
        )
        .expect("a valid pattern")
    }

    /// The JSON-LD documents of a story whose every text field is `text`: each is one
    /// `<script>` element's worth of JSON with nothing that could end or confuse the element,
    /// and reads back as exactly the text the front matter held.
    fn check_documents(text: &str) -> Result<(), proptest::test_runner::TestCaseError> {
        use crate::diag::Position;
        use crate::model::{Claim, Correction, Credit, Image, Source};
        use proptest::{prop_assert, prop_assert_eq};

        let config = crate::outputs::tests::config();
        let date = crate::outputs::tests::date("2022-02-09");
        let mut story = crate::outputs::tests::story("s", "2022-02-09");
        story.title = text.to_string();
        story.reporters = vec![text.to_string()];
        story.credits = vec![Credit {
            role: text.to_string(),
            names: vec![text.to_string()],
        }];
        story.image = Some(Image {
            src: "/i.png".into(),
            alt: text.to_string(),
            caption: Some(text.to_string()),
            credit: text.to_string(),
            position: Position::new(1, 1),
        });
        story.topics = vec![text.to_string()];
        story.sources = vec![Source {
            title: text.to_string(),
            url: None,
            publisher: Some(text.to_string()),
        }];
        story.corrections = vec![Correction {
            date,
            text: text.to_string(),
        }];
        story.claims = vec![Claim {
            claim: text.to_string(),
            claimant: crate::model::Claimant {
                name: text.to_string(),
                kind: AgentKind::Organization,
                url: None,
            },
            rating: text.to_string(),
            date: None,
            appeared_in: Some(crate::model::Appearance {
                url: "https://example.org/said".into(),
                title: Some(text.to_string()),
            }),
        }];
        let anchors = vec!["claim-1".to_string()];
        let documents = story_documents(&ArticleInput {
            story: &story,
            config: &config,
            series: None,
            description: text,
            claim_anchors: &anchors,
        });
        prop_assert_eq!(documents.len(), 2);
        for document in &documents {
            for forbidden in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
                prop_assert!(!document.contains(forbidden), "{forbidden:?} in {document}");
            }
        }
        let article: Value = serde_json::from_str(&documents[0]).expect("JSON");
        let review: Value = serde_json::from_str(&documents[1]).expect("JSON");
        for field in [
            &article["headline"],
            &article["description"],
            &article["author"][0]["name"],
            &article["contributor"][0]["roleName"],
            &article["contributor"][0]["contributor"]["name"],
            &article["image"]["caption"],
            &article["image"]["creditText"],
            &article["about"][0]["name"],
            &article["keywords"],
            &article["citation"][0]["name"],
            &article["citation"][0]["publisher"]["name"],
            &article["correction"][0]["text"],
            &review["claimReviewed"],
            &review["itemReviewed"]["author"]["name"],
            &review["itemReviewed"]["appearance"]["name"],
            &review["reviewRating"]["alternateName"],
        ] {
            prop_assert_eq!(field.as_str(), Some(text));
        }
        Ok(())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        #[test]
        fn any_front_matter_text_stays_inside_its_script_element(text in any_text()) {
            check_documents(&text)?;
        }
    }

    #[test]
    fn publisher_defaults_to_the_site() {
        let config = crate::outputs::tests::config();
        assert_eq!(
            publisher(&config),
            json!({
                "@type": "NewsMediaOrganization",
                "name": "T",
                "url": "https://news.example.org/",
            })
        );
    }
}
