# shellcheck shell=bash
# Shared helpers for scripts/test, scripts/run and scripts/demo-store.
# Sourced, not executed.  Everything here is idempotent and cached between runs.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ODOO_PATH=${ODOO_PATH:-/opt/odoo-18}
CACHE_DIR=${ECOM_CRM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecom_crm}
PYTHON=${PYTHON:-python3}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 2; }

require_odoo() {
    if [ ! -f "$ODOO_PATH/odoo-bin" ] || [ ! -d "$ODOO_PATH/odoo/addons/base" ]; then
        cat >&2 <<MSG
ERROR: no Odoo 18 source tree found at ODOO_PATH=$ODOO_PATH.

These addons are tested against a real Odoo 18.0 (Community) and PostgreSQL.
Either:
  * put an Odoo 18.0 source tree there (or point ODOO_PATH at one), e.g.
        git clone --depth 1 --branch 18.0 https://github.com/odoo/odoo.git /opt/odoo-18
    then run scripts/test again; or
  * run the addons' tests in Docker with the official odoo:18 image, no local Odoo needed:
        docker compose run --rm odoo odoo -d ecom_crm_test -i ecom_crm,ecom_crm_1c,ecom_crm_scoring \\
            --without-demo=all --test-enable --test-tags=/ecom_crm,/ecom_crm_1c,/ecom_crm_scoring --stop-after-init
    (see README.md, "Running the tests").
MSG
        exit 2
    fi
    grep -q "version_info = (18, 0" "$ODOO_PATH/odoo/release.py" \
        || die "$ODOO_PATH is not Odoo 18.0 (see $ODOO_PATH/odoo/release.py)"
}

# System packages the Python requirements build against (psycopg2, python-ldap), and what the
# callers name: the browser the tours drive, wkhtmltopdf that prints Odoo's PDF reports (the
# commercial offer and supply contract of ecom_crm), poppler-utils whose pdftotext reads them
# back in the tests, zbar-tools whose zbarimg reads the invoice's payment QR code from them.  Installed only when missing and only when we are root.
ensure_system_packages() {
    local missing=()
    for pkg in libldap2-dev libsasl2-dev libpq-dev "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        log "installing system packages: ${missing[*]}"
        apt-get update -qq >/dev/null && \
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
            || die "apt-get install ${missing[*]} failed"
    else
        die "missing system packages: ${missing[*]} (install them with your package manager)"
    fi
}

# Every package of the virtualenv that Odoo's requirements leave open, pinned
# (scripts/freeze-constraints regenerates it; docker/Dockerfile installs with it too).
CONSTRAINTS="$ROOT/constraints.txt"

# Odoo's requirements as they install here: its cbor2==5.4.2 no longer builds (5.4.6 is
# API-compatible).
# Odoo's requirements as this machine can install them: cbor2 5.4.2 does not build (5.4.6 does);
# python-stdnum 1.19 has no ОГРН check (stdnum.ru.ogrn came in 2.0), which the documents need.
odoo_requirements() {
    sed -e 's/^cbor2==5\.4\.2/cbor2==5.4.6/' \
        -e "s/^python-stdnum==1\.19 ; python_version >= '3\.11'/python-stdnum==2.1 ; python_version >= '3.11'/" \
        "$ODOO_PATH/requirements.txt"
}

# build_venv DIR CONSTRAINTS_FILE: a virtualenv with Odoo's requirements and ours, installed
# under the given constraints, then checked (scripts/check_venv.py).  pip's output goes to
# DIR/build.log, whose tail is shown when a step fails.
build_venv() {
    local dir=$1 log="$1/build.log" pip="$1/bin/pip"
    local c=(-c "$2")
    rm -rf "$dir"
    mkdir -p "$(dirname "$dir")"
    run_logged() {
        "$@" >>"$log" 2>&1 && return 0
        grep -v "is ignored: it is neither a file nor a directory" "$log" | tail -n 40 >&2
        return 1
    }
    "$PYTHON" -m venv "$dir" || die "cannot create a virtualenv with $PYTHON"
    : >"$log"
    run_logged "$pip" install --upgrade pip wheel "setuptools<70" "${c[@]}" || die "pip bootstrap failed"
    # psycopg2 and python-ldap build from source against the system headers and setuptools<70.
    odoo_requirements >"$dir/odoo-requirements.txt"
    run_logged "$pip" install --no-build-isolation -r "$dir/odoo-requirements.txt" "${c[@]}" \
        || die "installing Odoo's requirements failed (log: $log)"
    run_logged "$pip" install -r "$ROOT/requirements.txt" -r "$ROOT/requirements-dev.txt" "${c[@]}" \
        || die "installing our requirements failed (log: $log)"
    "$dir/bin/python" "$ROOT/scripts/check_venv.py" || die "the virtualenv $dir cannot run Odoo (above)"
}

# The virtualenv of the scripts, keyed by the content of the requirement and constraint files
# so that it is rebuilt when they change.  ECOM_CRM_FRESH_VENV=1 rebuilds it from nothing
# (CI does, so that a missing install step cannot hide behind a cache).
ensure_venv() {
    local key
    key=$( { cat "$ODOO_PATH/requirements.txt" "$ROOT/requirements.txt" "$ROOT/requirements-dev.txt" \
                 "$CONSTRAINTS" "$ROOT/scripts/check_venv.py"; \
             "$PYTHON" -c 'import sys; print(sys.version)'; } | sha256sum | cut -c1-16)
    VENV="$CACHE_DIR/venv-$key"
    if [ -n "${ECOM_CRM_FRESH_VENV:-}" ] || [ ! -f "$VENV/.complete" ]; then
        log "building virtualenv $VENV${ECOM_CRM_FRESH_VENV:+ from nothing}"
        build_venv "$VENV" "$CONSTRAINTS"
        touch "$VENV/.complete"
    fi
    unset ECOM_CRM_FRESH_VENV  # built once: the commands this script starts use it as it is
    export PATH="$VENV/bin:$PATH"
    export PYTHONPATH="$ODOO_PATH${PYTHONPATH:+:$PYTHONPATH}"
}

# A throw-away PostgreSQL cluster listening only on a private Unix socket,
# unless PGHOST says where a server already runs.  Sets PGHOST/PGPORT/PGUSER.
PG_STARTED=
start_postgres() {
    if [ -n "${PGHOST:-}" ]; then
        log "using the PostgreSQL server at PGHOST=$PGHOST"
        return 0
    fi
    local bindir
    bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
    [ -x "$bindir/initdb" ] || die "PostgreSQL server binaries not found (apt-get install postgresql)"
    # PG_PERSIST_DIR keeps the cluster between runs (scripts/run); otherwise a throw-away one.
    if [ -n "${PG_PERSIST_DIR:-}" ]; then
        PG_DIR=$PG_PERSIST_DIR KEEP_PG_DIR=1
        mkdir -p "$PG_DIR"
    else
        PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ecom_crm_pg.XXXXXX")
    fi
    chmod 755 "$PG_DIR"
    local as=()
    if [ "$(id -u)" = 0 ]; then
        chown postgres: "$PG_DIR"
        as=(runuser -u postgres --)
    fi
    if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
        "${as[@]}" "$bindir/initdb" -D "$PG_DIR/data" -A trust -U odoo -E UTF8 --locale=C.UTF-8 \
            >"$PG_DIR/initdb.log" 2>&1 || { cat "$PG_DIR/initdb.log" >&2; die "initdb failed"; }
    fi
    PGPORT=${PGPORT:-5432}
    "${as[@]}" "$bindir/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 start \
        -o "-k $PG_DIR -c listen_addresses='' -p $PGPORT -c fsync=off -c synchronous_commit=off -c full_page_writes=off ${PG_EXTRA_OPTS:-}" >/dev/null \
        || { cat "$PG_DIR/server.log" >&2; die "PostgreSQL did not start"; }
    PG_STARTED=$bindir
    export PGHOST=$PG_DIR PGPORT PGUSER=odoo
    log "PostgreSQL started on socket $PG_DIR (port $PGPORT)"
}

stop_postgres() {
    [ -n "$PG_STARTED" ] || return 0
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
    "${as[@]}" "$PG_STARTED/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    [ -n "${KEEP_PG_DIR:-}" ] || rm -rf "$PG_DIR"
    PG_STARTED=
}

# A benchmark's database: $DB when set (a demo store already filled, on the server PGHOST names),
# else a fresh one on a throw-away cluster with the addons and a demo store of $2 customers (further
# arguments go to ecom_demo_store). Sets DB.
bench_database() {
    local prefix=$1 customers=$2
    shift 2
    if [ -n "${DB:-}" ]; then
        [ -n "${PGHOST:-}" ] || die "DB=$DB: set PGHOST (and PGPORT) to the server that holds it"
        return 0
    fi
    start_postgres
    trap stop_postgres EXIT
    DB=${prefix}_$(date +%s)
    log "installing the addons into $DB"
    odoo_bin -d "$DB" -i "$ADDONS" --without-demo=all --stop-after-init --log-level=warn >/dev/null 2>&1 \
        || die "install failed"
    log "generating $customers customers $*"
    odoo_bin ecom_demo_store -d "$DB" --scale large --customers "$customers" --json --log-level=warn "$@" | tail -n1
    psql -d "$DB" -AtXc "VACUUM ANALYZE" >/dev/null
}

# Where scripts/run keeps its cluster between runs: in the cache, beside the filestore of its databases.
# As root the server runs as `postgres`, which cannot enter root's home, so the cluster lives under
# /var/tmp then: /var/tmp/ecom_crm-pg-run for the default cache, a directory of its own for any other
# ECOM_CRM_CACHE (keyed by its path): one cluster shared by every cache would serve a new, empty cache
# the databases of another without their filestore, and two caches' runs could not serve together.
run_cluster_dir() {
    if [ "$(id -u)" != 0 ]; then echo "$CACHE_DIR/pg-run"; return; fi
    if [ "$CACHE_DIR" = "${XDG_CACHE_HOME:-$HOME/.cache}/ecom_crm" ]; then
        echo "/var/tmp/ecom_crm-pg-run"
    else
        echo "/var/tmp/ecom_crm-pg-run-$(printf '%s' "$CACHE_DIR" | sha256sum | cut -c1-12)"
    fi
}

ADDONS=ecom_crm,ecom_crm_1c,ecom_crm_scoring
addons_path() { echo "$ROOT/addons,$ODOO_PATH/addons,$ODOO_PATH/odoo/addons"; }

# odoo-bin with the project's configuration and the current PostgreSQL.
# `odoo_bin [subcommand] [options]`: --addons-path goes first so that Odoo finds the
# subcommands our addons define (ecom_demo_store), then the subcommand, then the options.
odoo_bin() {
    local cmd=()
    if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then cmd=("$1"); shift; fi
    python "$ODOO_PATH/odoo-bin" --addons-path="$(addons_path)" "${cmd[@]}" \
        -c "$ROOT/config/odoo.conf" \
        --db_host="$PGHOST" --db_port="${PGPORT:-5432}" --db_user="${PGUSER:-odoo}" \
        --db_password="${PGPASSWORD:-}" --data-dir="$CACHE_DIR/filestore" "$@"
}
