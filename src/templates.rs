//! Templates: compiles the theme's minijinja templates once (strict undefined variables,
//! autoescape for HTML and XML) and renders pages, turning template errors into diagnostics that
//! name the template, its line and the page being rendered.

use std::collections::HashMap;
use std::path::Path;

use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::diagnostic::{Diagnostic, codes};
use crate::theme::{Origin, Theme};

/// The compiled templates of a theme. `Environment<'static>` is `Send + Sync`, so one instance
/// is shared by every rendering thread.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    origins: HashMap<String, Origin>,
}

impl Templates {
    /// Compiles every template of `theme`; all syntax errors are reported together.
    pub fn compile(theme: &Theme) -> Result<Templates, Vec<Diagnostic>> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_auto_escape_callback(|name| {
            if name.ends_with(".html") || name.ends_with(".xml") {
                AutoEscape::Html
            } else {
                AutoEscape::None
            }
        });
        env.set_formatter(escape_readably);
        let mut origins = HashMap::new();
        let mut diagnostics = Vec::new();
        for (name, file) in theme.templates() {
            origins.insert(name.to_string(), file.origin.clone());
            let source = match String::from_utf8(file.contents.clone()) {
                Ok(source) => source,
                Err(_) => {
                    diagnostics.push(Diagnostic::error(
                        codes::TEMPLATE,
                        file.origin.display_path(),
                        "this template is not UTF-8 text",
                    ));
                    continue;
                }
            };
            if let Err(error) = env.add_template_owned(name.to_string(), source) {
                diagnostics.push(template_diagnostic(&error, &origins, None));
            }
        }
        if diagnostics.is_empty() {
            Ok(Templates { env, origins })
        } else {
            Err(diagnostics)
        }
    }

    /// Renders template `name` for the page built from `source` (the story or series file, for
    /// the error message; None for site-wide pages).
    pub fn render(
        &self,
        name: &str,
        context: Value,
        source: Option<&Path>,
    ) -> Result<String, Diagnostic> {
        let template = self
            .env
            .get_template(name)
            .map_err(|error| template_diagnostic(&error, &self.origins, source))?;
        template
            .render(context)
            .map_err(|error| template_diagnostic(&error, &self.origins, source))
    }
}

/// Writes `text` escaped for HTML text and attribute values (`& < > " '`, nothing more, so
/// URLs stay readable). The one HTML escaper of byline's own output.
pub fn write_escaped_html(out: &mut impl std::fmt::Write, text: &str) -> std::fmt::Result {
    let mut start = 0;
    for (index, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&text[start..index])?;
        out.write_str(entity)?;
        start = index + 1;
    }
    out.write_str(&text[start..])
}

/// `text` escaped for HTML (see [`write_escaped_html`]).
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // Writing to a String cannot fail.
    let _ = write_escaped_html(&mut out, text);
    out
}

/// Escapes HTML the way HTML needs it (`& < > " '`) and no more, so URLs in attributes stay
/// readable (`/a/b/` rather than minijinja's default `&#x2f;a&#x2f;b&#x2f;`).
fn escape_readably(
    out: &mut minijinja::Output,
    state: &mut minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if !matches!(state.auto_escape(), AutoEscape::Html) || value.is_safe() || value.is_none() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = match value.as_str() {
        Some(text) => std::borrow::Cow::Borrowed(text),
        None => std::borrow::Cow::Owned(value.to_string()),
    };
    write_escaped_html(out, &text).map_err(minijinja::Error::from)
}

fn template_diagnostic(
    error: &minijinja::Error,
    origins: &HashMap<String, Origin>,
    source: Option<&Path>,
) -> Diagnostic {
    // An error inside an included or imported template comes wrapped in the including one's
    // ("could not render include"); the innermost error names the template and line at fault.
    let mut innermost = error;
    let mut chain = std::error::Error::source(error);
    while let Some(cause) = chain {
        if let Some(inner) = cause.downcast_ref::<minijinja::Error>() {
            innermost = inner;
        }
        chain = cause.source();
    }
    let template = innermost
        .name()
        .or_else(|| error.name())
        .unwrap_or("(unknown template)");
    let path = origins
        .get(template)
        .map(Origin::display_path)
        .unwrap_or_else(|| template.into());
    let what = match source {
        Some(source) => format!("the page for {}", source.display()),
        None => "a site page".to_string(),
    };
    let describe = |error: &minijinja::Error| {
        error
            .detail()
            .map(|detail| format!("{}: {detail}", error.kind()))
            .unwrap_or_else(|| error.kind().to_string())
    };
    let detail = if std::ptr::eq(innermost, error) {
        describe(error)
    } else {
        format!("{} ({})", describe(innermost), describe(error))
    };
    let error = innermost;
    let mut diagnostic = Diagnostic::error(
        codes::TEMPLATE,
        path,
        format!("template {template} failed while rendering {what}: {detail}"),
    )
    .with_hint("this is a problem in the theme, not in the story; check the variable names against docs/themes.md");
    if let Some(line) = error.line() {
        diagnostic = diagnostic.at(line, 1);
    }
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::theme::ThemeFile;

    fn theme(templates: &[(&str, &str)]) -> Theme {
        let mut theme = Theme::default();
        for (name, source) in templates {
            theme.files.insert(
                format!("templates/{name}"),
                ThemeFile {
                    origin: Origin::Site(format!("themes/t/templates/{name}").into()),
                    contents: source.as_bytes().to_vec(),
                },
            );
        }
        theme
    }

    #[test]
    fn escapes_html_and_refuses_undefined() {
        let templates =
            Templates::compile(&theme(&[("a.html", "<p>{{ x }}</p>\n{{ y }}")])).unwrap();
        let error = templates
            .render(
                "a.html",
                minijinja::context! { x => "<b>" },
                Some(Path::new("content/s/a.md")),
            )
            .unwrap_err();
        assert_eq!(error.line, Some(2));
        assert_eq!(error.path, Path::new("themes/t/templates/a.html"));
        assert!(
            error.message.contains("content/s/a.md"),
            "{}",
            error.message
        );
        let html = templates
            .render("a.html", minijinja::context! { x => "<b>", y => 1 }, None)
            .unwrap();
        assert_eq!(html, "<p>&lt;b&gt;</p>\n1");
        let html = templates
            .render(
                "a.html",
                minijinja::context! { x => "/a/\"b\"", y => minijinja::Value::from(()) },
                None,
            )
            .unwrap();
        assert_eq!(html, "<p>/a/&quot;b&quot;</p>\nNone");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

        /// Any text, escaped, can neither open nor close a tag or an attribute value, and an
        /// HTML parser reads it back as the same text, in an element and in an attribute.
        /// (`\PC` leaves out control characters, which HTML parsers rewrite: `\r` as `\n`, NUL
        /// dropped.)
        #[test]
        fn escaped_text_is_inert_and_reads_back(text in r#"(\PC|[<>&"'=/ ]|&(amp|lt|#39);){0,40}"#) {
            let escaped = escape_html(&text);
            for raw in ['<', '>', '"', '\''] {
                proptest::prop_assert!(!escaped.contains(raw), "{raw:?} in {escaped:?}");
            }
            for (index, _) in escaped.match_indices('&') {
                let reference = &escaped[index..];
                proptest::prop_assert!(
                    ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                        .iter()
                        .any(|known| reference.starts_with(known)),
                    "bare & in {escaped:?}"
                );
            }
            let page = scraper::Html::parse_fragment(&format!(
                "<p title=\"{escaped}\">{escaped}</p><p title='{escaped}'></p>"
            ));
            let selector = scraper::Selector::parse("p").expect("a valid selector");
            let paragraphs: Vec<_> = page.select(&selector).collect();
            proptest::prop_assert_eq!(paragraphs.len(), 2);
            proptest::prop_assert_eq!(paragraphs[0].text().collect::<String>(), text.as_str());
            for paragraph in paragraphs {
                proptest::prop_assert_eq!(paragraph.value().attr("title"), Some(text.as_str()));
            }
        }
    }

    #[test]
    fn syntax_errors_name_template_and_line() {
        let errors = Templates::compile(&theme(&[("a.html", "ok"), ("b.html", "\n\n{% if %}")]))
            .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, Path::new("themes/t/templates/b.html"));
        assert_eq!(errors[0].line, Some(3));
    }
}
