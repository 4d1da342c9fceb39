#!/bin/sh
# `export` writes the change log with the after images it derives
# (store/verify.c, log_walk): from the next entry's before image of the
# same record, else from the record's row; it reads the entries and the
# rows in one snapshot of the database, so that a change set committed by
# another process between the two reads changes nothing of it (on
# PostgreSQL a plain BEGIN gives each statement its own snapshot;
# db_begin's DB_READ one). The export is held after its read of the log's
# before images (CHANCERY_TEST_READ_PAUSE) while a command ends posting
# T1; then its log still verifies against the checkpoint taken before,
# with T1's entries as they were. make check-pg only.
. tests/cli/lib.sh
pg_only || { echo "1..0 # SKIP PostgreSQL only (make check-pg)"; exit 0; }
setup_small
PAUSE=$TMP/pause
cleanup() {
    rm -f "$PAUSE" "$PAUSE.held"
    [ -n "${bg:-}" ] && kill "$bg" 2>/dev/null
    rm -rf "$TMP"
    psql -d postgres -qXc "DROP DATABASE $pg_db WITH (FORCE)" >/dev/null 2>&1
}
trap cleanup EXIT
ch audit keygen "$TMP/k" --name test.example/registry
expect_exit 0 "a signed checkpoint" audit checkpoint --sign "$TMP/k.key"
cp "$TMP/out" "$TMP/c1"

: >"$PAUSE"
CHANCERY_TEST_READ_PAUSE=$PAUSE "$CHANCERY" export "$TMP/exp" >"$TMP/exp.out" 2>"$TMP/exp.err" &
bg=$!
_i=0
until [ -f "$PAUSE.held" ] || [ $_i -gt 600 ]; do
    _i=$((_i + 1))
    sleep 0.05
done
if [ -f "$PAUSE.held" ]; then ok "the export is held after its read of the log"; else
    not_ok "the export is held after its read of the log"; exit 1; fi
expect_exit 0 "a command ends T1 meanwhile" posting end T1 --on 2021-06-30 --reason recalled
rm -f "$PAUSE.held"
if wait "$bg"; then ok "the export succeeds"; else
    sed 's/^/# /' "$TMP/exp.err"; not_ok "the export succeeds"; fi
bg=
expect_exit 0 "its log verifies against the checkpoint before" \
    audit verify-export "$TMP/exp" --checkpoint "$TMP/c1" --key "$TMP/k.pub"
done_testing
