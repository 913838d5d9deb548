//! The shape of the source: no two top-level modules of `src/` import each other, directly or
//! round a circle, and the concerns that have one home stay in it (the YAML crate in `yaml`,
//! rayon in `parallel`, HTML escaping in `escape`). A new import that closes a circle fails
//! here with the circle spelt out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, by its top-level module (`src/render/story.rs` is `render`),
/// with its text up to its unit tests (tests may reach anywhere).
fn modules() -> BTreeMap<String, Vec<(PathBuf, String)>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut modules: BTreeMap<String, Vec<(PathBuf, String)>> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let entry = entry.expect("src/ is readable");
        let path = entry.path();
        if path.extension().is_none_or(|extension| extension != "rs") {
            continue;
        }
        let inside = path.strip_prefix(&src).expect("under src/");
        let first = inside
            .components()
            .next()
            .expect("a file has a name")
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if first == "main" || first == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("a source file is UTF-8");
        let code = match text.find("#[cfg(test)]\nmod tests") {
            Some(tests) => text[..tests].to_string(),
            None => text,
        };
        modules
            .entry(first)
            .or_default()
            .push((inside.to_path_buf(), code));
    }
    modules
}

/// The top-level modules each module names as `crate::<module>`.
fn imports(modules: &BTreeMap<String, Vec<(PathBuf, String)>>) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (module, files) in modules {
        let targets = edges.entry(module).or_default();
        for (_, code) in files {
            for (at, _) in code.match_indices("crate::") {
                let rest = &code[at + "crate::".len()..];
                // `crate::{a, b::c}` names several.
                let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
                    let group = &group[..group.find('}').unwrap_or(group.len())];
                    group
                        .split(',')
                        .map(|part| part.trim().split("::").next().unwrap_or("").trim())
                        .collect()
                } else {
                    vec![
                        rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                            .next()
                            .unwrap_or(""),
                    ]
                };
                for name in names {
                    if let Some((known, _)) = modules.get_key_value(name)
                        && known != module
                    {
                        targets.insert(known.as_str());
                    }
                }
            }
        }
    }
    edges
}

/// A circle of imports through `start`, if there is one.
fn circle_through<'m>(
    start: &'m str,
    edges: &BTreeMap<&'m str, BTreeSet<&'m str>>,
) -> Option<Vec<&'m str>> {
    let mut path = vec![start];
    let mut seen = BTreeSet::new();
    fn walk<'m>(
        at: &'m str,
        start: &'m str,
        edges: &BTreeMap<&'m str, BTreeSet<&'m str>>,
        path: &mut Vec<&'m str>,
        seen: &mut BTreeSet<&'m str>,
    ) -> bool {
        for &next in edges.get(at).into_iter().flatten() {
            if next == start {
                path.push(next);
                return true;
            }
            if seen.insert(next) {
                path.push(next);
                if walk(next, start, edges, path, seen) {
                    return true;
                }
                path.pop();
            }
        }
        false
    }
    walk(start, start, edges, &mut path, &mut seen).then_some(path)
}

#[test]
fn no_top_level_modules_import_each_other() {
    let modules = modules();
    assert!(modules.len() > 10, "only {} modules found", modules.len());
    let edges = imports(&modules);
    assert!(
        edges["render"].contains("model") && edges["pipeline"].contains("render"),
        "the import scan finds nothing: {edges:?}"
    );
    let circles: Vec<String> = modules
        .keys()
        .filter_map(|module| circle_through(module, &edges))
        .map(|circle| circle.join(" -> "))
        .collect();
    assert!(
        circles.is_empty(),
        "modules import each other: {circles:#?}"
    );
}

/// Which files mention `needle` in their code (not their unit tests).
fn files_naming(needle: &str) -> Vec<PathBuf> {
    modules()
        .into_values()
        .flatten()
        .filter(|(_, code)| code.contains(needle))
        .map(|(path, _)| path)
        .collect()
}

#[test]
fn each_concern_has_one_home() {
    let only_under = |needle: &str, home: &str| {
        let strays: Vec<PathBuf> = files_naming(needle)
            .into_iter()
            .filter(|path| !path.starts_with(home))
            .collect();
        assert!(strays.is_empty(), "`{needle}` outside {home}: {strays:?}");
    };
    only_under("serde_yaml", "yaml");
    only_under("rayon", "parallel.rs");
    only_under("pulldown_cmark_escape", "escape.rs");
    // HTML entities are written by the one escaper (and by nothing else byline writes).
    only_under("\"&lt;\"", "escape.rs");
    only_under("\"&amp;\"", "escape.rs");
    assert_eq!(
        files_naming("serde_yaml").len(),
        3,
        "the YAML module's files name it"
    );
}
