#!/bin/sh
# Keyboard use of the web pages in a real browser (issue 14): sign-in and
# the notification's journey with the keyboard alone, the focus visible at
# every stop (tests/web/keyboard.js). Skipped (not failed) where node,
# chromium or the npm packages (scripts/setup.sh runs npm ci) are missing.
set -u
top=$(pwd)
web=$top/tests/web
if ! command -v node >/dev/null 2>&1; then
    echo "1..0 # SKIP node is not installed"
    exit 0
fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then
    echo "1..0 # SKIP chromium is not installed"
    exit 0
fi
if [ ! -d "$web/node_modules/playwright-core" ]; then
    echo "1..0 # SKIP run scripts/setup.sh (npm ci in tests/web)"
    exit 0
fi
export WEB_OUT="$top/${BUILD:-build}/tests/web"
cd "$web" && exec node keyboard.js
