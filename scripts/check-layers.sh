#!/bin/sh
# Fails when an #include points up a layer (DESIGN.md, "Architecture"), as
# curl and git check such rules in CI. Layers, lowest first; a file may
# include its own layer and those below it. main.c may include anything.
set -u
cd "$(dirname "$0")/.." || exit 1

rank() {
    case $1 in
    base) echo 0 ;;
    core) echo 1 ;;
    publish) echo 2 ;; # the published lists: pure logic that report renders
    rules | visa) echo 3 ;;
    forecast | plan) echo 4 ;; # built on the rules and visa cases
    report) echo 5 ;;          # above the logic it renders (DESIGN.md)
    store) echo 6 ;;
    http) echo 7 ;;
    cli) echo 8 ;;
    *) echo 99 ;;
    esac
}

status=0
for f in src/*/*.c src/*/*.h; do
    layer=$(basename "$(dirname "$f")")
    mine=$(rank "$layer")
    for inc in $(sed -n 's|^#include "\([a-z]*\)/.*"|\1|p' "$f" | sort -u); do
        theirs=$(rank "$inc")
        if [ "$theirs" -gt "$mine" ] ||
            { [ "$theirs" -eq "$mine" ] && [ "$inc" != "$layer" ]; }; then
            echo "$f: includes $inc/, which is not below $layer/" >&2
            status=1
        fi
    done
done
grep -l "sqlite3" src/*/*.c src/*/*.h | grep -v '^src/store/' | while read -r f; do
    echo "$f: only store/ may use SQLite" >&2
    exit 1
done || status=1
[ $status -eq 0 ] && echo "layers: ok"
exit $status
