#!/bin/sh
# Moving a registry between backends (issue 15): the demo registry in an
# SQLite file, exported, imported into the test's registry ($CHANCERY_DB:
# PostgreSQL under make check-pg, another SQLite file under make check),
# exported again: the same bytes. Then back into a fresh SQLite file: the
# same bytes again. audit verify passes on each. The export's change log
# (changelog.jsonl) is the registry's own: an import records its own
# entries and does not take the file's (docs/registry.md, "The change log
# in an export"), so it is left out of the comparison.
. tests/cli/lib.sh

src="$TMP/source.db"
CHANCERY_DB="$src" "$CHANCERY" demo >/dev/null 2>"$TMP/err" ||
    { not_ok "the demo registry"; done_testing; exit 0; }
CHANCERY_DB="$src" expect_exit 0 "export from SQLite" export "$TMP/a"
expect_exit 0 "a fresh registry" init
expect_exit 0 "the export imports" import "$TMP/a"
expect_exit 0 "export from it" export "$TMP/b"
if diff -r -x changelog.jsonl "$TMP/a" "$TMP/b" >"$TMP/diff"; then ok "the same bytes"; else
    head -n 20 "$TMP/diff" | sed 's/^/# /'; not_ok "the same bytes"; fi
expect_exit 0 "audit verify passes on it" audit verify
back="$TMP/back.db"
CHANCERY_DB="$back" expect_exit 0 "back into SQLite" init
CHANCERY_DB="$back" expect_exit 0 "imports" import "$TMP/b"
CHANCERY_DB="$back" expect_exit 0 "and exports" export "$TMP/c"
if diff -r -x changelog.jsonl "$TMP/a" "$TMP/c" >"$TMP/diff"; then ok "the same bytes after the round trip"; else
    head -n 20 "$TMP/diff" | sed 's/^/# /'; not_ok "the same bytes after the round trip"; fi
CHANCERY_DB="$back" expect_exit 0 "audit verify passes there" audit verify
CHANCERY_DB="$src" expect_exit 0 "and on the source" audit verify

done_testing
