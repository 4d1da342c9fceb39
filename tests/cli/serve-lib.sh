# Helpers for the tests of `chancery serve` (sourced after lib.sh): start
# a server on a free loopback port, log in, request, compare with the CLI.
command -v curl >/dev/null || { echo "1..0 # SKIP curl is not installed"; exit 0; }

# add_user NAME PASSWORD ARGS...: `user add`, the password on stdin.
add_user() {
    _name=$1 _pw=$2
    shift 2
    printf '%s\n' "$_pw" | "$CHANCERY" user add "$_name" "$@" >"$TMP/out" 2>"$TMP/err"
}

# serve_start [SCHEME] [ARGS...]: starts `chancery serve` on port 0; sets
# pid, port and URL (SCHEME, default http). stderr in $TMP/serve.err.
serve_start() {
    _scheme=http
    case ${1:-} in http | https) _scheme=$1; shift ;; esac
    : >"$TMP/serve.out"
    "$CHANCERY" serve --listen 127.0.0.1:0 "$@" >"$TMP/serve.out" 2>>"$TMP/serve.err" &
    pid=$!
    _i=0
    while ! grep -q listening "$TMP/serve.out" && [ $_i -lt 300 ]; do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
        _i=$((_i + 1))
    done
    port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$TMP/serve.out")
    URL=$_scheme://127.0.0.1:$port
    [ -n "$port" ] && [ "$port" != 0 ]
}

# serve_stop: SIGTERM, and the exit status in serve_rc.
serve_stop() {
    kill -TERM "$pid" 2>/dev/null
    wait "$pid"
    serve_rc=$?
}

# req METHOD PATH [TOKEN] [BODY]: the body in $TMP/body, the code in $code.
req() {
    set -- "$1" "$2" "${3:-}" "${4:-}"
    if [ -n "$3" ]; then
        code=$(curl -s ${CURL_OPTS:-} -o "$TMP/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" ${4:+--data-binary "$4"} "$URL$2")
    else
        code=$(curl -s ${CURL_OPTS:-} -o "$TMP/body" -w '%{http_code}' -X "$1" ${4:+--data-binary "$4"} "$URL$2")
    fi
}

# expect_code WANT WHAT
expect_code() {
    if [ "$code" = "$1" ]; then ok "$2"; else
        echo "# HTTP $code, wanted $1: $(head -c 300 "$TMP/body")"; not_ok "$2"; fi
}

# expect_body WHAT TEXT: the last body contains TEXT.
expect_body() {
    if grep -qF -- "$2" "$TMP/body"; then ok "$1"; else
        echo "# body: $(head -c 300 "$TMP/body")"; not_ok "$1"; fi
}

# login NAME PASSWORD: the token on stdout.
login() {
    curl -s ${CURL_OPTS:-} -X POST --data-binary "{\"user\":\"$1\",\"password\":\"$2\"}" "$URL/api/v1/login" |
        sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'
}

# same WHAT PATH CHANCERY-ARGS...: GET PATH as $T_officer answers 200 and
# the bytes of the command with --format json.
same() {
    _what=$1 _path=$2
    shift 2
    "$CHANCERY" "$@" --format json >"$TMP/cli.json" 2>/dev/null
    req GET "$_path" "${T_officer:-}"
    if [ "$code" = 200 ] && cmp -s "$TMP/cli.json" "$TMP/body"; then ok "$_what"; else
        echo "# HTTP $code"; diff "$TMP/cli.json" "$TMP/body" | head -5 | sed 's/^/# /'; not_ok "$_what"; fi
}

# is_error_object: the last body is {"error": "..."} and nothing else.
is_error_object() {
    python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if isinstance(d, dict) and list(d) == ["error"] and isinstance(d["error"], str) else 1)
' "$TMP/body" 2>/dev/null
}
