#!/bin/sh
# `chancery serve` against hostile clients: every limit answers its code
# with an {"error": ...} object (a body nested too deep or with a string
# too long, a URL or headers too large, an unknown or oversized query
# parameter, a body over 1 MiB), and many idle connections do not keep a
# normal request from its answer.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small
add_user off offpw --role officer || not_ok "user add officer"
if serve_start; then ok "serve starts"; else not_ok "serve starts"; cat "$TMP/serve.err"; exit 1; fi
T=$(login off offpw)

# error WANT WHAT: the code, and the body is an error object alone.
error() {
    expect_code "$1" "$2"
    if is_error_object; then ok "$2: an {\"error\"} object"; else
        echo "# body: $(head -c 200 "$TMP/body")"; not_ok "$2: an {\"error\"} object"; fi
}

deep=$(python3 -c 'print("[" * 100 + "]" * 100)')
req POST /api/v1/login "" "$deep"
error 400 "a body nested 100 deep is 400"
expect_body "says why" "nests deeper than 32"
ok32=$(python3 -c 'print("{\"user\":" + "[" * 30 + "]" * 30 + "}")')
req POST /api/v1/login "" "$ok32"
error 400 "a body within the depth is parsed (and refused for its shape)"
expect_body "as a shape" "the body must be"
long=$(head -c 20000 /dev/zero | tr '\0' a)
req POST /api/v1/login "" "{\"user\":\"$long\",\"password\":\"x\"}"
error 400 "a string of 20000 bytes is 400"
expect_body "says why" "longer than 16384"
req POST /api/v1/login "" '{"user":"off","password":"a\u0000b"}'
error 400 "a NUL in a string is 400"
req POST /api/v1/login "" '{"user":"off","user":"x","password":"offpw"}'
error 400 "a duplicate key is 400"

req GET "/api/v1/missions?sending=$(head -c 2000 /dev/zero | tr '\0' a)" "$T"
error 400 "a parameter value over 1024 bytes is 400"
req GET "/api/v1/missions?sending=$(head -c 9000 /dev/zero | tr '\0' a)" "$T"
error 414 "a URL over 8 KiB is 414"
req GET "/api/v1/$(head -c 9000 /dev/zero | tr '\0' a)" "$T"
error 414 "a path over 8 KiB is 414"
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -H "X-Pad: $(head -c 20000 /dev/zero | tr '\0' a)" "$URL/openapi.json")
error 431 "headers over 16 KiB are 431"
set --
for k in $(seq 1 70); do set -- "$@" -H "X-H$k: v"; done
code=$(curl -s -o "$TMP/body" -w '%{http_code}' "$@" "$URL/openapi.json")
error 431 "70 header fields are 431"
req GET "/api/v1/missions?bogus=1" "$T"
error 400 "an unknown parameter is 400"
req GET "/api/v1/missions?sending" "$T"
error 400 "a parameter without a value is 400"
req GET "/api/v1/missions?sending=RUS&sending=USA" "$T"
error 400 "a parameter given twice is 400"
expect_body "names it" "parameter 'sending' given twice"
req GET "/api/v1/check?assume=a&assume=b" "$T"
expect_code 200 "a repeatable parameter may repeat"
req GET "/api/v1/consular/where?service=immigrant_visa"
error 400 "a required parameter missing is 400"
expect_body "names it" "nationality is required"
q=""
for k in $(seq 1 17); do q="$q&category=diplomatic_agent"; done
req GET "/api/v1/headcount?${q#&}" "$T"
error 400 "more than 16 parameters is 400"
head -c 1100000 /dev/zero | tr '\0' a >"$TMP/huge"
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST --data-binary "@$TMP/huge" "$URL/api/v1/login")
error 413 "a body over 1 MiB is 413"
code=$(curl -s -o "$TMP/body" -w '%{http_code}' -X POST -H 'Transfer-Encoding: chunked' --data-binary "@$TMP/huge" "$URL/api/v1/login")
error 413 "a chunked body over 1 MiB is 413"
req DELETE /api/v1/missions "$T"
error 405 "another method is 405"
req GET /api/v1/nowhere
error 404 "no such route is 404"
# Outside /api/ a path is a web page: an unknown one is the page's 404.
req GET /nowhere
expect_code 404 "no such page is 404"
req GET /api/v1/missions
error 401 "no token is 401"
req GET /api/v1/history/mission/RUS-WAS "$T"
req GET /api/v1/missions/NOPE "$T"
error 404 "an unknown record is 404"

# 100 idle connections (no byte sent) and a normal request: it answers,
# since connections are polled, not given a thread each.
if python3 - "$port" <<'PY'
import socket, sys
port = int(sys.argv[1])
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
c = socket.create_connection(("127.0.0.1", port), timeout=30)
c.sendall(b"GET /openapi.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
answer = c.recv(64)
sys.exit(0 if answer.startswith(b"HTTP/1.1 200") else 1)
PY
then ok "100 idle connections do not starve a normal request"; else not_ok "100 idle connections do not starve a normal request"; fi
req GET /openapi.json
expect_code 200 "the server answers after them"

serve_stop
if [ "$serve_rc" -eq 0 ]; then ok "SIGTERM: exit 0"; else not_ok "SIGTERM: exit 0 ($serve_rc)"; fi
done_testing
