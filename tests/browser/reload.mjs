// Drives headless Chromium for tests/browser.rs: opens a page of `byline serve`, says READY,
// then (while the test edits the story's Markdown on disk) waits, without navigating, for the
// page to reload itself and show the expected text. Prints "SHOWN reload" (a new document) or
// "SHOWN in-place" (the new body swapped into the same document) on success; exits 1 with the
// reason otherwise. With --proxy-prefix, the browser sees the preview through a reverse proxy
// that serves it under that path (as a newsroom's staging host might).
//
// node reload.mjs --url URL --expect TEXT [--chromium PATH] [--timeout MS] [--proxy-prefix /p]

import http from "node:http";
import { chromium } from "playwright-core";

function option(name, fallback) {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
}

const url = option("url");
const expected = option("expect");
const executablePath = option("chromium", "/usr/bin/chromium");
const timeout = Number(option("timeout", "30000"));
if (!url || !expected) {
  console.error("usage: node reload.mjs --url URL --expect TEXT [--chromium PATH]");
  process.exit(2);
}

const prefix = option("proxy-prefix");

// A reverse proxy: PREFIX/anything -> the server's /anything, streamed (event streams too).
async function startProxy(server) {
  const upstream = new URL(server);
  const proxy = http.createServer((request, response) => {
    if (!request.url.startsWith(`${prefix}/`)) {
      response.writeHead(404).end("not under the proxy prefix");
      return;
    }
    const forward = http.request({
      hostname: upstream.hostname.replace(/^\[|\]$/g, ""),
      port: upstream.port,
      path: request.url.slice(prefix.length),
      method: request.method,
      headers: { ...request.headers, host: upstream.host },
    }, (answer) => {
      response.writeHead(answer.statusCode, answer.headers);
      answer.pipe(response);
    });
    forward.on("error", () => response.writeHead(502).end());
    request.pipe(forward);
  });
  await new Promise((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return proxy;
}

let pageUrl = url;
let proxy = null;
if (prefix) {
  proxy = await startProxy(url);
  const { pathname } = new URL(url);
  pageUrl = `http://127.0.0.1:${proxy.address().port}${prefix}${pathname}`;
}
const consoleLines = [];

const browser = await chromium.launch({
  executablePath,
  headless: true,
  // Playwright gives every launch a fresh, temporary user-data-dir.
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let status = 1;
try {
  const page = await browser.newPage();
  page.on("console", (message) => consoleLines.push(`page console: ${message.text()}`));
  page.on("pageerror", (error) => consoleLines.push(`page error: ${error.message}`));
  let loads = 0;
  page.on("load", () => { loads += 1; });

  await page.goto(pageUrl, { waitUntil: "load", timeout });
  if (await page.locator("script[data-byline-live-reload]").count() !== 1) {
    throw new Error("the page has no live-reload script");
  }
  if ((await page.innerText("body")).includes(expected)) {
    throw new Error(`the page shows "${expected}" before the edit`);
  }
  // Survives only as long as this document: gone once the page has reloaded.
  await page.evaluate(() => { window.bylineTestMarker = "original document"; });
  const before = await page.locator("script[data-byline-live-reload]").getAttribute("data-version");
  // Let the page connect to the event stream before the edit.
  await page.locator('script[data-byline-live-reload][data-state="connected"]')
    .waitFor({ state: "attached", timeout });
  console.log("READY");

  const deadline = Date.now() + timeout;
  for (;;) {
    const state = await page.evaluate((text) => ({
      reloaded: window.bylineTestMarker === undefined,
      shows: document.body !== null && document.body.innerText.includes(text),
      version: document.querySelector("script[data-byline-live-reload]")?.getAttribute("data-version"),
    }), expected).catch(() => ({ reloaded: false, shows: false })); // mid-navigation
    if (state.shows) {
      if (!state.reloaded && state.version === before) {
        throw new Error("the page shows the text without a new version of the page");
      }
      console.log(`SHOWN ${state.reloaded ? "reload" : "in-place"} (${loads} load events)`);
      break;
    }
    if (Date.now() > deadline) {
      throw new Error(`the page never showed "${expected}" within ${timeout} ms (reloaded: ${state.reloaded})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  if (page.url() !== pageUrl) throw new Error(`the page moved to ${page.url()}`);
  status = 0;
} catch (error) {
  for (const line of consoleLines) console.error(line);
  console.error(`FAILED: ${error.message}`);
} finally {
  await browser.close();
  if (proxy) proxy.close();
}
process.exit(status);
