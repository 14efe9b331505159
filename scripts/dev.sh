#!/usr/bin/env bash
# `npm run dev`: the API (restarted when src/ changes) and Vite's dev server for the web application,
# which proxies API calls to it. Open http://127.0.0.1:5173/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh >/dev/null
node --import tsx --watch-path=src src/bin/atrium.ts start &
api=$!
trap 'kill "$api" 2>/dev/null || true' EXIT INT TERM
cd web && API_URL="http://127.0.0.1:${PORT:-3000}" node node_modules/vite/bin/vite.js
