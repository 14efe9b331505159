#!/usr/bin/env bash
# Ensures the services Atrium's server-mode tests need, on a Debian-like machine with no systemd:
#   - PostgreSQL >= 15 running on 127.0.0.1:$ATRIUM_PG_PORT, trust auth for user postgres over TCP
#   - pgvector >= 0.8 (built from Debian trixie's source package when no binary package fits)
#   - Redis running on 127.0.0.1:$ATRIUM_REDIS_PORT
#   - the test database ($ATRIUM_TEST_DB)
# Idempotent. When everything is already there it touches neither apt nor the services (fast path).
# Never stops or restarts a running server.
#
# Overrides: ATRIUM_PG_PORT (5432), ATRIUM_REDIS_PORT (6379), ATRIUM_TEST_DB (atrium_test),
#            PGVECTOR_OPTFLAGS (compiler flags for the pgvector build; default "" = portable binary).
set -euo pipefail

PG_PORT="${ATRIUM_PG_PORT:-5432}"
REDIS_PORT="${ATRIUM_REDIS_PORT:-6379}"
TEST_DB="${ATRIUM_TEST_DB:-atrium_test}"
PG_MIN_MAJOR=15
PGVECTOR_MIN="0.8.0"
TRIXIE_SRC_FILE=/etc/apt/sources.list.d/atrium-trixie-src.sources

APT_UPDATED=0
ADDED_TRIXIE_SRC=0
PG_JUST_INSTALLED=0
PG_MAJOR=""

log() { printf '[services] %s\n' "$*"; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when root, through sudo when available, otherwise fails clearly.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

apt_get() {
  command -v apt-get >/dev/null 2>&1 || die "apt-get not found: install the services by hand (see docker-compose.yml)"
  # C.UTF-8 so that a cluster created by the postgresql package's postinst gets UTF8, not SQL_ASCII.
  as_root env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 apt-get -y -q \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "$@"
}

apt_update() {
  if [ "$APT_UPDATED" -eq 0 ]; then
    log "apt-get update"
    apt_get update
    APT_UPDATED=1
  fi
}

apt_install() {
  apt_update
  log "apt-get install $*"
  apt_get install --no-install-recommends "$@"
}

# True when apt knows an installable candidate for the package.
apt_has_candidate() {
  local cand
  cand="$(apt-cache policy "$1" 2>/dev/null | awk '/Candidate:/ { print $2 }')"
  [ -n "$cand" ] && [ "$cand" != "(none)" ]
}

# Source-only entry for Debian 13: `deb-src` lines never make apt install binary packages from it.
add_trixie_src() {
  [ "$ADDED_TRIXIE_SRC" -eq 1 ] && return 0
  log "adding deb-src (source packages only) for Debian trixie: $TRIXIE_SRC_FILE"
  as_root tee "$TRIXIE_SRC_FILE" >/dev/null <<'EOF'
# Added by Atrium's scripts/services.sh to fetch the pgvector source package; removed when it exits.
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: trixie
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  ADDED_TRIXIE_SRC=1
  APT_UPDATED=0
}

cleanup() {
  if [ "$ADDED_TRIXIE_SRC" -eq 1 ]; then
    as_root rm -f "$TRIXIE_SRC_FILE" || true
  fi
  if [ -n "${BUILD_DIR:-}" ] && [ -d "$BUILD_DIR" ]; then
    rm -rf "$BUILD_DIR" || true
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- PostgreSQL

psql_q() { # psql_q DB SQL... : runs statements, prints unaligned tuples
  local db="$1"
  shift
  local args=()
  local s
  for s in "$@"; do args+=(-c "$s"); done
  PGOPTIONS='-c client_min_messages=warning' psql -X -q -tA -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$db" "${args[@]}"
}

pg_connects() {
  command -v psql >/dev/null 2>&1 && psql_q postgres 'SELECT 1' >/dev/null 2>&1
}

# Highest installed PostgreSQL server major >= PG_MIN_MAJOR, or empty.
installed_pg_major() {
  local d v best=""
  for d in /usr/lib/postgresql/*/bin/postgres; do
    [ -x "$d" ] || continue
    v="${d#/usr/lib/postgresql/}"
    v="${v%%/*}"
    [[ "$v" =~ ^[0-9]+$ ]] || continue
    if [ "$v" -ge "$PG_MIN_MAJOR" ] && { [ -z "$best" ] || [ "$v" -gt "$best" ]; }; then best="$v"; fi
  done
  printf '%s' "$best"
}

ensure_pg_installed() {
  PG_MAJOR="$(installed_pg_major)"
  if [ -n "$PG_MAJOR" ] && command -v psql >/dev/null 2>&1 && command -v pg_ctlcluster >/dev/null 2>&1; then
    return 0
  fi
  # A bare machine will need pgvector too: add the source entry now so one apt-get update serves both.
  add_trixie_src
  if [ -n "$PG_MAJOR" ]; then
    apt_install "postgresql-client-$PG_MAJOR" postgresql-common
  else
    apt_install postgresql postgresql-contrib
    PG_JUST_INSTALLED=1 # the package's postinst initialised the main cluster
  fi
  PG_MAJOR="$(installed_pg_major)"
  [ -n "$PG_MAJOR" ] || die "PostgreSQL >= $PG_MIN_MAJOR is not available from apt on this machine"
}

# Makes local TCP connections (127.0.0.1, ::1) trusted. Only used on clusters this script created.
configure_trust() {
  local hba="/etc/postgresql/$PG_MAJOR/main/pg_hba.conf"
  [ -f "$hba" ] || die "pg_hba.conf not found at $hba"
  if as_root grep -q 'atrium-services: trust' "$hba"; then return 0; fi
  log "configuring trust auth for 127.0.0.1 and ::1 in $hba"
  local tmp
  tmp="$(mktemp)"
  {
    echo '# atrium-services: trust local TCP connections (development/CI cluster)'
    echo 'host    all    all    127.0.0.1/32    trust'
    echo 'host    all    all    ::1/128         trust'
    as_root cat "$hba"
  } >"$tmp"
  as_root cp "$tmp" "$hba"
  rm -f "$tmp"
}

cluster_running() { as_root pg_ctlcluster "$PG_MAJOR" main status >/dev/null 2>&1; }

ensure_pg_running() {
  if pg_connects; then
    log "PostgreSQL reachable on 127.0.0.1:$PG_PORT"
    return 0
  fi
  if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    # Something accepts connections there but not ours: do not touch a server we did not set up.
    psql_q postgres 'SELECT 1' || true
    die "a server listens on 127.0.0.1:$PG_PORT but refuses user postgres without a password; allow trust for 127.0.0.1 in its pg_hba.conf or set ATRIUM_PG_PORT"
  fi
  ensure_pg_installed

  local created=0
  if [ ! -d "/etc/postgresql/$PG_MAJOR/main" ]; then
    log "creating cluster $PG_MAJOR/main on port $PG_PORT"
    as_root env LANG=C.UTF-8 LC_ALL=C.UTF-8 pg_createcluster "$PG_MAJOR" main --port "$PG_PORT"
    created=1
  fi
  if [ "$created" -eq 1 ] || [ "$PG_JUST_INSTALLED" -eq 1 ]; then
    configure_trust
  fi

  if cluster_running; then
    if [ "$created" -eq 1 ] || [ "$PG_JUST_INSTALLED" -eq 1 ]; then
      as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main reload
    fi
  else
    log "starting cluster $PG_MAJOR/main"
    as_root pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" main start ||
      { as_root tail -n 30 "/var/log/postgresql/postgresql-$PG_MAJOR-main.log" >&2 || true; die "could not start PostgreSQL"; }
  fi

  for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 -p "$PG_PORT" && break
    sleep 1
  done
  if ! pg_connects; then
    psql_q postgres 'SELECT 1' || true
    die "PostgreSQL $PG_MAJOR/main is not accepting trusted TCP connections as postgres on 127.0.0.1:$PG_PORT (check the port and pg_hba.conf)"
  fi
  log "PostgreSQL reachable on 127.0.0.1:$PG_PORT"
}

# Major of the server actually listening: pgvector must be built for that one.
detect_server_major() {
  local num
  num="$(psql_q postgres 'SHOW server_version_num')"
  PG_MAJOR="$((num / 10000))"
  [ "$PG_MAJOR" -ge "$PG_MIN_MAJOR" ] || die "PostgreSQL $PG_MAJOR on port $PG_PORT is too old (need >= $PG_MIN_MAJOR)"
}

# ---------------------------------------------------------------- pgvector

# Creates the extension in a scratch database, checks the version and halfvec, drops the database.
pgvector_ok() {
  local probe="atrium_pgvector_probe_$$"
  local ok=1 version
  psql_q postgres "DROP DATABASE IF EXISTS $probe" "CREATE DATABASE $probe" >/dev/null
  if version="$(psql_q "$probe" 'CREATE EXTENSION IF NOT EXISTS vector' \
    "SELECT extversion FROM pg_extension WHERE extname = 'vector'" 2>/dev/null)" &&
    [ "$(psql_q "$probe" "SELECT string_to_array('$version', '.')::int[] >= string_to_array('$PGVECTOR_MIN', '.')::int[] AND '[1,2,3]'::halfvec(3) IS NOT NULL" 2>/dev/null)" = "t" ]; then
    ok=0
    log "pgvector $version available"
  else
    log "pgvector >= $PGVECTOR_MIN not available${version:+ (found $version)}"
  fi
  psql_q postgres "DROP DATABASE IF EXISTS $probe" >/dev/null
  return "$ok"
}

server_headers_present() {
  [ -x "$1" ] && [ -f "$("$1" --includedir-server)/postgres.h" ] && [ -f "$("$1" --pgxs)" ]
}

build_pgvector() {
  local pg_config="/usr/lib/postgresql/$PG_MAJOR/bin/pg_config"
  add_trixie_src
  local pkgs=()
  # postgresql-NN ships pg_config itself; the server headers come with postgresql-server-dev-NN.
  server_headers_present "$pg_config" || pkgs+=("postgresql-server-dev-$PG_MAJOR")
  { command -v make && command -v gcc && command -v dpkg-source; } >/dev/null 2>&1 || pkgs+=(build-essential dpkg-dev)
  apt_update
  [ "${#pkgs[@]}" -eq 0 ] || apt_install "${pkgs[@]}"
  server_headers_present "$pg_config" ||
    die "PostgreSQL $PG_MAJOR server headers not found after installing postgresql-server-dev-$PG_MAJOR"

  BUILD_DIR="$(mktemp -d /tmp/atrium-pgvector.XXXXXX)"
  local started=$SECONDS
  log "fetching pgvector source from Debian trixie into $BUILD_DIR"
  (
    cd "$BUILD_DIR"
    # apt runs the download as the _apt user; the folder must be writable by it when we are root.
    chmod 0777 "$BUILD_DIR"
    apt-get source -q --download-only pgvector/trixie
    dpkg-source -x ./pgvector_*.dsc src >/dev/null
    cd src
    log "building pgvector $(sed -n 's/^default_version = .\(.*\).$/\1/p' vector.control) against PostgreSQL $PG_MAJOR"
    make -s -j"$(nproc)" PG_CONFIG="$pg_config" OPTFLAGS="${PGVECTOR_OPTFLAGS:-}"
    as_root make -s install PG_CONFIG="$pg_config" OPTFLAGS="${PGVECTOR_OPTFLAGS:-}"
  )
  log "pgvector built and installed in $((SECONDS - started)) s"
}

ensure_pgvector() {
  pgvector_ok && return 0
  # A packaged build (PGDG, Ubuntu, Debian >= 13) is quicker when its version is new enough.
  if command -v apt-cache >/dev/null 2>&1 && apt_has_candidate "postgresql-$PG_MAJOR-pgvector"; then
    apt_install "postgresql-$PG_MAJOR-pgvector"
    pgvector_ok && return 0
  fi
  build_pgvector
  pgvector_ok || die "pgvector still unavailable after building it"
}

ensure_test_db() {
  if [ "$(psql_q postgres "SELECT 1 FROM pg_database WHERE datname = '$TEST_DB'")" != "1" ]; then
    log "creating database $TEST_DB"
    # UTF8 whatever the cluster's default (a cluster initialised under LANG=C would give SQL_ASCII).
    psql_q postgres "CREATE DATABASE \"$TEST_DB\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'" >/dev/null
  else
    log "database $TEST_DB exists"
  fi
}

# ---------------------------------------------------------------- Redis

redis_ping() {
  if command -v redis-cli >/dev/null 2>&1; then
    [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
  else
    # No client: speak RESP over bash's /dev/tcp.
    local reply
    { exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT"; } 2>/dev/null || return 1
    printf 'PING\r\n' >&3
    IFS= read -r -t 2 reply <&3 || true
    exec 3<&- 3>&-
    [ "${reply%$'\r'}" = "+PONG" ]
  fi
}

ensure_redis() {
  if redis_ping; then
    log "Redis reachable on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  command -v redis-server >/dev/null 2>&1 || apt_install redis-server
  # The package's postinst may have started a server on the default port already.
  if ! redis_ping; then
    log "starting redis-server on 127.0.0.1:$REDIS_PORT"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no \
      --dir "${TMPDIR:-/tmp}" >/dev/null
  fi
  for _ in $(seq 1 20); do
    redis_ping && break
    sleep 0.5
  done
  redis_ping || die "Redis did not answer PING on 127.0.0.1:$REDIS_PORT"
  log "Redis reachable on 127.0.0.1:$REDIS_PORT"
}

# ---------------------------------------------------------------- main

ensure_pg_running
detect_server_major
ensure_pgvector
ensure_test_db
ensure_redis

cat <<EOF
[services] ready. Use:
export TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$PG_PORT/$TEST_DB
export TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/15
EOF
