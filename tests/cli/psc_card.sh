#!/usr/bin/env bash
# The identification server end to end, every key on a SoftHSM2 card: an admin (added from the
# command line) adds an operator and a registrar over the API; each logs in with their card
# (Web eID tokens assembled by python3-cryptography, signed on the card by OpenSC's
# pkcs11-tool); the operator enrols a non-resident, the registrar approves; `tanba psc
# issue-card` puts AUTH and SIGN keys and certificates on her card (resumable, never onto
# another person's card); she logs in with the card, signs a document with it, and a developer
# checks it through /api/v1/verify/cms and /api/v1/certificates/info — the CLI's reports.
source "$(dirname "$0")/lib.sh"
: "${TANBA_SERVER:?}"
export SOFTHSM2_CONF=$WORK/softhsm2.conf TANBA_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
mkdir tokens
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK" > "$SOFTHSM2_CONF"
PIN=31415926
export P11_PIN=$PIN
echo $PIN > pin.txt
for label in Admin Operator Registrar Visitor Second; do
  softhsm2-util --init-token --free --label "$label Card" --pin $PIN --so-pin 27182818 > /dev/null
done
card() { echo "pkcs11:token=$1%20Card"; }
objects() { pkcs11-tool --module "$TANBA_PKCS11_MODULE" --token-label "$1 Card" --login --pin $PIN -O 2> /dev/null | grep -c "Object;" || true; }
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT ORIGIN=https://egov.example.kz STORE="sqlite:$WORK/identity.db"
TOKEN="$PY $TANBA_SOURCE/tests/interop/webeid_token.py"
"$TANBA" ca init --dir root --name "PSC Root" --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
"$TANBA" ca init --dir iss --name "PSC Issuing" --parent root --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
"$TANBA" ca crl --dir root --out root.crl --no-passphrase 2> /dev/null  # the root is offline

staff() {  # staff NAME CARD BIRTH SEX: an AUTH key generated on the card, its certificate written back (NAME.pem)
  local iin; iin=$("$TANBA" id new-iin --birth "$3" --sex "$4")
  "$TANBA" token keygen --uri "$(card "$2");object=AUTH" --algo ecdsa-p256 --pin-file pin.txt > "$1.uri" 2> /dev/null
  "$TANBA" csr new --key "$(cat "$1.uri")" --pin-file pin.txt --iin "$iin" --surname "$(echo "$1" | tr a-z A-Z)" --given TEST --out "$1.csr" 2> /dev/null
  "$TANBA" ca issue --dir iss --profile citizen-auth --csr "$1.csr" --out "$1.pem" --no-passphrase 2> /dev/null
  "$TANBA" token import-cert --uri "$(card "$2");object=AUTH;id=$(sed -n 's/.*;id=\([^;?]*\).*/\1/p' "$1.uri")" --pin-file pin.txt "$1.pem" 2> /dev/null
}
staff admin Admin 1975-05-05 m; staff oper Operator 1988-08-08 f; staff reg Registrar 1983-03-13 m
"$TANBA" operators add --store "$STORE" --cert admin.pem --role admin 2> /dev/null

SERVER=
stop_server() { [ -z "$SERVER" ] || { kill "$SERVER" 2> /dev/null || true; wait "$SERVER" 2> /dev/null || true; SERVER=; }; }
trap 'stop_server; rm -rf "$WORK"' EXIT
start_server() {  # start_server VERIFY_ACCESS
  "$TANBA_SERVER" --listen "127.0.0.1:$PORT" --ca iss --offline-ca root --store "$STORE" --origin "$ORIGIN" --verify-api "$1" > server.log 2>&1 &
  SERVER=$!
  await_readyz "$BASE" 200 "$SERVER" server.log
}
start_server open

session() {  # session CARD CERT [KEY_LABEL] → a session, logged in with the card's key
  local n; n=$(curl -s -X POST "$BASE/api/v1/auth/challenge" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["nonce"])')
  $TOKEN "p11:$1 Card/${3:-AUTH}" "$2" "$ORIGIN" "$n" | "$PY" -c 'import json,sys; print(json.dumps({"nonce": sys.argv[1], "token": json.load(sys.stdin)}))' "$n" \
    | curl -s -o login.json -H 'Content-Type: application/json' --data-binary @- "$BASE/api/v1/auth/login"
  "$PY" -c 'import json; print(json.load(open("login.json")).get("session", ""))'
}
grant() { "$PY" -c 'import json,sys; print(json.dumps({"certificate": open(sys.argv[1]).read(), "role": sys.argv[2]}))' "$1" "$2"; }
value() { "$PY" -c 'import json,sys; r = json.load(open("answer.json")); print(eval(sys.argv[1], {"r": r}))' "$1"; }

# The admin logs in with the card and adds the staff; only an admin may.
ADMIN=$(session Admin admin.pem)
[ -n "$ADMIN" ] || fail "the admin's card login: $(cat login.json)"; ok
OPER0=$(session Operator oper.pem)
expect 403 AUTH_FORBIDDEN "$OPER0" POST /api/v1/operators "$(grant oper.pem operator)"
expect 201 "" "$ADMIN" POST /api/v1/operators "$(grant oper.pem operator)"
expect 201 "" "$ADMIN" POST /api/v1/operators "$(grant reg.pem registrar)"
expect 400 API_JSON_INVALID "$ADMIN" POST /api/v1/operators "$(grant reg.pem superuser)"
OPER=$(session Operator oper.pem) REG=$(session Registrar reg.pem)

# A non-resident enrolled and approved; a second one, still a draft.
visitor() {  # visitor DOC BIRTH SEX SURNAME
  printf '{"document": {"type": "passport", "number": "%s", "country": "FR"}, "surname": "%s", "givenName": "CLAIRE", "birthDate": "%s", "sex": "%s", "citizenship": "FR"}' "$1" "$4" "$2" "$3"
}
expect 201 "" "$OPER" POST /api/v1/persons "$(visitor 19FR12345 1993-04-21 F DUBOIS)"
IIN=$(value 'r["iin"]')
"$TANBA" id show "$IIN" > iin.txt || fail "the IIN $IIN is not valid"
grep -q "birthDate: 1993-04-21" iin.txt && grep -q "sex: female" iin.txt || fail "the IIN does not encode her: $(cat iin.txt)"; ok
expect 201 "" "$OPER" POST /api/v1/persons "$(visitor 20FR67890 1990-10-10 F MARTIN)"
IIN2=$(value 'r["iin"]')
echo "$REG" > reg.session
expect_fail 2 REGISTRY_STATE_INVALID "$TANBA" psc issue-card --server "$BASE" --iin "$IIN2" --token "$(card Second)" --session-file reg.session --pin-file pin.txt
[ "$(objects Second)" = 0 ] || fail "a refused card issuance touched the card"; ok
expect 200 "" "$REG" POST "/api/v1/persons/$IIN/approve"
expect_fail 2 AUTH_FORBIDDEN env TANBA_SESSION="$OPER" "$TANBA" psc issue-card --server "$BASE" --iin "$IIN" --token "$(card Visitor)" --pin-file pin.txt
expect_fail 2 AUTH_SESSION_INVALID env -u TANBA_SESSION "$TANBA" psc issue-card --server "$BASE" --iin "$IIN" --token "$(card Visitor)" --pin-file pin.txt

# Her card: AUTH and SIGN keys generated on it, certified, written back.
certs() { sqlite3 iss/ca.db "SELECT count(*) FROM certificates WHERE status = 'issued'"; }
n=$(certs)
"$TANBA" psc issue-card --server "$BASE" --iin "$IIN" --token "$(card Visitor)" --session-file reg.session --pin-file pin.txt --json > card.json 2> card.err \
  || fail "psc issue-card: $(cat card.err)"
"$PY" -c 'import json; r = json.load(open("card.json")); assert [(c["label"], c["profile"], c["step"]) for c in r] == [("AUTH", "citizen-auth", "issued"), ("SIGN", "citizen-sign", "issued")], r' \
  || fail "issue-card: $(cat card.json)"; ok
[ "$(certs)" = $((n + 2)) ] || fail "two certificates issued"; ok
for role in AUTH SIGN; do
  pkcs11-tool --module "$TANBA_PKCS11_MODULE" --token-label "Visitor Card" --login --pin $PIN --read-object --type cert --label $role \
    -o "$role.der" > /dev/null 2>&1 || fail "no $role certificate on the card"
  openssl verify -CAfile root/ca.pem -untrusted iss/ca.pem <(openssl x509 -inform DER -in "$role.der") > /dev/null || fail "$role does not verify"
  openssl x509 -inform DER -in "$role.der" -noout -subject -nameopt RFC2253 | grep -q "serialNumber=IIN$IIN" || fail "$role lacks the IIN"; ok
done
pkcs11-tool --module "$TANBA_PKCS11_MODULE" --token-label "Visitor Card" --login --pin $PIN -O > card.txt 2> /dev/null
[ "$(grep -c "Private Key Object" card.txt)" = 2 ] || fail "two keys on the card: $(cat card.txt)"; ok
grep -A6 "Private Key Object" card.txt | grep -q "never extractable" || fail "the card's keys are extractable"; ok
# Again: nothing to do. Onto another person's card: refused, nothing issued.
"$TANBA" psc issue-card --server "$BASE" --iin "$IIN" --token "$(card Visitor)" --session-file reg.session --pin-file pin.txt --json > again.json 2> /dev/null
"$PY" -c 'import json; assert [c["step"] for c in json.load(open("again.json"))] == ["present", "present"]' || fail "re-run: $(cat again.json)"; ok
[ "$(certs)" = $((n + 2)) ] || fail "a re-run issued certificates"; ok
expect 200 "" "$REG" POST "/api/v1/persons/$IIN2/approve"
expect_fail 2 TOKEN_NOT_EMPTY "$TANBA" psc issue-card --server "$BASE" --iin "$IIN2" --token "$(card Visitor)" --session-file reg.session --pin-file pin.txt
[ "$(certs)" = $((n + 2)) ] || fail "issued onto another person's card"; ok
# A run cut short after the AUTH key was generated: the key is used, not a second one made.
"$TANBA" token keygen --uri "$(card Second);object=AUTH" --algo ecdsa-p256 --pin-file pin.txt > /dev/null 2>&1
"$TANBA" psc issue-card --server "$BASE" --iin "$IIN2" --token "$(card Second)" --session-file reg.session --pin-file pin.txt --json > resumed.json 2> /dev/null
"$PY" -c 'import json; assert [c["step"] for c in json.load(open("resumed.json"))] == ["resumed", "issued"]' || fail "resume: $(cat resumed.json)"; ok
[ "$(pkcs11-tool --module "$TANBA_PKCS11_MODULE" --token-label "Second Card" --login --pin $PIN -O 2> /dev/null | grep -c "Private Key Object")" = 2 ] \
  || fail "the resumed run made another key"; ok

# She logs in with her card: her identity. With the SIGN key and certificate: refused.
CLAIRE=$(session Visitor AUTH.der)
[ -n "$CLAIRE" ] || fail "her card login: $(cat login.json)"; ok
expect 200 "" "$CLAIRE" GET /api/v1/auth/session
[ "$(value 'r["iin"]')" = "$IIN" ] || fail "her login: $(cat answer.json)"; ok
[ -z "$(session Visitor SIGN.der SIGN)" ] && grep -q AUTH_CERT_NOT_FOR_LOGIN login.json || fail "a SIGN certificate logged in: $(cat login.json)"; ok

# She signs an application with the card; a developer checks it through the API.
printf 'Application for a residence permit\n' > doc.txt
"$TANBA" sign doc.txt --key "$(card Visitor);object=SIGN" --pin-file pin.txt --chain iss/ca.pem --out doc.p7s 2> /dev/null
"$TANBA" sign doc.txt --key "$(card Visitor);object=SIGN" --pin-file pin.txt --chain iss/ca.pem --detached --out detached.p7s 2> /dev/null
b64() { base64 -w0 "$1"; }
verify_json() {  # verify_json CMS [CONTENT] → status; report in answer.json
  local body; body=$(printf '{"cms": "%s"%s}' "$(b64 "$1")" "${2:+, \"content\": \"$(b64 "$2")\"}")
  curl -s -o answer.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "$body" "$BASE/api/v1/verify/cms"
}
[ "$(verify_json doc.p7s)" = 200 ] || fail "verify/cms: $(cat answer.json)"; ok
[ "$(value 'r["indication"] + " " + r["signers"][0]["signer"]["iin"]')" = "VALID $IIN" ] || fail "the API's verdict: $(cat answer.json)"; ok
# The same report as `tanba verify --json` (revocation from this server's OCSP, as the API's).
"$TANBA" verify doc.p7s --trust root/ca.pem --json > cli.json || fail "tanba verify: $(cat cli.json)"
"$PY" - <<'PYEOF' || fail "the API's report differs from the CLI's"
import json
api, cli = json.load(open("answer.json")), json.load(open("cli.json"))
strip = lambda r: {k: v for k, v in r.items() if k not in ("validationTime",)}
signer = lambda r: [(s["indication"], s["signer"], [f["code"] for f in s["findings"]]) for s in r["signers"]]
assert api.keys() == cli.keys(), (api.keys(), cli.keys())
assert (api["indication"], api["subIndication"], signer(api)) == (cli["indication"], cli["subIndication"], signer(cli)), (api, cli)
PYEOF
ok
curl -s -o answer.json -H 'Content-Type: application/pkcs7-signature' --data-binary @doc.p7s "$BASE/api/v1/verify/cms"
[ "$(value 'r["indication"]')" = VALID ] || fail "the raw body: $(cat answer.json)"; ok
[ "$(verify_json detached.p7s doc.txt)" = 200 ] && [ "$(value 'r["indication"]')" = VALID ] || fail "detached: $(cat answer.json)"; ok
printf 'Application for citizenship\n' > forged.txt
verify_json detached.p7s forged.txt > /dev/null
[ "$(value 'r["indication"]')" = INVALID ] || fail "other content: $(cat answer.json)"; ok
[ "$(verify_json detached.p7s)" = 200 ] && [ "$(value 'r["indication"]')" != VALID ] || fail "detached without its content: $(cat answer.json)"; ok
printf 'not a signature' > junk.bin
[ "$(verify_json junk.bin)" = 200 ] && [ "$(value 'r["indication"]')" != VALID ] || fail "junk: $(cat answer.json)"; ok
expect 400 API_JSON_INVALID "" POST /api/v1/verify/cms '{"cms": "%%%"}'
[ "$(curl -s -o answer.json -w '%{http_code}' -H 'Content-Type: text/plain' --data-binary @doc.p7s "$BASE/api/v1/verify/cms")" = 415 ] \
  || fail "text/plain: $(cat answer.json)"; ok
head -c 5000000 /dev/zero > big.bin
[ "$(curl -s -o answer.json -w '%{http_code}' -H 'Content-Type: application/pkcs7-signature' --data-binary @big.bin "$BASE/api/v1/verify/cms")" = 413 ] \
  || fail "an oversized signature: $(cat answer.json)"; ok
# The certificate: `tanba cert show --json`'s fields, and its validation.
body=$(printf '{"certificate": "%s"}' "$(b64 AUTH.der)")
expect 200 "" "" POST /api/v1/certificates/info "$body"
"$TANBA" cert show AUTH.der --json > show.json
"$PY" -c '
import json
api, cli = json.load(open("answer.json")), json.load(open("show.json"))
assert api.pop("validation")["indication"] == "VALID"
assert api == cli, (api, cli)' || fail "certificates/info: $(cat answer.json)"; ok
# Her SIGN certificate revoked (the card lost): the API says so at once.
SIGN_SERIAL=$(openssl x509 -inform DER -in SIGN.der -noout -serial | cut -d= -f2)
expect 200 "" "$REG" POST "/api/v1/certificates/$SIGN_SERIAL/revoke" '{"reason": "keyCompromise"}'
verify_json doc.p7s > /dev/null
[ "$(value 'r["indication"]')" != VALID ] && grep -q REVOKED answer.json || fail "a revoked signer: $(cat answer.json)"; ok
stop_server

# Behind a session: a caller without one is refused, one with a session is answered.
start_server session
[ "$(verify_json doc.p7s)" = 401 ] && grep -q AUTH_SESSION_INVALID answer.json || fail "verify without a session: $(cat answer.json)"; ok
DEV=$(session Operator oper.pem)
[ "$(curl -s -o answer.json -w '%{http_code}' -H "Authorization: Bearer $DEV" -H 'Content-Type: application/pkcs7-signature' \
  --data-binary @doc.p7s "$BASE/api/v1/verify/cms")" = 200 ] || fail "verify with a session: $(cat answer.json)"; ok
stop_server
! grep -q "19FR12345\|1993-04-21\|$PIN" server.log || fail "personal data or the PIN in the log"; ok
"$TANBA" audit verify --store "$STORE" > /dev/null || fail "the audit chain"; ok

done_checks psc_card
