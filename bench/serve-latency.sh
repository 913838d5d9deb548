#!/usr/bin/env bash
# Save-to-visible latency of `byline serve` on the 10,000-story synthetic site, in headless
# Chromium. Not a test: it prints figures (see BENCHMARKS.md).
#
#   bench/serve-latency.sh [SITE_DIR] [ROUNDS]
#
# SITE_DIR defaults to /tmp/s10k-serve and is generated when missing (with
# ../shared/bench/gen_site.py, or the script in BYLINE_GEN_SITE). Needs Chromium
# (/usr/bin/chromium or BYLINE_CHROMIUM), Node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

site="${1:-/tmp/s10k-serve}"
rounds="${2:-20}"
generator="${BYLINE_GEN_SITE:-../shared/bench/gen_site.py}"

if [ ! -f "$site/site.yaml" ]; then
  python3 "$generator" "$site" --stories 10000
fi
cargo build --release --quiet
[ -d tests/browser/node_modules/playwright-core ] || (cd tests/browser && npm ci --no-audit --no-fund)
node bench/serve-latency.mjs --byline target/release/byline --site "$site" --rounds "$rounds" \
  --chromium "${BYLINE_CHROMIUM:-/usr/bin/chromium}"
