#!/usr/bin/env bash
# `npm start`: makes sure Node >= 22 is on PATH (installing Node 24 locally when the machine's is older),
# builds the web application when it is missing or its sources changed, then migrates, seeds the demo
# organisation on an empty database and serves (the web application at /).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh >/dev/null
if [ "${1:-start}" = "start" ] || [ "${1:-}" = "serve" ]; then
  node --import tsx scripts/web-build.ts --if-stale ||
    echo "start: the web application could not be built; the API starts without it" >&2
fi
exec node --import tsx src/bin/atrium.ts "${@:-start}"
