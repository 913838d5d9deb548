// Save-to-visible latency of `byline serve`, measured in a real browser (headless Chromium).
//
// Starts `byline serve` on SITE, opens one story in Chromium, then ROUNDS times: rewrites the
// story's title on disk and waits for the page to show it by itself. The latency of a round is
// from the moment the file was written and closed to the first frame of the page showing the
// new title: the animation frame after the new body was swapped in (a page without scripts of
// its own updates in place), or the first contentful paint of the new document (after a full
// reload). Both ends are read from the same wall clock. Also shows when the page heard of the
// change (debounce + update + event) and the server's own update time. Restores the story at
// the end. Run through bench/serve-latency.sh.
//
// node bench/serve-latency.mjs --byline PATH --site DIR [--rounds N] [--chromium PATH]
// BENCH_DEBUG=1 also prints the navigation timings of every round.

import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(new URL("../tests/browser/package.json", import.meta.url));
const { chromium } = require("playwright-core");

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}
const byline = option("byline", "target/release/byline");
const site = option("site");
const rounds = Number(option("rounds", "20"));
const executablePath = option("chromium", "/usr/bin/chromium");
if (!site) {
  console.error("usage: node bench/serve-latency.mjs --byline PATH --site DIR [--rounds N]");
  process.exit(2);
}

// The story under test: the first published story file of the first series, in name order.
const content = path.join(site, "content");
const series = fs.readdirSync(content).filter((name) =>
  fs.existsSync(path.join(content, name, "_index.md"))).sort()[0];
const file = fs.readdirSync(path.join(content, series))
  .filter((name) => name.endsWith(".md") && name !== "_index.md").sort()
  .find((name) => !/^draft: *true/m.test(fs.readFileSync(path.join(content, series, name), "utf8")));
const storyPath = path.join(content, series, file);
const storyUrl = `/${series}/${file.replace(/\.md$/, "")}/`;
const original = fs.readFileSync(storyPath, "utf8");
const stories = fs.readdirSync(content, { recursive: true })
  .filter((name) => name.endsWith(".md") && path.basename(name) !== "_index.md").length;

const wallClock = () => performance.timeOrigin + performance.now();

// Start the server and read what it says.
const server = spawn(byline, ["serve", "--root", site, "--port", "0"],
  { stdio: ["ignore", "pipe", "inherit"] });
let output = "";
const updates = [];
server.stdout.on("data", (chunk) => {
  output += chunk;
  for (const match of chunk.toString().matchAll(/Updated 1 story in ([\d.]+) ms/g)) {
    updates.push(Number(match[1]));
  }
});
const base = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error(`no address from byline serve:\n${output}`)), 120000);
  server.stdout.on("data", () => {
    const match = output.match(/at (http:\/\/\S+\/) /);
    if (match) { clearTimeout(timer); resolve(match[1].replace(/\/$/, "")); }
  });
});
const loaded = output.match(/Loaded the site in (\d+) ms/);

const browser = await chromium.launch({
  executablePath,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync"],
});
const results = [];
try {
  const page = await browser.newPage();
  await page.goto(base + storyUrl, { waitUntil: "load" });
  await page.locator('script[data-byline-live-reload][data-state="connected"]')
    .waitFor({ state: "attached", timeout: 30000 });

  for (let round = 1; round <= rounds; round += 1) {
    const title = `Benchmark headline ${round} ${Date.now()}`;
    const edited = original.replace(/^title: .*$/m, `title: "${title}"`);
    // In the page: note when the event arrives, and the first frame showing the new title.
    await page.evaluate((expected) => {
      window.bylineBench = { heard: null, shown: null, mode: "in-place" };
      const clock = () => performance.timeOrigin + performance.now();
      const script = document.querySelector("script[data-byline-live-reload]");
      const source = new EventSource(new URL(script.getAttribute("data-events"), location.href));
      const heard = () => { if (!window.bylineBench.heard) window.bylineBench.heard = clock(); source.close(); };
      source.addEventListener("update", heard);
      source.addEventListener("reload", heard);
      new MutationObserver((_, observer) => {
        if (document.querySelector("h1")?.textContent.includes(expected)) {
          observer.disconnect();
          requestAnimationFrame(() => { window.bylineBench.shown = clock(); });
        }
      }).observe(document, { childList: true, subtree: true });
    }, title);
    const reloaded = page.waitForEvent("load", { timeout: 30000 }).then(() => "reload");
    const swapped = page.waitForFunction(() => window.bylineBench && window.bylineBench.shown,
      null, { polling: "raf", timeout: 30000 }).then(() => "in-place");
    const written = wallClock();
    fs.writeFileSync(storyPath, edited);
    const mode = await Promise.race([reloaded, swapped.catch(() => reloaded)]);
    let visible, heard;
    if (mode === "in-place") {
      ({ shown: visible, heard } = await page.evaluate(() => window.bylineBench));
    } else {
      const timing = await page.evaluate(async (expected) => {
        let paint;
        for (let tries = 0; tries < 100 && !paint; tries += 1) {
          paint = performance.getEntriesByName("first-contentful-paint")[0];
          if (!paint) await new Promise((resolve) => setTimeout(resolve, 10));
        }
        const navigation = performance.getEntriesByType("navigation")[0];
        return {
          shown: document.querySelector("h1")?.textContent.includes(expected) ?? false,
          origin: performance.timeOrigin,
          at: paint ? paint.startTime : navigation.loadEventStart,
        };
      }, title);
      if (!timing.shown) throw new Error(`round ${round}: the page reloaded without the new title`);
      visible = timing.origin + timing.at;
      heard = timing.origin;
    }
    results.push({ visible: visible - written, heard: (heard ?? visible) - written, mode });
    // Let the debouncer settle before the next save.
    await new Promise((resolve) => setTimeout(resolve, 400));
  }
} finally {
  fs.writeFileSync(storyPath, original);
  await browser.close();
  server.kill("SIGINT");
}

const stats = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return `median ${at(0.5).toFixed(1)} ms, p90 ${at(0.9).toFixed(1)} ms, min ${sorted[0].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms`;
};
console.log(`site: ${site} (${stories} stories), first load ${loaded ? loaded[1] : "?"} ms`);
console.log(`story: ${storyUrl}, ${rounds} title edits, debounce 30 ms`);
const modes = [...new Set(results.map((r) => r.mode))].join(", ");
console.log(`save -> new title on screen: ${stats(results.map((r) => r.visible))} (${modes})`);
console.log(`save -> page hears of it:    ${stats(results.map((r) => r.heard))}`);
if (updates.length) console.log(`server update (fast path):   ${stats(updates)}`);
