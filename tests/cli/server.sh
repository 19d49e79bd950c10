#!/usr/bin/env bash
# tanba-server end to end: OCSP through `openssl ocsp -url` (CA-signed and delegated, nonce and
# cached), GET OCSP with caching headers, CRLs through `openssl crl -verify` and `openssl verify
# -crl_check`, the CA certificate, RFC 3161 through `openssl ts -verify`; revocations picked up
# while running; bad input to every endpoint answered with problem+json while the server keeps
# serving; configuration errors all reported; TLS.
source "$(dirname "$0")/lib.sh"
: "${TANBA_SERVER:?TANBA_SERVER must point at tanba-server}"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$TANBA" ca init --dir root --name "Server Root" --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
"$TANBA" ca init --dir iss --name "Server Issuing" --parent root --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
"$TANBA" ca init --dir other --name "Not Served" --algo ecdsa-p256 --no-passphrase > /dev/null 2>&1
issue() {  # issue NAME PROFILE DIR [csr args]
  local name=$1 profile=$2 dir=$3; shift 3
  "$TANBA" key new --algo ecdsa-p256 --out "$name.key" --no-passphrase 2> /dev/null
  "$TANBA" csr new --key "$name.key" "$@" --out "$name.csr" 2> /dev/null
  "$TANBA" ca issue --dir "$dir" --profile "$profile" --csr "$name.csr" --out "$name.pem" --no-passphrase 2> /dev/null
}
IIN=$("$TANBA" id new-iin --birth 1979-03-08 --sex f)
for c in good revoked later; do issue $c citizen-sign iss --iin "$IIN" --surname "ӘЛИЕВА" --given "ЖАНАР"; done
issue stranger citizen-sign other --iin "$IIN" --surname "ӘЛИЕВА" --given "ЖАНАР"
issue tsa tsa iss --cn "Server TSA"
issue responder ocsp-signer iss --cn "Server OCSP Responder"
serial() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
"$TANBA" ca revoke --dir iss "$(serial revoked.pem)" --reason keyCompromise 2> /dev/null
cat root/ca.pem iss/ca.pem > cas.pem
ISS_ID=$(sed -n "s/^id = '\(.*\)'/\1/p" iss/ca.toml)

cat > server.toml <<EOF
[server]
listen = "127.0.0.1:$PORT"
request_timeout_ms = 1500
refresh_interval_ms = 300
max_body_bytes = 8192

[[ca]]
dir = "root"

[[ca]]
dir = "iss"

[tsa]
cert = "tsa.pem"
key = "tsa.key"
chain = "iss/chain.pem"
EOF
SERVER=
stop_server() { [ -z "$SERVER" ] || { kill "$SERVER" 2> /dev/null || true; wait "$SERVER" 2> /dev/null || true; SERVER=; }; }
trap 'stop_server; rm -rf "$WORK"' EXIT
start_server() {  # start_server URL ARGS... — waits for /readyz
  local url=$1; shift
  "$TANBA_SERVER" "$@" > server.log 2>&1 &
  SERVER=$!
  await_readyz "$url" 200 "$SERVER" server.log
}
start_server "$BASE" --config server.toml

# OCSP through openssl: nonce (signed per request) and no nonce (pre-signed), good and revoked.
ocsp() { { openssl ocsp -issuer iss/ca.pem -cert "$1" -url "$BASE/ocsp" -CAfile cas.pem "${@:2}" 2>&1 || true; } > ocsp.txt; }
for nonce in "" -no_nonce; do
  ocsp good.pem $nonce; grep -q "Response verify OK" ocsp.txt && grep -q "good.pem: good" ocsp.txt || fail "openssl ocsp $nonce good: $(cat ocsp.txt)"; ok
  ocsp revoked.pem $nonce; grep -q "Response verify OK" ocsp.txt && grep -q "revoked.pem: revoked" ocsp.txt || fail "openssl ocsp $nonce revoked: $(cat ocsp.txt)"; ok
done
ocsp good.pem -no_nonce -resp_text; grep -q "OCSP Nonce" ocsp.txt && fail "no-nonce request answered with a nonce"; ok
ocsp good.pem -resp_text; grep -q "OCSP Nonce" ocsp.txt && ! grep -qi "nonce verify error\|no nonce" ocsp.txt || fail "nonce not echoed"; ok
# Several certificates in one request.
{ openssl ocsp -issuer iss/ca.pem -cert good.pem -cert revoked.pem -url "$BASE/ocsp" -CAfile cas.pem 2>&1 || true; } > ocsp.txt
grep -q "good.pem: good" ocsp.txt && grep -q "revoked.pem: revoked" ocsp.txt || fail "two certificates in one request: $(cat ocsp.txt)"; ok
# A CA not served here: unauthorized.
{ openssl ocsp -issuer other/ca.pem -cert stranger.pem -url "$BASE/ocsp" 2>&1 || true; } > ocsp.txt
grep -q "unauthorized" ocsp.txt || fail "unknown issuer not unauthorized: $(cat ocsp.txt)"; ok
# Our own client and verifier.
"$TANBA" ocsp check good.pem --issuer iss/ca.pem --url "$BASE/ocsp" > oc.txt 2> /dev/null || fail "tanba ocsp check good failed"
[ "$(cat oc.txt)" = good ] || fail "tanba ocsp check: $(cat oc.txt)"; ok

# GET /ocsp/{base64}: RFC 5019 caching headers; the cached answer verifies.
openssl ocsp -issuer iss/ca.pem -cert good.pem -no_nonce -reqout get.req > /dev/null 2>&1
B64=$(base64 -w0 get.req | sed 's/+/%2B/g; s#/#%2F#g; s/=/%3D/g')
curl -s -D get.hdr -o get.der "$BASE/ocsp/$B64"
grep -qi "^content-type: application/ocsp-response" get.hdr && grep -qi "^cache-control: max-age=[0-9]*, public" get.hdr \
  && grep -qi "^expires:" get.hdr && grep -qi "^last-modified:" get.hdr || fail "GET OCSP headers: $(cat get.hdr)"; ok
{ openssl ocsp -respin get.der -issuer iss/ca.pem -cert good.pem -CAfile cas.pem 2>&1 || true; } | grep -q "good.pem: good" \
  || fail "GET OCSP answer not good"; ok

# CRLs: full and delta verify with openssl and drive openssl verify -crl_check.
curl -sf -D crl.hdr -o full.crl "$BASE/crl/$ISS_ID.crl" || fail "GET full CRL"
grep -qi "^content-type: application/pkix-crl" crl.hdr || fail "CRL content type: $(cat crl.hdr)"; ok
curl -sf -o delta.crl "$BASE/crl/$ISS_ID-delta.crl" || fail "GET delta CRL"
curl -sfI "$BASE/crl/$ISS_ID.crl" | tr -d '\r' | grep -qi "^content-length: $(stat -c %s full.crl)$" || fail "HEAD of the CRL"; ok
for c in full delta; do
  openssl crl -in $c.crl -inform DER -CAfile iss/ca.pem -noout 2>&1 | grep -q "verify OK" || fail "openssl rejects the served $c CRL"; ok
done
openssl crl -in delta.crl -inform DER -noout -text | grep -q "Delta CRL Indicator" || fail "delta CRL without its indicator"; ok
ROOT_ID=$(sed -n "s/^id = '\(.*\)'/\1/p" root/ca.toml)
curl -sf "$BASE/crl/$ROOT_ID.crl" | openssl crl -inform DER -out root.crl.pem
openssl crl -in full.crl -inform DER -out full.crl.pem
cat full.crl.pem root.crl.pem > crls.pem
osslverify() { openssl verify -crl_check_all -CAfile cas.pem -CRLfile crls.pem "$1" 2>&1 || true; }
osslverify good.pem | grep -q ": OK" || fail "openssl verify -crl_check: good rejected"; ok
osslverify revoked.pem | grep -q "certificate revoked" || fail "openssl verify -crl_check: revoked accepted"; ok
# The CA certificate (AIA caIssuers).
curl -sf -o iss.crt "$BASE/ca/$ISS_ID.crt" && cmp -s iss.crt <(openssl x509 -in iss/ca.pem -outform DER) || fail "GET /ca/ID.crt"; ok

# Revoked while running: OCSP (cached path) and the next delta CRL see it within a few passes.
"$TANBA" ca revoke --dir iss "$(serial later.pem)" --reason superseded 2> /dev/null
seen=no
for _ in $(seq 40); do
  ocsp later.pem -no_nonce
  grep -q "later.pem: revoked" ocsp.txt && { seen=yes; break; }
  sleep 0.1
done
[ $seen = yes ] || fail "revocation not picked up by the running server: $(cat ocsp.txt)"; ok
seen=no
for _ in $(seq 40); do
  curl -sf -o delta2.crl "$BASE/crl/$ISS_ID-delta.crl"
  openssl crl -in delta2.crl -inform DER -noout -text | grep -qi "$(serial later.pem)" && { seen=yes; break; }
  sleep 0.1
done
[ $seen = yes ] || fail "revocation not in the served delta CRL"; ok

# RFC 3161: openssl's query, our reply, openssl ts -verify; and tanba ts stamp.
printf 'contract\n' > contract.txt
openssl ts -query -data contract.txt -sha256 -cert -out q.tsq 2> /dev/null
curl -sf -H 'Content-Type: application/timestamp-query' --data-binary @q.tsq -o r.tsr "$BASE/tsa" || fail "POST /tsa"
openssl ts -verify -data contract.txt -in r.tsr -CAfile cas.pem > /dev/null 2>&1 || fail "openssl ts -verify rejects our reply"; ok
"$TANBA" ts stamp contract.txt --url "$BASE/tsa" --out c.tst 2> /dev/null || fail "tanba ts stamp against the server"
openssl ts -verify -data contract.txt -in c.tst -token_in -CAfile cas.pem > /dev/null 2>&1 || fail "openssl ts rejects the token"; ok
# tanba ts verify: our token, our reply and a token openssl made as the TSA, each for the right
# data (by content and by digest, with the request's nonce), refused for other data; tanba
# verify refuses a bare token and points at ts verify.
printf '[tsa]\ndefault_tsa = t\n[t]\nserial = %s/tsaserial\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\ness_cert_id_alg = sha256\n' "$WORK" > tsa.cnf
echo 01 > tsaserial
openssl ts -reply -config tsa.cnf -queryfile q.tsq -signer tsa.pem -inkey tsa.key -out os.tsr 2> /dev/null || fail "openssl as a TSA"
NONCE=$(openssl ts -query -in q.tsq -text 2> /dev/null | sed -n 's/^Nonce: 0x//p')
[ -n "$NONCE" ] || fail "no nonce in the query"
printf 'other\n' > other.txt
tsv() { set +e; "$TANBA" ts verify "$@" --trust root/ca.pem --untrusted iss/ca.pem --json > tv.json; trc=$?; set -e; }
for tok in c.tst r.tsr os.tsr; do
  tsv $tok --data contract.txt
  [ "$trc" -eq 0 ] && grep -q '"indication": "VALID"' tv.json || fail "ts verify $tok: $(cat tv.json)"; ok
  tsv $tok --data other.txt
  [ "$trc" -eq 1 ] && grep -q TIMESTAMP_IMPRINT_MISMATCH tv.json || fail "ts verify $tok for other data: $(cat tv.json)"; ok
done
tsv os.tsr --digest "$(sha256sum contract.txt | cut -d' ' -f1)" --nonce "$NONCE"
[ "$trc" -eq 0 ] && grep -q '"policy": "1.2.3.4.1"' tv.json || fail "ts verify --digest --nonce: $(cat tv.json)"; ok
tsv os.tsr --digest "$(sha256sum contract.txt | cut -d' ' -f1)" --nonce 0badc0de
[ "$trc" -eq 1 ] && grep -q "nonce" tv.json || fail "ts verify with another nonce: $(cat tv.json)"; ok
expect_fail 2 USAGE "$TANBA" verify c.tst --trust root/ca.pem
grep -q "tanba ts verify" err.txt || fail "verify of a token does not point at ts verify: $(cat err.txt)"; ok

# CAdES-T: tanba sign --tsa. openssl cms accepts the signature and openssl ts the token over the
# signature value (read out by an independent DER walker); tanba verify reports the time-stamp
# and checks the signer's certificate at its time.
issue signer citizen-sign iss --iin "$IIN" --surname "ӘЛИЕВА" --given "ЖАНАР"
tsign() { "$TANBA" sign "$1" --key signer.key --cert signer.pem --chain iss/chain.pem --out "$2" "${@:3}" 2> /dev/null || fail "sign $*"; }
tsign contract.txt t.p7s --tsa "$BASE/tsa"
tsign contract.txt b.p7s
printf 'another contract\n' > other.txt
tsign other.txt t2.p7s --tsa "$BASE/tsa"
openssl cms -verify -binary -inform DER -in t.p7s -CAfile cas.pem -purpose any -out /dev/null 2>&1 | grep -q "Verification successful" \
  || fail "openssl cms rejects the CAdES-T signature"; ok
TS_TOOL="$PY $TANBA_SOURCE/tests/interop/cms_timestamp.py"
$TS_TOOL extract t.p7s t.tok t.sigvalue
openssl ts -verify -digest "$(sha256sum t.sigvalue | cut -d' ' -f1)" -in t.tok -token_in -CAfile cas.pem 2>&1 | grep -q "Verification: OK" \
  || fail "openssl ts: the token is not over the signature value"; ok
tverify() { set +e; "$TANBA" verify "$1" --trust root/ca.pem "${@:2}" --json > v.json; rc=$?; set -e; }
tverify t.p7s --revocation off
[ "$rc" -eq 0 ] || fail "CAdES-T signature not valid: $(cat v.json)"; ok
"$PY" - <<'PY' || fail "CAdES-T report: $(cat v.json)"
import json
s = json.load(open("v.json"))["signers"][0]
t = s["timestamp"]
assert t["indication"] == "VALID" and t["tsa"]["commonName"] == "Server TSA", t
assert t["policy"] == "1.2.398.3.3.2.6.1", t
assert s["validationTimeSource"] == "timestamp" and s["validationTime"] == t["time"], s
PY
ok
tverify b.p7s --revocation off
grep -q '"validationTimeSource": "current"' v.json && grep -q '"timestamp": null' v.json || fail "CAdES-B reported a time-stamp"; ok
$TS_TOOL transplant t.p7s t2.p7s mixed.p7s
# A TSA that cannot be reached or that answers something else: a clear code, no signature written.
expect_fail 3 FETCH_FAILED "$TANBA" sign contract.txt --key signer.key --cert signer.pem --tsa "http://127.0.0.1:1/tsa" --out lost.p7s
expect_fail 3 FETCH_FAILED "$TANBA" sign contract.txt --key signer.key --cert signer.pem --tsa "$BASE/healthz" --out lost.p7s
[ ! -e lost.p7s ] || fail "a signature was written although time-stamping failed"; ok
# A time-stamp that is not this signature's, tampered with, or unreadable proves nothing: at
# level B (the default) the signature stands on its own with a warning; --level T refuses it.
$TS_TOOL tamper t.p7s tampered.p7s
$TS_TOOL garble t.p7s garbled.p7s
for case in "mixed TIMESTAMP_IMPRINT_MISMATCH" "tampered TIMESTAMP_INVALID" "garbled TIMESTAMP_MALFORMED"; do
  set -- $case
  tverify $1.p7s --revocation off
  [ "$rc" -eq 0 ] || fail "$1: a bad time-stamp made the signature fail at level B: $(cat v.json)"; ok
  "$PY" - "$2" <<'PY' || fail "$1 at level B: $(cat v.json)"
import json, sys
s = json.load(open("v.json"))["signers"][0]
assert s["indication"] == "VALID" and s["validationTimeSource"] == "current", s
assert [f for f in s["findings"] if f["code"] == sys.argv[1] and f["severity"] == "warning"], s["findings"]
assert s["timestamp"]["indication"] != "VALID", s["timestamp"]
PY
  ok
  tverify $1.p7s --revocation off --level T
  [ "$rc" -eq 1 ] && grep -q "$2" v.json || fail "$1 accepted at level T: $(cat v.json)"; ok
done
"$PY" -c 'import json; t=json.load(open("v.json"))["signers"][0]["timestamp"]; assert t["indication"] == "INDETERMINATE", t' \
  || fail "an unreadable time-stamp is not INDETERMINATE"; ok
tverify b.p7s --revocation off --level T
[ "$rc" -eq 1 ] && grep -q TIMESTAMP_REQUIRED v.json || fail "level T without a time-stamp: $(cat v.json)"; ok
# Revoked after the time-stamp: still valid at the proven time; without one, revoked.
sleep 1.2
"$TANBA" ca revoke --dir iss "$(serial signer.pem)" --reason superseded 2> /dev/null
for _ in $(seq 40); do ocsp signer.pem -no_nonce; grep -q "signer.pem: revoked" ocsp.txt && break; sleep 0.1; done
tverify t.p7s --fetch
[ "$rc" -eq 0 ] && grep -q REVOKED_LATER v.json || fail "CAdES-T signer revoked later: $(cat v.json)"; ok
tverify b.p7s --fetch
[ "$rc" -eq 1 ] && grep -q '"REVOKED"' v.json || fail "CAdES-B signer revoked: $(cat v.json)"; ok

# Bad input: status, problem+json with the stable code; the server keeps serving.
expect_problem() {  # expect_problem STATUS CODE curl-args...
  local want=$1 code=$2; shift 2
  local got
  got=$(curl -s -o problem.json -w '%{http_code} %{content_type}' "$@" || true)
  [ "$got" = "$want application/problem+json" ] || fail "curl $*: got '$got', wanted $want problem+json: $(cat problem.json)"
  "$PY" -c 'import json,sys; p=json.load(open("problem.json")); assert p["code"]==sys.argv[1] and p["status"]==int(sys.argv[2]) and p["detail"], p' \
    "$code" "$want" || fail "problem body for $*: $(cat problem.json)"
  ok
}
head -c 300 /dev/urandom > garbage.bin
head -c 20000 /dev/zero > big.bin
OCSP_T='Content-Type: application/ocsp-request'
TSA_T='Content-Type: application/timestamp-query'
expect_problem 400 OCSP_REQUEST_INVALID -H "$OCSP_T" --data-binary @garbage.bin "$BASE/ocsp"
expect_problem 400 OCSP_REQUEST_INVALID -H "$OCSP_T" --data-binary @q.tsq "$BASE/ocsp"
expect_problem 415 HTTP_UNSUPPORTED_MEDIA_TYPE -H 'Content-Type: text/plain' --data-binary @get.req "$BASE/ocsp"
expect_problem 413 HTTP_BODY_TOO_LARGE -H "$OCSP_T" --data-binary @big.bin "$BASE/ocsp"
expect_problem 400 OCSP_REQUEST_INVALID "$BASE/ocsp/not-base64!"
expect_problem 414 HTTP_URI_TOO_LONG "$BASE/ocsp/$(head -c 5000 /dev/zero | tr '\0' A)"
expect_problem 405 HTTP_METHOD_NOT_ALLOWED -X DELETE "$BASE/ocsp"
expect_problem 404 HTTP_NOT_FOUND "$BASE/crl/no-such-ca.crl"
expect_problem 404 HTTP_NOT_FOUND "$BASE/ca/no-such-ca.crt"
expect_problem 405 HTTP_METHOD_NOT_ALLOWED -X POST --data-binary @q.tsq "$BASE/crl/$ISS_ID.crl"
expect_problem 400 TSP_DECODE_FAILED -H "$TSA_T" --data-binary @garbage.bin "$BASE/tsa"
expect_problem 400 TSP_DECODE_FAILED -H "$TSA_T" --data-binary @get.req "$BASE/tsa"
expect_problem 415 HTTP_UNSUPPORTED_MEDIA_TYPE -H "$OCSP_T" --data-binary @q.tsq "$BASE/tsa"
expect_problem 413 HTTP_BODY_TOO_LARGE -H "$TSA_T" --data-binary @big.bin "$BASE/tsa"
expect_problem 404 HTTP_NOT_FOUND "$BASE/no/such/thing"
expect_problem 431 HTTP_HEADER_TOO_LARGE -H "X-Padding: $(head -c 9000 /dev/zero | tr '\0' a)" "$BASE/healthz"
# Raw sockets: a slow client (slowloris), a request that is not HTTP, a client that leaves.
"$PY" - "$PORT" <<'PY' || fail "raw-socket checks"
import json, socket, sys, time
port = int(sys.argv[1])
def exchange(data, wait=0.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(data)
    time.sleep(wait)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
    s.close()
    return out
def problem(raw, status, code):
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 %d" % status), raw[:200]
    assert b"application/problem+json" in head.lower(), head
    assert json.loads(body)["code"] == code, body
# Slowloris: half a request, then nothing; answered 408 after the 1.5 s deadline.
t = time.time()
problem(exchange(b"POST /ocsp HTTP/1.1\r\nHost: x\r\nContent-Type: application/ocsp-request\r\n"), 408, "HTTP_REQUEST_TIMEOUT")
assert time.time() - t < 5, "the slow client held the connection too long"
# Trickled body: every byte arrives, too slowly.
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(b"POST /ocsp HTTP/1.1\r\nHost: x\r\nContent-Type: application/ocsp-request\r\nContent-Length: 100\r\n\r\n")
t = time.time()
try:
    while time.time() - t < 4:
        s.sendall(b"0"); time.sleep(0.2)
except OSError:
    pass
s.settimeout(5)
raw = s.recv(65536)
assert raw.startswith(b"HTTP/1.1 408"), raw[:100]
problem(exchange(b"NOT HTTP AT ALL\r\n\r\n"), 400, "HTTP_BAD_REQUEST")
# A connection closed without a request, and one idle past the deadline: closed quietly.
socket.create_connection(("127.0.0.1", port)).close()
assert exchange(b"", wait=2.0) == b""
PY
ok
curl -sf "$BASE/healthz" | grep -q ok || fail "server stopped serving after bad input"; ok
ocsp good.pem; grep -q "good.pem: good" ocsp.txt || fail "OCSP broken after bad input"; ok
curl -sf "$BASE/metrics" > metrics.txt
contains metrics.txt 'tanba_http_requests_total{endpoint="ocsp",status="200"}'
contains metrics.txt 'tanba_http_requests_total{endpoint="ocsp",status="400"}'
contains metrics.txt 'tanba_ocsp_responses_total{source="cache"}'
contains metrics.txt 'tanba_http_request_duration_seconds_bucket{endpoint="ocsp",le="+Inf"}'
# One log line per request, with latency; no key material or passphrases.
grep -q 'request peer=127.0.0.1:[0-9]* method=POST target=/ocsp status=200 bytes=[0-9]* latency_ms=[0-9.]*$' server.log || fail "no request log line: $(tail -3 server.log)"; ok
grep -q 'code=HTTP_BODY_TOO_LARGE' server.log || fail "problem code not logged"; ok
if grep -qi "PRIVATE KEY\|passphrase" server.log; then fail "secrets in the log"; fi; ok
stop_server

# Configuration: every problem reported at once, with a stable code and exit 2.
cat > bad.toml <<'EOF'
[server]
listen = "localhost"
threads = -1
colour = "blue"

[[ca]]
dir = "nowhere"

[tsa]
key = "tsa.key"
EOF
expect_fail 2 CONFIG_INVALID "$TANBA_SERVER" --config bad.toml
for p in "server.listen" "server.threads" "server.colour: unknown key" "tsa.cert: is required"; do
  grep -qF "$p" err.txt || fail "config error list lacks '$p': $(cat err.txt)"; ok
done
# The documented example is well-formed: its only problems are the files it names.
expect_fail 2 CONFIG_INVALID "$TANBA_SERVER" --config "$TANBA_SOURCE/server/tanba-server.toml.example"
if grep -E "unknown key|must be|is required" err.txt; then fail "the example configuration is not well-formed"; fi; ok
grep -q "no CA directory" err.txt || fail "example: $(cat err.txt)"; ok
expect_fail 2 CONFIG_INVALID "$TANBA_SERVER" --ca nowhere --listen 127.0.0.1:0
expect_fail 2 CONFIG_INVALID "$TANBA_SERVER" --listen 127.0.0.1:0
# Keys that do not belong to their certificates are refused at start-up.
expect_fail 3 KEY_MISMATCH "$TANBA_SERVER" --ca iss --tsa-cert tsa.pem --tsa-key signer.key --check-config
expect_fail 3 KEY_MISMATCH "$TANBA_SERVER" --ca iss --ocsp-cert responder.pem --ocsp-key signer.key --check-config
# A delegated OCSP signer must be one: OCSPSigning EKU, issued by that CA.
expect_fail 2 CONFIG_INVALID "$TANBA_SERVER" --ca iss --ocsp-cert tsa.pem --ocsp-key tsa.key --check-config
grep -q "lacks the OCSPSigning" err.txt || fail "TSA certificate accepted as OCSP signer: $(cat err.txt)"; ok
expect_fail 2 CONFIG_INVALID "$TANBA_SERVER" --ca root --ocsp-cert responder.pem --ocsp-key responder.key --check-config
grep -q "is not issued by" err.txt || fail "another CA's responder accepted: $(cat err.txt)"; ok
"$TANBA_SERVER" --config server.toml --check-config > check.txt 2>&1 || fail "--check-config on a good file: $(cat check.txt)"; ok

# Flags without a file; a delegated OCSP signer; TLS.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout tls.key -out tls.pem -days 2 \
  -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2> /dev/null
start_server "https://127.0.0.1:$PORT" --listen "127.0.0.1:$PORT" --ca iss --ocsp-cert responder.pem --ocsp-key responder.key \
  --tls-cert tls.pem --tls-key tls.key
curl -sf --cacert tls.pem "https://127.0.0.1:$PORT/healthz" | grep -q ok || fail "HTTPS healthz"; ok
curl -s --cacert tls.pem -H "$OCSP_T" --data-binary @get.req -o tls.der "https://127.0.0.1:$PORT/ocsp"
{ openssl ocsp -respin tls.der -issuer iss/ca.pem -cert good.pem -CAfile cas.pem 2>&1 || true; } > ocsp.txt
grep -q "Response verify OK" ocsp.txt && grep -q "good.pem: good" ocsp.txt || fail "delegated responder over TLS: $(cat ocsp.txt)"; ok
openssl ocsp -respin tls.der -resp_text -noverify 2>/dev/null | grep -q "Responder Id: .*Server OCSP Responder" \
  || fail "response not signed by the delegated responder"; ok
# TLS 1.3 preferred; TLS 1.2 only with ECDHE and an AEAD cipher: CBC and SHA-1 suites are refused.
tls_with() { echo | openssl s_client -connect "127.0.0.1:$PORT" "$@" > tls.txt 2>&1 || true; }
tls_with; grep -q "TLSv1.3" tls.txt || fail "TLS 1.3 was not negotiated"; ok
for weak in AES128-SHA ECDHE-ECDSA-AES128-SHA ECDHE-ECDSA-AES256-SHA384 AES256-GCM-SHA384; do
  tls_with -tls1_2 -cipher "$weak"; grep -q "Cipher is (NONE)" tls.txt || fail "TLS 1.2 accepted $weak: $(grep Cipher tls.txt)"; ok
done
for strong in ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-ECDSA-CHACHA20-POLY1305; do
  tls_with -tls1_2 -cipher "$strong"; grep -q "Cipher is $strong" tls.txt || fail "TLS 1.2 refused $strong"; ok
done
tls_with -tls1_1; grep -q "Cipher is (NONE)" tls.txt || fail "TLS 1.1 was accepted"; ok
stop_server

# A time-stamp from a TSA outside the trusted PKI proves no time: level B stands, T does not.
issue tsa2 tsa other --cn "Foreign TSA"
start_server "$BASE" --listen "127.0.0.1:$PORT" --ca iss --tsa-cert tsa2.pem --tsa-key tsa2.key
issue signer2 citizen-sign iss --iin "$IIN" --surname "ӘЛИЕВА" --given "ЖАНАР"
"$TANBA" sign contract.txt --key signer2.key --cert signer2.pem --chain iss/chain.pem --tsa "$BASE/tsa" --out f.p7s 2> /dev/null
tverify f.p7s --revocation off
[ "$rc" -eq 0 ] && grep -q TIMESTAMP_UNTRUSTED v.json && grep -q '"validationTimeSource": "current"' v.json \
  || fail "untrusted TSA: not a level-B signature with a warning: $(cat v.json)"; ok
tverify f.p7s --revocation off --level T
[ "$rc" -eq 1 ] && grep -q TIMESTAMP_UNTRUSTED v.json || fail "untrusted TSA accepted at level T: $(cat v.json)"; ok
stop_server

# Fail closed by default: with no flag beyond --trust, tanba fetches what the certificates name
# from this server; a revoked signer is REVOKED, and with the server stopped nothing is VALID.
start_server "$BASE" --listen "127.0.0.1:$PORT" --ca iss --ca root
cverify() { set +e; "$TANBA" cert verify "$1" --trust root/ca.pem --untrusted iss/ca.pem "${@:2}" --json > c.json; crc=$?; set -e; }
verdict() { "$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); r=r["signers"][0] if "signers" in r else r
codes=[f["code"] for f in r["findings"]]; assert (r["indication"], str(r.get("subIndication"))) == (sys.argv[2], sys.argv[3]), r
assert sys.argv[4] == "-" or sys.argv[4] in codes, codes
assert r["revocationPolicy"] == {"mode": sys.argv[5], "online": sys.argv[6] == "online"}, r["revocationPolicy"]' "$@"; }
tverify b.p7s
[ "$rc" -eq 1 ] && verdict v.json INVALID REVOKED REVOKED require online || fail "default verify of a revoked signer: $(cat v.json)"; ok
cverify signer.pem
[ "$crc" -eq 1 ] && verdict c.json INVALID REVOKED REVOKED require online || fail "default cert verify of a revoked certificate: $(cat c.json)"; ok
cverify good.pem
[ "$crc" -eq 0 ] && verdict c.json VALID None - require online || fail "default cert verify of a good certificate: $(cat c.json)"; ok
stop_server
tverify b.p7s
[ "$rc" -eq 1 ] && verdict v.json INDETERMINATE TRY_LATER REVOCATION_UNKNOWN require online || fail "verify with the server down: $(cat v.json)"; ok
grep -q FETCH_FAILED v.json || fail "the failed fetch is not reported: $(cat v.json)"; ok
cverify signer.pem
[ "$crc" -eq 1 ] && verdict c.json INDETERMINATE TRY_LATER REVOCATION_UNKNOWN require online || fail "cert verify with the server down: $(cat c.json)"; ok
tverify b.p7s --revocation off
[ "$rc" -eq 0 ] && verdict v.json VALID None REVOCATION_NOT_CHECKED off offline || fail "verify --revocation off: $(cat v.json)"; ok
cverify signer.pem --revocation off
[ "$crc" -eq 0 ] && verdict c.json VALID None REVOCATION_NOT_CHECKED off offline || fail "cert verify --revocation off: $(cat c.json)"; ok

# Keys with their own passphrases, and a root whose key is offline: the server starts with a
# pass file per key and serves the root's certificate and the CRL made with `tanba ca crl`.
printf 'offline-root-passphrase' > r2.pass; printf 'issuing-ca-passphrase' > i2.pass; printf 'tsa-key-passphrase' > t2.pass
"$TANBA" ca init --dir root2 --name "Offline Root" --base-url "$BASE" --pass-file r2.pass > /dev/null 2>&1
"$TANBA" ca init --dir iss2 --name "Online Issuing" --parent root2 --base-url "$BASE" --pass-file i2.pass --parent-pass-file r2.pass > /dev/null 2>&1
"$TANBA" ca crl --dir root2 --out root2.crl --pass-file r2.pass --next-update-hours 12 2> /dev/null
"$TANBA" key new --algo ecdsa-p256 --out tsa3.key --pass-file t2.pass 2> /dev/null
"$TANBA" csr new --key tsa3.key --pass-file t2.pass --cn "Per-key TSA" --out tsa3.csr 2> /dev/null
"$TANBA" ca issue --dir iss2 --profile tsa --csr tsa3.csr --out tsa3.pem --pass-file i2.pass 2> /dev/null
mv root2/ca.key root2.key.offline  # the root's key leaves the machine
start_server "$BASE" --listen "127.0.0.1:$PORT" --offline-ca root2 --ca iss2 --ca-pass-file i2.pass \
  --tsa-cert tsa3.pem --tsa-key tsa3.key --tsa-pass-file t2.pass --log-level info
ROOT2=$(sed -n "s/^id = [\"']\(.*\)[\"']\$/\1/p" root2/ca.toml)
curl -sf "$BASE/crl/$ROOT2.crl" -o served_root.crl || fail "the offline root's CRL is not served"
cmp -s served_root.crl root2.crl || fail "the served root CRL is not the one tanba ca crl made"; ok
curl -sf "$BASE/ca/$ROOT2.crt" -o served_root.crt || fail "the offline root's certificate is not served"
openssl x509 -inform DER -in served_root.crt -noout -subject | grep -q "Offline Root" || fail "root certificate"; ok
grep -q "serving offline CA $ROOT2" server.log || fail "no offline CA in the log: $(cat server.log)"; ok
grep -q "the CRL of offline CA $ROOT2 expires at" server.log || fail "no warning before the offline CRL's nextUpdate: $(cat server.log)"; ok
grep -q "CA $ROOT2 is offline: no OCSP" server.log || fail "no note that the offline root answers no OCSP"; ok
{ openssl ocsp -issuer root2/ca.pem -cert iss2/ca.pem -url "$BASE/ocsp" -no_nonce 2>&1 || true; } > ocsp2.txt
grep -qi "unauthorized" ocsp2.txt || fail "OCSP answered for the offline root: $(cat ocsp2.txt)"; ok
"$TANBA" ts stamp contract.txt --url "$BASE/tsa" --out c3.tst 2> /dev/null || fail "the TSA with its own passphrase does not answer"; ok
for f in iss2/ca.db iss2/ca.db-wal iss2/ca.db-shm; do  # the running server's store: WAL and SHM too
  [ ! -e "$f" ] || [ "$(stat -c %a "$f")" = 600 ] || fail "$f is $(stat -c %a "$f")"; ok
done
[ -e iss2/ca.db-wal ] || fail "no WAL while the server runs: the mode check proves nothing"; ok
# Ambiguous framing (RFC 9112 §6.3): one answer and the connection closed, no smuggled request.
"$PY" "$TANBA_SOURCE/tests/interop/smuggle.py" "$PORT" || fail "request smuggling"; ok
stop_server
# The pass file named in the CA's ca.toml (relative to it), and a wrong one refused by key.
cp i2.pass iss2/key.pass; printf 'pass_file = "key.pass"\n' >> iss2/ca.toml
start_server "$BASE" --listen "127.0.0.1:$PORT" --ca iss2 --offline-ca root2
stop_server
printf 'a-wrong-passphrase' > wrong2.pass
expect_fail 3 KEY_BAD_PASSPHRASE "$TANBA_SERVER" --check-config --ca iss2 --ca-pass-file wrong2.pass --offline-ca root2
expect_fail 2 "more than the --ca directories" "$TANBA_SERVER" --check-config --ca iss2 --ca-pass-file i2.pass --ca-pass-file r2.pass

# A server holding unlocked keys leaves no core file, even with `ulimit -c unlimited`, and the
# passphrase it read from TANBA_PASSPHRASE is gone from /proc/PID/environ.
sed -i '/^pass_file/d' iss2/ca.toml
abort_server() {  # abort_server DIR ARGS...: starts the server in DIR with cores allowed by ulimit, aborts it
  local dir=$1; shift
  mkdir -p "$dir"
  ( cd "$dir" && ulimit -c unlimited && TANBA_PASSPHRASE=issuing-ca-passphrase exec "$TANBA_SERVER" --listen "127.0.0.1:$PORT" --ca ../iss2 \
      --offline-ca ../root2 "$@" > server.log 2>&1 ) &
  SERVER=$!
  for _ in $(seq 100); do curl -sf "$BASE/readyz" > /dev/null 2>&1 && break; sleep 0.1; done
  curl -sf "$BASE/readyz" > /dev/null || fail "server in $dir not ready: $(cat "$dir/server.log")"
  PID=$(pgrep -f -n "tanba-server --listen 127.0.0.1:$PORT")
  tr '\0' '\n' < "/proc/$PID/environ" > "$dir/environ.txt"
  kill -ABRT "$PID"; wait "$SERVER" 2> /dev/null || true; SERVER=
}
abort_server nocore
! grep -q "issuing-ca-passphrase" nocore/environ.txt || fail "the passphrase is still in /proc/PID/environ"; ok
[ -z "$(ls nocore | grep '^core')" ] || fail "a core file was written: $(ls nocore)"; ok
if grep -q '^core' /proc/sys/kernel/core_pattern; then  # cores go to the working directory here: the check can fail
  abort_server withcore --allow-core-dumps
  [ -n "$(ls withcore | grep '^core')" ] || fail "no core even with --allow-core-dumps: the test proves nothing"; ok
  rm -f withcore/core*
fi
# Root: a warning, or a refusal with --refuse-root (the systemd unit's choice).
if [ "$(id -u)" -eq 0 ]; then
  grep -q "running as root" nocore/server.log || fail "no warning when running as root"; ok
  expect_fail 2 "running as root" "$TANBA_SERVER" --refuse-root --check-config --ca iss2 --ca-pass-file i2.pass --offline-ca root2
fi
done_checks server
