//! Soak test of `byline serve`: a reporter leaves the preview running all day while saving,
//! renaming and deleting files, some of them half-written. 1,000 random edits (seeded, so a
//! failure can be replayed) hit a running server while a client keeps reading pages; then the
//! server must still answer, its memory must not have grown without bound, and once the files
//! are back to a valid state every page and file it serves must be exactly what a fresh
//! `byline build` of the same files writes (less the preview's live-reload script).
//!
//! `BYLINE_SOAK_EDITS` sets the number of edits (default 1,000), `BYLINE_SOAK_SEED` the seed.

mod common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::server::{PATIENCE, Server, get};
use common::{TestSite, snapshot};

const SOAK_SERIES: &str = "content/soak";
const STORY_NAMES: usize = 12;
const TWITTER_MD: &str = "content/decision-machines/twitter-cuts-ties.md";
const SERIES_INDEX: &str = "content/decision-machines/_index.md";
const CARD_OVERRIDE: &str = "themes/default/templates/partials/card.html";
const DEFAULT_CARD: &str = include_str!("../themes/default/templates/partials/card.html");

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(default)
}

/// A valid story of the soak series, its fields drawn from `rng`.
fn valid_story(rng: &mut fastrand::Rng, title: &str) -> String {
    let topics = ["Courts", "Big Tech", "Surveillance", "Money"];
    let people = ["Ana Lind", "Meirion Jones", "Tom Byrne"];
    format!(
        "---\ntitle: \"{title}\"\ndate: 2021-{:02}-{:02}\nreporter: {}\neditor: {}\nsummary: Summary {}.\ntopics: [{}]\n---\n\nBody of {title}, version {}.\n\n## Section {}\n\nSee [the story](../decision-machines/twitter-cuts-ties.md).\n",
        rng.u8(1..=12),
        rng.u8(1..=28),
        people[rng.usize(..people.len())],
        people[rng.usize(..people.len())],
        rng.u32(..),
        topics[rng.usize(..topics.len())],
        rng.u32(..),
        rng.u8(..),
    )
}

/// One random change to the site, as a reporter's editor makes it.
fn random_edit(site: &TestSite, rng: &mut fastrand::Rng, originals: &Originals, n: usize) {
    let name =
        |rng: &mut fastrand::Rng| format!("{SOAK_SERIES}/story-{}.md", rng.usize(..STORY_NAMES));
    let soak_stories = || -> Vec<String> {
        std::fs::read_dir(site.path(SOAK_SERIES))
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| format!("{SOAK_SERIES}/{}", e.file_name().to_string_lossy()))
                    .filter(|path| path.ends_with(".md") && !path.ends_with("_index.md"))
                    .collect()
            })
            .unwrap_or_default()
    };
    match rng.u8(..100) {
        // New or edited story, valid.
        0..=29 => {
            let path = name(rng);
            let text = valid_story(rng, &format!("Soak story {n}"));
            site.write(&path, &text);
        }
        // Half-written: the editor saved part of the file.
        30..=37 => {
            let text = valid_story(rng, &format!("Half {n}"));
            let cut = rng.usize(..text.len());
            site.write(&name(rng), &text[..cut]);
        }
        // Broken YAML, an unknown key, a date that does not exist.
        38..=45 => {
            let broken = [
                "---\ntitle: [unclosed\n---\nBody\n",
                "---\ntitle: T\ndate: 2021-01-01\nreporter: A\neditor: B\nreportr: typo\n---\nx\n",
                "---\ntitle: T\ndate: 2021-02-31\nreporter: A\neditor: B\n---\nx\n",
                "",
            ];
            site.write(&name(rng), broken[rng.usize(..broken.len())]);
        }
        // Delete or rename a story of the soak series.
        46..=55 => {
            let stories = soak_stories();
            if let Some(path) = stories.get(rng.usize(..stories.len().max(1))) {
                if rng.bool() {
                    let _ = std::fs::remove_file(site.path(path));
                } else {
                    let _ = std::fs::rename(site.path(path), site.path(&name(rng)));
                }
            }
        }
        // An edit of a fixture story: its summary, or broken for a moment.
        56..=65 => {
            let text = if rng.u8(..4) == 0 {
                "---\ntitle: \"unclosed\n---\n".to_string()
            } else {
                originals
                    .twitter
                    .replacen("summary: ", &format!("summary: Edit {n}. "), 1)
            };
            site.write(TWITTER_MD, &text);
        }
        // The series' _index.md: a new title, or half-written.
        66..=71 => {
            let text = if rng.bool() {
                originals
                    .series_index
                    .replacen("title: ", &format!("title: Series {n} "), 1)
            } else {
                originals.series_index[..rng.usize(..originals.series_index.len())].to_string()
            };
            site.write(SERIES_INDEX, &text);
        }
        // The theme override: changed, broken, or removed.
        72..=83 => match rng.u8(..3) {
            0 => site.write(
                CARD_OVERRIDE,
                &DEFAULT_CARD.replacen("<article", &format!("<!-- soak {n} -->\n<article"), 1),
            ),
            1 => site.write(
                CARD_OVERRIDE,
                "{% if card.title %}<article>{{ card.title }}",
            ),
            _ => {
                let _ = std::fs::remove_file(site.path(CARD_OVERRIDE));
            }
        },
        // Static files come and go.
        84..=91 => {
            let path = format!("static/soak-{}.txt", rng.usize(..4));
            if rng.bool() {
                site.write(&path, &format!("static {n}\n"));
            } else {
                let _ = std::fs::remove_file(site.path(&path));
            }
        }
        // An editor's save by rename, and its leftovers.
        _ => {
            let path = name(rng);
            let temporary = format!("{path}.tmp-save");
            site.write(&temporary, &valid_story(rng, &format!("Renamed save {n}")));
            site.write(&format!("{path}.swp"), "swap");
            let _ = std::fs::rename(site.path(&temporary), site.path(&path));
        }
    }
}

struct Originals {
    twitter: String,
    series_index: String,
}

/// The server's resident memory in KiB (Linux), or None.
fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A page as `build` writes it: the preview's banner, overlay and live-reload script taken out.
fn without_preview(html: &str) -> String {
    let Some(start) = html.find("<div data-byline-preview") else {
        return html.to_string();
    };
    let script = html[start..]
        .find("<script data-byline-live-reload")
        .map(|offset| start + offset)
        .expect("the live-reload script follows the preview's box");
    let end = script + html[script..].find("</script>").unwrap() + "</script>".len();
    let end = if html[end..].starts_with('\n') {
        end + 1
    } else {
        end
    };
    format!("{}{}", &html[..start], &html[end..])
}

/// The request path of a built file: `a/index.html` is `/a/`.
fn request_path(file: &str) -> String {
    match file.strip_suffix("index.html") {
        Some(folder) => format!("/{folder}"),
        None => format!("/{file}"),
    }
}

#[test]
fn a_thousand_random_edits_leave_the_preview_alive_lean_and_exact() {
    let edits = env_number("BYLINE_SOAK_EDITS", 1000) as usize;
    let seed = env_number("BYLINE_SOAK_SEED", 0x5eed_2026);
    eprintln!("soak: {edits} edits, seed {seed} (BYLINE_SOAK_SEED replays a run)");
    let site = TestSite::fixture("newsroom");
    site.write(
        &format!("{SOAK_SERIES}/_index.md"),
        "---\ntitle: Soak\nfunder: Luminate\n---\nA series edited at random.\n",
    );
    let originals = Originals {
        twitter: std::fs::read_to_string(site.path(TWITTER_MD)).unwrap(),
        series_index: std::fs::read_to_string(site.path(SERIES_INDEX)).unwrap(),
    };
    // glibc gives each thread that allocates an arena of its own and keeps freed pages in them,
    // so which threads happened to render shifts the resident size by megabytes from run to
    // run. Two arenas keep that noise below what a leak would add.
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_byline"));
    command
        .args(["serve", "--port", "0", "--root"])
        .arg(&site.root)
        .env("MALLOC_ARENA_MAX", "2");
    let server = Server::spawn(command);
    let (host, port) = (server.host.clone(), server.port);

    // A reader keeps loading pages the whole time; every answer must be a page, a redirect or
    // the 404 page, never an error or a dropped connection.
    let stop = Arc::new(AtomicBool::new(false));
    let requests = Arc::new(AtomicUsize::new(0));
    let reader = {
        let (stop, requests, host) = (Arc::clone(&stop), Arc::clone(&requests), host.clone());
        std::thread::spawn(move || {
            let paths = [
                "/",
                "/soak/",
                "/decision-machines/",
                "/decision-machines/twitter-cuts-ties/",
                "/soak/story-1/",
                "/soak/story-2/",
                "/topics/courts/",
                "/people/ana-lind/",
                "/atom.xml",
                "/style.css",
                "/soak-1.txt",
                "/no-such-page/",
            ];
            let mut rng = fastrand::Rng::with_seed(seed ^ 1);
            while !stop.load(Ordering::Relaxed) {
                let path = paths[rng.usize(..paths.len())];
                let response = get(&host, port, path);
                assert!(
                    matches!(response.status, 200 | 307 | 404),
                    "{path} answered {}:\n{}",
                    response.status,
                    response.body
                );
                requests.fetch_add(1, Ordering::Relaxed);
            }
        })
    };

    let mut rng = fastrand::Rng::with_seed(seed);
    let started = Instant::now();
    let warm_up = edits / 10;
    let mut rss_after_warm_up = None;
    let mut n = 0;
    while n < edits {
        // Bursts of saves with no pause between them, then a short pause.
        let burst = if rng.u8(..5) == 0 {
            rng.usize(2..20)
        } else {
            1
        };
        for _ in 0..burst.min(edits - n) {
            random_edit(&site, &mut rng, &originals, n);
            n += 1;
            if n == warm_up {
                std::thread::sleep(Duration::from_millis(300));
                rss_after_warm_up = resident_kib(server.pid());
            }
        }
        // Mostly quicker than the preview's 30 ms debounce (saves pile up into one update),
        // sometimes slower (each is an update of its own).
        let pause = if rng.u8(..10) < 7 {
            rng.u64(0..12)
        } else {
            rng.u64(30..80)
        };
        std::thread::sleep(Duration::from_millis(pause));
    }
    let editing = started.elapsed();

    // The files back in a valid state: every soak story valid, the fixture files as they were,
    // no theme override, and a last story to know when the server has seen everything.
    let mut soak_urls = BTreeSet::new();
    for index in 0..STORY_NAMES {
        soak_urls.insert(format!("/soak/story-{index}/"));
        let path = format!("{SOAK_SERIES}/story-{index}.md");
        if site.path(&path).exists() {
            site.write(&path, &valid_story(&mut rng, &format!("Final {index}")));
        }
    }
    site.write(TWITTER_MD, &originals.twitter);
    site.write(SERIES_INDEX, &originals.series_index);
    let _ = std::fs::remove_file(site.path(CARD_OVERRIDE));
    let final_title = format!("Soak final {seed}");
    site.write(
        &format!("{SOAK_SERIES}/final.md"),
        &valid_story(&mut rng, &final_title),
    );
    server.wait_for("/", "the final state, without errors", |r| {
        r.body.contains(&final_title) && !r.body.contains("byline-errors")
    });
    stop.store(true, Ordering::Relaxed);
    reader.join().expect("the reader saw only good answers");
    let requests = requests.load(Ordering::Relaxed);
    eprintln!("soak: {edits} edits in {editing:?}, {requests} requests read meanwhile");
    assert!(requests > 0);

    // Alive and well: it answers, and never panicked on the way.
    assert_eq!(server.get("/").status, 200);
    assert!(!server.stderr().contains("panicked"), "{}", server.stderr());
    let updates = server.stdout().matches("Updated ").count()
        + server.stderr().matches("error found").count()
        + server.stderr().matches("errors found").count();
    eprintln!("soak: the preview updated {updates} times");

    // Its memory did not grow with the edits. The site is tiny, so the preview's memory is
    // mostly the program, the syntax definitions and the allocator's arenas; every cache it
    // keeps is per file and pruned when files go, so after the warm-up it stays flat. 16 MB
    // over 900 edits is 18 KB an edit: anything that kept a page, a story body or a version of
    // the site for each edit would pass that.
    if let (Some(warm), Some(now)) = (rss_after_warm_up, resident_kib(server.pid())) {
        eprintln!("soak: resident memory {warm} KiB after warm-up, {now} KiB after the run");
        assert!(
            now < warm + 16 * 1024,
            "memory grew from {warm} KiB to {now} KiB"
        );
    }

    // Every page and file of a fresh build (with drafts), served the same.
    let fresh = site.root.parent().unwrap().join("fresh");
    // The preview shows drafts, as a build with --drafts publishes them.
    site.build(&["--drafts", "--output", fresh.to_str().unwrap()])
        .assert_success();
    let mut built = snapshot(&fresh);
    assert!(built.contains_key("soak/final/index.html"));
    // The mark that says byline made the folder is no file of the site.
    assert!(built.remove(".byline-output").is_some());
    // The preview builds no search index (see the README's Search): everything else the same.
    built.retain(|file, _| !file.starts_with("pagefind/"));
    let deadline = Instant::now() + PATIENCE;
    loop {
        let mut different = Vec::new();
        for (file, bytes) in &built {
            let response = server.get(&request_path(file));
            // Bodies arrive as (lossy) text; equal bytes give equal text, and every text file
            // compares exactly.
            let served = without_preview(&response.body);
            if response.status != 200 || served != String::from_utf8_lossy(bytes) {
                different.push(file.clone());
            }
        }
        if different.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "served differently from the build: {different:?}\nserver said:\n{}",
            server.stderr()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    // Nothing stale: soak stories that are gone are gone from the preview too.
    for url in soak_urls {
        let file = format!("{}index.html", url.trim_start_matches('/'));
        let expected = if built.contains_key(&file) { 200 } else { 404 };
        assert_eq!(server.get(&url).status, expected, "{url}");
    }
}
