#!/usr/bin/env bash
# Time under faults (libfaketime): a clock stepped back 2 h under a running server gives no OCSP
# answer or CRL dated in the future; a CA certificate expired (or not yet valid) signs nothing —
# issuance and CRLs refused with CA_CERT_NOT_VALID, /readyz 503 saying why.
source "$(dirname "$0")/lib.sh"
: "${TANBA_SERVER:?}"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
LIBFAKETIME=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
[ -e "$LIBFAKETIME" ] || fail "libfaketime is missing (scripts/setup installs faketime)"
yesterday() { env LD_PRELOAD="$LIBFAKETIME" FAKETIME="-1d" "$@"; }  # the PKI was made yesterday: still valid 2 h back
yesterday "$TANBA" ca init --dir root --name "Clock Root" --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
yesterday "$TANBA" ca init --dir iss --name "Clock Issuing" --parent root --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
IIN=$("$TANBA" id new-iin --birth 1985-05-05 --sex f)
"$TANBA" key new --algo ecdsa-p256 --out p.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key p.key --iin "$IIN" --surname "СЕРІК" --given "АЙГҮЛ" --out p.csr 2> /dev/null
yesterday "$TANBA" ca issue --dir iss --profile citizen-sign --csr p.csr --out good.pem --no-passphrase 2> /dev/null
ID=$(sed -n "s/^id = '\(.*\)'/\1/p" iss/ca.toml)
SERVER=
stop_server() { [ -z "$SERVER" ] || { kill "$SERVER" 2> /dev/null || true; wait "$SERVER" 2> /dev/null || true; SERVER=; }; }
trap 'stop_server; rm -rf "$WORK"' EXIT
readyz() { curl -s -o readyz.json -w '%{http_code}' "$BASE/readyz"; }
start_server() {  # start_server WANT_STATUS ENV... — the server runs under libfaketime, its offset read from offset.rc
  local want=$1; shift
  env "$@" LD_PRELOAD="$LIBFAKETIME" FAKETIME_TIMESTAMP_FILE="$WORK/offset.rc" FAKETIME_CACHE_DURATION=1 FAKETIME_DONT_FAKE_MONOTONIC=1 \
    "$TANBA_SERVER" --listen "127.0.0.1:$PORT" --ca iss > server.log 2>&1 &
  SERVER=$!
  await_readyz "$BASE" "$want" "$SERVER" server.log
}
epoch() { date -d "$1" +%s; }
ocsp_this_update() {  # ocsp_this_update [-nonce|-no_nonce] — the thisUpdate of a fresh answer about good.pem
  openssl ocsp -issuer iss/ca.pem -cert good.pem "$1" -url "$BASE/ocsp" -respout r.der -noverify > /dev/null 2>&1 || fail "no OCSP answer: $(tail -3 server.log)"
  epoch "$(openssl ocsp -respin r.der -resp_text -noverify 2> /dev/null | sed -n 's/^ *This Update: //p' | head -1)"
}
crl_this_update() { curl -sf "$BASE/crl/$ID.crl" -o c.crl && epoch "$(openssl crl -inform DER -in c.crl -noout -lastupdate | cut -d= -f2)"; }

# The clock steps back 2 h under the running server.
echo "+0" > offset.rc
start_server 200
before=$(ocsp_this_update -no_nonce)
[ $((before - $(date +%s))) -le 5 ] || fail "OCSP thisUpdate before the step: $before"; ok
echo "-7200" > offset.rc
sleep 2.5  # the offset is re-read each second; a refresh pass every 2 s
faked=$(($(date +%s) - 7200))
for mode in -no_nonce -nonce; do
  t=$(ocsp_this_update "$mode")
  [ "$t" -le $((faked + 5)) ] || fail "OCSP ($mode) answered with thisUpdate $((t - faked)) s in the server's future"; ok
done
for _ in $(seq 30); do t=$(crl_this_update) && [ "$t" -le $((faked + 5)) ] && break; sleep 0.2; done
[ "$t" -le $((faked + 5)) ] || fail "the CRL served is dated $((t - faked)) s in the server's future"; ok
[ "$(readyz)" = 200 ] || fail "/readyz after the CRL and OCSP answers were signed again: $(cat readyz.json)"; ok
grep -q "the clock stepped back by 7[12][0-9][0-9] s" server.log || fail "no word of the clock stepping back: $(cat server.log)"; ok
stop_server

# An expired issuing CA (its certificate lasts 10 years): nothing signed, each refusal with its
# code; a not-yet-valid one likewise.
for when in "+4000d" "-4000d"; do
  expect_fail 2 CA_CERT_NOT_VALID env LD_PRELOAD="$LIBFAKETIME" FAKETIME="$when" "$TANBA" ca issue --dir iss --profile citizen-sign --csr p.csr --out late.pem --no-passphrase
  [ ! -e late.pem ] || fail "a certificate was written by an expired CA"; ok
  expect_fail 2 CA_CERT_NOT_VALID env LD_PRELOAD="$LIBFAKETIME" FAKETIME="$when" "$TANBA" ca crl --dir iss --out late.crl --no-passphrase
done
echo "+4000d" > offset.rc
start_server 503
grep -q CA_CERT_NOT_VALID readyz.json || fail "/readyz does not say the CA certificate expired: $(cat readyz.json)"; ok
openssl ocsp -issuer iss/ca.pem -cert good.pem -url "$BASE/ocsp" -respout x.der -noverify > ocsp.txt 2>&1 && fail "an expired CA's OCSP answer was given"; ok
grep -q "nothing is signed with it\|CA_CERT_NOT_VALID" server.log || fail "the log does not say why: $(tail -5 server.log)"; ok
stop_server

done_checks clock_faults
