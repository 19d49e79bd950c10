#!/usr/bin/env bash
# tanba-server under hostile clients: one address holding connections up to the fd limit does
# not starve the others (and the server idles); when full, the longest-idle keep-alive
# connection makes room; probes have their own listener; the request log rotates by size and
# can sample successful OCSP lines.
source "$(dirname "$0")/lib.sh"
: "${TANBA_SERVER:?}"
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port) PROBE=$(free_port)
HOSTILE="$PY $TANBA_SOURCE/tests/interop/hostile_clients.py"
"$TANBA" ca init --dir ca --name "Hostile Root" --algo ecdsa-p256 --base-url "http://127.0.0.1:$PORT" --no-passphrase > /dev/null 2>&1
SERVER=
stop_server() { [ -z "$SERVER" ] || { kill "$SERVER" 2> /dev/null || true; wait "$SERVER" 2> /dev/null || true; SERVER=; }; }
trap 'stop_server; rm -rf "$WORK"' EXIT
start_server() {  # start_server FD_LIMIT TOML_LINES...
  local fds=$1; shift
  printf '[server]\nlisten = "127.0.0.1:%s"\nprobe_listen = "127.0.0.1:%s"\nrequest_timeout_ms = 30000\nlog_file = "server.log"\n' "$PORT" "$PROBE" > server.toml
  printf '%s\n' "$@" >> server.toml
  printf '[[ca]]\ndir = "ca"\n' >> server.toml
  rm -f server*.log
  ( ulimit -n "$fds"; exec "$TANBA_SERVER" --config server.toml ) > stderr.log 2>&1 &
  SERVER=$!
  await_readyz "http://127.0.0.1:$PROBE" 200 "$SERVER" stderr.log
}
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER/stat"; }

# File-descriptor limit 256, below max_connections (10,000 by default): the cap follows the
# limit. 127.0.0.2 tries to hold 400 idle connections; it gets its 64, 127.0.0.1 is served.
start_server 256 "max_connections_per_client = 64"
grep -q "max_connections lowered from 10000 to 184: the file-descriptor limit is 256" server.log || fail "no word of the lowered cap: $(cat server.log)"; ok
t0=$(cpu_ticks); s0=$(date +%s.%N)
$HOSTILE hold "$PORT" 400 15 > hold.txt
t1=$(cpu_ticks); s1=$(date +%s.%N)
read -r okc failc held < <(sed 's/[a-z]*=//g' hold.txt)
[ "$okc" -gt 0 ] && [ $((okc * 100)) -ge $(((okc + failc) * 95)) ] || fail "normal clients starved: $(cat hold.txt)"; ok
[ "$held" -le 64 ] && [ "$held" -ge 32 ] || fail "127.0.0.2 held $held connections (cap 64)"; ok
cores=$(awk -v t="$((t1 - t0))" -v hz="$(getconf CLK_TCK)" -v a="$s0" -v b="$s1" 'BEGIN { printf "%.2f", t / hz / (b - a) }')
awk -v c="$cores" 'BEGIN { exit !(c < 1.0) }' || fail "the server used $cores cores while clients held idle connections"; ok
echo "hold: $(cat hold.txt), server CPU $cores cores"
stop_server

# Full (max_connections 20) with keep-alive connections idle between requests: a new client is
# served, the longest-idle connection is the one closed.
start_server 1024 "max_connections = 20" "max_connections_per_client = 1000"
$HOSTILE evict "$PORT" 20 > evict.txt
grep -q "answered=1 oldest_closed=1 newest_closed=0" evict.txt || fail "eviction: $(cat evict.txt)"; ok
stop_server

# Probes on their own listener: answered while the main one is full of connections that sent
# nothing (nothing to evict); the probe listener serves nothing else.
start_server 1024 "max_connections = 20" "max_connections_per_client = 1000"
"$PY" - "$PORT" <<'PYEOF' &
import socket, sys, time
held = []
for _ in range(40):
    s = socket.socket(); s.bind(("127.0.0.2", 0)); s.connect(("127.0.0.1", int(sys.argv[1]))); held.append(s)
time.sleep(4)
PYEOF
HOLDER=$!
sleep 1
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PORT/healthz")" = 000 ] || fail "the main listener was not full"; ok
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PROBE/readyz")" = 200 ] || fail "/readyz on the probe listener while the main one is full"; ok
curl -s --max-time 2 "http://127.0.0.1:$PROBE/metrics" | grep -q "tanba_http_connections_open 20" || fail "/metrics on the probe listener"; ok
[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$PROBE/ca/x.crt")" = 404 ] || fail "the probe listener served /ca"; ok
wait "$HOLDER"
stop_server

# The log rotates by size (64 KiB, 3 files) and samples successful OCSP lines (one in 10).
start_server 1024 "log_max_bytes = 65536" "log_max_files = 3" "log_sample_ok_ocsp = 10"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout x.key -subj /CN=x -out x.csr 2> /dev/null
openssl ocsp -issuer ca/ca.pem -serial 0x01 -no_nonce -reqout q.der 2> /dev/null
B64=$(base64 -w0 q.der | sed 's/+/%2B/g; s/\//%2F/g; s/=/%3D/g')
for _ in $(seq 200); do echo "url = \"http://127.0.0.1:$PORT/ocsp/$B64\""; echo "output = /dev/null"; done > ocsp.curl
curl -s -K ocsp.curl
sleep 1.5
lines=$(cat server*.log | grep -c "target=/ocsp/.* status=200" || true)
[ "$lines" -ge 15 ] && [ "$lines" -le 25 ] || fail "sampled OCSP lines: $lines of 200"; ok
for _ in $(seq 3000); do echo "url = \"http://127.0.0.1:$PORT/healthz\""; echo "output = /dev/null"; done > health.curl
curl -s -K health.curl
sleep 1.5
[ -e server.1.log ] && [ -e server.3.log ] && [ ! -e server.4.log ] || fail "no size rotation: $(ls -l server*.log)"; ok
for f in server*.log; do [ "$(stat -c %s "$f")" -le 70000 ] || fail "$f is $(stat -c %s "$f") bytes"; done; ok
stop_server

done_checks server_hostile
