//! The codes of byline's findings: one variant per kind of problem, each with its stable
//! spelling (`E-FRONT-DATE`), its severity (the `E-` or `W-` prefix says which), whether a site may
//! report it as a warning instead (`checks: {warn: [...]}` in site.yaml) and what it means.

use std::fmt;

use super::Severity;

/// Declares [`Code`] from one table, so a code's spelling, severity, relaxability and meaning
/// cannot drift apart.
macro_rules! codes {
    ($($variant:ident = $spelling:literal, $relax:ident, $meaning:literal;)*) => {
        /// A kind of finding. Tools and documentation refer to the spelling ([`Code::as_str`]), so a
        /// code is never renamed once released.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $(#[doc = $meaning] $variant,)*
        }

        impl Code {
            /// Every code, in the order of the table.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable spelling: `E-FRONT-DATE`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $spelling,)* }
            }

            /// What the code means, for documentation and `byline check --list-codes`.
            pub fn meaning(self) -> &'static str {
                match self { $(Code::$variant => $meaning,)* }
            }

            /// Whether a site may report this finding as a warning (`checks: {warn: [...]}`),
            /// e.g. while migrating an archive whose old inline images carry no credit. Only
            /// body checks can be relaxed: front-matter errors always stop a story.
            pub fn relaxable(self) -> bool {
                match self { $(Code::$variant => codes!(@relax $relax),)* }
            }
        }
    };
    (@relax relaxable) => { true };
    (@relax fixed) => { false };
}

codes! {
    SiteRead = "E-SITE-READ", fixed, "the site cannot be read: no site.yaml or no content folder";
    ConfigSyntax = "E-CONFIG-SYNTAX", fixed, "site.yaml is not valid YAML";
    ConfigUnknownKey = "E-CONFIG-UNKNOWN-KEY", fixed, "a key in site.yaml that byline does not know (with the nearest known key)";
    ConfigValue = "E-CONFIG-VALUE", fixed, "a value in site.yaml of the wrong kind (base_url, date_format, a timezone that is not an IANA name, ...)";
    ConfigMissing = "E-CONFIG-MISSING", fixed, "a required key of site.yaml is missing, or a name in it is blank";
    FileRead = "E-FILE-READ", fixed, "a content file cannot be read or is not UTF-8";
    FileTooLarge = "E-FILE-TOO-LARGE", fixed, "a story or series file larger than byline reads (10 MB)";
    Symlink = "E-SYMLINK", fixed, "a symbolic link in content/, static/ or the theme folder, or site.yaml as a link (links are never followed)";
    FrontMissing = "E-FRONT-MISSING", fixed, "a story has no front matter";
    FrontUnclosed = "E-FRONT-UNCLOSED", fixed, "the front matter has no closing ---";
    FrontSyntax = "E-FRONT-SYNTAX", fixed, "the front matter is not valid YAML";
    FrontTooLarge = "E-FRONT-TOO-LARGE", fixed, "the front matter's YAML aliases (`*name`) expand to more data than byline reads";
    FrontNotMapping = "E-FRONT-NOT-MAPPING", fixed, "the front matter (or a field that takes fields) is not a set of `name: value` lines";
    FrontUnknownKey = "E-FRONT-UNKNOWN-KEY", fixed, "a field byline does not know, e.g. a typo (with the nearest known field)";
    FrontRequired = "E-FRONT-REQUIRED", fixed, "a required field is missing or blank (title, date, reporter, editor, image src, ...)";
    FrontType = "E-FRONT-TYPE", fixed, "a field has the wrong kind of value (a list where text belongs, ...)";
    FrontDate = "E-FRONT-DATE", fixed, "a date that does not exist (2022-02-31) or is not written as YYYY-MM-DD";
    FrontPlaceholder = "E-FRONT-PLACEHOLDER", fixed, "a field still holds a TODO placeholder from `byline new`";
    FrontComment = "E-FRONT-COMMENT", fixed, "a value starting with # (read as a comment in YAML) left a field empty";
    FrontUrl = "E-FRONT-URL", fixed, "a field that holds a web address (a source's or claim's `url`, an image's `src`) is not an http(s) or mailto address or a path of the site (`javascript:`, `data:`, ...)";
    EmbargoNoZone = "E-EMBARGO-NO-ZONE", fixed, "`publish_at` without a time and offset (the site's `timezone` does not stand in for it)";
    EmbargoLink = "E-EMBARGO-LINK", fixed, "a published story links to a story still under embargo";
    EmbargoLeak = "E-EMBARGO-LEAK", fixed, "the built site mentions an embargoed story (URL, slug or title); the build is refused";
    CreditImageAlt = "E-CREDIT-IMAGE-ALT", fixed, "the header image has no alt text";
    CreditImageCredit = "E-CREDIT-IMAGE-CREDIT", fixed, "the header image has no credit";
    CreditInlineAlt = "E-CREDIT-INLINE-ALT", relaxable, "an image in the story text has no alt text";
    CreditInlineCredit = "E-CREDIT-INLINE-CREDIT", relaxable, "an image in the story text has no `Credit:` in its title";
    CreditEmptyName = "E-CREDIT-EMPTY-NAME", fixed, "an empty name in reporter, editor or a credit role";
    FundingMissing = "E-FUNDING-MISSING", fixed, "a story has no funder, neither its own nor its series'";
    FundingUnknown = "E-FUNDING-UNKNOWN", fixed, "a story or series names a funder that is not in site.yaml's funders";
    BodyTooDeep = "E-BODY-TOO-DEEP", fixed, "quotes or lists in a story text nested more than 100 levels deep";
    BodyDuplicateId = "E-BODY-DUPLICATE-ID", fixed, "a heading's `{#id}` is the id of another element of its page (a heading, a footnote, the theme's own)";
    LinkBroken = "E-LINK-BROKEN", relaxable, "an internal link to a page that does not exist";
    LinkAnchor = "E-LINK-ANCHOR", relaxable, "a link to #anchor that matches no heading of the target story";
    LinkMissingFile = "E-LINK-MISSING-FILE", relaxable, "an image or file that exists neither in static/ nor in the page bundle";
    BundleActiveFile = "E-BUNDLE-ACTIVE-FILE", fixed, "with safe HTML, a page-bundle file a browser would run code in (.html, .svg, .xml, .js, ...)";
    StructureDuplicateUrl = "E-STRUCTURE-DUPLICATE-URL", fixed, "two pages would be published at the same address";
    StructureSlug = "E-STRUCTURE-SLUG", fixed, "a `slug` that cannot be used in a web address";
    StructureLayout = "E-STRUCTURE-LAYOUT", fixed, "a Markdown file in a place where it would not be published";
    StructureSeriesIndex = "E-STRUCTURE-SERIES-INDEX", fixed, "a series folder without _index.md";
    StructureUpdatedBeforeDate = "E-STRUCTURE-UPDATED-BEFORE-DATE", fixed, "a story's `updated` is before its `date`";
    StructureCorrectionBeforeDate = "E-STRUCTURE-CORRECTION-BEFORE-DATE", fixed, "a correction dated before the story";
    UrlDropped = "E-URL-DROPPED", fixed, "an address listed in urls.lock that the site would no longer publish (names the address and the story that had it)";
    UrlAliasCollision = "E-URL-ALIAS-COLLISION", fixed, "an alias that is also another page's address or another story's alias (names both)";
    ImageDecode = "E-IMAGE-DECODE", fixed, "an image of the site that byline cannot decode, so it cannot publish it at the widths readers need";
    Template = "E-TEMPLATE", fixed, "a template of the theme has an error (names template, line and page)";
    Theme = "E-THEME", fixed, "the theme named in site.yaml does not exist or cannot be read";
    Output = "E-OUTPUT", fixed, "the site cannot be written (disk full, no permission, unsafe output folder)";
    SummaryMissing = "W-SUMMARY-MISSING", fixed, "a story has no `summary` (the first paragraph is used)";
    StringsMissing = "W-STRINGS-MISSING", fixed, "the theme has no words in the site's language for some strings (English ones are used)";
    FrontListAsText = "W-FRONT-LIST-AS-TEXT", fixed, "names or topics written as one text with commas or `and`, where a list was probably meant";
    SourceNoUrl = "W-SOURCE-NO-URL", fixed, "a source without a `url`";
    ClaimNoAppearance = "W-CLAIM-NO-APPEARANCE", fixed, "a checked claim does not say where it was made (`appeared_in`)";
    ClaimNoDate = "W-CLAIM-NO-DATE", fixed, "a checked claim does not say when it was made (`claim_date`)";
    ImageTooSmall = "W-IMAGE-TOO-SMALL", fixed, "a header image narrower than the theme shows it (stretched and blurry) or than the 1,200 px link previews want";
    ImageTypeMismatch = "W-IMAGE-TYPE-MISMATCH", fixed, "an image file whose bytes are not the type its name says (a PNG named .jpg, a page saved as .png)";
    ImageAltIsCaption = "W-IMAGE-ALT-IS-CAPTION", fixed, "an image's alt text repeats its caption (alt should describe the picture)";
    StructureUnpublishedFile = "W-STRUCTURE-UNPUBLISHED-FILE", fixed, "a file in content/ that is not published (static files belong in static/)";
    SeriesWithheld = "W-SERIES-WITHHELD", fixed, "a series with no story a build would publish (all drafts, under embargo, or none yet): its page, feed and listings are left out";
}

impl Code {
    /// How bad a finding of this code is: `E-` codes are errors, `W-` codes warnings.
    pub fn severity(self) -> Severity {
        if self.as_str().starts_with("W-") {
            Severity::Warning
        } else {
            Severity::Error
        }
    }

    /// The code spelt `text` (`E-LINK-BROKEN`), if there is one.
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|code| code.as_str() == text)
    }

    /// The codes a site may relax, spelt out.
    pub fn relaxable_codes() -> impl Iterator<Item = Code> {
        Code::ALL.iter().copied().filter(|code| code.relaxable())
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_prefixed_and_parse_back() {
        let mut seen = std::collections::HashSet::new();
        for &code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{code} twice");
            assert!(
                code.as_str().starts_with("E-") || code.as_str().starts_with("W-"),
                "{code}"
            );
            assert_eq!(Code::parse(code.as_str()), Some(code));
            assert!(!code.meaning().is_empty());
        }
        assert_eq!(Code::parse("E-NOPE"), None);
    }

    #[test]
    fn severity_follows_the_prefix_and_only_errors_relax() {
        assert_eq!(Code::SummaryMissing.severity(), Severity::Warning);
        assert_eq!(Code::LinkBroken.severity(), Severity::Error);
        for code in Code::relaxable_codes() {
            assert_eq!(code.severity(), Severity::Error, "{code}");
        }
        assert!(!Code::FrontRequired.relaxable());
    }
}
