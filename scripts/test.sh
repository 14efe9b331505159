#!/usr/bin/env bash
# The README's test command. Every database test runs on embedded PGlite; with TEST_DATABASE_URL
# (PostgreSQL + pgvector) they run on the server too, and with TEST_REDIS_URL the cache tests use Redis.
# `bash scripts/services.sh` starts both locally and prints the variables.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh >/dev/null
[ -d node_modules ] || npm ci
exec npx vitest run "$@"
