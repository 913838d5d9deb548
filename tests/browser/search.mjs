#!/usr/bin/env node
// A reader searching a built byline site in headless Chromium (Debian's, driven by
// playwright-core): the /search/ page asks the site's Pagefind index and lists what it finds.
//
//   - a word only one story's text holds finds that story, whether the search comes in the
//     address (/search/?q=word) or is typed into the form;
//   - each word of `--absent` (an embargoed story's) finds nothing;
//   - the page with its results has no WCAG 2.0/2.1/2.2 A or AA violation (axe-core);
//   - nothing is requested from another host.
//
// Usage: node search.mjs --site DIR --present WORD --absent WORD,WORD [--chromium PATH]
// Prints a JSON report on stdout; exits 1 when a check fails.

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import { serve } from "./serve-site.mjs";

const require = createRequire(import.meta.url);
const { chromium } = require("playwright-core");
const AXE_SOURCE = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
const WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

function parseArgs(argv) {
  const args = { site: null, present: null, absent: "", chromium: "/usr/bin/chromium" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (!(key in args) || argv[i + 1] === undefined) throw new Error(`bad argument ${argv[i]}`);
    args[key] = argv[i + 1];
  }
  if (!args.site || !args.present) throw new Error("--site and --present are required");
  return args;
}

/** What the page shows once its search has settled: the status line and the results' links. */
async function settled(page) {
  await page.waitForFunction(
    () => {
      const status = document.querySelector(".search-status")?.textContent ?? "";
      const form = document.querySelector("form[data-index]");
      return status !== "" && status !== form.dataset.searching;
    },
    null,
    { timeout: 20000 }
  );
  return page.evaluate(() => ({
    status: document.querySelector(".search-status").textContent,
    results: [...document.querySelectorAll(".search-results .card-title a")].map((a) => new URL(a.href).pathname),
  }));
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const server = await serve(path.resolve(args.site));
  const origin = `http://127.0.0.1:${server.address().port}`;
  const browser = await chromium.launch({
    executablePath: args.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const report = { present: null, typed: null, absent: [], violations: [], foreignRequests: [], errors: [] };
  try {
    const context = await browser.newContext();
    context.on("request", (request) => {
      const url = request.url();
      if (!url.startsWith(origin + "/") && !url.startsWith("data:")) report.foreignRequests.push(url);
    });
    const page = await context.newPage();
    page.on("pageerror", (error) => report.errors.push(String(error)));

    await page.goto(`${origin}/search/?q=${encodeURIComponent(args.present)}`, { waitUntil: "load" });
    report.present = await settled(page);
    await page.addScriptTag({ content: AXE_SOURCE });
    report.violations = await page.evaluate(async (tags) => {
      const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] });
      return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")) }));
    }, WCAG_TAGS);

    await page.goto(`${origin}/search/`, { waitUntil: "load" });
    await page.getByLabel(await page.locator("label[for=search-query]").textContent()).fill(args.present);
    await page.locator(".search-form button").click();
    report.typed = await settled(page);

    for (const word of args.absent.split(",").filter(Boolean)) {
      await page.goto(`${origin}/search/?q=${encodeURIComponent(word)}`, { waitUntil: "load" });
      report.absent.push({ word, ...(await settled(page)) });
    }
    await context.close();
  } finally {
    await browser.close();
    server.close();
  }
  console.log(JSON.stringify(report, null, 2));
  const failed =
    report.foreignRequests.length > 0 || report.violations.length > 0 || report.errors.length > 0;
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
