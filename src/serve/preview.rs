//! The preview's model of the site, kept in memory between edits, and how a batch of changed
//! files updates it: the fast path for stories edited in place, the theme path, and the full
//! reload for everything else. The design is explained in the module docs of `serve`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use crate::checks::{BodyChecker, Unit};
use crate::diag::{Code, Diagnostic, path_order_key};
use crate::images::ImageSizes;
use crate::index::SiteIndex;
use crate::layout::{CONFIG_FILE, CONTENT_DIR, STATIC_DIR, THEMES_DIR};
use crate::model::{Edition, Site, Story, story_order};
use crate::parallel;
use crate::pipeline::{self, LoadedTheme, ReadSite, StaticSource, Timings};
use crate::render::{BodyRenderer, MarkdownCache, SiteView};
use crate::routes::Page;
use crate::settings::Settings;
use crate::source::{self, Keep, ParsedSource, SourceFile, SourceKind};
use crate::theme::{Templates, Theme};
use crate::url::output_path;
use crate::validate;

use super::listed::Listed;

/// The site as the preview shows it, and what it knows about the files behind it.
pub struct Preview {
    /// The site folder, absolute and without symbolic links.
    pub(super) root: PathBuf,
    settings: Settings,
    sources: SourceCache,
    markdown: Arc<MarkdownCache>,
    /// The last version of the site that could be shown; None until the site first loads.
    pub(super) model: Option<Model>,
    findings: Findings,
    /// Every finding of `findings`, sorted: worked out once per update, as every page the
    /// preview serves shows them.
    listed: Arc<Listed>,
    /// Counts the changes shown so far; pages carry it to know when they are out of date.
    pub(super) version: u64,
}

/// A version of the site ready to render pages from: nothing in it is read from disk again
/// until a file changes.
pub(super) struct Model {
    pub(super) site: Site,
    /// Every content file, as `source::discover` classified it.
    known: BTreeMap<PathBuf, SourceKind>,
    /// What a build would publish (drafts only with `--drafts`): the edition the checks judge.
    published: SiteIndex,
    /// What the preview shows: that, and the stories under embargo.
    shown: SiteIndex,
    edition: Edition,
    pub(super) bodies: BodyRenderer,
    pub(super) images: Arc<ImageSizes>,
    pub(super) theme: Theme,
    pub(super) templates: Templates,
    /// Story file to its index in `site.stories`.
    positions: HashMap<PathBuf, usize>,
    /// Output path (`series/story/index.html`) to page.
    routes: HashMap<String, Page>,
    /// Output path to file, for everything that is not a page.
    pub(super) files: HashMap<String, StaticSource>,
    /// The check stage, ready to check one text again after an edit.
    checker: BodyChecker,
    /// What the check stage found, by text; and about what belongs to no text. Shared with
    /// the preview's findings, so an edit copies none of an archive's findings.
    /// Kept in the order of their files, so that listing every finding sorts runs that are
    /// already in order.
    text_findings: BTreeMap<UnitKey, Arc<[Diagnostic]>>,
    image_findings: Arc<[Diagnostic]>,
}

/// What `byline check` would report for the files as they are now, kept by where each finding
/// comes from so that an edit replaces only what it changed; and the problems only rendering
/// finds (a template that fails on a page), which `byline build` reports too.
#[derive(Debug, Default)]
struct Findings {
    /// From reading and validating each content file, by file (shared with the list of every
    /// finding, so a save copies only the files it read again).
    files: BTreeMap<PathBuf, Arc<[Diagnostic]>>,
    /// Story files that are valid stories despite errors of theirs (a draft's placeholders):
    /// they can be shown, so their errors do not hold the preview back.
    shown_anyway: BTreeSet<PathBuf>,
    /// From what concerns more than one file: site.yaml, the content tree, clashing addresses,
    /// the theme, the static files.
    site: Vec<Diagnostic>,
    /// From the check stage (links, credits, files) over the shown model, as the model keeps
    /// them (by text, shared).
    texts: Vec<Arc<[Diagnostic]>>,
    /// Pages that fail to render.
    render: Vec<Diagnostic>,
    /// The model is older than the files: an edit with errors is held back.
    held: bool,
}

impl Findings {
    /// Every finding, sorted; the lists of the files and of the texts are shared, not copied.
    fn all(&self) -> Listed {
        let copied = |found: &[Diagnostic]| Arc::<[Diagnostic]>::from(found);
        let parts = self
            .files
            .values()
            .cloned()
            .chain([copied(&self.site)])
            .chain(self.texts.iter().cloned())
            .chain([copied(&self.render)])
            .collect();
        Listed::new(parts)
    }

    /// Whether anything besides the check stage has errors: then the files cannot become a
    /// version of the preview (a story would go missing or show old fields).
    fn blocks(&self) -> bool {
        // Errors first: looking a path up compares paths, and an archive can have a warning
        // in every file.
        self.files.iter().any(|(path, found)| {
            found.iter().any(Diagnostic::is_error) && !self.shown_anyway.contains(path)
        }) || self
            .site
            .iter()
            .chain(&self.render)
            .any(Diagnostic::is_error)
    }
}

/// What one update did, for the terminal.
#[derive(Debug)]
pub struct Update {
    /// What was looked at again: "1 story", "the theme", "the whole site".
    pub scope: String,
    pub elapsed: Duration,
    /// Every finding the site has now, errors and warnings (the page overlay lists them).
    pub findings: Arc<Listed>,
    /// Findings this update brought that were not there before, for the terminal.
    pub new_findings: Vec<Diagnostic>,
    /// The site could not be read at all (no site.yaml or content/).
    pub unreadable: bool,
    /// More than the pages' HTML may have changed (theme, static or page-bundle files,
    /// site.yaml): open pages must reload, not just swap in their new HTML.
    pub full_reload: bool,
}

impl Update {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.findings.iter().filter(|d| d.is_error())
    }
}

impl Preview {
    /// Loads the site of `settings.root` (absolute) for the first time.
    pub fn load(settings: Settings) -> (Preview, Update) {
        let mut preview = Preview {
            root: settings.root.clone(),
            settings,
            sources: SourceCache::default(),
            markdown: Arc::new(MarkdownCache::default()),
            model: None,
            findings: Findings::default(),
            listed: Arc::default(),
            version: 0,
        };
        let started = Instant::now();
        let unreadable = preview.reload();
        preview.listed = Arc::new(preview.findings.all());
        let update = preview.update("the whole site", started, Vec::new(), unreadable, true);
        (preview, update)
    }

    /// Brings the preview up to date with `changed` (paths relative to the site folder).
    /// Returns None when nothing the preview shows changed (e.g. a file saved again as it was).
    pub fn apply(&mut self, changed: &[PathBuf]) -> Option<Update> {
        let started = Instant::now();
        let plan = self.plan(changed);
        if plan.is_empty() {
            return None;
        }
        self.sources.forget(changed);
        let before = self.findings();
        let mut scope = String::new();
        let mut shown_changed = true;
        let mut unreadable = false;
        if plan.full {
            scope.push_str("the whole site");
            unreadable = self.reload();
        } else {
            shown_changed = plan.statics || plan.reload_only;
            if plan.theme {
                scope.push_str("the theme");
                shown_changed |= self.update_theme();
            }
            let mut reloaded = false;
            if !plan.stories.is_empty() {
                match self.update_stories(&plan.stories) {
                    Some(edited) => {
                        let count = plan.stories.len();
                        add_scope(
                            &mut scope,
                            &format!("{count} stor{}", if count == 1 { "y" } else { "ies" }),
                        );
                        shown_changed |= edited;
                    }
                    None => {
                        scope = "the whole site".to_string();
                        shown_changed = true;
                        reloaded = true;
                        unreadable = self.reload();
                    }
                }
            }
            if plan.statics && !reloaded {
                add_scope(&mut scope, "static files");
                self.update_files();
                self.check_texts();
            }
            if plan.reload_only && scope.is_empty() {
                scope.push_str("page-bundle files");
            }
        }
        self.listed = Arc::new(self.findings.all());
        let after = self.findings();
        if !shown_changed && after == before {
            return None;
        }
        self.version += 1;
        let new_findings = after.new_since(&before);
        let full_reload = plan.config || plan.theme || plan.statics || plan.reload_only;
        Some(self.update(&scope, started, new_findings, unreadable, full_reload))
    }

    fn update(
        &self,
        scope: &str,
        started: Instant,
        new_findings: Vec<Diagnostic>,
        unreadable: bool,
        full_reload: bool,
    ) -> Update {
        let findings = self.findings();
        let new_findings = if scope == "the whole site" && self.version == 0 {
            findings.to_vec()
        } else {
            new_findings
        };
        Update {
            scope: scope.to_string(),
            elapsed: started.elapsed(),
            findings,
            new_findings,
            unreadable,
            full_reload,
        }
    }

    /// Every finding the site has now, errors and warnings, sorted by file and line: what
    /// `byline check` reports for the same files, and any page that fails to render.
    pub fn findings(&self) -> Arc<Listed> {
        Arc::clone(&self.listed)
    }

    /// The path the site is served under: its `base_url`'s path, as the model has it.
    pub fn base_path(&self) -> String {
        self.model
            .as_ref()
            .map(|model| model.site.config.base_path().to_string())
            .unwrap_or_default()
    }

    /// How the site is read.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Whether the pages show an older version than the files (an edit with errors is held
    /// back).
    pub fn is_held(&self) -> bool {
        self.findings.held
    }

    /// The site's title and how many stories and pages it has, once it has loaded.
    pub fn summary(&self) -> Option<(&str, usize, usize)> {
        let model = self.model.as_ref()?;
        Some((
            &model.site.config.title,
            model.shown.stories.len(),
            model.routes.len(),
        ))
    }

    /// Sorts the changed paths into what needs doing.
    fn plan(&self, changed: &[PathBuf]) -> Plan {
        let mut plan = Plan::default();
        for path in changed {
            let mut components = path.components();
            let Some(Component::Normal(first)) = components.next() else {
                continue;
            };
            let rest = components.as_path();
            match first.to_str() {
                Some(CONFIG_FILE) if rest.as_os_str().is_empty() => {
                    plan.full = true;
                    plan.config = true;
                }
                Some(CONTENT_DIR) => self.plan_content(path, &mut plan),
                Some(STATIC_DIR) => plan.statics = true,
                Some(THEMES_DIR) => {
                    let theme = self
                        .model
                        .as_ref()
                        .map(|model| model.site.config.theme.as_str());
                    let ours = match rest.components().next() {
                        Some(Component::Normal(name)) => Some(name.to_str()) == Some(theme),
                        _ => true,
                    };
                    if ours || theme.is_none() {
                        plan.theme = true;
                    }
                }
                _ => {}
            }
        }
        // While the files have errors beyond the texts, they may involve any file: load
        // everything.
        if !plan.is_empty() && (self.model.is_none() || self.findings.blocks()) {
            plan.full = true;
        }
        plan
    }

    fn plan_content(&self, path: &Path, plan: &mut Plan) {
        // source::discover skips hidden files and folders.
        if path
            .iter()
            .any(|part| part.to_string_lossy().starts_with('.'))
        {
            return;
        }
        let Some(model) = &self.model else {
            plan.full = true;
            return;
        };
        let is_file =
            std::fs::symlink_metadata(self.root.join(path)).map(|meta| meta.file_type().is_file());
        match (model.known.get(path), is_file) {
            (Some(SourceKind::Story { .. }), Ok(true)) => {
                plan.stories.insert(path.to_path_buf());
            }
            (Some(SourceKind::BundleAsset { .. }), Ok(true)) => plan.reload_only = true,
            // A series changes its stories (funders); anything else changes which files exist.
            (Some(_), _) => plan.full = true,
            (None, Ok(_)) => plan.full = true,
            (None, Err(_)) => {
                // Gone and never a file of the site: a folder that held some, or a stray file.
                let under = model
                    .known
                    .range(path.to_path_buf()..)
                    .next()
                    .is_some_and(|(known, _)| known.starts_with(path));
                if under {
                    plan.full = true;
                }
            }
        }
    }

    /// The full path: runs the pipeline over the whole site through the caches, and makes it
    /// the new version when nothing blocks it. Returns whether the site could not be read.
    fn reload(&mut self) -> bool {
        let settings = self.settings.clone();
        let root = self.root.clone();
        let sources = &self.sources;
        let mut timings = Timings::start();
        let read =
            pipeline::read_and_validate(&settings, &|file| sources.read(&root, file), &mut timings);
        let ReadSite {
            site,
            sources: files,
            diagnostics: found,
            ..
        } = match read {
            Ok(read) => read,
            Err(failure) => {
                self.findings = Findings {
                    site: failure.diagnostics,
                    held: self.model.is_some(),
                    ..Findings::default()
                };
                return failure.unreadable;
            }
        };
        self.sources.retain(&files);
        let mut findings = Findings {
            shown_anyway: site
                .stories
                .iter()
                .map(|story| story.source.clone())
                .collect(),
            ..Findings::default()
        };
        let mut by_file: BTreeMap<PathBuf, Vec<Diagnostic>> = BTreeMap::new();
        for finding in found {
            by_file
                .entry(finding.path.clone())
                .or_default()
                .push(finding);
        }
        findings.files = by_file
            .into_iter()
            .map(|(path, found)| (path, found.into()))
            .collect();
        let (theme, theme_problems) = pipeline::load_theme(&root, &site.config);
        findings.site.extend(theme_problems);
        let Some(theme) = theme else {
            findings.held = self.model.is_some();
            self.findings = findings;
            return false;
        };
        let (model, static_problems) = Model::new(
            &root,
            &settings,
            site,
            files,
            theme,
            Arc::clone(&self.markdown),
        );
        findings.site.extend(static_problems);
        findings.texts = model.text_findings();
        let pages = pages_to_check(self.model.as_ref(), &model);
        findings.render = pipeline::check_pages(&model.view(), &model.templates, &pages);
        if findings.blocks() {
            findings.held = self.model.is_some();
        } else {
            let known = &model.known;
            self.markdown.retain(|source| known.contains_key(source));
            self.model = Some(model);
        }
        self.findings = findings;
        false
    }

    /// The check stage again, over the whole model as it is now.
    fn check_texts(&mut self) {
        if let Some(model) = self.model.as_mut() {
            model.check_all(&self.settings);
            self.findings.texts = model.text_findings();
        }
    }

    /// The check stage again for the texts of `stories` (files), which were edited in place:
    /// their pages, anchors and everything else the checker knows of the site are the same.
    fn check_stories_again(&mut self, stories: &[PathBuf]) {
        if let Some(model) = self.model.as_mut() {
            let units: Vec<Unit> = stories
                .iter()
                .filter_map(|path| model.positions.get(path).map(|&index| Unit::Story(index)))
                .collect();
            model.check_again(&units);
            self.findings.texts = model.text_findings();
        }
    }

    /// The theme path: compiles the theme again and checks every page with it before using it.
    /// Returns whether the pages now look different.
    fn update_theme(&mut self) -> bool {
        let Some(model) = self.model.as_mut() else {
            return false;
        };
        let theme_problems = |findings: &mut Findings, problems: Vec<Diagnostic>| {
            findings
                .site
                .retain(|d| d.code != Code::Theme && d.code != Code::Template);
            findings.site.extend(problems);
        };
        let theme = match Theme::load(&self.root, &model.site.config.theme) {
            Ok(theme) => theme,
            Err(diagnostic) => {
                theme_problems(&mut self.findings, vec![diagnostic]);
                return false;
            }
        };
        if files_equal(&model.theme, &theme) {
            theme_problems(&mut self.findings, Vec::new());
            return false;
        }
        let (templates, warnings) = match pipeline::compile(&theme, &model.site.config) {
            Ok(compiled) => compiled,
            Err(mut found) => {
                Diagnostic::sort(&mut found);
                theme_problems(&mut self.findings, found);
                return false;
            }
        };
        if templates_differ(&model.theme, &theme) {
            let bodies = model.body_renderer(&templates, Arc::clone(&self.markdown));
            let view = SiteView::new(&model.site, &model.shown, &bodies);
            let found = pipeline::check_pages(&view, &templates, &view.pages());
            if !found.is_empty() {
                theme_problems(&mut self.findings, found);
                return false;
            }
        }
        model.bodies = model.body_renderer(&templates, Arc::clone(&self.markdown));
        model.theme = theme;
        model.templates = templates;
        theme_problems(&mut self.findings, warnings);
        self.findings.render.clear();
        self.update_files();
        self.check_texts();
        true
    }

    /// Lists the files of static/, the theme and page bundles again.
    fn update_files(&mut self) {
        let Some(model) = self.model.as_mut() else {
            return;
        };
        let (files, mut errors) = pipeline::static_files(
            &self.root,
            &model.site,
            &model.edition,
            &model.theme,
            &model.images,
        );
        errors.extend(pipeline::files_at_pages(
            &self.root,
            &model.site,
            &model.published,
            &model.theme,
            &files,
        ));
        model.files = files.into_iter().collect();
        // Only a full load can tell when these are gone.
        self.findings.site.extend(errors);
    }

    /// The fast path, for stories the site already has, edited in place: reads only those
    /// files, validates them against the site's configuration and series as the pipeline does,
    /// swaps them into the model and runs the check stage again. Returns None when the edit
    /// reaches beyond the stories themselves (a story appears, disappears, moves to another URL
    /// or has errors of its own) and needs the full path; else whether any story changed.
    fn update_stories(&mut self, paths: &BTreeSet<PathBuf>) -> Option<bool> {
        let model = self.model.as_mut()?;
        let mut found: BTreeMap<PathBuf, Vec<Diagnostic>> = paths
            .iter()
            .map(|path| (path.clone(), Vec::new()))
            .collect();
        let mut parsed = self.sources.series();
        for path in paths {
            let kind = model.known.get(path)?.clone();
            let file = SourceFile {
                path: path.clone(),
                kind,
            };
            let (story, diagnostics) = self.sources.read(&self.root, &file);
            for finding in diagnostics {
                found.entry(finding.path.clone()).or_default().push(finding);
            }
            parsed.push(story);
        }
        let (checked, diagnostics) = validate::assemble(model.site.config.clone(), parsed);
        for finding in diagnostics {
            if finding.is_error() && !paths.contains(&finding.path) {
                return None;
            }
            if paths.contains(&finding.path) {
                found.entry(finding.path.clone()).or_default().push(finding);
            }
        }
        // Errors of its own that keep it from being a story change what the site is: the full
        // path works out which version to show and what every check says about it. (A draft's
        // placeholders leave it a story.)
        let valid: BTreeSet<&Path> = checked.stories.iter().map(|s| s.source.as_path()).collect();
        if found.iter().any(|(path, found)| {
            !valid.contains(path.as_path()) && found.iter().any(Diagnostic::is_error)
        }) {
            return None;
        }

        let mut checked: HashMap<PathBuf, Story> = checked
            .stories
            .into_iter()
            .map(|story| (story.source.clone(), story))
            .collect();
        let mut edits = Vec::new();
        for path in paths {
            match (model.story(path), checked.remove(path)) {
                (Some(old), Some(new))
                    if old.url == new.url
                        && model.edition.includes(old) == model.edition.includes(&new)
                        && self.settings.edition().includes(old)
                            == self.settings.edition().includes(&new) =>
                {
                    if *old != new {
                        edits.push(new);
                    }
                }
                (None, None) => {}
                // It appears, disappears, moves or changes edition: listings and links all
                // over the site change.
                _ => return None,
            }
        }

        let edited: Vec<PathBuf> = edits.iter().map(|story| story.source.clone()).collect();
        // A changed heading may make or break a link's #anchor anywhere in the site.
        let mut site_wide = edits.iter().any(|new| {
            model
                .story(&new.source)
                .is_none_or(|old| old.body.scan.headings != new.body.scan.headings)
        });
        if !edits.is_empty() {
            let (previous, listings_changed) = model.put_stories(edits, &self.settings);
            site_wide |= listings_changed;
            let pages: Vec<Page> = edited
                .iter()
                .filter_map(|path| model.story_page(path))
                .collect();
            let problems = pipeline::check_pages(&model.view(), &model.templates, &pages);
            if !problems.is_empty() {
                // The templates cannot show the new version: keep showing the last good one.
                let (_, changed_back) = model.put_stories(previous, &self.settings);
                site_wide |= changed_back;
                self.findings.render = problems;
                self.findings.held = true;
            } else {
                self.findings.render.clear();
                self.findings.held = false;
            }
        }
        for (path, findings) in found {
            if findings.is_empty() {
                self.findings.files.remove(&path);
            } else {
                self.findings.files.insert(path, findings.into());
            }
        }
        if site_wide {
            self.check_texts();
        } else {
            self.check_stories_again(&edited);
        }
        Some(!edited.is_empty())
    }
}

fn add_scope(scope: &mut String, more: &str) {
    if !scope.is_empty() {
        scope.push_str(" and ");
    }
    scope.push_str(more);
}

/// What a batch of changes calls for.
#[derive(Debug, Default)]
struct Plan {
    full: bool,
    /// site.yaml changed.
    config: bool,
    theme: bool,
    statics: bool,
    /// Page-bundle files changed: nothing to update, but pages showing them should reload.
    reload_only: bool,
    stories: BTreeSet<PathBuf>,
}

impl Plan {
    fn is_empty(&self) -> bool {
        !self.full && !self.theme && !self.statics && !self.reload_only && self.stories.is_empty()
    }
}

/// The pages a new version of the site must render without errors before it is shown: all of
/// them when the theme or the configuration changed (or there was no version before), else the
/// pages of the stories that changed.
fn pages_to_check(old: Option<&Model>, new: &Model) -> Vec<Page> {
    let all = || new.routes.values().copied().collect::<Vec<_>>();
    let Some(old) = old else {
        return all();
    };
    if templates_differ(&old.theme, &new.theme) || old.site.config != new.site.config {
        return all();
    }
    let before: HashMap<&Path, &Story> = old
        .site
        .stories
        .iter()
        .map(|story| (story.source.as_path(), story))
        .collect();
    new.shown
        .stories
        .iter()
        .filter(|&&index| {
            let story = &new.site.stories[index];
            before.get(story.source.as_path()) != Some(&story)
        })
        .map(|&index| Page::Story(index))
        .collect()
}

fn files_equal(old: &Theme, new: &Theme) -> bool {
    old.files
        .iter()
        .map(|(path, file)| (path, &file.contents))
        .eq(new.files.iter().map(|(path, file)| (path, &file.contents)))
}

fn templates_differ(old: &Theme, new: &Theme) -> bool {
    !old.files
        .iter()
        .filter(|(path, _)| !path.starts_with("static/"))
        .map(|(path, file)| (path, &file.contents))
        .eq(new
            .files
            .iter()
            .filter(|(path, _)| !path.starts_with("static/"))
            .map(|(path, file)| (path, &file.contents)))
}

impl Model {
    fn new(
        root: &Path,
        settings: &Settings,
        site: Site,
        known: Vec<SourceFile>,
        theme: LoadedTheme,
        markdown: Arc<MarkdownCache>,
    ) -> (Model, Vec<Diagnostic>) {
        let images = Arc::new(ImageSizes::new(root, &site));
        let edition = preview_edition(settings);
        let (statics, mut errors) =
            pipeline::static_files(root, &site, &edition, &theme.theme, &images);
        let published = SiteIndex::new(&site, &settings.edition());
        errors.extend(pipeline::files_at_pages(
            root,
            &site,
            &published,
            &theme.theme,
            &statics,
        ));
        let files: HashMap<String, StaticSource> = statics.into_iter().collect();
        let bodies = BodyRenderer::new(
            &site,
            &edition,
            Arc::clone(&images),
            &theme.templates,
            Some(markdown),
        );
        let checker = checker(&site, &published, &files, &theme.templates, settings);
        let mut model = Model {
            shown: SiteIndex::new(&site, &edition),
            published,
            edition,
            bodies,
            images,
            known: known
                .into_iter()
                .map(|file| (file.path, file.kind))
                .collect(),
            site,
            theme: theme.theme,
            templates: theme.templates,
            positions: HashMap::new(),
            routes: HashMap::new(),
            files,
            checker,
            text_findings: BTreeMap::new(),
            image_findings: Arc::new([]),
        };
        model.positions = model.position_map();
        model.routes = model.route_map();
        let units = model.checker.units().to_vec();
        model.check_again(&units);
        (model, errors)
    }

    fn body_renderer(&self, templates: &Templates, markdown: Arc<MarkdownCache>) -> BodyRenderer {
        BodyRenderer::new(
            &self.site,
            &self.edition,
            Arc::clone(&self.images),
            templates,
            Some(markdown),
        )
    }

    /// The check stage over this whole version, as a build would judge it.
    fn check_all(&mut self, settings: &Settings) {
        self.checker = checker(
            &self.site,
            &self.published,
            &self.files,
            &self.templates,
            settings,
        );
        let units = self.checker.units().to_vec();
        self.text_findings.clear();
        self.check_again(&units);
    }

    /// The check stage again for `units`, and for the header images.
    fn check_again(&mut self, units: &[Unit]) {
        let (checker, site, images) = (&self.checker, &self.site, &*self.images);
        let found = parallel::map(units, |&unit| {
            let mut findings = checker.check(site, images, unit);
            Diagnostic::sort(&mut findings);
            (unit_key(site, unit), findings)
        });
        for (key, findings) in found {
            if findings.is_empty() {
                self.text_findings.remove(&key);
            } else {
                self.text_findings.insert(key, findings.into());
            }
        }
        let mut site_wide = checker.check_site(site, &self.images);
        site_wide.extend(self.published.name_clashes(&self.site));
        site_wide.extend(self.published.withheld_series(&self.site));
        self.image_findings = site_wide.into();
    }

    /// Everything the check stage found in this version.
    fn text_findings(&self) -> Vec<Arc<[Diagnostic]>> {
        self.text_findings
            .values()
            .chain([&self.image_findings])
            .cloned()
            .collect()
    }

    /// A view to render pages from.
    pub(super) fn view(&self) -> SiteView<'_> {
        SiteView::new(&self.site, &self.shown, &self.bodies)
    }

    /// The page at `output` (`series/story/index.html`), if there is one.
    pub(super) fn page_at(&self, output: &str) -> Option<Page> {
        self.routes.get(output).copied()
    }

    fn story_page(&self, source: &Path) -> Option<Page> {
        self.positions.get(source).copied().map(Page::Story)
    }

    /// The story of the file `source`, when the site has it.
    fn story(&self, source: &Path) -> Option<&Story> {
        self.positions
            .get(source)
            .map(|&index| &self.site.stories[index])
    }

    fn position_map(&self) -> HashMap<PathBuf, usize> {
        self.site
            .stories
            .iter()
            .enumerate()
            .map(|(index, story)| (story.source.clone(), index))
            .collect()
    }

    fn route_map(&self) -> HashMap<String, Page> {
        let view = self.view();
        let routes = view.routes();
        routes
            .pages()
            .into_iter()
            .map(|page| (output_path(&routes.url(page)), page))
            .collect()
    }

    /// Puts each story in place of the story from the same file, in the site's order, and
    /// returns the stories it replaced, and whether the listings changed. The listings are
    /// worked out again only when the order or what they depend on changed.
    fn put_stories(&mut self, stories: Vec<Story>, settings: &Settings) -> (Vec<Story>, bool) {
        let mut previous = Vec::with_capacity(stories.len());
        let mut listings_changed = false;
        let mut replaced = Vec::with_capacity(stories.len());
        for story in stories {
            if let Some(&index) = self.positions.get(&story.source) {
                let old = std::mem::replace(&mut self.site.stories[index], story);
                listings_changed |= !same_listings(&old, &self.site.stories[index]);
                previous.push(old);
                replaced.push(index);
            }
        }
        // The rest was in order before, so the order holds if each new story fits between
        // its neighbours.
        let stories = &self.site.stories;
        let in_order =
            |a: usize, b: usize| story_order(&stories[a], &stories[b]) != Ordering::Greater;
        let sorted = replaced.iter().all(|&index| {
            (index == 0 || in_order(index - 1, index))
                && (index + 1 == stories.len() || in_order(index, index + 1))
        });
        if !sorted {
            self.reorder();
            listings_changed = true;
        }
        if listings_changed {
            self.published = SiteIndex::new(&self.site, &settings.edition());
            self.shown = SiteIndex::new(&self.site, &self.edition);
            self.routes = self.route_map();
        }
        (previous, listings_changed)
    }

    /// Sorts the stories again, keeping every index into them (bundle files, positions) true.
    fn reorder(&mut self) {
        let mut order: Vec<usize> = (0..self.site.stories.len()).collect();
        order.sort_by(|&a, &b| story_order(&self.site.stories[a], &self.site.stories[b]));
        let mut new_index = vec![0; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut stories: Vec<Option<Story>> = std::mem::take(&mut self.site.stories)
            .into_iter()
            .map(Some)
            .collect();
        self.site.stories = order.iter().filter_map(|&i| stories[i].take()).collect();
        for asset in &mut self.site.assets {
            asset.story = new_index[asset.story];
        }
        self.positions = self.position_map();
    }
}

/// A text of the site, by the order of its file among the findings, then itself.
type UnitKey = (Vec<u8>, Unit);

fn unit_key(site: &Site, unit: Unit) -> UnitKey {
    let source = match unit {
        Unit::Story(i) => &site.stories[i].source,
        Unit::Series(i) => &site.series[i].source,
        Unit::Rejected(i) => &site.rejected[i].source,
    };
    (path_order_key(source), unit)
}

/// The check stage for `site`, judging what a build would publish: the pages `published` lists
/// and the files of `files` a build would publish with them.
fn checker(
    site: &Site,
    published: &SiteIndex,
    files: &HashMap<String, StaticSource>,
    templates: &Templates,
    settings: &Settings,
) -> BodyChecker {
    let edition = settings.edition();
    BodyChecker::new(
        site,
        &edition,
        published,
        files
            .iter()
            .filter(|(_, source)| source.in_edition(site, &edition))
            .map(|(path, _)| path.as_str()),
        Arc::clone(templates.element_ids()),
    )
}

/// What the preview shows: what a build would publish, and the stories under embargo.
fn preview_edition(settings: &Settings) -> Edition {
    Edition {
        embargoed: true,
        ..settings.edition()
    }
}

/// Whether two versions of a story are in the same listings, given the same place in the
/// site's order: a [`SiteIndex`] depends on nothing else of a story.
fn same_listings(a: &Story, b: &Story) -> bool {
    a.url == b.url
        && a.series == b.series
        && a.topics == b.topics
        && a.reporters == b.reporters
        && a.editors == b.editors
        && a.credits == b.credits
        && a.aliases == b.aliases
        && a.withdrawn.is_some() == b.withdrawn.is_some()
}

/// The content files as last read from disk, parsed, whether or not they are valid. A file is
/// read again only after a change to it was seen.
#[derive(Default)]
struct SourceCache {
    entries: RwLock<BTreeMap<PathBuf, CachedSource>>,
}

struct CachedSource {
    kind: SourceKind,
    parsed: ParsedSource,
    diagnostics: Vec<Diagnostic>,
}

impl SourceCache {
    /// `source::read`, from the cache when the file has not changed.
    fn read(&self, root: &Path, file: &SourceFile) -> (ParsedSource, Vec<Diagnostic>) {
        if let Some(cached) = self.entries_read().get(&file.path)
            && cached.kind == file.kind
        {
            return (cached.parsed.clone(), cached.diagnostics.clone());
        }
        let (parsed, diagnostics) = source::read(root, file, Keep::Text);
        self.entries_write().insert(
            file.path.clone(),
            CachedSource {
                kind: file.kind.clone(),
                parsed: parsed.clone(),
                diagnostics: diagnostics.clone(),
            },
        );
        (parsed, diagnostics)
    }

    /// Forgets the files at `paths`, and every file below those that are folders.
    fn forget(&self, paths: &[PathBuf]) {
        let mut entries = self.entries_write();
        for path in paths {
            if entries.remove(path).is_some() {
                continue;
            }
            let below: Vec<PathBuf> = entries
                .range(path.clone()..)
                .map(|(file, _)| file)
                .take_while(|file| file.starts_with(path))
                .cloned()
                .collect();
            for file in below {
                entries.remove(&file);
            }
        }
    }

    /// Keeps only the files the site has.
    fn retain(&self, files: &[SourceFile]) {
        let known: BTreeSet<&Path> = files.iter().map(|file| file.path.as_path()).collect();
        self.entries_write()
            .retain(|path, _| known.contains(path.as_path()));
    }

    /// Every series as last read.
    fn series(&self) -> Vec<ParsedSource> {
        self.entries_read()
            .values()
            .filter(|cached| matches!(cached.parsed, ParsedSource::Series(_)))
            .map(|cached| cached.parsed.clone())
            .collect()
    }

    fn entries_read(&self) -> RwLockReadGuard<'_, BTreeMap<PathBuf, CachedSource>> {
        self.entries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn entries_write(&self) -> RwLockWriteGuard<'_, BTreeMap<PathBuf, CachedSource>> {
        self.entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
