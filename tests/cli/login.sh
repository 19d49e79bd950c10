#!/usr/bin/env bash
# Logins at the identification server (Web eID tokens made by python3-cryptography): challenge,
# login, session, logout over HTTP; every refusal with its own code and no session opened;
# `tanba auth check-token` on the same code path, also on real Web eID tokens.
source "$(dirname "$0")/lib.sh"
: "${TANBA_SERVER:?}"
LIBFAKETIME=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT ORIGIN=https://login.example.kz
TOKEN="$PY $TANBA_SOURCE/tests/interop/webeid_token.py"
"$TANBA" ca init --dir root --name "Login Root" --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
"$TANBA" ca init --dir iss --name "Login Issuing" --parent root --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
# A self-made PKI with the same names (the FCALayer trick): refused by key, not by name.
"$TANBA" ca init --dir fakeroot --name "Login Root" --algo ecdsa-p256 --no-passphrase > /dev/null 2>&1
"$TANBA" ca init --dir fakeiss --name "Login Issuing" --parent fakeroot --algo ecdsa-p256 --no-passphrase > /dev/null 2>&1
IIN=$("$TANBA" id new-iin --birth 1990-02-14 --sex f)
IIN2=$("$TANBA" id new-iin --birth 1971-11-30 --sex m)
person() {  # person NAME CA PROFILE IIN: NAME.key, NAME.pem
  "$TANBA" key new --algo ecdsa-p256 --out "$1.key" --no-passphrase 2> /dev/null
  "$TANBA" csr new --key "$1.key" --iin "$4" --surname "НҰРЛАНҚЫЗЫ" --given "ӘСЕЛ" --out "$1.csr" 2> /dev/null
  "$TANBA" ca issue --dir "$2" --profile "$3" --csr "$1.csr" --out "$1.pem" --no-passphrase 2> /dev/null
}
person alice iss citizen-auth "$IIN"
person alicesign iss citizen-sign "$IIN"
person revoked iss citizen-auth "$IIN"
person fake fakeiss citizen-auth "$IIN"
person bobsign iss citizen-sign "$IIN2"
serial() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
"$TANBA" ca revoke --dir iss "$(serial revoked.pem)" --reason keyCompromise > /dev/null
"$TANBA" ca crl --dir root --out root.crl --no-passphrase 2> /dev/null  # the root is offline: its CRL covers the issuing CA

SERVER=
stop_server() { [ -z "$SERVER" ] || { kill "$SERVER" 2> /dev/null || true; wait "$SERVER" 2> /dev/null || true; SERVER=; }; }
trap 'stop_server; rm -rf "$WORK"' EXIT
echo "+0" > offset.rc
env LD_PRELOAD="$LIBFAKETIME" FAKETIME_TIMESTAMP_FILE="$WORK/offset.rc" FAKETIME_CACHE_DURATION=1 FAKETIME_DONT_FAKE_MONOTONIC=1 \
  "$TANBA_SERVER" --listen "127.0.0.1:$PORT" --ca iss --offline-ca root --store "sqlite:$WORK/identity.db" --origin "$ORIGIN" > server.log 2>&1 &
SERVER=$!
await_readyz "$BASE" 200 "$SERVER" server.log

challenge() { curl -s -X POST "$BASE/api/v1/auth/challenge" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["nonce"])'; }
login() {  # login NONCE TOKEN_FILE → HTTP status; body in login.json
  "$PY" -c 'import json,sys; print(json.dumps({"nonce": sys.argv[1], "token": json.load(open(sys.argv[2]))}))' "$1" "$2" > body.json
  curl -s -o login.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @body.json "$BASE/api/v1/auth/login"
}
refused() {  # refused STATUS CODE NONCE TOKEN_FILE
  local got; got=$(login "$3" "$4")
  [ "$got" = "$1" ] && grep -q "\"code\":\"$2\"" login.json || fail "login wanted $1 $2, got $got $(cat login.json)"; ok
}
sessions() { sqlite3 identity.db 'SELECT count(*) FROM sessions'; }

# The nonce: 256 random bits, its expiry (at most 5 minutes on) and a MAC: 48 bytes, 64 base64
# characters. Issuing nonces stores nothing.
used_nonces() { sqlite3 identity.db 'SELECT count(*) FROM login_nonces'; }
before=$(used_nonces)
curl -s -X POST "$BASE/api/v1/auth/challenge" > challenge.json
curl -s -X POST "$BASE/api/v1/auth/challenge" > challenge2.json
"$PY" - <<'PYEOF' || fail "challenge: $(cat challenge.json)"
import base64, datetime, json
c, c2 = json.load(open("challenge.json")), json.load(open("challenge2.json"))
raw = base64.b64decode(c["nonce"])
assert len(c["nonce"]) == 64 and len(raw) == 48 and c["nonce"] != c2["nonce"] and raw[:32] != base64.b64decode(c2["nonce"])[:32], c
expires = datetime.datetime.fromisoformat(c["expiresAt"].replace("Z", "+00:00"))
assert int.from_bytes(raw[32:37], "big") == int(expires.timestamp()), (raw[32:37].hex(), c)
left = expires - datetime.datetime.now(datetime.timezone.utc)
assert datetime.timedelta(minutes=4) < left <= datetime.timedelta(minutes=5, seconds=2), left
PYEOF
ok
[ "$(used_nonces)" = "$before" ] || fail "a challenge stored something"; ok

# A good login: the identity, a session that works, then ends with logout.
N=$(challenge)
$TOKEN alice.key alice.pem "$ORIGIN" "$N" > good.json
[ "$(login "$N" good.json)" = 200 ] || fail "login: $(cat login.json)"; ok
"$PY" - "$IIN" "$(serial alice.pem | tr 'A-F' 'a-f')" <<'PYEOF' || fail "login answer: $(cat login.json)"
import json, sys
r = json.load(open("login.json"))
assert r["iin"] == sys.argv[1] and r["surname"] == "НҰРЛАНҚЫЗЫ" and r["certificateSerial"].lstrip("0") == sys.argv[2].lstrip("0"), r
assert len(r["session"]) >= 43 and r["expiresAt"], r
PYEOF
ok
S=$("$PY" -c 'import json; print(json.load(open("login.json"))["session"])')
[ "$(sqlite3 identity.db "SELECT count(*) FROM sessions WHERE subject LIKE '%$S%'")" = 0 ] || fail "the session token is stored in clear"; ok
curl -s -H "Authorization: Bearer $S" "$BASE/api/v1/auth/session" | grep -q "\"iin\":\"$IIN\"" || fail "the session does not work"; ok
[ "$(sessions)" = 1 ] || fail "sessions: $(sessions)"; ok

# Refused, each with its code, and no session opened.
refused 401 AUTH_NONCE_UNKNOWN "$N" good.json                     # the same nonce twice
N=$(challenge); refused 401 AUTH_NONCE_UNKNOWN "AAAA$N" good.json  # a nonce never issued
# A nonce of the right shape that we did not make, and one of ours with its expiry moved a day on:
# good tokens over them are refused (the MAC does not match), and nothing is recorded.
F=$("$PY" -c 'import base64, os; print(base64.b64encode(os.urandom(48)).decode())')
$TOKEN alice.key alice.pem "$ORIGIN" "$F" > t.json; refused 401 AUTH_NONCE_UNKNOWN "$F" t.json
M=$("$PY" -c '
import base64, sys
raw = bytearray(base64.b64decode(sys.argv[1]))
raw[32:37] = (int.from_bytes(raw[32:37], "big") + 86400).to_bytes(5, "big")
print(base64.b64encode(bytes(raw)).decode())' "$(challenge)")
$TOKEN alice.key alice.pem "$ORIGIN" "$M" > t.json; refused 401 AUTH_NONCE_UNKNOWN "$M" t.json
N=$(challenge); $TOKEN alice.key alice.pem "https://evil.example.kz" "$N" > t.json; refused 401 AUTH_SIGNATURE_INVALID "$N" t.json
N=$(challenge); $TOKEN alice.key alice.pem "$ORIGIN/" "$N" > t.json; refused 401 AUTH_SIGNATURE_INVALID "$N" t.json
N=$(challenge); $TOKEN fake.key fake.pem "$ORIGIN" "$N" > t.json; refused 401 AUTH_CERT_UNTRUSTED "$N" t.json
N=$(challenge); $TOKEN alicesign.key alicesign.pem "$ORIGIN" "$N" > t.json; refused 401 AUTH_CERT_NOT_FOR_LOGIN "$N" t.json
N=$(challenge); $TOKEN revoked.key revoked.pem "$ORIGIN" "$N" > t.json; refused 401 AUTH_CERT_REVOKED "$N" t.json
N=$(challenge); $TOKEN alice.key alice.pem "$ORIGIN" "$N" --format "web-auth:2.0" > t.json; refused 400 AUTH_TOKEN_FORMAT_UNSUPPORTED "$N" t.json
N=$(challenge); $TOKEN alice.key alice.pem "$ORIGIN" "$N" --format web-eid:1.1 --signing-cert bobsign.pem > t.json
refused 401 AUTH_SIGNING_CERT_MISMATCH "$N" t.json
N=$(challenge); $TOKEN alice.key alice.pem "$ORIGIN" "$N" > t.json
server_offset() {  # server_offset SECONDS — sets the server's clock offset and waits until its challenges show it
  echo "+$1" > offset.rc
  for _ in $(seq 100); do
    local ahead; ahead=$(curl -s -X POST "$BASE/api/v1/auth/challenge" | "$PY" -c '
import datetime, json, sys
t = datetime.datetime.fromisoformat(json.load(sys.stdin)["expiresAt"].replace("Z", "+00:00"))
print(int((t - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) - 300)')
    [ "$ahead" -ge $(($1 - 30)) ] && [ "$ahead" -le $(($1 + 30)) ] && return 0
    sleep 0.1
  done
  fail "the server's clock did not move by $1 s"
}
server_offset 400                                                   # the server's clock: past the nonce's 5 minutes
refused 401 AUTH_NONCE_EXPIRED "$N" t.json
server_offset 0
[ "$(curl -s -o x.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary '{"nonce": "x", ' "$BASE/api/v1/auth/login")" = 400 ] \
  && grep -q API_JSON_INVALID x.json || fail "malformed JSON: $(cat x.json)"; ok
head -c 70000 /dev/zero | tr '\0' ' ' > big.json
[ "$(curl -s -o x.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @big.json "$BASE/api/v1/auth/login")" = 413 ] || fail "oversized body: $(cat x.json)"; ok
[ "$(sessions)" = 1 ] || fail "a refused login opened a session: $(sessions)"; ok
# 8 logins racing with one nonce and a good token: one session, the others AUTH_NONCE_UNKNOWN.
N=$(challenge); $TOKEN alice.key alice.pem "$ORIGIN" "$N" > race.json
"$PY" -c 'import json,sys; print(json.dumps({"nonce": sys.argv[1], "token": json.load(open("race.json"))}))' "$N" > race-body.json
pids=()
for i in 1 2 3 4 5 6 7 8; do
  curl -s -o "race$i.out" -w '%{http_code}\n' -H 'Content-Type: application/json' --data-binary @race-body.json "$BASE/api/v1/auth/login" > "race$i.code" &
  pids+=($!)
done
wait "${pids[@]}"
[ "$(cat race*.code | grep -c '^200$')" = 1 ] && [ "$(grep -l AUTH_NONCE_UNKNOWN race*.out | wc -l)" = 7 ] \
  || fail "racing logins: $(cat race*.code | tr '\n' ' ')"; ok
[ "$(sessions)" = 2 ] || fail "racing logins opened $(($(sessions) - 1)) sessions"; ok
# web-eid:1.1 with the holder's own signing certificate logs in.
N=$(challenge); $TOKEN alice.key alice.pem "$ORIGIN" "$N" --format web-eid:1.1 --signing-cert alicesign.pem > t11.json
[ "$(login "$N" t11.json)" = 200 ] || fail "web-eid:1.1 login: $(cat login.json)"; ok

# Logout ends the session; the metrics count logins by outcome.
[ "$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "Authorization: Bearer $S" "$BASE/api/v1/auth/logout")" = 204 ] || fail "logout"; ok
[ "$(curl -s -o x.json -w '%{http_code}' -H "Authorization: Bearer $S" "$BASE/api/v1/auth/session")" = 401 ] && grep -q AUTH_SESSION_INVALID x.json || fail "an ended session still works"; ok
curl -s "$BASE/metrics" > metrics.txt
grep -q 'tanba_logins_total{outcome="ok"} 3' metrics.txt && grep -q 'tanba_logins_total{outcome="AUTH_CERT_REVOKED"} 1' metrics.txt || fail "login metrics: $(grep logins metrics.txt)"; ok
! grep -q "$IIN\|$S" server.log metrics.txt || fail "an IIN or a session token is in the log or the metrics"; ok
# Rate limit per client address (120 a minute by default).
for _ in $(seq 130); do curl -s -o /dev/null -w '%{http_code}\n' -X POST "$BASE/api/v1/auth/challenge"; done > rates.txt
grep -q 429 rates.txt || fail "no rate limit on challenges"; ok
stop_server

# tanba auth check-token: the same checks offline, on our token and on real Web eID tokens.
N=nonce-made-by-the-test-0123456789abcdef0123
$TOKEN alice.key alice.pem "$ORIGIN" "$N" > offline.json
"$TANBA" auth check-token offline.json --origin "$ORIGIN" --nonce "$N" --trust root/ca.pem --untrusted iss/ca.pem --revocation off --json > id.json
grep -q "\"iin\":\"$IIN\"" id.json || fail "check-token: $(cat id.json)"; ok
expect_fail 2 AUTH_CERT_UNTRUSTED "$TANBA" auth check-token offline.json --origin "$ORIGIN" --nonce "$N" --trust fakeroot/ca.pem --untrusted iss/ca.pem --revocation off
expect_fail 2 CONFIG_INVALID "$TANBA" auth check-token offline.json --origin "$ORIGIN/" --nonce "$N" --trust root/ca.pem --revocation off
W=$TANBA_TEST_DATA/webeid WN=12345678123456781234567812345678912356789123
openssl x509 -inform DER -in "$W/authtoken_2025_es384_cert.der" -out ee.pem
"$TANBA" auth check-token "$W/authtoken_2025_es384.json" --origin https://ria.ee --nonce "$WN" --trust ee.pem --offline --at 2026-01-01T00:00:00Z > ee.txt
grep -q "login OK: JÕEORG,JAAK-KRISTJAN,38001085718" ee.txt || fail "the real Web eID token: $(cat ee.txt)"; ok
expect_fail 2 AUTH_SIGNATURE_INVALID "$TANBA" auth check-token "$W/authtoken_2025_es384.json" --origin https://ria.ee:443 --nonce "$WN" --trust ee.pem --offline --at 2026-01-01T00:00:00Z
expect_fail 2 AUTH_SIGNATURE_INVALID "$TANBA" auth check-token "$W/authtoken_2025_es384.json" --origin https://ria.ee --nonce "${WN}0" --trust ee.pem --offline --at 2026-01-01T00:00:00Z
expect_fail 2 AUTH_CERT_UNTRUSTED "$TANBA" auth check-token "$W/authtoken_2025_es384.json" --origin https://ria.ee --nonce "$WN" --trust root/ca.pem --offline --at 2026-01-01T00:00:00Z
openssl x509 -inform DER -in "$W/authtoken_2021_es384_legacy_cert.der" -out ee21.pem
"$TANBA" auth check-token "$W/authtoken_2021_es384_legacy.json" --origin https://ria.ee --nonce "$WN" --trust ee21.pem --offline --at 2025-01-01T00:00:00Z > ee21.txt || fail "the 2021 token: $(cat ee21.txt)"; ok

done_checks login
