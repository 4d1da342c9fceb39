#!/bin/sh
# `chancery serve` in operation: the access log in a file (one line per
# request: method, path, status, microseconds, account), SIGTERM letting a
# request in flight finish before exiting 0, and HTTPS with a self-signed
# certificate made here (curl --cacert), the same answers as over HTTP.
. tests/cli/lib.sh
. tests/cli/serve-lib.sh
setup_small
add_user off offpw --role officer || not_ok "user add officer"

if serve_start --access-log "$TMP/access.log"; then ok "serve --access-log starts"; else
    not_ok "serve --access-log starts"; cat "$TMP/serve.err"; exit 1; fi
T=$(login off offpw)
req GET /api/v1/missions "$T"
expect_code 200 "a request"
req GET /api/v1/missions/NOPE "$T"
expect_code 404 "an unknown record"
req GET /api/v1/missions
expect_code 401 "no token"
# The lines are kept and written out, whole, once a second: wait for them.
for _ in $(seq 100); do
    [ -s "$TMP/access.log" ] && [ "$(wc -l <"$TMP/access.log")" -ge 4 ] && break
    sleep 0.1
done
if grep -Eq '^GET /api/v1/missions 200 [0-9]+ off$' "$TMP/access.log"; then ok "the log names method, path, status, microseconds, account"; else
    not_ok "the log names method, path, status, microseconds, account"; sed 's/^/# /' "$TMP/access.log"; fi
if grep -Eq '^GET /api/v1/missions/NOPE 404 [0-9]+ off$' "$TMP/access.log"; then ok "an error is logged with its code"; else not_ok "an error is logged with its code"; fi
if grep -Eq '^GET /api/v1/missions 401 [0-9]+ -$' "$TMP/access.log"; then ok "an anonymous request is logged as -"; else not_ok "an anonymous request is logged as -"; fi
if grep -Eq '^POST /api/v1/login 200 [0-9]+ ' "$TMP/access.log"; then ok "the login is logged"; else not_ok "the login is logged"; fi
if [ "$(wc -l <"$TMP/access.log")" -eq 4 ]; then ok "one line per request"; else not_ok "one line per request ($(wc -l <"$TMP/access.log"))"; fi
if grep -q "GET /api" "$TMP/serve.err"; then not_ok "nothing on stderr with --access-log"; else ok "nothing on stderr with --access-log"; fi

# SIGTERM while a request is in flight (its body half sent): the request
# still gets its answer, then the server exits 0.
python3 - "$port" "$pid" >"$TMP/drain" <<'PY'
import os, signal, socket, sys, time
port, pid = int(sys.argv[1]), int(sys.argv[2])
body = b'{"user":"off","password":"wrong"}'
c = socket.create_connection(("127.0.0.1", port), timeout=20)
c.sendall(b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
          b"Content-Length: %d\r\n\r\n" % len(body) + body[:10])
time.sleep(0.3)
os.kill(pid, signal.SIGTERM)
time.sleep(0.3)
c.sendall(body[10:])
answer = b""
while True:
    chunk = c.recv(4096)
    if not chunk:
        break
    answer += chunk
print(answer.split(b"\r\n")[0].decode())
PY
if grep -q "^HTTP/1.1 401" "$TMP/drain"; then ok "the request in flight is answered after SIGTERM"; else
    echo "# $(cat "$TMP/drain")"; not_ok "the request in flight is answered after SIGTERM"; fi
wait "$pid"
rc=$?
if [ $rc -eq 0 ]; then ok "then exit 0"; else not_ok "then exit 0 ($rc)"; fi
if curl -s -o /dev/null "$URL/openapi.json"; then not_ok "nothing listens after"; else ok "nothing listens after"; fi

# The lines kept when SIGTERM comes are written out before the exit, each
# whole: every request of a burst just before it has its line.
: >"$TMP/burst.log"
if serve_start --access-log "$TMP/burst.log"; then ok "serve starts again"; else
    not_ok "serve starts again"; cat "$TMP/serve.err"; exit 1; fi
for i in $(seq 30); do req GET "/api/v1/missions?n=$i"; done
serve_stop
if [ "$serve_rc" -eq 0 ]; then ok "SIGTERM after a burst: exit 0"; else not_ok "SIGTERM after a burst: exit 0 ($serve_rc)"; fi
n=$(grep -Ec '^GET /api/v1/missions 400 [0-9]+ -$' "$TMP/burst.log")
if [ "$n" -eq 30 ] && [ "$(wc -l <"$TMP/burst.log")" -eq 30 ]; then ok "every line of the burst is in the log, whole, after the exit"; else
    not_ok "every line of the burst is in the log, whole, after the exit ($n)"; sed 's/^/# /' "$TMP/burst.log" | tail -5; fi

# HTTPS.
expect_exit 2 "--tls-cert alone is a usage error" serve --listen 127.0.0.1:0 --tls-cert "$TMP/none.pem"
command -v openssl >/dev/null || { echo "# SKIP: no openssl"; done_testing; exit 0; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/key.pem" -out "$TMP/cert.pem" \
    -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1 ||
    not_ok "openssl makes a certificate"
if serve_start https --tls-cert "$TMP/cert.pem" --tls-key "$TMP/key.pem"; then ok "serve over TLS starts"; else
    not_ok "serve over TLS starts"; cat "$TMP/serve.err"; exit 1; fi
CURL_OPTS="--cacert $TMP/cert.pem"
T=$(login off offpw)
if [ ${#T} -eq 64 ]; then ok "login over HTTPS"; else not_ok "login over HTTPS"; fi
"$CHANCERY" mission list --format json >"$TMP/cli.json"
req GET /api/v1/missions "$T"
expect_code 200 "GET over HTTPS"
expect_same "the same bytes over HTTPS" "$TMP/cli.json" "$TMP/body"
CURL_OPTS=
if curl -s -o /dev/null "$URL/openapi.json"; then not_ok "an unknown certificate is refused by curl"; else ok "an unknown certificate is refused by curl"; fi
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/openapi.json")
if [ "$code" != 200 ]; then ok "no plain HTTP on the TLS port"; else not_ok "no plain HTTP on the TLS port"; fi
serve_stop
if [ "$serve_rc" -eq 0 ]; then ok "SIGTERM: exit 0"; else not_ok "SIGTERM: exit 0 ($serve_rc)"; fi
printf 'not a key\n' >"$TMP/bad.pem"
expect_exit 1 "a bad key is refused" serve --listen 127.0.0.1:0 --tls-cert "$TMP/cert.pem" --tls-key "$TMP/bad.pem"
expect_err "saying so" "TLS certificate and key"
done_testing
