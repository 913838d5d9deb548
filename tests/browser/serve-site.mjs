// A static file server for a built byline site on 127.0.0.1 (a free port), with clean URLs like
// any static host: shared by the browser checks of the theme and of search.

import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".xml": "application/xml; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".svg": "image/svg+xml",
  ".webp": "image/webp",
  // Module scripts (the search page's, Pagefind's) load only with a script type.
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
};

/** A static file server for `root` on 127.0.0.1 with clean URLs, like any static host. */
export function serve(root) {
  const server = createServer(async (request, response) => {
    try {
      const url = new URL(request.url, "http://127.0.0.1");
      let file = path.join(root, decodeURIComponent(url.pathname));
      if (!file.startsWith(root)) throw new Error("outside the site");
      if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
      const body = await readFile(file);
      response.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
      });
      response.end(body);
    } catch {
      const body = await readFile(path.join(root, "404.html")).catch(() => "not found");
      response.writeHead(404, { "content-type": TYPES[".html"] });
      response.end(body);
    }
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(server));
  });
}

