//! What the preview adds to every page, and only in the preview: the DRAFT / EMBARGOED banner,
//! the findings overlay (the same `file:line:column: error[CODE]: message` lines `byline check`
//! prints for the same files, errors first, warnings folded away) and the live-reload script. It reaches the page
//! through the template variable `live_reload` (none in `build`); a theme whose base template
//! leaves it out still gets it, inserted before `</body>`. Everything is styled inline, so no
//! theme can hide it.

use crate::diag::Diagnostic;
use crate::escape;

/// The attribute that marks the preview's own HTML in a page.
const MARK: &str = "data-byline-preview";

/// A banner above a story that is not public yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Banner {
    Draft,
    /// Embargoed until the time given (already formatted).
    Embargoed(String),
}

impl Banner {
    fn text(&self) -> String {
        match self {
            Banner::Draft => "DRAFT — not published; only the preview shows it".to_string(),
            Banner::Embargoed(until) => {
                format!("EMBARGOED until {until} — not published before then")
            }
        }
    }
}

/// What the preview shows over every page.
#[derive(Debug, Clone, Copy)]
pub struct Shown<'a> {
    /// Every finding the site has now, errors and warnings, sorted.
    pub findings: &'a [&'a Diagnostic],
    /// The pages show an older version than the files: an edit with errors is held back.
    pub held: bool,
    /// The live-reload script.
    pub script: &'a str,
}

/// The preview's HTML for one page.
pub fn fragment(banners: &[Banner], shown: &Shown) -> String {
    let mut html = format!(
        "<div {MARK} style=\"position:fixed;top:0;left:0;right:0;z-index:2147483647;font:15px/1.4 system-ui,sans-serif;max-height:80vh;overflow:auto\">"
    );
    for banner in banners {
        let colour = match banner {
            Banner::Draft => "#8a5a00",
            Banner::Embargoed(_) => "#a4161a",
        };
        html.push_str(&format!(
            "<div class=\"byline-banner\" role=\"status\" style=\"background:{colour};color:#fff;padding:.4em 1em;font-weight:700;letter-spacing:.04em;text-align:center\">{}</div>",
            escape::html(&banner.text())
        ));
    }
    let (errors, warnings): (Vec<&Diagnostic>, Vec<&Diagnostic>) = shown
        .findings
        .iter()
        .copied()
        .partition(|finding| finding.is_error());
    if !errors.is_empty() {
        html.push_str(&error_overlay(&errors, shown.held));
    }
    if !warnings.is_empty() {
        html.push_str(&warning_list(&warnings));
    }
    html.push_str("</div>");
    html.push_str(shown.script);
    html
}

/// One finding as `byline check` prints it a line, marked with its code, file and line for
/// tools (and the tests) to read back.
fn finding_html(finding: &Diagnostic, class: &str) -> String {
    format!(
        "<pre class=\"{class}\" data-code=\"{}\" data-file=\"{}\" data-line=\"{}\" data-column=\"{}\" style=\"white-space:pre-wrap;margin:.4em 0;font:13px/1.4 ui-monospace,monospace;background:none;color:inherit\">{}</pre>",
        finding.code,
        escape::html(&finding.path.display().to_string()),
        finding
            .line
            .map(|line| line.to_string())
            .unwrap_or_default(),
        finding
            .column
            .map(|column| column.to_string())
            .unwrap_or_default(),
        escape::html(&finding.to_string())
    )
}

fn error_overlay(errors: &[&Diagnostic], held: bool) -> String {
    let count = errors.len();
    let state = if held {
        "this is the last good version of the page; "
    } else {
        ""
    };
    let mut html = format!(
        "<section id=\"byline-errors\" role=\"alert\" style=\"background:#fff4f4;color:#3a0000;border-bottom:4px solid #c00;padding:1em 1.2em;text-align:left;box-shadow:0 4px 16px rgba(0,0,0,.3)\">\
         <h2 style=\"margin:0 0 .5em;font-size:1.1em;color:#a00\">byline: {count} error{} — {state}the site will not build until {} fixed</h2>\
         <button type=\"button\" onclick=\"this.parentNode.style.display='none'\" style=\"position:absolute;top:.6em;right:1em\">Hide</button>",
        if count == 1 { "" } else { "s" },
        if count == 1 { "it is" } else { "they are" }
    );
    list_findings(&mut html, errors, "byline-error");
    html.push_str("</section>");
    html
}

/// Warnings do not stop a build: listed, folded away in a corner.
fn warning_list(warnings: &[&Diagnostic]) -> String {
    let count = warnings.len();
    let mut html = format!(
        "<details id=\"byline-warnings\" style=\"position:fixed;bottom:0;right:0;max-width:40em;max-height:50vh;overflow:auto;background:#fffbea;color:#3a2a00;border:2px solid #b58900;padding:.4em .8em;text-align:left\">\
         <summary style=\"cursor:pointer;font-weight:700\">byline: {count} warning{}</summary>",
        if count == 1 { "" } else { "s" }
    );
    list_findings(&mut html, warnings, "byline-warning");
    html.push_str("</details>");
    html
}

/// The findings the overlay lists at most: an archive can have one per story, and every page
/// of the preview carries the overlay (the terminal's report stops at a number too).
const LISTED_FINDINGS: usize = 100;

fn list_findings(html: &mut String, findings: &[&Diagnostic], class: &str) {
    for finding in findings.iter().take(LISTED_FINDINGS) {
        html.push_str(&finding_html(finding, class));
    }
    if let Some(more) = findings
        .len()
        .checked_sub(LISTED_FINDINGS)
        .filter(|&n| n > 0)
    {
        html.push_str(&format!(
            "<p class=\"{class}\" style=\"margin:.3em 0\">… and {more} more; <code>byline check</code> lists every one</p>"
        ));
    }
}

/// A page of its own for when there is no page to show: the site has never loaded, or this
/// page failed to render. `status` says what happened.
pub fn error_page(status: &str, shown: &Shown) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>byline preview: {status}</title></head>\n<body style=\"font:16px/1.5 system-ui,sans-serif;padding:40vh 2em 2em\">\n<p>{status}</p>\n{fragment}\n</body>\n</html>\n",
        status = escape::html(status),
        fragment = fragment(&[], shown)
    )
}

/// Makes sure `html` shows `fragment`: when the theme's template already put it in (through
/// `live_reload`), as is; otherwise inserted before `</body>`, or at the end.
pub fn ensure_in_page(mut html: String, fragment: &str) -> String {
    if html.contains(MARK) {
        return html;
    }
    let at = html
        .rfind("</body>")
        .or_else(|| html.rfind("</BODY>"))
        .unwrap_or(html.len());
    html.insert_str(at, fragment);
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diag::Code;

    fn shown<'a>(findings: &'a [&'a Diagnostic], held: bool) -> Shown<'a> {
        Shown {
            findings,
            held,
            script: "<script></script>",
        }
    }

    #[test]
    fn overlay_shows_the_diagnostic_lines_escaped() {
        let error = Diagnostic::new(Code::FrontSyntax, "content/a.md", "bad <yaml>").at(3, 7);
        let warning = Diagnostic::new(Code::SummaryMissing, "content/b.md", "no summary");
        let html = fragment(&[], &shown(&[&error, &warning], true));
        assert!(html.contains("content/a.md:3:7: error[E-FRONT-SYNTAX]: bad &lt;yaml&gt;"));
        assert!(html.contains("byline: 1 error — this is the last good version"));
        assert!(html.contains("data-code=\"E-FRONT-SYNTAX\" data-file=\"content/a.md\" data-line=\"3\" data-column=\"7\""));
        assert!(html.contains("byline: 1 warning"));
        let current = fragment(&[], &shown(&[&error], false));
        assert!(current.contains("byline: 1 error — the site will not build"));
    }

    #[test]
    fn an_archive_s_findings_are_listed_up_to_a_number() {
        let warnings: Vec<Diagnostic> = (0..LISTED_FINDINGS + 7)
            .map(|n| {
                Diagnostic::new(
                    Code::SummaryMissing,
                    format!("content/{n}.md"),
                    "no summary",
                )
            })
            .collect();
        let warnings: Vec<&Diagnostic> = warnings.iter().collect();
        let html = fragment(&[], &shown(&warnings, false));
        assert!(html.contains(&format!("byline: {} warnings", LISTED_FINDINGS + 7)));
        assert_eq!(html.matches("no summary").count(), LISTED_FINDINGS);
        assert!(html.contains("… and 7 more; <code>byline check</code> lists every one"));
        let few = fragment(&[], &shown(&warnings[..3], false));
        assert!(!few.contains("more;"));
    }

    #[test]
    fn fragment_goes_before_body_end_unless_the_theme_placed_it() {
        let piece = fragment(&[Banner::Draft], &shown(&[], false));
        let page = ensure_in_page("<html><body><p>x</p></body></html>".into(), &piece);
        assert!(page.ends_with(&format!("{piece}</body></html>")));
        let placed = format!("<body>{piece}<p>x</p></body>");
        assert_eq!(ensure_in_page(placed.clone(), &piece), placed);
    }
}
