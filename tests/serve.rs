//! The real `byline serve` on a copy of the newsroom fixture: pages served from memory, edits
//! reaching every listing, deletions and renames, live reload over Server-Sent Events, the error
//! overlay and recovery, path traversal, banners, ports, Ctrl-C, and nothing of the preview in
//! `build` output. Each test starts its own server on a free port and kills it at the end.

mod common;

use common::server::{PATIENCE, Server};
use common::{TestSite, attrs, snapshot, texts};

const TWITTER_MD: &str = "content/decision-machines/twitter-cuts-ties.md";
const TWITTER: &str = "/decision-machines/twitter-cuts-ties/";
const TWITTER_TITLE: &str = "Twitter cuts ties to Swiss tech company after Bureau investigation";

fn serve() -> (TestSite, Server) {
    let site = TestSite::fixture("newsroom");
    let server = Server::start(&site, &[]);
    (site, server)
}

/// Replaces the first line starting with `key:` in `relative`.
fn set_field(site: &TestSite, relative: &str, key: &str, value: &str) {
    let text = std::fs::read_to_string(site.path(relative)).unwrap();
    let mut done = false;
    let edited: Vec<String> = text
        .lines()
        .map(|line| {
            if !done && line.starts_with(&format!("{key}:")) {
                done = true;
                format!("{key}: {value}")
            } else {
                line.to_string()
            }
        })
        .collect();
    assert!(done, "{relative} has no {key}");
    site.write(relative, &(edited.join("\n") + "\n"));
}

#[test]
fn serves_pages_files_and_the_sites_404_page() {
    let (_site, server) = serve();
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(home.header("cache-control"), Some("no-store"));
    // The preview shows drafts too (a build does not).
    assert_eq!(
        texts(&home.body, "article.card .card-title"),
        [
            "An unfinished draft",
            "A map of the lookups",
            TWITTER_TITLE,
            "A stand-alone story"
        ]
    );
    assert!(home.body.contains("data-byline-live-reload"));

    let story = server.get(TWITTER);
    assert_eq!(story.status, 200);
    assert_eq!(texts(&story.body, "h1"), [TWITTER_TITLE]);
    assert_eq!(server.get(&format!("{TWITTER}index.html")).body, story.body);

    let css = server.get("/style.css");
    assert_eq!(css.status, 200);
    assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
    assert_eq!(
        server.get("/images/zug.png").header("content-type"),
        Some("image/png")
    );
    assert_eq!(
        server
            .get("/decision-machines/map-of-lookups/map.png")
            .status,
        200
    );

    let missing = server.get("/no/such/page/");
    assert_eq!(missing.status, 404);
    assert_eq!(texts(&missing.body, "h1"), ["Page not found"]);
    assert!(missing.body.contains("data-byline-live-reload"));

    let folder = server.get("/decision-machines");
    assert_eq!(folder.status, 307);
    assert_eq!(folder.header("location"), Some("decision-machines/"));

    // The draft is shown, with its banner.
    let draft = server.get("/decision-machines/draft-story/");
    assert_eq!(draft.status, 200);
    assert!(draft.body.contains("DRAFT"));
}

#[test]
fn title_edit_shows_on_story_series_home_topic_and_people_pages() {
    let (site, server) = serve();
    set_field(&site, TWITTER_MD, "title", "Twitter drops Mitto for good");
    server.wait_for(TWITTER, "the new title", |r| {
        texts(&r.body, "h1") == ["Twitter drops Mitto for good"]
    });
    for page in [
        "/decision-machines/",
        "/",
        "/topics/big-tech/",
        "/topics/surveillance/",
        "/people/meirion-jones/",
        "/people/ana-lind/",
    ] {
        let body = server.get(page).body;
        let titles = texts(&body, ".card-title");
        assert!(
            titles.contains(&"Twitter drops Mitto for good".to_string()),
            "{page}: {titles:?}"
        );
        assert!(
            !body.contains(TWITTER_TITLE),
            "{page} still has the old title"
        );
    }
}

#[test]
fn deleted_story_is_gone_from_every_listing() {
    let (site, server) = serve();
    assert_eq!(server.get(TWITTER).status, 200);
    site.remove(TWITTER_MD);
    server.wait_for(TWITTER, "404 after the delete", |r| r.status == 404);
    for page in [
        "/decision-machines/",
        "/",
        "/topics/big-tech/",
        "/topics/",
        "/people/",
        "/people/meirion-jones/",
    ] {
        let response = server.get(page);
        assert_eq!(response.status, 200, "{page}");
        assert!(!response.body.contains(TWITTER_TITLE), "{page}");
    }
    // Topics and people only this story had are gone too.
    assert_eq!(server.get("/topics/surveillance/").status, 404);
    assert_eq!(server.get("/people/james-ball/").status, 404);
}

#[test]
fn renamed_story_moves_and_new_folders_and_files_appear() {
    let (site, server) = serve();
    std::fs::rename(
        site.path("content/standalone.md"),
        site.path("content/moved.md"),
    )
    .unwrap();
    server.wait_for("/moved/", "the moved story", |r| r.status == 200);
    assert_eq!(server.get("/standalone/").status, 404);
    let topic = server.get("/topics/big-tech/").body;
    assert!(attrs(&topic, ".card-title a", "href").contains(&"/moved/".to_string()));
    assert!(!topic.contains("/standalone/"));

    // A whole new series folder, then renamed, then deleted.
    site.write(
        "content/new-series/_index.md",
        "---\ntitle: New Series\nfunder: Luminate\n---\nAbout it.\n",
    );
    site.write(
        "content/new-series/first.md",
        "---\ntitle: First of the new series\ndate: 2023-01-01\nreporter: Ana Lind\neditor: Meirion Jones\n---\nHello.\n",
    );
    server.wait_for("/new-series/first/", "the new story", |r| r.status == 200);
    assert!(server.get("/").body.contains("First of the new series"));
    std::fs::rename(
        site.path("content/new-series"),
        site.path("content/renamed-series"),
    )
    .unwrap();
    server.wait_for(
        "/renamed-series/first/",
        "the story in the renamed folder",
        |r| r.status == 200,
    );
    assert_eq!(server.get("/new-series/first/").status, 404);
    assert_eq!(server.get("/new-series/").status, 404);
    std::fs::remove_dir_all(site.path("content/renamed-series")).unwrap();
    server.wait_for("/renamed-series/", "404 after deleting the folder", |r| {
        r.status == 404
    });
    assert!(!server.get("/").body.contains("First of the new series"));
}

#[test]
fn a_draft_is_previewed_with_its_banner_until_it_is_published() {
    let (site, server) = serve();
    let draft = "content/decision-machines/draft-story.md";
    let page = server.get("/decision-machines/draft-story/");
    assert_eq!(page.status, 200, "the preview shows drafts");
    assert!(page.body.contains("DRAFT"));
    for page in ["/", "/decision-machines/", "/people/ana-lind/"] {
        assert!(
            texts(&server.get(page).body, ".card-title").contains(&"An unfinished draft".into()),
            "{page}"
        );
    }
    set_field(&site, draft, "draft", "false");
    server.wait_for(
        "/decision-machines/draft-story/",
        "the published draft, without its banner",
        |r| r.status == 200 && !r.body.contains("DRAFT"),
    );
    // And back: a draft again has its banner again.
    set_field(&site, draft, "draft", "true");
    server.wait_for("/decision-machines/draft-story/", "the banner again", |r| {
        r.status == 200 && r.body.contains("DRAFT")
    });
    // A build leaves it out.
    site.build(&[]).assert_success();
    assert!(!site.output().join("decision-machines/draft-story").exists());
}

#[test]
fn losing_site_yaml_or_content_keeps_the_server_up_until_they_are_back() {
    let (site, server) = serve();
    let config = std::fs::read_to_string(site.path("site.yaml")).unwrap();
    site.remove("site.yaml");
    let page = server.wait_for(TWITTER, "the overlay", |r| r.body.contains("byline-errors"));
    assert!(page.body.contains("E-SITE-READ"), "{}", page.body);
    assert_eq!(texts(&page.body, "h1.story-title"), [TWITTER_TITLE]);
    site.write("site.yaml", &config);
    server.wait_for(TWITTER, "the overlay gone", |r| {
        !r.body.contains("byline-errors")
    });

    std::fs::rename(site.path("content"), site.path("content-away")).unwrap();
    server.wait_for("/", "the overlay", |r| r.body.contains("E-SITE-READ"));
    std::fs::rename(site.path("content-away"), site.path("content")).unwrap();
    server.wait_for("/", "the overlay gone", |r| {
        !r.body.contains("byline-errors")
    });
    // Watching goes on in the folder that came back.
    set_field(&site, TWITTER_MD, "title", "Back again");
    server.wait_for(TWITTER, "the edit in the restored folder", |r| {
        texts(&r.body, "h1") == ["Back again"]
    });
}

#[test]
fn editor_style_saves_are_seen_and_temporary_files_ignored() {
    let (site, server) = serve();
    // Vim and many editors write a temporary file and rename it over the original.
    let text = std::fs::read_to_string(site.path(TWITTER_MD))
        .unwrap()
        .replace("Standing alone", "x")
        .replace("## What happened", "## What really happened");
    site.write(
        "content/decision-machines/.twitter-cuts-ties.md.swp",
        "junk",
    );
    site.write("content/decision-machines/twitter-cuts-ties.md~", "junk");
    let temporary = site.path("content/decision-machines/twitter-cuts-ties.md.tmp-save");
    std::fs::write(&temporary, text).unwrap();
    std::fs::rename(&temporary, site.path(TWITTER_MD)).unwrap();
    server.wait_for(TWITTER, "the renamed-over version", |r| {
        texts(&r.body, ".story-body h2") == ["What really happened"]
    });
    // The editor's leftovers are not stories and caused no errors.
    assert!(!server.get("/").body.contains("byline-errors"));
}

#[test]
fn connected_client_is_told_of_every_change() {
    let (site, server) = serve();
    let mut events = server.events();
    let hello = events.next(PATIENCE).expect("a hello event");
    assert_eq!(hello.name, "hello");
    let page = server.get(TWITTER).body;
    assert_eq!(
        attrs(&page, "script[data-byline-live-reload]", "data-version"),
        std::slice::from_ref(&hello.data),
        "the page carries the version the stream announces"
    );
    assert_eq!(
        attrs(&page, "script[data-byline-live-reload]", "data-events"),
        ["../../__byline/events"],
        "relative, so it works behind a proxy path"
    );

    // A story edit changes only HTML: pages may swap their new body in.
    set_field(&site, TWITTER_MD, "summary", "A new standfirst.");
    let update = events.next(PATIENCE).expect("an event after the edit");
    assert_eq!(update.name, "update");
    assert_ne!(update.data, hello.data);
    // By the time the event is sent, the page already shows the edit.
    let page = server.get(TWITTER).body;
    assert_eq!(texts(&page, ".standfirst"), ["A new standfirst."]);
    assert_eq!(
        attrs(&page, "script[data-byline-live-reload]", "data-version"),
        std::slice::from_ref(&update.data)
    );

    // A stylesheet changes what pages load: they must reload.
    site.write("static/print.css", "body { color: black }");
    let reload = events
        .next(PATIENCE)
        .expect("an event after the static file");
    assert_eq!(reload.name, "reload");
    assert_ne!(reload.data, update.data);
    assert_eq!(server.get("/print.css").body, "body { color: black }");

    // A second client connecting now is greeted with the current version: the reload's, or a
    // later one when the watcher saw the new file's creation and its contents apart (the first
    // client hears of every version).
    let mut late = server.events();
    let greeting = late.next(PATIENCE).unwrap().data;
    let mut versions = vec![reload.data.clone()];
    while let Some(event) = events.next(std::time::Duration::from_millis(500)) {
        versions.push(event.data);
    }
    assert!(
        versions.contains(&greeting),
        "{greeting} not in {versions:?}"
    );
}

#[test]
fn bad_yaml_shows_the_build_diagnostic_over_the_last_good_page_then_recovers() {
    let (site, server) = serve();
    let good = std::fs::read_to_string(site.path(TWITTER_MD)).unwrap();
    site.write(TWITTER_MD, "---\ntitle: [unclosed\n---\nBody\n");
    let expected = "content/decision-machines/twitter-cuts-ties.md:3:1: error[E-FRONT-SYNTAX]";
    let home = server.wait_for("/", "the error overlay", |r| {
        r.body.contains("byline-errors")
    });
    let shown = texts(&home.body, "#byline-errors .byline-error");
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].starts_with(expected), "{shown:?}");
    // Exactly what `byline build` prints for the same file.
    let build = site.build(&["--format", "json"]);
    build.assert_failure(1);
    let error = common::findings(&build)
        .into_iter()
        .find(|finding| finding.severity == "error")
        .expect("build reports the error");
    let printed = format!(
        "{}:{}:{}: error[{}]: {}",
        error.file,
        error.line.unwrap(),
        error.column.unwrap(),
        error.code,
        error.message
    );
    assert!(
        shown[0].starts_with(&printed),
        "{printed}\nvs\n{}",
        shown[0]
    );
    // The terminal says it too.
    server.wait_for_output("the diagnostic", |_, err| err.contains(expected));

    // Every page has the overlay, over the last good content.
    for page in [TWITTER, "/decision-machines/", "/topics/", "/no-such-page/"] {
        assert!(server.get(page).body.contains(expected), "{page}");
    }
    let story = server.get(TWITTER);
    assert_eq!(story.status, 200);
    assert_eq!(texts(&story.body, "h1"), [TWITTER_TITLE]);

    // A second, unrelated error while the first is there: both are listed.
    set_field(&site, "content/standalone.md", "date", "2021-02-31");
    server.wait_for("/", "both errors", |r| {
        texts(&r.body, "#byline-errors .byline-error").len() == 2
    });

    site.write(TWITTER_MD, &good);
    set_field(&site, "content/standalone.md", "date", "2021-12-01");
    let home = server.wait_for("/", "the overlay gone", |r| {
        !r.body.contains("byline-errors")
    });
    assert_eq!(texts(&home.body, "article.card .card-title").len(), 4);
    assert_eq!(texts(&server.get(TWITTER).body, "h1"), [TWITTER_TITLE]);
}

#[test]
fn template_error_shows_overlay_and_keeps_the_last_good_theme() {
    let (site, server) = serve();
    site.write(
        "themes/default/templates/story.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1>{{ story.titel }}</h1>\n{% endblock %}\n",
    );
    let page = server.wait_for(TWITTER, "the template error", |r| {
        r.body.contains("byline-errors")
    });
    assert!(
        page.body
            .contains("themes/default/templates/story.html:3:1: error[E-TEMPLATE]"),
        "{}",
        page.body
    );
    assert_eq!(texts(&page.body, "h1.story-title"), [TWITTER_TITLE]);
    site.write(
        "themes/default/templates/story.html",
        "{% extends \"base.html\" %}\n{% block content %}\n<h1 class=\"custom\">{{ story.title }}</h1>\n{% endblock %}\n",
    );
    let page = server.wait_for(TWITTER, "the fixed template", |r| {
        texts(&r.body, "h1.custom") == [TWITTER_TITLE]
    });
    assert!(!page.body.contains("byline-errors"));
}

#[test]
fn path_traversal_is_refused() {
    let (site, server) = serve();
    let outside = site.root.parent().unwrap().join("outside");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(outside.join("secret.txt"), "TOP SECRET").unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.join("secret.txt"), site.path("static/leak.txt"))
            .unwrap();
        std::os::unix::fs::symlink(&outside, site.path("static/escape")).unwrap();
    }
    // Let the server see the new links: it reports them and must not serve them.
    #[cfg(unix)]
    server.wait_for_output("the links refused", |_, err| {
        err.contains("static/leak.txt: error[E-SYMLINK]")
            && err.contains("static/escape: error[E-SYMLINK]")
    });
    for path in [
        "/../outside/secret.txt",
        "/../../etc/passwd",
        "/%2e%2e/outside/secret.txt",
        "/%2E%2E%2Foutside%2Fsecret.txt",
        "/images/..%2f..%2f..%2foutside/secret.txt",
        "/.%2e/site.yaml",
        "/..%5c..%5coutside%5csecret.txt",
        "/leak.txt",
        "/escape/secret.txt",
        "/site.yaml",
        "/content/decision-machines/twitter-cuts-ties.md",
        "/static/images/zug.png",
    ] {
        let response = server.get(path);
        assert!(
            response.status == 403 || response.status == 404,
            "{path}: {}",
            response.status
        );
        assert!(!response.body.contains("TOP SECRET"), "{path}");
        assert!(!response.body.contains("root:"), "{path}");
        assert!(!response.body.contains("base_url"), "{path}");
    }
    assert_eq!(server.get("/images/zug.png").status, 200);
}

#[test]
fn drafts_and_embargoed_stories_carry_banners_in_the_preview_only() {
    let site = TestSite::fixture("newsroom");
    site.write(
        "content/decision-machines/embargoed.md",
        "---\ntitle: Under embargo\ndate: 2022-04-01\nreporter: Ana Lind\neditor: Meirion Jones\npublish_at: 2099-06-01T07:00:00+00:00\n---\nSecret until then.\n",
    );
    let server = Server::start(&site, &["--drafts"]);
    let draft = server.get("/decision-machines/draft-story/");
    assert_eq!(draft.status, 200);
    let banners = texts(&draft.body, ".byline-banner");
    assert_eq!(banners.len(), 1, "{banners:?}");
    assert!(banners[0].starts_with("DRAFT"), "{banners:?}");
    let embargoed = server.get("/decision-machines/embargoed/");
    assert_eq!(embargoed.status, 200);
    assert_eq!(
        texts(&embargoed.body, ".byline-banner"),
        ["EMBARGOED until 1 June 2099 07:00 (UTC+00:00) — not published before then"]
    );
    assert!(
        texts(&server.get(TWITTER).body, ".byline-banner").is_empty(),
        "a published story has no banner"
    );
}

#[test]
fn build_output_has_no_live_reload_script_banner_or_overlay() {
    let site = TestSite::fixture("newsroom");
    site.write(
        "content/decision-machines/embargoed.md",
        "---\ntitle: Under embargo\ndate: 2022-04-01\nreporter: Ana Lind\neditor: Meirion Jones\npublish_at: 2099-06-01T07:00:00+00:00\n---\nSecret until then.\n",
    );
    site.build(&["--drafts"]).assert_success();
    let files = snapshot(&site.output());
    assert!(files.len() > 10);
    for (path, bytes) in files {
        let text = String::from_utf8_lossy(&bytes);
        for preview_only in [
            "data-byline-live-reload",
            "data-byline-preview",
            "__byline",
            "EventSource",
            "EMBARGOED",
            "byline-errors",
        ] {
            assert!(!text.contains(preview_only), "{path} has {preview_only}");
        }
    }
}

#[test]
fn a_taken_port_is_named_and_the_next_free_one_used() {
    let site = TestSite::fixture("newsroom");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let server = Server::start(&site, &["--port", &port.to_string()]);
    assert_ne!(server.port, port);
    // stderr is read on its own thread, so it may trail the address line on stdout.
    let notice = format!("Port {port} is already in use; using port {}", server.port);
    server.wait_for_output("which port it took", |_, stderr| stderr.contains(&notice));
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn binding_every_interface_is_a_warned_choice() {
    let site = TestSite::fixture("newsroom");
    let server = Server::start(&site, &["--bind", "0.0.0.0"]);
    server.wait_for_output("the warning", |_, stderr| {
        stderr.contains("warning: --bind 0.0.0.0")
    });
    assert!(server.stdout().contains("http://127.0.0.1:"));
    assert_eq!(server.get("/").status, 200);
}

#[test]
fn serves_over_ipv6_loopback() {
    let site = TestSite::fixture("newsroom");
    let server = Server::start(&site, &["--bind", "::1"]);
    assert_eq!(server.host, "::1");
    assert!(
        server.stdout().contains("http://[::1]:"),
        "{}",
        server.stdout()
    );
    assert_eq!(texts(&server.get(TWITTER).body, "h1"), [TWITTER_TITLE]);
    let mut events = server.events();
    assert_eq!(events.next(PATIENCE).expect("hello").name, "hello");
}

#[test]
fn unreadable_site_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let run = common::byline(
        &[
            "serve",
            "--root",
            dir.path().to_str().unwrap(),
            "--port",
            "0",
        ],
        dir.path(),
    );
    run.assert_failure(2);
    assert!(run.stderr.contains("site.yaml"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let (_site, mut server) = serve();
    let mut events = server.events();
    assert!(events.next(PATIENCE).is_some());
    let status = std::process::Command::new("kill")
        .args(["-INT", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = server.wait_exit().expect("the server stops after Ctrl-C");
    assert!(exit.success(), "{exit}");
    assert!(server.stdout().contains("Stopped."), "{}", server.stdout());
}

#[test]
fn only_requests_for_this_computer_are_answered() {
    // Any Host was answered: a web page using DNS rebinding (its own name pointed at
    // 127.0.0.1) could read the preview, embargoed stories included.
    let site = TestSite::fixture("newsroom");
    site.write(
        "content/decision-machines/embargoed.md",
        "---\ntitle: Under embargo\ndate: 2022-04-01\nreporter: Ana Lind\neditor: Meirion Jones\npublish_at: 2099-06-01T07:00:00+00:00\n---\nSecret until then.\n",
    );
    let server = Server::start(&site, &[]);
    let port = server.port;
    for path in [
        "/decision-machines/embargoed/",
        "/",
        "/style.css",
        "/__byline/events",
    ] {
        for hostile in [
            "evil.example",
            &format!("evil.example:{port}"),
            "127.0.0.1.nip.example",
        ] {
            let response = server.get_for(path, hostile);
            assert_eq!(response.status, 403, "{path} for {hostile}");
            assert!(
                !response.body.contains("Under embargo"),
                "{}",
                response.body
            );
            assert!(response.body.contains("--allow-host"), "{}", response.body);
        }
    }
    for allowed in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let page = server.get_for("/decision-machines/embargoed/", &allowed);
        assert_eq!(page.status, 200, "{allowed}");
        assert_eq!(texts(&page.body, "h1"), ["Under embargo"]);
    }
    // The event stream is this computer's too.
    let mut events = server.events();
    assert_eq!(events.next(PATIENCE).expect("hello").name, "hello");
    assert_eq!(server.get_for("/", "preview.newsroom.test").status, 403);

    // A name given with --allow-host is answered, in any case and with any port.
    let named = Server::start(&site, &["--allow-host", "preview.newsroom.test"]);
    let page = named.get_for(
        "/decision-machines/embargoed/",
        &format!("PREVIEW.newsroom.test:{}", named.port),
    );
    assert_eq!(page.status, 200);
    assert_eq!(named.get_for("/", "evil.example").status, 403);
}

#[cfg(unix)]
#[test]
fn a_named_pipe_among_the_images_does_not_stall_the_preview() {
    // The preview renders the pages an edit touches before it shows the new version (and
    // holds it back while the site has errors, as a named pipe in static/ is); reading an
    // image's size opened whatever the path named, so a pipe stalled it for ever, every
    // request waiting behind it.
    let (site, server) = serve();
    let text = std::fs::read_to_string(site.path(TWITTER_MD)).unwrap();
    site.write(
        TWITTER_MD,
        &(text + "\n![A pipe](/images/pipe.png \"Not a picture. Credit: Nobody\")\n"),
    );
    let made = std::process::Command::new("mkfifo")
        .arg(site.path("static/images/pipe.png"))
        .status()
        .is_ok_and(|status| status.success());
    if !made {
        eprintln!("skipped: mkfifo cannot make a named pipe here");
        return;
    }
    server.wait_for_output("the pipe reported", |_, stderr| {
        stderr.contains("static/images/pipe.png") && stderr.contains("not a regular file")
    });
    // Every request is answered, with the overlay naming the pipe.
    let page = server.get(TWITTER);
    assert_eq!(page.status, 200);
    assert_eq!(texts(&page.body, "h1"), [TWITTER_TITLE]);
    assert!(
        page.body.contains("static/images/pipe.png"),
        "the overlay names the pipe"
    );
    assert_eq!(server.get("/images/pipe.png").status, 404);
}
