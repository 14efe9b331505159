#!/usr/bin/env bash
# `npm start`: makes sure Node >= 22 is on PATH (installing Node 24 locally when the machine's is older),
# then migrates, seeds the demo organisation on an empty database and serves.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/node-env.sh
source scripts/node-env.sh >/dev/null
exec node --import tsx src/bin/atrium.ts "${@:-start}"
