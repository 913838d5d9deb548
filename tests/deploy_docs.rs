//! The deploy recipes of docs/deploy.md and byline's own release workflow are files newsrooms
//! copy as they are: each one parses (YAML, TOML, shell), and holds the steps the page promises.

use std::path::Path;
use std::process::Command;

const REPOSITORY: &str = env!("CARGO_MANIFEST_DIR");

/// Every code block of docs/deploy.md written as ```` ```lang file=NAME ````: (name, language,
/// text).
fn recipes() -> Vec<(String, String, String)> {
    let page = std::fs::read_to_string(Path::new(REPOSITORY).join("docs/deploy.md")).unwrap();
    let mut recipes = Vec::new();
    let mut lines = page.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut words = info.split_whitespace();
        let language = words.next().unwrap_or("").to_string();
        let Some(name) = words.find_map(|word| word.strip_prefix("file=")) else {
            // A block that is not a file: skip to its end.
            for inner in lines.by_ref() {
                if inner.starts_with("```") {
                    break;
                }
            }
            continue;
        };
        let mut text = String::new();
        for inner in lines.by_ref() {
            if inner.starts_with("```") {
                break;
            }
            text.push_str(inner);
            text.push('\n');
        }
        recipes.push((name.to_string(), language, text));
    }
    recipes
}

fn recipe(name: &str) -> String {
    recipes()
        .into_iter()
        .find(|(file, _, _)| file == name)
        .unwrap_or_else(|| panic!("docs/deploy.md has no {name}"))
        .2
}

/// Parses a shell script with `bash -n` (syntax only, nothing runs).
#[track_caller]
fn assert_shell_parses(name: &str, script: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("script.sh");
    std::fs::write(&path, script).unwrap();
    let output = Command::new("bash").arg("-n").arg(&path).output().unwrap();
    assert!(
        output.status.success(),
        "{name} does not parse: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Every step of a workflow, and that each `run:` script parses as bash.
fn steps(workflow: &serde_yaml::Value) -> Vec<serde_yaml::Value> {
    let jobs = workflow["jobs"].as_mapping().expect("a workflow has jobs");
    let steps: Vec<serde_yaml::Value> = jobs
        .values()
        .flat_map(|job| job["steps"].as_sequence().cloned().unwrap_or_default())
        .collect();
    for step in &steps {
        if let Some(script) = step["run"].as_str() {
            assert_shell_parses("a workflow step", script);
        }
    }
    steps
}

fn uses(steps: &[serde_yaml::Value], action: &str) -> bool {
    steps.iter().any(|step| {
        step["uses"]
            .as_str()
            .is_some_and(|used| used.starts_with(action))
    })
}

fn runs(steps: &[serde_yaml::Value], command: &str) -> bool {
    steps.iter().any(|step| {
        step["run"]
            .as_str()
            .is_some_and(|script| script.contains(command))
    })
}

#[test]
fn the_page_has_every_recipe() {
    let names: Vec<String> = recipes().into_iter().map(|(name, _, _)| name).collect();
    assert_eq!(
        names,
        [
            ".github/workflows/publish.yml",
            "netlify.toml",
            "deploy-s3.sh",
            "deploy-rsync.sh"
        ]
    );
}

#[test]
fn github_pages_workflow_publishes_and_follows_embargoes() {
    let workflow: serde_yaml::Value =
        serde_yaml::from_str(&recipe(".github/workflows/publish.yml")).expect("valid YAML");
    let on = &workflow["on"];
    assert_eq!(on["push"]["branches"][0], "main");
    assert_eq!(on["schedule"][0]["cron"], "*/15 * * * *");
    assert!(on.get("workflow_dispatch").is_some());
    assert_eq!(workflow["permissions"]["pages"], "write");
    assert_eq!(workflow["permissions"]["id-token"], "write");
    let steps = steps(&workflow);
    for action in [
        "actions/checkout@",
        "actions/cache@",
        "actions/cache/restore@",
        "actions/cache/save@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
    ] {
        assert!(uses(&steps, action), "no step uses {action}");
    }
    // The binary comes from the cache; it is compiled only when the cache has none.
    let install = steps
        .iter()
        .find(|step| {
            step["run"]
                .as_str()
                .is_some_and(|run| run.contains("cargo install byline"))
        })
        .expect("an install step");
    assert!(
        install["if"]
            .as_str()
            .unwrap()
            .contains("cache-hit != 'true'")
    );
    assert!(runs(&steps, "byline build"));
    assert!(runs(&steps, "byline next-publish > .byline-next-publish"));
    let upload = steps
        .iter()
        .find(|step| {
            step["uses"]
                .as_str()
                .is_some_and(|used| used.starts_with("actions/upload-pages-artifact@"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"], "public");
}

#[test]
fn the_scheduled_run_publishes_only_once_an_embargo_is_due() {
    let workflow: serde_yaml::Value =
        serde_yaml::from_str(&recipe(".github/workflows/publish.yml")).unwrap();
    let decide = steps(&workflow)
        .into_iter()
        .find(|step| step["id"] == "due")
        .expect("the step that decides");
    let script = decide["run"].as_str().unwrap();
    // Run the decision as the scheduler would, with the time it remembered.
    let run = |event: &str, remembered: Option<&str>| {
        let dir = tempfile::tempdir().unwrap();
        if let Some(time) = remembered {
            std::fs::write(dir.path().join(".byline-next-publish"), format!("{time}\n")).unwrap();
        }
        let output_file = dir.path().join("output");
        let script = script.replace("${{ github.event_name }}", event);
        let status = Command::new("bash")
            .arg("-c")
            .arg(&script)
            .current_dir(dir.path())
            .env("GITHUB_OUTPUT", &output_file)
            .status()
            .unwrap();
        assert!(status.success());
        std::fs::read_to_string(output_file).unwrap()
    };
    assert_eq!(run("push", None), "publish=true\n");
    assert_eq!(run("schedule", None), "publish=false\n");
    assert_eq!(
        run("schedule", Some("2000-01-01T06:00:00Z")),
        "publish=true\n"
    );
    assert_eq!(
        run("schedule", Some("2999-01-01T06:00:00Z")),
        "publish=false\n"
    );
}

#[test]
fn netlify_configuration_builds_with_byline() {
    let config: toml::Table = recipe("netlify.toml").parse().expect("valid TOML");
    let build = config["build"].as_table().unwrap();
    assert_eq!(build["publish"].as_str(), Some("public"));
    assert!(build["command"].as_str().unwrap().contains("byline build"));
    for context in ["deploy-preview", "branch-deploy"] {
        let command = config["context"][context]["command"].as_str().unwrap();
        assert!(
            command.contains("--base-url \"$DEPLOY_PRIME_URL\""),
            "{command}"
        );
    }
    let headers = config["headers"].as_array().unwrap();
    assert!(
        headers
            .iter()
            .any(|header| header["for"].as_str() == Some("/*"))
    );
    for (_, _, script) in recipes()
        .iter()
        .filter(|(name, _, _)| name == "netlify.toml")
    {
        let command = script
            .lines()
            .find(|line| line.contains("command ="))
            .unwrap();
        let command = command.split_once('=').unwrap().1.trim().trim_matches('"');
        assert_shell_parses("netlify's build command", command);
    }
}

#[test]
fn shell_recipes_parse_and_stop_on_a_failed_build() {
    for name in ["deploy-s3.sh", "deploy-rsync.sh"] {
        let script = recipe(name);
        assert_shell_parses(name, &script);
        assert!(
            script.contains("set -euo pipefail"),
            "{name} goes on after a failure"
        );
        let build = script.find("byline build").expect("builds");
        let upload = script
            .find("aws s3 sync")
            .or_else(|| script.find("rsync "))
            .expect("uploads");
        assert!(build < upload, "{name} uploads before it builds");
    }
    let s3 = recipe("deploy-s3.sh");
    assert!(s3.contains("--delete") && s3.contains("--cache-control"));
    assert!(s3.contains("create-invalidation"));
    assert!(recipe("deploy-rsync.sh").contains("--delete-after"));
}

#[test]
fn release_workflow_builds_for_three_systems_on_tags() {
    let text = std::fs::read_to_string(Path::new(REPOSITORY).join(".github/workflows/release.yml"))
        .unwrap();
    let workflow: serde_yaml::Value = serde_yaml::from_str(&text).expect("valid YAML");
    assert_eq!(workflow["on"]["push"]["tags"][0], "v*");
    let targets: Vec<String> = workflow["jobs"]["binaries"]["strategy"]["matrix"]["include"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|entry| entry["target"].as_str().unwrap().to_string())
        .collect();
    for system in ["linux", "apple-darwin", "windows"] {
        assert!(
            targets.iter().any(|target| target.contains(system)),
            "{targets:?}"
        );
    }
    let steps = steps(&workflow);
    assert!(runs(&steps, "cargo build --release --locked"));
    assert!(runs(&steps, "gh release upload"));
}
