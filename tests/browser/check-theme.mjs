#!/usr/bin/env node
// Browser checks of a built byline site, as a reader and an accessibility auditor would run
// them: every HTML page listed in the site's sitemap (and 404.html) is opened in headless
// Chromium (Debian's, driven by playwright-core) in light and dark colour schemes, and
//
//   - axe-core reports no violation of WCAG 2.0/2.1 A and AA or WCAG 2.2 AA, at 1280 px wide
//     in both schemes and at 320 px in the light one;
//   - the page makes no request outside the site (no web fonts, trackers, CDNs);
//   - the page has no JavaScript (JSON-LD data blocks are not scripts that run), but the search
//     page, whose scripts must come from the site itself;
//   - every image has its size reserved (width/height attributes or a CSS aspect-ratio), and
//     the page has no layout shift once everything, lazy images included, has loaded;
//   - nothing is wider than a 320 px phone screen (tables and code scroll inside themselves);
//
// and the story page is photographed at 375 px and 1280 px, light and dark.
//
// Usage: node check-theme.mjs --site DIR [--screenshots DIR] [--story /series/slug/]
//                             [--chromium /usr/bin/chromium]
// Prints a JSON report on stdout and a summary on stderr; exits 1 when any check fails.
// The site is served from 127.0.0.1 on a free port by node's own http module.

import { readFile, mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import { serve } from "./serve-site.mjs";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const AXE_SOURCE = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
const AXE_VERSION = require("axe-core/package.json").version;

const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const SCHEMES = ["light", "dark"];
const NARROWEST = 320;
const SHOTS = [
  { width: 375, height: 812 },
  { width: 1280, height: 900 },
];

function parseArgs(argv) {
  const args = {
    site: null,
    screenshots: null,
    story: "/signal-brokers/carrow-phone-locations/",
    chromium: "/usr/bin/chromium",
  };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (!(key in args) || argv[i + 1] === undefined) {
      throw new Error(`unknown or incomplete argument ${argv[i]}`);
    }
    args[key] = argv[i + 1];
  }
  if (!args.site) throw new Error("--site DIR is required");
  return args;
}

/** Site paths of the pages in the sitemap, and the 404 page. */
async function sitePages(root) {
  const sitemap = await readFile(path.join(root, "sitemap.xml"), "utf8");
  const paths = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]).pathname);
  return [...paths, "/404.html"];
}

// Collects layout shifts from the start of the page load (buffered), before any page script.
const OBSERVE_LAYOUT_SHIFT = `
  window.__layoutShift = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) window.__layoutShift += entry.value;
    }
  }).observe({ type: "layout-shift", buffered: true });
`;

/** Lazy images load as a reader scrolls: scrolls through the page and waits for every image. */
function loadLazyImages(page) {
  return page.evaluate(async () => {
    for (let y = 0; y < document.body.scrollHeight; y += window.innerHeight / 2) {
      window.scrollTo(0, y);
      await new Promise((r) => requestAnimationFrame(r));
    }
    await Promise.all(
      [...document.images].map((img) =>
        img.complete
          ? null
          : new Promise((r) => {
              img.addEventListener("load", r, { once: true });
              img.addEventListener("error", r, { once: true });
            })
      )
    );
    window.scrollTo(0, 0);
    await new Promise((r) => setTimeout(r, 100));
  });
}

/** axe-core's WCAG A and AA violations on the page as it is laid out now. */
function runAxe(page) {
  return page.evaluate(async (tags) => {
    const result = await window.axe.run(document, {
      runOnly: { type: "tag", values: tags },
      resultTypes: ["violations"],
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
    }));
  }, WCAG_TAGS);
}

async function checkPage(page, origin, pagePath, scheme) {
  const problems = [];
  await page.emulateMedia({ colorScheme: scheme });
  await page.setViewportSize({ width: 1280, height: 900 });
  const response = await page.goto(origin + pagePath, { waitUntil: "load" });
  if (response.status() !== 200) problems.push(`HTTP ${response.status()}`);

  await loadLazyImages(page);

  const facts = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    scripts: [...document.scripts].filter((s) => s.type !== "application/ld+json").map((s) => s.src),
    searchPage: document.body.classList.contains("kind-search"),
    origin: location.origin,
    unsizedImages: [...document.images]
      .filter((img) => !(img.getAttribute("width") && img.getAttribute("height")))
      .filter((img) => getComputedStyle(img).aspectRatio === "auto")
      .map((img) => img.getAttribute("src")),
    brokenImages: [...document.images].filter((img) => img.naturalWidth === 0).map((img) => img.getAttribute("src")),
    layoutShift: window.__layoutShift,
    main: document.querySelectorAll("main").length,
    h1: document.querySelectorAll("h1").length,
  }));
  if (!facts.lang) problems.push("no lang attribute");
  const ownScripts = facts.scripts.every((src) => src.startsWith(facts.origin + "/"));
  if (facts.scripts.length && !(facts.searchPage && ownScripts)) {
    problems.push(`${facts.scripts.length} script element(s): ${facts.scripts.join(", ")}`);
  }
  if (facts.unsizedImages.length) problems.push(`images without a reserved size: ${facts.unsizedImages.join(", ")}`);
  if (facts.brokenImages.length) problems.push(`images that did not load: ${facts.brokenImages.join(", ")}`);
  if (facts.layoutShift > 0.001) problems.push(`layout shift ${facts.layoutShift.toFixed(4)}`);
  if (facts.main !== 1) problems.push(`${facts.main} main elements`);
  if (facts.h1 !== 1) problems.push(`${facts.h1} h1 elements`);

  await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await runAxe(page);
  let overflow = null;
  if (scheme === "light") {
    await page.setViewportSize({ width: NARROWEST, height: 800 });
    overflow = await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll("body *")].filter((el) => {
        const box = el.getBoundingClientRect();
        return box.right > width + 1 && getComputedStyle(el).position !== "absolute"
          && !el.closest("pre, table, .table-scroll");
      });
      return {
        scrollWidth: document.documentElement.scrollWidth,
        width,
        wide: wide.slice(0, 5).map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : "")),
      };
    });
    if (overflow.scrollWidth > overflow.width || overflow.wide.length) {
      problems.push(`wider than ${NARROWEST}px: ${overflow.scrollWidth}px (${overflow.wide.join(", ")})`);
    }
    // The phone layout is a layout of its own: tables and code scroll, the byline stacks.
    for (const violation of await runAxe(page)) {
      violations.push({ ...violation, id: `${violation.id} at ${NARROWEST}px` });
    }
  }
  return { path: pagePath, scheme, problems, violations, layoutShift: facts.layoutShift };
}

async function screenshots(browser, origin, story, folder) {
  await mkdir(folder, { recursive: true });
  const written = [];
  for (const scheme of SCHEMES) {
    for (const size of SHOTS) {
      const context = await browser.newContext({ viewport: size, colorScheme: scheme, deviceScaleFactor: 1 });
      const page = await context.newPage();
      await page.goto(origin + story, { waitUntil: "load" });
      await loadLazyImages(page);
      const file = path.join(folder, `story-${size.width}-${scheme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      written.push(file);
      await context.close();
    }
  }
  return written;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const root = path.resolve(args.site);
  const server = await serve(root);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: args.chromium,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
    // playwright gives every launch a fresh, temporary user data directory of its own.
  });
  const report = { axe: AXE_VERSION, chromium: browser.version(), tags: WCAG_TAGS, pages: [], screenshots: [], foreignRequests: [] };
  try {
    const context = await browser.newContext();
    await context.addInitScript(OBSERVE_LAYOUT_SHIFT);
    context.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith(origin + "/") && !url.startsWith("data:")) report.foreignRequests.push(url);
    });
    const page = await context.newPage();
    for (const pagePath of await sitePages(root)) {
      for (const scheme of SCHEMES) {
        report.pages.push(await checkPage(page, origin, pagePath, scheme));
      }
    }
    await context.close();
    if (args.screenshots) {
      report.screenshots = await screenshots(browser, origin, args.story, path.resolve(args.screenshots));
    }
  } finally {
    await browser.close();
    server.close();
  }

  let failed = report.foreignRequests.length > 0;
  for (const foreign of report.foreignRequests) console.error(`request outside the site: ${foreign}`);
  for (const result of report.pages) {
    const bad = result.problems.length + result.violations.length;
    if (bad) failed = true;
    console.error(`${bad ? "FAIL" : "ok  "} ${result.path} (${result.scheme})`);
    for (const problem of result.problems) console.error(`     ${problem}`);
    for (const v of result.violations) {
      console.error(`     axe ${v.id} (${v.impact}): ${v.help}`);
      for (const node of v.nodes.slice(0, 5)) console.error(`       ${node.target}\n         ${node.summary.replace(/\n/g, "\n         ")}`);
    }
  }
  const violations = report.pages.reduce((n, r) => n + r.violations.length, 0);
  console.error(
    `axe-core ${report.axe} in Chromium ${report.chromium}: ${report.pages.length} page checks (${WCAG_TAGS.join(", ")}), ${violations} violations`
  );
  for (const file of report.screenshots) console.error(`screenshot ${file}`);
  console.log(JSON.stringify(report, null, 2));
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
