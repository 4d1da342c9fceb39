# Helpers for the tests of `chancery serve` (sourced after lib.sh):
# accounts, a server on a free loopback port, and requests with curl.

# add_user NAME PASSWORD ARGS...: `user add`, the password on stdin.
add_user() {
    au_name=$1 au_pw=$2
    shift 2
    printf '%s\n' "$au_pw" | "$CHANCERY" user add "$au_name" "$@" >"$TMP/out" 2>"$TMP/err"
}

# serve_start: starts the server on port 0; sets $pid, $port and $URL.
serve_start() {
    : >"$TMP/serve.out"
    "$CHANCERY" serve --listen 127.0.0.1:0 "$@" >"$TMP/serve.out" 2>>"$TMP/serve.err" &
    pid=$!
    ss_i=0
    while ! grep -q listening "$TMP/serve.out" && [ $ss_i -lt 300 ]; do
        sleep 0.1
        ss_i=$((ss_i + 1))
    done
    port=$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$TMP/serve.out")
    URL=http://127.0.0.1:$port
    [ -n "$port" ] && [ "$port" != 0 ]
}

# req METHOD PATH [TOKEN] [BODY]: the body in $TMP/body, the code in $code.
# A BODY starting with @ names a file.
req() {
    set -- "$1" "$2" "${3:-}" "${4:-}"
    if [ -n "$3" ]; then
        code=$(curl -s -o "$TMP/body" -w '%{http_code}' -X "$1" -H "Authorization: Bearer $3" ${4:+--data-binary "$4"} "$URL$2")
    else
        code=$(curl -s -o "$TMP/body" -w '%{http_code}' -X "$1" ${4:+--data-binary "$4"} "$URL$2")
    fi
}

expect_code() { # WANT WHAT
    if [ "$code" = "$1" ]; then ok "$2"; else
        echo "# HTTP $code, wanted $1: $(head -c 300 "$TMP/body")"; not_ok "$2"; fi
}

expect_body() { # WHAT TEXT: the last answer contains TEXT
    if grep -qF -- "$2" "$TMP/body"; then ok "$1"; else
        echo "# body lacks: $2: $(head -c 300 "$TMP/body")"; not_ok "$1"; fi
}

login() { # NAME PASSWORD: the token on stdout
    curl -s -X POST --data-binary "{\"user\":\"$1\",\"password\":\"$2\"}" "$URL/api/v1/login" |
        sed -n 's/.*"token": *"\([0-9a-f]*\)".*/\1/p'
}
