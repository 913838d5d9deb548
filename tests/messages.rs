//! The mistakes reporters make in front matter, each answered in the newsroom's words, on the
//! right line and column, with a fix to copy (issue: "errors a reporter understands").

mod common;

use common::{Finding, TestSite, findings};

/// Checks the clean fixture with `content/inquiry/probe.md` holding `text`; the findings about
/// that file.
fn check_probe(text: &str) -> Vec<Finding> {
    let site = TestSite::fixture("clean");
    site.write("content/inquiry/probe.md", text);
    findings(&site.check(&["--format", "json"]))
        .into_iter()
        .filter(|finding| finding.file == "content/inquiry/probe.md")
        .collect()
}

fn only(found: &[Finding], code: &str) -> Finding {
    let of_code: Vec<&Finding> = found.iter().filter(|f| f.code == code).collect();
    assert_eq!(of_code.len(), 1, "one {code} expected: {found:#?}");
    of_code[0].clone()
}

const REST: &str = "date: 2024-01-10\nreporter: Ana Lind\neditor: Ruth Abara\nsummary: A story.\n";

#[test]
fn a_hash_at_the_start_of_a_value_is_named_as_a_comment() {
    let found = check_probe(&format!(
        "---\ntitle: #MeToo at the council\n{REST}---\nText.\n"
    ));
    let comment = only(&found, "E-FRONT-COMMENT");
    assert_eq!(
        comment.place(),
        "content/inquiry/probe.md:2:8 E-FRONT-COMMENT"
    );
    assert!(
        comment.message.contains("`#` starts a comment"),
        "{}",
        comment.message
    );
    assert_eq!(
        comment.hint.as_deref(),
        Some("put the value in double quotes:\ntitle: \"#MeToo at the council\"")
    );
    assert!(
        !found.iter().any(|f| f.code == "E-FRONT-REQUIRED"),
        "not also reported as missing: {found:#?}"
    );
}

#[test]
fn a_tab_in_the_indentation_is_named_with_its_column() {
    let found = check_probe(&format!(
        "---\ntitle: T\n{REST}credits:\n\tFact checker: Jo Bloggs\n---\nText.\n"
    ));
    let tab = only(&found, "E-FRONT-SYNTAX");
    assert_eq!(tab.place(), "content/inquiry/probe.md:8:1 E-FRONT-SYNTAX");
    assert_eq!(
        tab.message,
        "this line is indented with a tab (at column 1); YAML indents with spaces only"
    );
}

#[test]
fn quotes_and_colons_inside_values_get_the_form_that_works() {
    let found = check_probe(&format!("---\ntitle: 'It's a scandal'\n{REST}---\nText.\n"));
    let quote = only(&found, "E-FRONT-SYNTAX");
    assert_eq!(quote.place(), "content/inquiry/probe.md:2:8 E-FRONT-SYNTAX");
    assert!(
        quote
            .message
            .contains("an apostrophe inside the single quotes")
    );
    assert!(
        quote
            .hint
            .as_deref()
            .unwrap()
            .ends_with("\ntitle: \"It's a scandal\"")
    );

    let found = check_probe(&format!(
        "---\ntitle: T\n{REST}extra:\n  quote: Council says: \"we did nothing wrong\"\n---\nText.\n"
    ));
    let colon = only(&found, "E-FRONT-SYNTAX");
    assert_eq!(
        colon.place(),
        "content/inquiry/probe.md:8:10 E-FRONT-SYNTAX"
    );
    assert!(
        colon.message.contains("the colon inside the value"),
        "{}",
        colon.message
    );
    assert!(
        colon
            .hint
            .as_deref()
            .unwrap()
            .ends_with("\n  quote: \"Council says: \\\"we did nothing wrong\\\"\""),
        "{:?}",
        colon.hint
    );
}

#[test]
fn front_matter_never_closed_is_named_at_the_story_text() {
    let found = check_probe(&format!(
        "---\ntitle: T\n{REST}\nThe council met on Tuesday and voted to close the library.\n\n---\n\nA second section.\n"
    ));
    let unclosed = only(&found, "E-FRONT-SYNTAX");
    assert_eq!(
        unclosed.place(),
        "content/inquiry/probe.md:8:1 E-FRONT-SYNTAX"
    );
    assert!(
        unclosed
            .message
            .starts_with("the front matter is not closed"),
        "{}",
        unclosed.message
    );
    assert!(
        unclosed
            .hint
            .as_deref()
            .unwrap()
            .contains("after the last field, on line 6"),
        "{:?}",
        unclosed.hint
    );
}

#[test]
fn dates_in_other_spellings_get_the_iso_form() {
    for (written, meant) in [
        ("9 Feb 2022", "2022-02-09"),
        ("09.02.22", "2022-02-09"),
        ("February 9, 2022", "2022-02-09"),
    ] {
        let found = check_probe(&format!(
            "---\ntitle: T\ndate: {written}\nreporter: A\neditor: B\nsummary: S\n---\nText.\n"
        ));
        let date = only(&found, "E-FRONT-DATE");
        assert_eq!(date.place(), "content/inquiry/probe.md:3:1 E-FRONT-DATE");
        assert_eq!(
            date.message,
            format!(
                "`date`: \"{written}\" is not written the way byline reads dates; write it as {meant}"
            )
        );
        assert_eq!(
            date.hint.as_deref(),
            Some(format!("date: {meant}").as_str())
        );
    }
    // Day first or month first: both are named, neither is chosen.
    let found = check_probe(
        "---\ntitle: T\ndate: 02/03/2022\nreporter: A\neditor: B\nsummary: S\n---\nText.\n",
    );
    let date = only(&found, "E-FRONT-DATE");
    assert!(
        date.message.contains("could mean 2 March 2022 or 3 February 2022; write the one you mean as 2022-03-02 or 2022-02-03"),
        "{}",
        date.message
    );
}

#[test]
fn lists_written_as_text_are_warned_with_the_list_to_copy() {
    let found = check_probe(
        "---\ntitle: T\ndate: 2024-01-10\nreporter: Alex Reporter, Jo Bloggs and Sam Lee\neditor: Sam Lee, Jr.\ntopics: Public money, Property\nsummary: S\n---\nText.\n",
    );
    let lists: Vec<&Finding> = found
        .iter()
        .filter(|f| f.code == "W-FRONT-LIST-AS-TEXT")
        .collect();
    assert_eq!(lists.len(), 2, "{found:#?}");
    assert_eq!(
        lists[0].place(),
        "content/inquiry/probe.md:4:1 W-FRONT-LIST-AS-TEXT"
    );
    assert_eq!(
        lists[0].hint.as_deref(),
        Some("reporter: [Alex Reporter, Jo Bloggs, Sam Lee]")
    );
    assert_eq!(
        lists[1].hint.as_deref(),
        Some("topics: [Public money, Property]")
    );
    assert_eq!(lists[0].severity, "warning");
}

#[test]
fn a_placeholder_is_not_read_as_a_list_of_names() {
    // A story outside a series, on a site without a funders registry: the funder placeholder
    // `byline new story` and `byline import` write holds a comma, but it is a placeholder.
    let site = TestSite::fixture("clean");
    site.write("site.yaml", "title: T\nbase_url: https://x.org\n");
    let probe = |funder: &str| {
        site.write(
            "content/probe.md",
            &format!("---\ntitle: T\n{REST}funder: \"{funder}\"\n---\nText.\n"),
        );
        let found: Vec<Finding> = findings(&site.check(&["--format", "json"]))
            .into_iter()
            .filter(|finding| finding.file == "content/probe.md")
            .collect();
        let mut codes: Vec<String> = found.iter().map(|f| f.code.clone()).collect();
        codes.sort();
        codes
    };
    assert_eq!(
        probe("TODO: funder, as listed in site.yaml"),
        ["E-FRONT-PLACEHOLDER"]
    );
    assert_eq!(
        probe("Harbour Light Foundation, Open Society Foundations"),
        ["W-FRONT-LIST-AS-TEXT"]
    );
}

#[test]
fn keys_of_other_tools_name_bylines_field() {
    let found = check_probe(&format!(
        "---\ntitle: T\n{REST}tags: [a]\nauthor: X\ndescription: D\nlastmod: 2024-01-11\n---\nText.\n"
    ));
    let hints: Vec<String> = found
        .iter()
        .filter(|f| f.code == "E-FRONT-UNKNOWN-KEY")
        .map(|f| f.hint.clone().unwrap_or_default())
        .collect();
    for (key, ours) in [
        ("tags", "`topics`"),
        ("author", "`reporter`"),
        ("description", "`summary`"),
        ("lastmod", "`updated`"),
    ] {
        assert!(
            hints.iter().any(|hint| hint.starts_with(&format!(
                "`{key}` is what Hugo, Jekyll or WordPress call it; in byline it is {ours}"
            ))),
            "{key}: {hints:#?}"
        );
    }
}

#[test]
fn a_slug_that_takes_anothers_address_is_the_one_blamed() {
    let site = TestSite::fixture("clean");
    // `a-new.md` is read before `first.md`, and takes its address with its `slug:`.
    site.write(
        "content/inquiry/a-new.md",
        &format!("---\ntitle: New\n{REST}slug: first\n---\nText.\n"),
    );
    site.write(
        "content/inquiry/linker.md",
        &format!("---\ntitle: Linker\n{REST}---\nSee [the first](first.md).\n"),
    );
    let found = findings(&site.check(&["--format", "json"]));
    let duplicate = only(&found, "E-STRUCTURE-DUPLICATE-URL");
    assert_eq!(
        duplicate.place(),
        "content/inquiry/a-new.md:7:1 E-STRUCTURE-DUPLICATE-URL"
    );
    assert!(duplicate.message.contains("content/inquiry/first.md"));
    assert!(
        !found.iter().any(|f| f.code == "E-LINK-BROKEN"),
        "the link to the story that kept its address works: {found:#?}"
    );
}

#[test]
fn the_caret_covers_the_broken_link_only() {
    let site = TestSite::fixture("clean");
    site.write(
        "content/inquiry/probe.md",
        &format!(
            "---\ntitle: T\n{REST}---\n\nSee [the broken one](/nowhere/) and more text after it.\n"
        ),
    );
    let json = findings(&site.check(&["--format", "json"]));
    let broken = only(&json, "E-LINK-BROKEN");
    assert_eq!((broken.line, broken.column), (Some(9), Some(5)));
    let root = site.root.to_str().unwrap().to_string();
    let human = common::byline(&["check", "--root", &root], &site.root);
    let carets = human
        .stderr
        .lines()
        .skip_while(|line| !line.contains("See [the broken one]"))
        .nth(1)
        .expect("the caret line");
    let underlined = carets.chars().filter(|&c| c == '^').count();
    assert_eq!(
        underlined,
        "[the broken one](/nowhere/)".len(),
        "{}",
        human.stderr
    );
}
