#!/usr/bin/env bash
# Enrolment at the identification server: operators logged in by their certificates (Web eID
# tokens from python3-cryptography) enrol a non-resident (an IIN allocated: valid, right birth
# date and sex), a different registrar approves and has certificates issued to her (repeated with an
# idempotency key: the same one), she logs in, a registrar revokes; refusals each with their code and no state
# change; concurrent enrolments get unique IINs with none skipped; the audit chain holds, and
# `tanba audit verify` names an edited or deleted entry.
source "$(dirname "$0")/lib.sh"
: "${TANBA_SERVER:?}"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT ORIGIN=https://psc.example.kz STORE="sqlite:$WORK/identity.db"
TOKEN="$PY $TANBA_SOURCE/tests/interop/webeid_token.py"
"$TANBA" ca init --dir root --name "PSC Root" --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
person() {  # person NAME BIRTH SEX: NAME.key, NAME.pem (citizen-auth)
  local iin; iin=$("$TANBA" id new-iin --birth "$2" --sex "$3")
  "$TANBA" key new --algo ecdsa-p256 --out "$1.key" --no-passphrase 2> /dev/null
  "$TANBA" csr new --key "$1.key" --iin "$iin" --surname "$(echo "$1" | tr a-z A-Z)" --given "TEST" --out "$1.csr" 2> /dev/null
  "$TANBA" ca issue --dir root --profile citizen-auth --csr "$1.csr" --out "$1.pem" --no-passphrase 2> /dev/null
}
person oper 1980-01-01 m; person reg 1982-02-02 f; person both 1984-03-03 m; person nobody 1986-04-04 f
"$TANBA" operators add --store "$STORE" --cert oper.pem --role operator 2> /dev/null
"$TANBA" operators add --store "$STORE" --cert reg.pem --role registrar 2> /dev/null
"$TANBA" operators add --store "$STORE" --cert both.pem --role operator 2> /dev/null
"$TANBA" operators add --store "$STORE" --cert both.pem --role registrar 2> /dev/null
expect_fail 2 REGISTRY_INPUT_INVALID "$TANBA" operators add --store "$STORE" --cert root/ca.pem --role admin

SERVER=
stop_server() { [ -z "$SERVER" ] || { kill "$SERVER" 2> /dev/null || true; wait "$SERVER" 2> /dev/null || true; SERVER=; }; }
trap 'stop_server; rm -rf "$WORK"' EXIT
cat > server.toml <<TOML
[server]
listen = "127.0.0.1:$PORT"
[[ca]]
dir = "root"
[identity]
store = "$STORE"
origin = "$ORIGIN"
auth_requests_per_minute = 1000
TOML
"$TANBA_SERVER" --config server.toml > server.log 2>&1 &
SERVER=$!
await_readyz "$BASE" 200 "$SERVER" server.log

session() {  # session NAME → a session token for NAME's certificate
  local n; n=$(curl -s -X POST "$BASE/api/v1/auth/challenge" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["nonce"])')
  $TOKEN "$1.key" "$1.pem" "$ORIGIN" "$n" | "$PY" -c 'import json,sys; print(json.dumps({"nonce": sys.argv[1], "token": json.load(sys.stdin)}))' "$n" \
    | curl -s -H 'Content-Type: application/json' --data-binary @- "$BASE/api/v1/auth/login" \
    | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["session"])'
}
OPER=$(session oper) REG=$(session reg) BOTH=$(session both) NOBODY=$(session nobody)
persons() { sqlite3 identity.db 'SELECT count(*) FROM persons'; }
visitor() {  # visitor DOC_NUMBER [BIRTH] [SEX]
  printf '{"document": {"type": "passport", "number": "%s", "country": "DE", "expiry": "2031-05-01"}, "surname": "MÜLLER", "givenName": "ANNA", "surnameLatin": "MUELLER", "birthDate": "%s", "sex": "%s", "citizenship": "DE", "contact": "+49 30 1234567"}' "$1" "${2:-1991-06-15}" "${3:-F}"
}

# A non-resident enrolled: an IIN for her birth date and sex, valid, status draft.
expect 201 "" "$OPER" POST /api/v1/persons "$(visitor C01X00T47)"
IIN=$("$PY" -c 'import json; r = json.load(open("answer.json")); assert r["status"] == "draft" and r["residency"] == "non-resident", r; print(r["iin"])')
"$TANBA" id show "$IIN" > iin.txt || fail "the allocated IIN $IIN is not valid"
grep -q "birthDate: 1991-06-15" iin.txt && grep -q "sex: female" iin.txt || fail "the IIN does not encode the person: $(cat iin.txt)"; ok
# Refused, each with its code, nothing stored.
n=$(persons)
expect 409 REGISTRY_DUPLICATE_DOCUMENT "$OPER" POST /api/v1/persons "$(visitor C01X00T47 1970-01-01 M)"
grep -q "$IIN" answer.json || fail "the duplicate does not name the registered person"; ok
expect 403 AUTH_FORBIDDEN "$NOBODY" POST /api/v1/persons "$(visitor Z99)"
expect 401 AUTH_SESSION_INVALID "not-a-session" POST /api/v1/persons "$(visitor Z98)"
expect 400 API_JSON_INVALID "$OPER" POST /api/v1/persons '{"document": '
expect 400 REGISTRY_INPUT_INVALID "$OPER" POST /api/v1/persons "$(visitor Z97 2099-01-01 F)"
expect 400 REGISTRY_INPUT_INVALID "$OPER" POST /api/v1/persons "$(visitor 'z 97' 1990-01-01 F)"
expect 400 REGISTRY_INPUT_INVALID "$OPER" POST /api/v1/persons "$(visitor Z96 1990-01-01 X)"
expect 413 HTTP_BODY_TOO_LARGE "$OPER" POST /api/v1/persons "$(head -c 70000 /dev/zero | tr '\0' ' ')"
[ "$(persons)" = "$n" ] || fail "a refused enrolment stored a person"; ok
# Approval: by a registrar, never by the operator who enrolled; once.
expect 403 AUTH_FORBIDDEN "$OPER" POST "/api/v1/persons/$IIN/approve"
expect 201 "" "$BOTH" POST /api/v1/persons "$(visitor C02Y11K09 1979-12-31 M)"
OWN=$("$PY" -c 'import json; print(json.load(open("answer.json"))["iin"])')
expect 403 REGISTRY_SAME_PERSON "$BOTH" POST "/api/v1/persons/$OWN/approve"
expect 200 "" "$REG" POST "/api/v1/persons/$IIN/approve"
grep -q '"status":"verified"' answer.json || fail "approve: $(cat answer.json)"; ok
expect 409 REGISTRY_STATE_INVALID "$REG" POST "/api/v1/persons/$IIN/approve"
expect 404 REGISTRY_PERSON_NOT_FOUND "$REG" GET /api/v1/persons/000000000000
expect 200 "" "$REG" GET "/api/v1/persons/$IIN"
grep -q '"number":"C01X00T47"' answer.json || fail "read: $(cat answer.json)"; ok
expect 403 AUTH_FORBIDDEN "$NOBODY" GET "/api/v1/persons/$IIN"
! grep -q "C01X00T47\|1991-06-15\|1234567" server.log || fail "personal data in the log"; ok

# Certificates for the approved person: a registrar sends her CSRs; the subject must be hers.
order() {  # order CSR_FILE PROFILE → the JSON body
  "$PY" -c 'import json,sys; print(json.dumps({"csr": open(sys.argv[1]).read(), "profile": sys.argv[2]}))' "$1" "$2"
}
"$TANBA" key new --algo ecdsa-p256 --out anna.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key anna.key --iin "$IIN" --surname MUELLER --given ANNA --country DE --out anna.csr 2> /dev/null
"$TANBA" csr new --key anna.key --iin "$OWN" --surname MUELLER --given ANNA --out other.csr 2> /dev/null
"$TANBA" csr new --key anna.key --iin "$IIN" --surname SCHMIDT --given ANNA --out renamed.csr 2> /dev/null
"$PY" - anna.csr forged.csr <<'PYEOF'
import base64, sys
der = bytearray(base64.b64decode("".join(l for l in open(sys.argv[1]) if not l.startswith("-----"))))
der[-1] ^= 1  # the signature's last byte: no longer the key holder's proof of possession
open(sys.argv[2], "w").write("-----BEGIN CERTIFICATE REQUEST-----\n" + base64.encodebytes(bytes(der)).decode() + "-----END CERTIFICATE REQUEST-----\n")
PYEOF
certs() { sqlite3 root/ca.db 'SELECT count(*) FROM certificates'; }
n=$(certs) a=$(sqlite3 identity.db 'SELECT count(*) FROM registry_audit')
expect 403 AUTH_FORBIDDEN "$OPER" POST "/api/v1/persons/$IIN/certificates" "$(order anna.csr citizen-auth)"
expect 409 REGISTRY_STATE_INVALID "$REG" POST "/api/v1/persons/$OWN/certificates" "$(order other.csr citizen-auth)"
expect 404 REGISTRY_PERSON_NOT_FOUND "$REG" POST /api/v1/persons/000000000000/certificates "$(order anna.csr citizen-auth)"
expect 422 REGISTRY_CSR_MISMATCH "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order other.csr citizen-auth)"
expect 422 REGISTRY_CSR_MISMATCH "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order renamed.csr citizen-auth)"
expect 422 REGISTRY_PROFILE_NOT_ALLOWED "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order anna.csr issuing-ca)"
expect 422 PROFILE_NOT_FOUND "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order anna.csr no-such-profile)"
expect 422 CSR_BAD_SIGNATURE "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order forged.csr citizen-auth)"
expect 400 CSR_DECODE_FAILED "$REG" POST "/api/v1/persons/$IIN/certificates" '{"csr": "not a request", "profile": "citizen-auth"}'
expect 400 API_JSON_INVALID "$REG" POST "/api/v1/persons/$IIN/certificates" '{"profile": "citizen-auth"}'
[ "$(certs)" = "$n" ] && [ "$(sqlite3 identity.db 'SELECT count(*) FROM registry_audit')" = "$a" ] \
  || fail "a refused order stored a certificate or an audit entry"; ok
# Issued with an idempotency key; repeated (a lost answer): the same certificate, nothing new.
issue() {  # issue KEY CSR PROFILE → status; body in answer.json
  curl -s -o answer.json -w '%{http_code}' -X POST -H "Authorization: Bearer $REG" -H 'Content-Type: application/json' \
    -H "Idempotency-Key: $1" --data-binary "$(order "$2" "$3")" "$BASE/api/v1/persons/$IIN/certificates"
}
[ "$(issue desk-7:anna-auth anna.csr citizen-auth)" = 201 ] || fail "issue: $(cat answer.json)"; ok
"$PY" -c 'import json; r = json.load(open("answer.json")); open("anna.pem", "w").write(r["certificate"]); open("anna-chain.pem", "w").write(r["chain"]); print(r["serial"])' > serial.txt
openssl verify -CAfile anna-chain.pem anna.pem > /dev/null || fail "openssl does not verify the issued certificate"; ok
openssl x509 -in anna.pem -noout -subject -nameopt RFC2253 | grep -q "serialNumber=IIN$IIN" || fail "the certificate does not carry the IIN"; ok
[ "$(certs)" = $((n + 1)) ] || fail "one certificate stored"; ok
[ "$(issue desk-7:anna-auth anna.csr citizen-auth)" = 201 ] || fail "repeat: $(cat answer.json)"; ok
"$PY" -c 'import json,sys; assert json.load(open("answer.json"))["serial"] == sys.argv[1]' "$(cat serial.txt)" || fail "the repeat returned another certificate"; ok
[ "$(certs)" = $((n + 1)) ] || fail "the repeat stored a second certificate"; ok
[ "$(issue desk-7:anna-auth anna.csr citizen-sign)" = 409 ] && grep -q CA_IDEMPOTENCY_CONFLICT answer.json || fail "the key reused for another request: $(cat answer.json)"; ok
expect 200 "" "$REG" GET "/api/v1/persons/$IIN"
grep -q '"status":"certified"' answer.json || fail "the person is not certified: $(cat answer.json)"; ok
# She logs in with it; revoked by a registrar (not by an operator, and only persons' certificates), she cannot.
ANNA=$(session anna)
expect 200 "" "$ANNA" GET /api/v1/auth/session
grep -q "\"iin\":\"$IIN\"" answer.json || fail "the person's login: $(cat answer.json)"; ok
SERIAL=$(cat serial.txt)
expect 403 AUTH_FORBIDDEN "$OPER" POST "/api/v1/certificates/$SERIAL/revoke" '{"reason": "keyCompromise"}'
expect 404 REGISTRY_CERTIFICATE_NOT_FOUND "$REG" POST "/api/v1/certificates/$(openssl x509 -in oper.pem -noout -serial | cut -d= -f2)/revoke"
expect 404 REGISTRY_CERTIFICATE_NOT_FOUND "$REG" POST /api/v1/certificates/0badc0de/revoke
expect 400 API_JSON_INVALID "$REG" POST "/api/v1/certificates/$SERIAL/revoke" '{"reason": "tired"}'
expect 200 "" "$REG" POST "/api/v1/certificates/$SERIAL/revoke" '{"reason": "keyCompromise"}'
grep -q '"status":"revoked"' answer.json && grep -q '"reason":"keyCompromise"' answer.json || fail "revoke: $(cat answer.json)"; ok
expect 409 CA_ALREADY_REVOKED "$REG" POST "/api/v1/certificates/$SERIAL/revoke"
n=$(curl -s -X POST "$BASE/api/v1/auth/challenge" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["nonce"])')
$TOKEN anna.key anna.pem "$ORIGIN" "$n" | "$PY" -c 'import json,sys; print(json.dumps({"nonce": sys.argv[1], "token": json.load(sys.stdin)}))' "$n" > login.json
expect 401 AUTH_CERT_REVOKED "" POST /api/v1/auth/login "$(cat login.json)"
[ "$(sqlite3 identity.db "SELECT count(*) FROM registry_audit WHERE action IN ('certificate.issue', 'certificate.revoke') AND subject = '$IIN'")" = 3 ] \
  || fail "issuance and revocation are not audited"; ok

# Legal entities: a BIN allocated for the registration month and kind; employees with NCA roles;
# role certificates only for the roles held; removing a role revokes the certificates carrying it.
entity() { printf '{"name": "%s", "type": "%s", "registrationDate": "%s"}' "$1" "$2" "$3"; }
field() { "$PY" -c 'import json,sys; print(json.load(open("answer.json"))[sys.argv[1]])' "$1"; }
expect 201 "" "$OPER" POST /api/v1/legal-entities "$(entity 'Steppe Logistics LLP' resident 2024-03-15)"
BIN=$(field bin)
expect 201 "" "$OPER" POST /api/v1/legal-entities "$(entity 'Steppe Trading LLP' resident 2024-03-02)"
BIN2=$(field bin)
expect 201 "" "$OPER" POST /api/v1/legal-entities "$(entity 'Rhein GmbH' non-resident 2024-03-20)"
BIN3=$(field bin)
expect 201 "" "$OPER" POST /api/v1/legal-entities "$(entity 'Steppe Logistics Almaty branch' branch 2025-11-01)"
BIN4=$(field bin)
for b in "$BIN" "$BIN2" "$BIN3" "$BIN4"; do "$TANBA" id check "$b" > /dev/null || fail "the allocated BIN $b is not valid"; done; ok
[ "${BIN:0:6}" = 240340 ] && [ "${BIN2:0:6}" = 240340 ] && [ "${BIN3:0:6}" = 240350 ] && [ "${BIN4:0:6}" = 251141 ] \
  || fail "BIN prefixes: $BIN $BIN2 $BIN3 $BIN4"; ok
[ "$BIN" != "$BIN2" ] && [ $((10#${BIN2:6:5})) -gt $((10#${BIN:6:5})) ] || fail "the second BIN of the month: $BIN $BIN2"; ok
e=$(sqlite3 identity.db 'SELECT count(*) FROM legal_entities')
expect 403 AUTH_FORBIDDEN "$NOBODY" POST /api/v1/legal-entities "$(entity 'Nobody LLP' resident 2024-01-01)"
expect 400 REGISTRY_INPUT_INVALID "$OPER" POST /api/v1/legal-entities "$(entity 'Charity' charity 2024-01-01)"
expect 400 REGISTRY_INPUT_INVALID "$OPER" POST /api/v1/legal-entities "$(entity 'Future LLP' resident 2099-01-01)"
expect 400 REGISTRY_INPUT_INVALID "$OPER" POST /api/v1/legal-entities "$(entity '' resident 2024-01-01)"
[ "$(sqlite3 identity.db 'SELECT count(*) FROM legal_entities')" = "$e" ] || fail "a refused registration stored an entity"; ok
expect 200 "" "$REG" GET "/api/v1/legal-entities/$BIN"
[ "$(field name)" = "Steppe Logistics LLP" ] || fail "read: $(cat answer.json)"; ok
expect 404 REGISTRY_ENTITY_NOT_FOUND "$REG" GET /api/v1/legal-entities/000000000000
expect 201 "" "$OPER" POST "/api/v1/legal-entities/$BIN/employees" "{\"iin\": \"$IIN\", \"role\": \"ceo\"}"
expect 201 "" "$OPER" POST "/api/v1/legal-entities/$BIN/employees" "{\"iin\": \"$IIN\", \"role\": \"signer\"}"
"$PY" -c 'import json; assert json.load(open("answer.json"))["roles"] == ["ceo", "signer"]' || fail "roles: $(cat answer.json)"; ok
expect 409 REGISTRY_ROLE_EXISTS "$OPER" POST "/api/v1/legal-entities/$BIN/employees" "{\"iin\": \"$IIN\", \"role\": \"ceo\"}"
expect 404 REGISTRY_PERSON_NOT_FOUND "$OPER" POST "/api/v1/legal-entities/$BIN/employees" '{"iin": "000000000000", "role": "ceo"}'
expect 404 REGISTRY_ENTITY_NOT_FOUND "$OPER" POST /api/v1/legal-entities/000000000000/employees "{\"iin\": \"$IIN\", \"role\": \"ceo\"}"
expect 400 API_JSON_INVALID "$OPER" POST "/api/v1/legal-entities/$BIN/employees" "{\"iin\": \"$IIN\", \"role\": \"boss\"}"
expect 403 AUTH_FORBIDDEN "$NOBODY" POST "/api/v1/legal-entities/$BIN/employees" "{\"iin\": \"$IIN\", \"role\": \"hr\"}"
"$TANBA" csr new --key anna.key --iin "$IIN" --bin "$BIN" --org "Steppe Logistics LLP" --surname MUELLER --given ANNA --out anna-legal.csr 2> /dev/null
"$TANBA" csr new --key anna.key --iin "$IIN" --bin "$BIN2" --org "Steppe Trading LLP" --surname MUELLER --given ANNA --out anna-other.csr 2> /dev/null
expect 201 "" "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order anna-legal.csr legal-ceo)"
"$PY" -c 'import json; open("ceo.pem", "w").write(json.load(open("answer.json"))["certificate"])'
openssl x509 -in ceo.pem -noout -subject -nameopt RFC2253 | grep -q "OU=BIN$BIN" || fail "the CEO certificate lacks the BIN"; ok
openssl x509 -in ceo.pem -noout -ext extendedKeyUsage | grep -q "1.2.398.3.3.4.1.2.1" || fail "the CEO certificate lacks the role OID"; ok
expect 201 "" "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order anna-legal.csr legal-sign)"
"$PY" -c 'import json; open("signer.pem", "w").write(json.load(open("answer.json"))["certificate"])'
expect 422 REGISTRY_NOT_EMPLOYEE "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order anna-legal.csr legal-hr)"
expect 422 REGISTRY_NOT_EMPLOYEE "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order anna-other.csr legal-ceo)"
expect 422 REGISTRY_CSR_MISMATCH "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order anna.csr legal-ceo)"
expect 422 REGISTRY_CSR_MISMATCH "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order anna-legal.csr citizen-sign)"
# The CEO role removed (a registrar's act): its certificate revoked at once, the signer's not; again: nothing more.
expect 403 AUTH_FORBIDDEN "$OPER" DELETE "/api/v1/legal-entities/$BIN/employees/$IIN/roles/ceo"
expect 200 "" "$REG" DELETE "/api/v1/legal-entities/$BIN/employees/$IIN/roles/ceo"
"$PY" -c 'import json,sys; r = json.load(open("answer.json")); assert r["roles"] == ["signer"] and r["revoked"] == [sys.argv[1]], r' \
  "$(openssl x509 -in ceo.pem -noout -serial | cut -d= -f2 | tr A-F a-f)" || fail "role removal: $(cat answer.json)"; ok
for c in ceo:revoked signer:good; do
  openssl ocsp -issuer root/ca.pem -cert "${c%%:*}.pem" -url "$BASE/ocsp" -CAfile root/ca.pem > ocsp.out 2>&1 || true
  grep -q "${c%%:*}.pem: ${c##*:}" ocsp.out || fail "OCSP after the role removal, $c: $(cat ocsp.out)"; ok
done
expect 200 "" "$REG" DELETE "/api/v1/legal-entities/$BIN/employees/$IIN/roles/ceo"
"$PY" -c 'import json; assert json.load(open("answer.json"))["revoked"] == []' || fail "a repeated removal: $(cat answer.json)"; ok
expect 422 REGISTRY_NOT_EMPLOYEE "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order anna-legal.csr legal-ceo)"

# Suspended (her valid certificates on hold), reinstated (released), closed (revoked, for good).
SIGNER=$(openssl x509 -in signer.pem -noout -serial | cut -d= -f2 | tr A-F a-f)
ocsp_says() {  # ocsp_says CERT STATUS
  openssl ocsp -issuer root/ca.pem -cert "$1" -url "$BASE/ocsp" -CAfile root/ca.pem > ocsp.out 2>&1 || true
  grep -q "$1: $2" ocsp.out || fail "OCSP for $1 wanted $2: $(cat ocsp.out)"; ok
}
certs_in_answer() { "$PY" -c 'import json; r = json.load(open("answer.json")); print(r["status"], " ".join(sorted(r["certificates"])))'; }
# A new AUTH certificate, and she logs in with it: suspending her ends that session.
"$TANBA" key new --algo ecdsa-p256 --out anna2.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key anna2.key --iin "$IIN" --surname MUELLER --given ANNA --country DE --out anna2.csr 2> /dev/null
expect 201 "" "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order anna2.csr citizen-auth)"
"$PY" -c 'import json; r = json.load(open("answer.json")); open("anna2.pem", "w").write(r["certificate"]); print(r["serial"])' > serial2.txt
ANNA2=$(session anna2)
expect 200 "" "$ANNA2" GET /api/v1/auth/session
HELD=$(printf '%s\n' "$SIGNER" "$(cat serial2.txt)" | sort | tr '\n' ' ' | sed 's/ $//')
expect 403 AUTH_FORBIDDEN "$OPER" POST "/api/v1/persons/$IIN/suspend"
expect 409 REGISTRY_STATE_INVALID "$REG" POST "/api/v1/persons/$OWN/suspend"
expect 409 REGISTRY_STATE_INVALID "$REG" POST "/api/v1/persons/$IIN/reinstate"
expect 200 "" "$REG" POST "/api/v1/persons/$IIN/suspend"
[ "$(certs_in_answer)" = "suspended $HELD" ] || fail "suspend: $(cat answer.json)"; ok
expect 401 AUTH_SESSION_INVALID "$ANNA2" GET /api/v1/auth/session
ocsp_says signer.pem revoked
expect 409 REGISTRY_STATE_INVALID "$REG" POST "/api/v1/persons/$IIN/certificates" "$(order anna-legal.csr legal-sign)"
expect 200 "" "$REG" POST "/api/v1/persons/$IIN/reinstate"
[ "$(certs_in_answer)" = "certified $HELD" ] || fail "reinstate: $(cat answer.json)"; ok
ocsp_says signer.pem good
expect 200 "" "$REG" POST "/api/v1/persons/$IIN/close"
[ "$(certs_in_answer)" = "closed $HELD" ] || fail "close: $(cat answer.json)"; ok
ocsp_says signer.pem revoked
expect 200 "" "$REG" POST "/api/v1/persons/$IIN/close"
[ "$(certs_in_answer)" = "closed " ] || fail "a repeated close: $(cat answer.json)"; ok
expect 409 REGISTRY_STATE_INVALID "$REG" POST "/api/v1/persons/$IIN/suspend"
expect 409 REGISTRY_DUPLICATE_DOCUMENT "$OPER" POST /api/v1/persons "$(visitor C01X00T47)"

# 4 processes × 50 concurrent enrolments, one birth date and sex: unique IINs, none skipped.
pids=()
for p in 1 2 3 4; do
  ( for i in $(seq 50); do
      curl -s -o /dev/null -X POST -H "Authorization: Bearer $OPER" -H 'Content-Type: application/json' \
        --data-binary "$(visitor "P${p}N$i" 1995-09-09 M)" "$BASE/api/v1/persons"
    done ) &
  pids+=($!)
done
wait "${pids[@]}"
"$PY" - "$TANBA" <<'PYEOF' || fail "concurrent enrolments"
import sqlite3, subprocess, sys
rows = sqlite3.connect("identity.db").execute("SELECT iin, iin_serial FROM persons WHERE birth_date = '1995-09-09'").fetchall()
assert len(rows) == 200, len(rows)
assert len({r[0] for r in rows}) == 200, "duplicate IINs"
used = sorted(r[1] for r in rows)
# The serials the allocation would take one after another (those with an undefined check digit skipped).
expected, s = [], 0
while len(expected) < 200:
    iin = subprocess.run([sys.argv[1], "id", "new-iin", "--birth", "1995-09-09", "--sex", "m", "--serial", str(s)],
                         capture_output=True, text=True, check=True).stdout.strip()
    expected.append(int(iin[7:11])); s = expected[-1] + 1
assert used == expected, (used[:10], expected[:10])
PYEOF
ok
stop_server

# The audit chain: intact, then an edited entry and a deleted one are named.
"$TANBA" audit verify --store "$STORE" > audit.txt || fail "audit verify: $(cat audit.txt)"
grep -q "audit log intact: [0-9]* entries" audit.txt || fail "audit verify: $(cat audit.txt)"; ok
[ "$(sqlite3 identity.db "SELECT count(*) FROM registry_audit WHERE action = 'person.read' AND actor LIKE '%' AND subject = '$IIN'")" -ge 1 ] \
  || fail "the read of a person's record was not audited"; ok
[ "$(sqlite3 identity.db "SELECT count(*) FROM registry_audit WHERE action = 'login'")" -ge 4 ] || fail "logins not audited"; ok
# The head exported signed by the CA (openssl checks it) for a witness; the log checked against it.
"$TANBA" audit head --store "$STORE" --ca root --out head.txt --sig head.p7s --no-passphrase > /dev/null 2> head.err || fail "audit head: $(cat head.err)"
grep -q "^seq: $(sqlite3 identity.db 'SELECT max(seq) FROM registry_audit')$" head.txt || fail "the head statement: $(cat head.txt)"; ok
openssl cms -verify -binary -inform DER -in head.p7s -content head.txt -CAfile root/ca.pem -purpose any > /dev/null 2>&1 \
  || fail "openssl rejects the signed head"; ok
"$TANBA" audit verify --store "$STORE" --head head.txt --head-sig head.p7s --trust root/ca.pem > audit.txt || fail "against the head: $(cat audit.txt)"
contains audit.txt "holds entry"
# Cut back by its last entries: the chain alone still holds, the witnessed head does not.
cp identity.db short.db; sqlite3 short.db "DELETE FROM registry_audit WHERE seq > (SELECT max(seq) - 3 FROM registry_audit)"
"$TANBA" audit verify --store "sqlite:$WORK/short.db" > /dev/null || fail "a cut-back chain still verifies alone"; ok
expect_fail 2 AUDIT_CHAIN_BROKEN "$TANBA" audit verify --store "sqlite:$WORK/short.db" --head head.txt --head-sig head.p7s --trust root/ca.pem
contains err.txt "is gone (the log was cut back)"
sed 's/^seq: .*/seq: 1/' head.txt > forged.txt
expect_fail 2 AUDIT_CHAIN_BROKEN "$TANBA" audit verify --store "$STORE" --head forged.txt --head-sig head.p7s --trust root/ca.pem
contains err.txt "is not a valid signature"
cp identity.db edited.db; sqlite3 edited.db "UPDATE registry_audit SET actor = 'someone' WHERE seq = 7"
expect_fail 2 AUDIT_CHAIN_BROKEN "$TANBA" audit verify --store "sqlite:$WORK/edited.db"
contains err.txt "entry 7 was edited"
cp identity.db cut.db; sqlite3 cut.db "DELETE FROM registry_audit WHERE seq = 9"
expect_fail 2 AUDIT_CHAIN_BROKEN "$TANBA" audit verify --store "sqlite:$WORK/cut.db"
contains err.txt "entry 9 is missing"

done_checks enrolment
