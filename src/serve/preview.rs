//! The preview's model of the site, kept in memory between edits, and how a batch of changed
//! files updates it: the fast path for stories edited in place, the theme path, and the full
//! reload for everything else. The design is explained in the module docs of `serve`.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use crate::build::{self, SiteOptions, StaticSource};
use crate::content::{self, ParsedSource, Site, SourceFile, SourceKind, Story};
use crate::diagnostic::{Diagnostic, codes};
use crate::images::ImageSizes;
use crate::markdown::RenderedMarkdown;
use crate::render::{BodyPage, LinkMap, MarkdownCache, Page, SiteIndex, SiteView, output_path};
use crate::templates::Templates;
use crate::theme::{THEMES_DIR, Theme};

/// The site as the preview shows it, and what it knows about the files behind it.
pub struct Preview {
    /// The site folder, absolute and without symbolic links.
    pub(super) root: PathBuf,
    options: SiteOptions,
    sources: SourceCache,
    markdown: MarkdownCache,
    /// The last version of the site without errors; None until the site first loads cleanly.
    pub(super) model: Option<Model>,
    problems: Problems,
    /// Counts the changes shown so far; pages carry it to know when they are out of date.
    pub(super) version: u64,
}

/// A version of the site ready to render pages from: nothing in it is read from disk again
/// until a file changes.
pub(super) struct Model {
    pub(super) site: Site,
    /// Every content file, as `content::discover` classified it.
    known: BTreeMap<PathBuf, SourceKind>,
    bodies: Vec<Arc<RenderedMarkdown>>,
    descriptions: Vec<Arc<RenderedMarkdown>>,
    index: SiteIndex,
    links: LinkMap,
    /// Pixel sizes of the site's images (read on first use), for `width`/`height` attributes.
    images: ImageSizes,
    pub(super) theme: Theme,
    pub(super) templates: Templates,
    /// Story file to its index in `site.stories`.
    positions: HashMap<PathBuf, usize>,
    /// Output path (`series/story/index.html`) to page.
    routes: HashMap<String, Page>,
    /// Output path to file, for everything that is not a page.
    pub(super) files: HashMap<String, StaticSource>,
}

/// What one update did, for the terminal.
#[derive(Debug)]
pub struct Update {
    /// What was looked at again: "1 story", "the theme", "the whole site".
    pub scope: String,
    pub elapsed: Duration,
    /// Every error the site has now (shown on every page).
    pub errors: Vec<Diagnostic>,
    /// Warnings found by this update.
    pub warnings: Vec<Diagnostic>,
    /// The site could not be read at all (no site.yaml or content/).
    pub unreadable: bool,
    /// More than the pages' HTML may have changed (theme, static or page-bundle files,
    /// site.yaml): open pages must reload, not just swap in their new HTML.
    pub full_reload: bool,
}

impl Preview {
    /// Loads the site at `root` (absolute) for the first time.
    pub fn load(root: PathBuf, options: SiteOptions) -> (Preview, Update) {
        let mut preview = Preview {
            root,
            options,
            sources: SourceCache::default(),
            markdown: MarkdownCache::default(),
            model: None,
            problems: Problems::default(),
            version: 0,
        };
        let started = Instant::now();
        let reloaded = preview.reload();
        let update = preview.update("the whole site", started, reloaded, true);
        (preview, update)
    }

    /// Brings the preview up to date with `changed` (paths relative to the site folder).
    /// Returns None when nothing the preview shows changed (e.g. a file saved again as it was).
    pub fn apply(&mut self, changed: &[PathBuf]) -> Option<Update> {
        let started = Instant::now();
        let mut plan = self.plan(changed);
        if plan.is_empty() {
            return None;
        }
        self.sources.forget(changed);
        let errors_before = self.errors();
        let mut scope = String::new();
        let mut shown_changed = true;
        let reloaded = if plan.full {
            scope.push_str("the whole site");
            self.reload()
        } else {
            shown_changed = plan.statics || plan.reload_only;
            let mut warnings = Vec::new();
            if plan.theme {
                scope.push_str("the theme");
                shown_changed |= self.update_theme();
            }
            if plan.theme || !plan.stories.is_empty() {
                // Edits held back by an error are tried again: the fix may be elsewhere.
                plan.stories.extend(self.problems.files.keys().cloned());
            }
            let mut reloaded = None;
            if !plan.stories.is_empty() {
                match self.update_stories(&plan.stories) {
                    Some((found, edited)) => {
                        let count = plan.stories.len();
                        add_scope(
                            &mut scope,
                            &format!("{count} stor{}", if count == 1 { "y" } else { "ies" }),
                        );
                        warnings = found;
                        shown_changed |= edited;
                    }
                    None => {
                        scope = "the whole site".to_string();
                        shown_changed = true;
                        reloaded = Some(self.reload());
                    }
                }
            }
            if plan.statics && reloaded.is_none() {
                add_scope(&mut scope, "static files");
                self.update_files();
            }
            if plan.reload_only && scope.is_empty() {
                scope.push_str("page-bundle files");
            }
            reloaded.unwrap_or(Reloaded {
                warnings,
                unreadable: false,
            })
        };
        if !shown_changed && self.errors() == errors_before {
            return None;
        }
        self.version += 1;
        let full_reload = plan.config || plan.theme || plan.statics || plan.reload_only;
        Some(self.update(&scope, started, reloaded, full_reload))
    }

    fn update(
        &self,
        scope: &str,
        started: Instant,
        reloaded: Reloaded,
        full_reload: bool,
    ) -> Update {
        Update {
            scope: scope.to_string(),
            elapsed: started.elapsed(),
            errors: self.errors(),
            warnings: reloaded.warnings,
            unreadable: reloaded.unreadable,
            full_reload,
        }
    }

    /// Every error the site has now, sorted by file and line.
    pub fn errors(&self) -> Vec<Diagnostic> {
        self.problems.all()
    }

    /// The site's title and how many stories and pages it has, once it has loaded cleanly.
    pub fn summary(&self) -> Option<(&str, usize, usize)> {
        let model = self.model.as_ref()?;
        Some((
            &model.site.config.title,
            model.site.stories.len(),
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
                Some("site.yaml") if rest.as_os_str().is_empty() => {
                    plan.full = true;
                    plan.config = true;
                }
                Some(content::CONTENT_DIR) => self.plan_content(path, &mut plan),
                Some(build::STATIC_DIR) => plan.statics = true,
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
        // Without a clean last load, the errors may involve any file: load everything.
        if !plan.is_empty() && (self.model.is_none() || !self.problems.site.is_empty()) {
            plan.full = true;
        }
        plan
    }

    fn plan_content(&self, path: &Path, plan: &mut Plan) {
        // content::discover skips hidden files and folders.
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

    /// The full path: reads the whole site through the caches and replaces the model when the
    /// new version has no errors.
    fn reload(&mut self) -> Reloaded {
        let root = self.root.clone();
        let sources = &self.sources;
        let loaded = build::load_with(&root, &self.options, &|_, source| {
            sources.read(&root, source)
        });
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(failure) => {
                let (errors, warnings) =
                    failure.diagnostics.into_iter().partition(|d| d.is_error());
                self.problems = Problems {
                    site: errors,
                    ..Problems::default()
                };
                return Reloaded {
                    warnings,
                    unreadable: failure.unreadable,
                };
            }
        };
        let warnings = loaded.warnings.clone();
        let (model, mut errors) = Model::new(&root, loaded, &self.markdown);
        self.sources.retain(&model.known);
        let pages = pages_to_check(self.model.as_ref(), &model);
        errors.extend(build::check_pages(&model.view(), &model.templates, &pages));
        if errors.is_empty() {
            self.model = Some(model);
            self.problems = Problems::default();
        } else {
            Diagnostic::sort(&mut errors);
            self.problems = Problems {
                site: errors,
                ..Problems::default()
            };
        }
        Reloaded {
            warnings,
            unreadable: false,
        }
    }

    /// The theme path: compiles the theme again and checks every page with it before using it.
    /// Returns whether the pages now look different.
    fn update_theme(&mut self) -> bool {
        let Some(model) = self.model.as_mut() else {
            return false;
        };
        let theme = match Theme::load(&self.root, &model.site.config.theme) {
            Ok(theme) => theme,
            Err(diagnostic) => {
                self.problems.theme = vec![diagnostic];
                return false;
            }
        };
        if files_equal(&model.theme, &theme) {
            self.problems.theme.clear();
            return false;
        }
        let templates = match Templates::compile(&theme) {
            Ok(templates) => templates,
            Err(mut found) => {
                Diagnostic::sort(&mut found);
                self.problems.theme = found;
                return false;
            }
        };
        if templates_differ(&model.theme, &theme) {
            let view = model.view();
            let found = build::check_pages(&view, &templates, &view.pages());
            if !found.is_empty() {
                self.problems.theme = found;
                return false;
            }
        }
        model.theme = theme;
        model.templates = templates;
        self.problems.theme.clear();
        self.update_files();
        true
    }

    /// Lists the files of static/, the theme and page bundles again.
    fn update_files(&mut self) {
        let Some(model) = self.model.as_mut() else {
            return;
        };
        let (files, errors) = build::static_files(&self.root, &model.site, &model.theme);
        model.files = files.into_iter().collect();
        // Only a full load can tell when these are gone.
        self.problems.site.extend(errors);
    }

    /// The fast path, for stories the site already has, edited in place: reads only those
    /// files, validates them against the site's configuration and series with the same
    /// `content::assemble` as `build`, and swaps them into the model. Returns the warnings found,
    /// or None when the edit reaches beyond the stories themselves (a story appears, disappears
    /// or moves to another URL) and needs the full path. Also says whether any story changed.
    fn update_stories(&mut self, paths: &BTreeSet<PathBuf>) -> Option<(Vec<Diagnostic>, bool)> {
        if !self.problems.site.is_empty() {
            return None;
        }
        let model = self.model.as_mut()?;
        let mut found = Vec::new();
        let mut parsed = self.sources.series();
        for path in paths {
            let kind = model.known.get(path)?.clone();
            let source = SourceFile {
                path: path.clone(),
                kind,
            };
            let (story, diagnostics) = self.sources.read(&self.root, &source);
            found.extend(diagnostics);
            parsed.push(story);
        }
        let (checked, diagnostics) = content::assemble(
            model.site.config.clone(),
            parsed,
            self.options.content_options(),
        );
        found.extend(
            diagnostics
                .into_iter()
                .filter(|d| d.is_error() || paths.contains(&d.path)),
        );
        let beyond = found.iter().any(|d| {
            d.is_error() && (!paths.contains(&d.path) || d.code == codes::STRUCTURE_DUPLICATE_URL)
        });
        if beyond {
            return None;
        }

        let mut checked: HashMap<PathBuf, Story> = checked
            .stories
            .into_iter()
            .map(|story| (story.source.clone(), story))
            .collect();
        let mut held = BTreeMap::new();
        let mut edits = Vec::new();
        for path in paths {
            let errors: Vec<Diagnostic> = found
                .iter()
                .filter(|d| d.is_error() && d.path == *path)
                .cloned()
                .collect();
            if !errors.is_empty() {
                held.insert(path.clone(), errors);
                continue;
            }
            match (model.story(path), checked.remove(path)) {
                (Some(old), Some(new)) if old.url == new.url => {
                    if *old != new {
                        edits.push(new);
                    }
                }
                (None, None) => {}
                // It appears, disappears or moves: listings and links all over the site change.
                _ => return None,
            }
        }

        let mut edited: Vec<PathBuf> = edits.iter().map(|story| story.source.clone()).collect();
        let edits: Vec<_> = edits
            .into_iter()
            .map(|story| {
                let body = self.markdown.render(
                    BodyPage {
                        source: &story.source,
                        url: &story.url,
                    },
                    story.body.markdown_to_render(),
                    story.body_first_line,
                    &model.links,
                    &build::markdown_options(&model.site.config),
                    &model.images,
                );
                (story, body)
            })
            .collect();
        if !edits.is_empty() {
            let previous = model.put_stories(edits);
            let pages: Vec<Page> = edited
                .iter()
                .filter_map(|path| model.story_page(path))
                .collect();
            let problems = build::check_pages(&model.view(), &model.templates, &pages);
            if !problems.is_empty() {
                // The templates cannot show the new version: keep showing the last good one.
                model.put_stories(previous);
                for path in edited.drain(..) {
                    held.insert(path, problems.clone());
                }
            }
        }
        self.problems.files.retain(|path, _| !paths.contains(path));
        self.problems.files.extend(held);
        let warnings = found.into_iter().filter(|d| !d.is_error()).collect();
        Some((warnings, !edited.is_empty()))
    }
}

fn add_scope(scope: &mut String, more: &str) {
    if !scope.is_empty() {
        scope.push_str(" and ");
    }
    scope.push_str(more);
}

/// What a full reload found besides errors.
struct Reloaded {
    warnings: Vec<Diagnostic>,
    unreadable: bool,
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

/// The errors of the site now. Each kind is cleared by the path that found it.
#[derive(Debug, Default)]
struct Problems {
    /// From the last full load; until they are fixed every change takes the full path.
    site: Vec<Diagnostic>,
    /// From the last theme update (the model keeps the last good theme).
    theme: Vec<Diagnostic>,
    /// From the fast path, by the story file whose edit is held back (the model keeps the
    /// story's last good version).
    files: BTreeMap<PathBuf, Vec<Diagnostic>>,
}

impl Problems {
    fn all(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self
            .site
            .iter()
            .chain(&self.theme)
            .chain(self.files.values().flatten())
            .cloned()
            .collect();
        Diagnostic::sort(&mut all);
        all.dedup();
        all
    }
}

/// The pages a new version of the site must render without errors before it is shown: all of
/// them when the theme or the configuration changed (or there was no version before), else the
/// pages of the stories that changed.
fn pages_to_check(old: Option<&Model>, new: &Model) -> Vec<Page> {
    let view = new.view();
    let Some(old) = old else {
        return view.pages();
    };
    if templates_differ(&old.theme, &new.theme) || old.site.config != new.site.config {
        return view.pages();
    }
    let before: HashMap<&Path, &Story> = old
        .site
        .stories
        .iter()
        .map(|story| (story.source.as_path(), story))
        .collect();
    new.site
        .stories
        .iter()
        .enumerate()
        .filter(|(_, story)| before.get(story.source.as_path()) != Some(story))
        .map(|(index, _)| Page::Story(index))
        .collect()
}

fn files_equal(old: &Theme, new: &Theme) -> bool {
    old.files
        .iter()
        .map(|(path, file)| (path, &file.contents))
        .eq(new.files.iter().map(|(path, file)| (path, &file.contents)))
}

fn templates_differ(old: &Theme, new: &Theme) -> bool {
    !old.templates()
        .map(|(name, file)| (name, &file.contents))
        .eq(new.templates().map(|(name, file)| (name, &file.contents)))
}

impl Model {
    fn new(
        root: &Path,
        loaded: build::LoadedSite,
        markdown: &MarkdownCache,
    ) -> (Model, Vec<Diagnostic>) {
        let images = ImageSizes::new(root, &loaded.site);
        let (bodies, descriptions) = build::render_markdown_cached(
            &loaded.site,
            &build::markdown_options(&loaded.site.config),
            markdown,
            &images,
        );
        let (files, errors) = build::static_files(root, &loaded.site, &loaded.theme);
        let mut model = Model {
            index: SiteIndex::new(&loaded.site),
            links: LinkMap::new(&loaded.site),
            images,
            site: loaded.site,
            known: loaded
                .sources
                .into_iter()
                .map(|source| (source.path, source.kind))
                .collect(),
            bodies,
            descriptions,
            theme: loaded.theme,
            templates: loaded.templates,
            positions: HashMap::new(),
            routes: HashMap::new(),
            files: files.into_iter().collect(),
        };
        model.positions = model.position_map();
        model.routes = model.route_map();
        (model, errors)
    }

    /// A view to render pages from.
    pub(super) fn view(&self) -> SiteView<'_> {
        SiteView::new(
            &self.site,
            self.bodies.iter().map(|body| &**body).collect(),
            self.descriptions.iter().map(|body| &**body).collect(),
            &self.index,
            &self.images,
        )
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
        view.pages()
            .into_iter()
            .map(|page| (output_path(&view.page_url(page)), page))
            .collect()
    }

    /// Puts each story in place of the story from the same file, in the site's order, and
    /// returns the stories it replaced. The listings are worked out again only when the order
    /// or what they depend on changed.
    fn put_stories(
        &mut self,
        stories: Vec<(Story, Arc<RenderedMarkdown>)>,
    ) -> Vec<(Story, Arc<RenderedMarkdown>)> {
        let mut previous = Vec::with_capacity(stories.len());
        let mut listings_changed = false;
        let mut replaced = Vec::with_capacity(stories.len());
        for (story, body) in stories {
            if let Some(&index) = self.positions.get(&story.source) {
                let old = std::mem::replace(&mut self.site.stories[index], story);
                listings_changed |= !same_listings(&old, &self.site.stories[index]);
                previous.push((old, std::mem::replace(&mut self.bodies[index], body)));
                replaced.push(index);
            }
        }
        // The rest was in order before, so the order holds if each new story fits between
        // its neighbours.
        let stories = &self.site.stories;
        let in_order = |a: usize, b: usize| {
            content::story_order(&stories[a], &stories[b]) != Ordering::Greater
        };
        let sorted = replaced.iter().all(|&index| {
            (index == 0 || in_order(index - 1, index))
                && (index + 1 == stories.len() || in_order(index, index + 1))
        });
        if !sorted {
            let mut order: Vec<usize> = (0..self.site.stories.len()).collect();
            order.sort_by(|&a, &b| {
                content::story_order(&self.site.stories[a], &self.site.stories[b])
            });
            let mut stories: Vec<Option<Story>> = std::mem::take(&mut self.site.stories)
                .into_iter()
                .map(Some)
                .collect();
            let mut bodies: Vec<Option<Arc<RenderedMarkdown>>> = std::mem::take(&mut self.bodies)
                .into_iter()
                .map(Some)
                .collect();
            self.site.stories = order.iter().filter_map(|&i| stories[i].take()).collect();
            self.bodies = order.iter().filter_map(|&i| bodies[i].take()).collect();
            self.positions = self.position_map();
            listings_changed = true;
        }
        if listings_changed {
            self.index = SiteIndex::new(&self.site);
            self.routes = self.route_map();
        }
        previous
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
    /// `content::read_source`, from the cache when the file has not changed.
    fn read(&self, root: &Path, source: &SourceFile) -> (ParsedSource, Vec<Diagnostic>) {
        if let Some(cached) = self.entries_read().get(&source.path)
            && cached.kind == source.kind
        {
            return (cached.parsed.clone(), cached.diagnostics.clone());
        }
        let (parsed, diagnostics) = content::read_source(root, source);
        self.entries_write().insert(
            source.path.clone(),
            CachedSource {
                kind: source.kind.clone(),
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
    fn retain(&self, known: &BTreeMap<PathBuf, SourceKind>) {
        self.entries_write()
            .retain(|path, _| known.contains_key(path));
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
