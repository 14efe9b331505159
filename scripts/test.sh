#!/usr/bin/env bash
# The README's test command. Every database test runs on embedded PGlite; with TEST_DATABASE_URL
# (PostgreSQL + pgvector) they run on the server too, and with TEST_REDIS_URL the cache tests use Redis.
# The browser journeys run against an `npm start` server on the embedded database (project `web`) and,
# with TEST_DATABASE_URL, the first-answer and chat journeys once more on a scratch database of that
# server and on TEST_REDIS_URL (project `web-pg`); without it vitest.config.ts says what it skips.
# `bash scripts/services.sh` starts both locally and prints the variables.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh >/dev/null
[ -d node_modules ] || npm ci
exec npx vitest run "$@"
