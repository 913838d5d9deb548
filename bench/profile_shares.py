#!/usr/bin/env python3
"""Shares of a byline profile by kind of work, from `perf script` output.

Usage:
    perf record -F 999 --call-graph dwarf,32768 -o /tmp/build.data \\
        target/release/byline build --root SITE
    perf script -i /tmp/build.data | bench/profile_shares.py build

    (the same with `check` for a `byline check`)

Each sample counts once, for the first kind (in the order listed below) that any frame of its
stack belongs to: a sample in syntect under a story's rendering counts as highlighting, not as
rendering. The kinds are byline's stages and the libraries that do their work; what matches
none is start-up, thread hand-offs and exit.
"""
import collections
import re
import sys

KINDS = {
    "build": [
        ("syntax highlighting (syntect, oniguruma)", r"byline::markdown::highlight::"),
        ("HTML sanitising", r"byline::markdown::sanitize"),
        ("Markdown to HTML (pulldown-cmark and byline's adapters)",
         r"byline::markdown::process|pulldown_cmark"),
        ("reading, YAML, validating", r"byline::pipeline::check::|byline::source::read|read_and_validate"),
        ("writing files (open, write, close, mkdir)", r"Staging::write|sys_mkdir"),
        ("removing the previous site", r"unlinkat|PreviousSite|remove_dir_all"),
        ("typography", r"byline::typography"),
        ("JSON-LD, feeds, sitemap", r"byline::outputs::|byline::render::machine"),
        ("templates (minijinja) and the values they read", r"minijinja|byline::render::|byline::theme::"),
        ("images", r"byline::images|resized_copies"),
        ("checks and the site's index", r"byline::checks|BodyChecker|check_with|SiteIndex"),
    ],
    "check": [
        ("the kernel zeroing fresh pages", r"clear_page"),
        ("YAML (serde_yaml)", r"serde_yaml|unsafe_libyaml"),
        ("pulldown-cmark", r"pulldown_cmark"),
        ("byline's Markdown scan (positions, ids, links, first paragraph)", r"byline::markdown::"),
        ("reading the files (open, read)", r"read_source_text|read_regular|open_regular"),
        ("front matter fields and validation", r"byline::yaml|byline::source|byline::validate"),
        ("finding the files", r"byline::source::discover"),
        ("link, credit and structure checks",
         r"byline::checks|check_texts|SiteIndex|static_files|files_at_pages"),
    ],
}


def stacks(lines):
    """The frames (function names) of each sample, leaf first."""
    frames = []
    for line in lines:
        if not line.strip():
            if frames:
                yield frames
                frames = []
        elif line[0] in " \t":
            parts = line.split(None, 1)
            frames.append(parts[1] if len(parts) > 1 else parts[0])
    if frames:
        yield frames


def main():
    if len(sys.argv) != 2 or sys.argv[1] not in KINDS:
        sys.exit(__doc__)
    kinds = [(name, re.compile(pattern)) for name, pattern in KINDS[sys.argv[1]]]
    counts = collections.Counter()
    total = 0
    for frames in stacks(sys.stdin):
        total += 1
        text = "\n".join(frames)
        kind = next((name for name, pattern in kinds if pattern.search(text)), None)
        counts[kind or "other (start-up, threads, exit)"] += 1
    if total == 0:
        sys.exit("no samples: pipe the output of `perf script` in")
    for name, count in counts.most_common():
        print(f"{100 * count / total:5.1f}%  {name}")
    print(f"{total} samples")


if __name__ == "__main__":
    main()
