//! Templates: compiles the theme's minijinja templates once (strict undefined variables,
//! autoescape for HTML and XML) and renders pages, turning template errors into diagnostics that
//! name the template, its line and the page being rendered.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use minijinja::value::Kwargs;
use minijinja::{AutoEscape, Environment, UndefinedBehavior, Value};

use crate::config::SiteConfig;
use crate::diag::{Code, Diagnostic};
use crate::escape;

use super::strings::{Strings, fill};
use super::{Origin, Theme};

/// The compiled templates of a theme. `Environment<'static>` is `Send + Sync`, so one instance
/// is shared by every rendering thread.
#[derive(Debug)]
pub struct Templates {
    env: Environment<'static>,
    origins: HashMap<String, Origin>,
    strings: Arc<Strings>,
    /// The ids the templates give elements (see [`Theme::element_ids`]).
    element_ids: Arc<HashSet<String>>,
}

impl Templates {
    /// Compiles every template of `theme`, with the reader-facing words of `strings` at hand
    /// as `t(key, name=value, count=n)`, and links made for the site of `config` as
    /// `url("/topics/")` (under its base path) and `absolute(href)`; all syntax errors are
    /// reported together.
    pub fn compile(
        theme: &Theme,
        strings: Arc<Strings>,
        config: &SiteConfig,
    ) -> Result<Templates, Vec<Diagnostic>> {
        let mut env = Environment::new();
        let words = Arc::clone(&strings);
        env.add_function(
            "t",
            move |state: &minijinja::State, key: &str, arguments: Kwargs| {
                translate(state, &words, key, arguments)
            },
        );
        let site = Arc::new(config.clone());
        let links = Arc::clone(&site);
        env.add_function("url", move |site_path: &str| links.href(site_path));
        env.add_function("absolute", move |href: &str| site.absolute_href(href));
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
                    diagnostics.push(Diagnostic::new(
                        Code::Template,
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
            Ok(Templates {
                env,
                origins,
                strings,
                element_ids: Arc::new(theme.element_ids()),
            })
        } else {
            Err(diagnostics)
        }
    }

    /// The reader-facing words the templates were compiled with.
    pub fn strings(&self) -> &Strings {
        &self.strings
    }

    /// The ids the templates give elements, which story texts must leave to them.
    pub fn element_ids(&self) -> &Arc<HashSet<String>> {
        &self.element_ids
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

/// The template function `t`: the string `key` of the theme's strings for the site's language,
/// its `{placeholders}` filled from the keyword arguments; with `count`, the plural form for
/// that number. In an HTML template a value that is already markup (a `{% set %}` block, a
/// macro's output) goes in as it is, so a link or a `<time>` can sit where the language puts it
/// ("Updated {date}", "Mehr aus der Serie {series}"); the string's own words and the other
/// values are then escaped here, as autoescape would have.
fn translate(
    state: &minijinja::State,
    strings: &Strings,
    key: &str,
    arguments: Kwargs,
) -> Result<Value, minijinja::Error> {
    let html = matches!(state.auto_escape(), AutoEscape::Html);
    let mut values: Vec<(String, String, bool)> = Vec::new();
    let mut count = None;
    for name in arguments.args() {
        let value: Value = arguments.get(name)?;
        if name == "count" {
            count = value.as_i64();
        }
        values.push((name.to_string(), value.to_string(), html && value.is_safe()));
    }
    let text = strings.text(key, count).ok_or_else(|| {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("the theme's strings have no `{key}`"),
        )
    })?;
    let has_markup = values.iter().any(|(_, _, markup)| *markup);
    if !has_markup {
        let named: Vec<(&str, &str)> = values
            .iter()
            .map(|(name, value, _)| (name.as_str(), value.as_str()))
            .collect();
        return Ok(Value::from(fill(text, &named)));
    }
    let escaped: Vec<(&str, String)> = values
        .iter()
        .map(|(name, value, markup)| {
            let value = if *markup {
                value.clone()
            } else {
                escape::html(value)
            };
            (name.as_str(), value)
        })
        .collect();
    let named: Vec<(&str, &str)> = escaped
        .iter()
        .map(|(name, value)| (*name, value.as_str()))
        .collect();
    Ok(Value::from_safe_string(fill(&escape::html(text), &named)))
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
    escape::write_html(out, &text).map_err(minijinja::Error::from)
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
    let mut diagnostic = Diagnostic::new(
        Code::Template,
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

    fn strings() -> Arc<Strings> {
        Arc::new(Strings::english())
    }

    fn config() -> SiteConfig {
        crate::config::parse(
            "title: T\nbase_url: https://newsroom.github.io/site/\n",
            Path::new("site.yaml"),
        )
        .unwrap()
    }

    #[test]
    fn escapes_html_and_refuses_undefined() {
        let templates = Templates::compile(
            &theme(&[("a.html", "<p>{{ x }}</p>\n{{ y }}")]),
            strings(),
            &config(),
        )
        .unwrap();
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

    #[test]
    fn strings_fill_placeholders_and_plurals() {
        let templates = Templates::compile(
            &theme(&[(
                "a.html",
                "{{ t('funding.story', funders='A') }} {{ t('count.stories', count=1) }}, {{ t('count.stories', count=3) }}",
            ), ("b.html", "{{ t('no.such.key') }}")]),
            strings(),
            &config(),
        )
        .unwrap();
        assert_eq!(
            templates
                .render("a.html", minijinja::context! {}, None)
                .unwrap(),
            "This story was funded by A. 1 story, 3 stories"
        );
        let error = templates
            .render("b.html", minijinja::context! {}, None)
            .unwrap_err();
        assert!(error.message.contains("no.such.key"), "{}", error.message);
    }

    #[test]
    fn markup_goes_into_strings_as_it_is_and_text_is_escaped() {
        let templates = Templates::compile(
            &theme(&[
                (
                    "a.html",
                    "{% set who %}<a href=\"/p/\">{{ name }}</a>{% endset %}{{ t('funding.story', funders=who) }}|{{ t('funding.story', funders=name) }}|{{ t('funding.story_in_series', funders=who, series=name, series_funders='&') }}",
                ),
                ("b.txt", "{% set who %}<b>{% endset %}{{ t('funding.story', funders=who) }}"),
            ]),
            strings(),
            &config(),
        )
        .unwrap();
        assert_eq!(
            templates
                .render("a.html", minijinja::context! { name => "<B & C>" }, None)
                .unwrap(),
            "This story was funded by <a href=\"/p/\">&lt;B &amp; C&gt;</a>.\
             |This story was funded by &lt;B &amp; C&gt;.\
             |This story was funded by <a href=\"/p/\">&lt;B &amp; C&gt;</a>, as part of our reporting on &lt;B &amp; C&gt;, which is funded by &amp;."
        );
        // Outside HTML nothing is markup, and nothing is escaped.
        assert_eq!(
            templates
                .render("b.txt", minijinja::context! {}, None)
                .unwrap(),
            "This story was funded by <b>."
        );
    }

    #[test]
    fn links_go_under_the_base_path() {
        let templates = Templates::compile(
            &theme(&[(
                "a.html",
                "{{ url('/style.css') }} {{ url('https://x.org/') }} {{ absolute(url('/topics/')) }}",
            )]),
            strings(),
            &config(),
        )
        .unwrap();
        assert_eq!(
            templates
                .render("a.html", minijinja::context! {}, None)
                .unwrap(),
            "/site/style.css https://x.org/ https://newsroom.github.io/site/topics/"
        );
    }

    #[test]
    fn syntax_errors_name_template_and_line() {
        let errors = Templates::compile(
            &theme(&[("a.html", "ok"), ("b.html", "\n\n{% if %}")]),
            strings(),
            &config(),
        )
        .unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].path, Path::new("themes/t/templates/b.html"));
        assert_eq!(errors[0].line, Some(3));
    }
}
