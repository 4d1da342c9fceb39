# A throwaway PostgreSQL cluster for the tests (sourced): pg_start makes
# one with initdb in a fresh temporary folder, starts it on a free local
# port with its unix socket in that folder, and exports PGHOST, PGPORT and
# PGUSER, which libpq (chancery, psql) reads; pg_stop stops it and removes
# the folder. initdb and postgres refuse to run as root: under root the
# cluster belongs to the postgres user (runuser), else to the caller.
# The cluster uses the C locale, so text sorts by bytes as in SQLite, and
# trust authentication on the socket and loopback only.

PG_BIN=${PG_BIN:-}
pg_as() {
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_bin() {
    if [ -n "$PG_BIN" ]; then echo "$PG_BIN/$1"; return; fi
    for d in /usr/local/bin /usr/lib/postgresql/*/bin; do
        [ -x "$d/$1" ] && { echo "$d/$1"; return; }
    done
    command -v "$1"
}

pg_free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_start() {
    PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/chancery-pg.XXXXXX")
    [ "$(id -u)" -eq 0 ] && chown postgres "$PG_DIR"
    pg_as "$(pg_bin initdb)" -D "$PG_DIR/data" -U chancery -A trust \
        --locale=C -E UTF8 >"$PG_DIR/initdb.log" 2>&1 ||
        { cat "$PG_DIR/initdb.log" >&2; return 1; }
    PGPORT=$(pg_free_port)
    # Durability is not under test here: fsync off makes the suite faster.
    pg_as "$(pg_bin pg_ctl)" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-p $PGPORT -k $PG_DIR -c listen_addresses=127.0.0.1 \
            -c fsync=off -c synchronous_commit=off -c full_page_writes=off \
            -c max_connections=200" start >/dev/null ||
        { cat "$PG_DIR/server.log" >&2; return 1; }
    export PGHOST="$PG_DIR" PGPORT PGUSER=chancery PG_DIR
}

# pg_durable: the cluster started again with durability on (fsync,
# synchronous_commit), for a benchmark of durable writes.
pg_durable() {
    pg_as "$(pg_bin pg_ctl)" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-p $PGPORT -k $PG_DIR -c listen_addresses=127.0.0.1 \
            -c max_connections=200" restart >/dev/null
}

pg_stop() {
    [ -n "${PG_DIR:-}" ] || return 0
    pg_as "$(pg_bin pg_ctl)" -D "$PG_DIR/data" -m immediate -w stop \
        >/dev/null 2>&1
    rm -rf "$PG_DIR"
    PG_DIR=
}

# A streaming standby of the harness's cluster (pg_basebackup -R) in a
# folder of its own, for the tests that read from one: sets sdir, sport
# and standby (its URL); stop_standby stops and removes it. Non-zero when
# it could not start, with pg_basebackup's output in $TMP/bb.log and the
# standby's in $sdir/log.
stop_standby() {
    pg_as "$(pg_bin pg_ctl)" -D "$sdir/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$sdir"
}
standby_start() {
    sdir=$(mktemp -d "${TMPDIR:-/tmp}/chancery-standby.XXXXXX")
    [ "$(id -u)" -eq 0 ] && chown postgres "$sdir"
    sport=$(pg_free_port)
    standby="postgresql:///$pg_db?host=$sdir&port=$sport"
    pg_as "$(pg_bin pg_basebackup)" -D "$sdir/data" -R -X stream \
        -h "$PGHOST" -p "$PGPORT" -U chancery >"$TMP/bb.log" 2>&1 &&
        pg_as "$(pg_bin pg_ctl)" -D "$sdir/data" -l "$sdir/log" -w \
            -o "-p $sport -k $sdir -c listen_addresses='' -c max_connections=200" start >/dev/null 2>&1
}
