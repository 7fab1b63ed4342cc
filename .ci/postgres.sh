#!/usr/bin/env bash
# Private PostgreSQL for the tests: installed from Debian's packages when missing, started as user
# postgres on a free loopback port under a temporary directory, stopped (and the directory removed)
# by pg_private_stop. Touches no PostgreSQL service of the machine.
#
#   source .ci/postgres.sh; pg_private_start     # exports UNLEARNING_TEST_POSTGRES
#   pg_private_stop
#
# Run directly (`bash .ci/postgres.sh`) it starts an instance, prints the export line and leaves it
# running; stop it with `bash .ci/postgres.sh stop DIR`.

pg_private_bindir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ] && echo "$dir"
}

pg_private_install() {
    if [ -n "$(pg_private_bindir)" ]; then return 0; fi
    if [ "$(id -u)" -ne 0 ]; then
        echo "postgres.sh: PostgreSQL is not installed and this is not root: apt-get install postgresql" >&2
        return 1
    fi
    echo "postgres.sh: installing PostgreSQL from Debian's packages" >&2
    # A fresh install would create and start a 'main' cluster on port 5432: this script needs none.
    if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
        mkdir -p /etc/postgresql-common
        echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql >&2
    [ -n "$(pg_private_bindir)" ]
}

# Runs a command as the postgres user when root (initdb and postgres refuse to run as root).
pg_private_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        if command -v runuser >/dev/null 2>&1; then runuser -u postgres -- "$@"; else su -s /bin/sh postgres -c "$(printf '%q ' "$@")"; fi
    else
        "$@"
    fi
}

pg_private_start() {
    pg_private_install || return 1
    local bin; bin=$(pg_private_bindir)
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        useradd --system --home-dir /var/lib/postgresql --shell /bin/sh postgres
    fi
    PG_PRIVATE_DIR=$(mktemp -d /tmp/unlearning-pg.XXXXXX)
    chmod 755 "$PG_PRIVATE_DIR"
    [ "$(id -u)" -eq 0 ] && chown postgres: "$PG_PRIVATE_DIR"
    pg_private_as_owner "$bin/initdb" -D "$PG_PRIVATE_DIR/data" -U postgres --auth=trust -E UTF8 --no-sync >"$PG_PRIVATE_DIR/initdb.log" 2>&1 \
        || { cat "$PG_PRIVATE_DIR/initdb.log" >&2; return 1; }
    local attempt port
    for attempt in 1 2 3 4 5 6 7 8; do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 30000 ))
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then continue; fi
        # fsync=off: the tests kill silos, never this server; durability against a machine crash is not tested here.
        if pg_private_as_owner "$bin/pg_ctl" -D "$PG_PRIVATE_DIR/data" -l "$PG_PRIVATE_DIR/server.log" -w -t 60 \
            -o "-p $port -k $PG_PRIVATE_DIR -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null; then
            PG_PRIVATE_PORT=$port
            export UNLEARNING_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
            export PG_PRIVATE_DIR PG_PRIVATE_PORT
            echo "postgres.sh: private PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $PG_PRIVATE_DIR" >&2
            return 0
        fi
        tail -n 5 "$PG_PRIVATE_DIR/server.log" >&2 || true
    done
    echo "postgres.sh: could not start PostgreSQL" >&2
    return 1
}

pg_private_stop() {
    local dir=${1:-${PG_PRIVATE_DIR:-}}
    [ -n "$dir" ] && [ -d "$dir/data" ] || return 0
    local bin; bin=$(pg_private_bindir)
    pg_private_as_owner "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    case "${1:-start}" in
        start) pg_private_start; echo "export UNLEARNING_TEST_POSTGRES='$UNLEARNING_TEST_POSTGRES'  # stop: bash $0 stop $PG_PRIVATE_DIR" ;;
        stop) pg_private_stop "${2:?usage: $0 stop DIR}" ;;
        *) echo "usage: $0 [start | stop DIR]" >&2; exit 2 ;;
    esac
fi
