#!/usr/bin/env bash
# NCALayer- and E-IMZO-style logins at the identification server: a CMS / PKCS#7 SignedData over
# the server's nonce, made by openssl (attached and detached), by `tanba sign` with a key on
# SoftHSM2, by python3-cryptography (an E-IMZO-style PKCS#7 under another trusted CA, fetched CRL);
# Uzbek-layout certificates from our CA; every refusal with its own code and no session; real
# NCALayer and Kalkan data refused or accepted as tests/data/kz/SOURCES.md says.
source "$(dirname "$0")/lib.sh"
: "${TANBA_SERVER:?}"
LIBFAKETIME=/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port) CRLPORT=$(free_port)
BASE=http://127.0.0.1:$PORT ORIGIN=https://login.example.kz
KZ=$TANBA_TEST_DATA/kz/ncanode
"$TANBA" ca init --dir root --name "CMS Login Root" --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
"$TANBA" ca init --dir iss --name "CMS Login Issuing" --parent root --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
"$TANBA" ca init --dir fakeroot --name "CMS Login Root" --algo ecdsa-p256 --no-passphrase > /dev/null 2>&1  # the FCALayer trick
"$TANBA" ca init --dir fakeiss --name "CMS Login Issuing" --parent fakeroot --algo ecdsa-p256 --no-passphrase > /dev/null 2>&1
IIN=$("$TANBA" id new-iin --birth 1985-03-08 --sex f)
BIN=180340021781  # a valid BIN (check digit by the national algorithm)
# PINFL 3 150590 123 456 + its 7-3-1 check digit (born 15.05.1990, male)
PINFL=$("$PY" -c 's="3150590123456"; print(s + str(sum(int(c) * (7, 3, 1)[i % 3] for i, c in enumerate(s)) % 10))')
"$TANBA" id check "$PINFL" > /dev/null || fail "PINFL $PINFL"; ok
person() {  # person NAME CA PROFILE [csr new options…]: NAME.key, NAME.pem
  local name=$1 ca=$2 profile=$3; shift 3
  "$TANBA" key new --algo ecdsa-p256 --out "$name.key" --no-passphrase 2> /dev/null
  "$TANBA" csr new --key "$name.key" "$@" --out "$name.csr" 2> /dev/null || fail "csr for $name"
  "$TANBA" ca issue --dir "$ca" --profile "$profile" --csr "$name.csr" --out "$name.pem" --no-passphrase 2> /dev/null || fail "issue $name"
}
person alice iss citizen-auth --iin "$IIN" --surname "ӘЛІМОВА" --given "ДИНА"
person alicesign iss citizen-sign --iin "$IIN" --surname "ӘЛІМОВА" --given "ДИНА"
person ceo iss legal-auth --iin "$IIN" --surname "ӘЛІМОВА" --given "ДИНА" --bin "$BIN" --org "ТОО Тест"
person revoked iss citizen-auth --iin "$IIN" --surname "ӘЛІМОВА" --given "ДИНА"
person fake fakeiss citizen-auth --iin "$IIN" --surname "ӘЛІМОВА" --given "ДИНА"
person uz iss uz-citizen-auth --pinfl "$PINFL" --tin 412345678 --surname TOSHMATOV --given ALISHER --country UZ
person uzsign iss uz-citizen-sign --pinfl "$PINFL" --surname TOSHMATOV --given ALISHER --country UZ
"$TANBA" key new --algo ecdsa-p256 --out tsa.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key tsa.key --cn "CMS Login TSA" --out tsa.csr 2> /dev/null
"$TANBA" ca issue --dir iss --profile tsa --csr tsa.csr --out tsa.pem --no-passphrase 2> /dev/null
"$TANBA" ca revoke --dir iss "$(openssl x509 -in revoked.pem -noout -serial | cut -d= -f2)" --reason keyCompromise > /dev/null
"$TANBA" ca crl --dir root --out root.crl --no-passphrase 2> /dev/null

# `cert show` reads the Uzbek layout back; openssl sees the PINFL under its OID.
"$TANBA" cert show uz.pem --json > uz.json
"$PY" - "$PINFL" <<'PYEOF' || fail "cert show of the Uzbek certificate: $(cat uz.json)"
import json, sys
j = json.load(open("uz.json"))
assert j["pinfl"] == {"value": sys.argv[1], "status": "valid"} and j["tin"]["value"] == "412345678" and j["country"] == "UZ", j
assert j["surname"] == "TOSHMATOV" and j["givenName"] == "ALISHER" and j["iin"] is None, j
PYEOF
ok
openssl x509 -in uz.pem -noout -subject -nameopt RFC2253,oid | grep -q "1.2.860.3.16.1.2=#0C0E" || fail "openssl: no PINFL attribute"; ok
expect_fail 2 ID_BAD_CHECK_DIGIT "$TANBA" csr new --key uz.key --pinfl "${PINFL:0:13}$(( (${PINFL:13:1} + 1) % 10 ))" --surname X --country UZ --out x.csr
expect_fail 2 USAGE "$TANBA" csr new --key uz.key --pinfl "$PINFL" --surname X --out x.csr   # --country UZ missing
expect_fail 2 ID_BAD_TIN_PREFIX "$TANBA" csr new --key uz.key --pinfl "$PINFL" --tin 123456789 --surname X --country UZ --out x.csr
"$TANBA" csr new --key uz.key --pinfl "$PINFL" --surname X --given Y --country UZ --out nolegal.csr 2> /dev/null
expect_fail 2 NAME_INVALID "$TANBA" ca issue --dir iss --profile uz-legal-sign --csr nolegal.csr --out x.pem --no-passphrase
expect_fail 2 NAME_INVALID "$TANBA" ca issue --dir iss --profile citizen-auth --csr nolegal.csr --out x.pem --no-passphrase

# Another trusted CA (python3-cryptography), its CRL served over HTTP and fetched by the server.
"$PY" "$TANBA_SOURCE/tests/interop/uz_pki.py" make . "http://127.0.0.1:$CRLPORT/uz.crl" "$PINFL" 512345678
mkdir crls && cp uz.crl crls/
"$PY" -m http.server "$CRLPORT" --bind 127.0.0.1 --directory crls > crl-server.log 2>&1 & CRLSERVER=$!
printf '[verify]\naccess = "open"\nfetch = true\n' > server.toml
SERVER=
stop_servers() {
  for p in $SERVER $CRLSERVER; do kill "$p" 2> /dev/null || true; wait "$p" 2> /dev/null || true; done
  SERVER= CRLSERVER=
}
trap 'stop_servers; rm -rf "$WORK"' EXIT
"$TANBA_SERVER" --config server.toml --listen "127.0.0.1:$PORT" --ca iss --offline-ca root --store "sqlite:$WORK/identity.db" --origin "$ORIGIN" \
  --trust uzroot.pem --tsa-cert tsa.pem --tsa-key tsa.key --tsa-chain iss/chain.pem > server.log 2>&1 &
SERVER=$!
await_readyz "$BASE" 200 "$SERVER" server.log
challenge() { curl -s -X POST "$BASE/api/v1/auth/challenge" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["nonce"])'; }
login() {  # login KIND(cms|pkcs7) NONCE FILE(base64 or PEM) → HTTP status; body in login.json
  "$PY" -c '
import json, sys
kind, nonce, text = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
print(json.dumps({"nonce": nonce, "cms": text} if kind == "cms" else {"challenge": nonce, "pkcs7": text}))' "$1" "$2" "$3" > body.json
  curl -s -o login.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary @body.json "$BASE/api/v1/auth/login"
}
refused() {  # refused STATUS CODE KIND NONCE FILE
  local got; got=$(login "$3" "$4" "$5")
  [ "$got" = "$1" ] && grep -q "\"code\":\"$2\"" login.json || fail "login wanted $1 $2, got $got $(cat login.json)"; ok
}
field() { "$PY" -c 'import json,sys; print(json.load(open("login.json")).get(sys.argv[1]))' "$1"; }
sessions() { sqlite3 identity.db 'SELECT count(*) FROM sessions'; }
sign() {  # sign NAME NONCE attached|detached [openssl cms options…] → NAME.b64 (base64 DER)
  local name=$1 nonce=$2 how=$3; shift 3
  printf %s "$nonce" > nonce.txt
  openssl cms -sign -binary -in nonce.txt -signer "$name.pem" -inkey "$name.key" -outform DER -out "$name.der" \
    $([ "$how" = attached ] && echo -nodetach) "$@" || fail "openssl cms -sign"
  base64 -w 76 "$name.der" > "$name.b64"  # with line breaks, as Kalkan writes it
}

# NCALayer style, made by openssl: attached, and detached (the nonce is the content).
N=$(challenge); sign alice "$N" attached
[ "$(login cms "$N" alice.b64)" = 200 ] && [ "$(field iin)" = "$IIN" ] && [ "$(field surname)" = "ӘЛІМОВА" ] || fail "attached CMS login: $(cat login.json)"; ok
S=$(field session)
curl -s -H "Authorization: Bearer $S" "$BASE/api/v1/auth/session" | grep -q "\"iin\":\"$IIN\"" || fail "the CMS login's session"; ok
N=$(challenge); sign ceo "$N" detached
[ "$(login cms "$N" ceo.b64)" = 200 ] || fail "detached CMS login: $(cat login.json)"; ok
"$PY" - "$IIN" "$BIN" <<'PYEOF' || fail "legal identity: $(cat login.json)"
import json, sys
r = json.load(open("login.json"))
assert r["iin"] == sys.argv[1] and r["bin"] == sys.argv[2] and r["country"] == "KZ", r
assert any("1.2.398.3.3.4.1.2.5" in x or "employee" in x.lower() for x in r["roles"]), r
PYEOF
ok
# PEM, as basics.sign returns it ("-----BEGIN CMS-----").
N=$(challenge); sign alice "$N" attached; openssl cms -cmsout -inform DER -in alice.der -outform PEM -out alice.pem.cms
[ "$(login cms "$N" alice.pem.cms)" = 200 ] || fail "PEM CMS login: $(cat login.json)"; ok
# `tanba sign` with the key on a SoftHSM2 card, detached.
softhsm_token "Login Card"
"$TANBA" token keygen --uri "pkcs11:token=Login%20Card;object=AUTH" --algo ecdsa-p256 --pin-file pin.txt > card.uri 2> /dev/null
"$TANBA" csr new --key "$(cat card.uri)" --pin-file pin.txt --iin "$IIN" --surname "ӘЛІМОВА" --given "ДИНА" --out card.csr 2> /dev/null
"$TANBA" ca issue --dir iss --profile citizen-auth --csr card.csr --out card.pem --no-passphrase 2> /dev/null
N=$(challenge); printf %s "$N" > nonce.txt
"$TANBA" sign nonce.txt --key "$(cat card.uri)" --pin-file pin.txt --cert card.pem --detached --out card.p7s 2> /dev/null || fail "tanba sign on the card"
base64 -w0 card.p7s > card.b64
[ "$(login cms "$N" card.b64)" = 200 ] && [ "$(field iin)" = "$IIN" ] || fail "card CMS login: $(cat login.json)"; ok
# With a signature-time-stamp from the server's TSA (inside the nonce's lifetime): accepted.
N=$(challenge); printf %s "$N" > nonce.txt
"$TANBA" sign nonce.txt --key alice.key --cert alice.pem --tsa "$BASE/tsa" --out ts.p7s 2> /dev/null || fail "tanba sign --tsa"
base64 -w0 ts.p7s > ts.b64
[ "$(login cms "$N" ts.b64)" = 200 ] || fail "time-stamped CMS login: $(cat login.json)"; ok
# A time-stamp from a TSA whose clock runs 400 s ahead: after the nonce's lifetime, refused.
TSAPORT=$(free_port)
env LD_PRELOAD="$LIBFAKETIME" FAKETIME="+400" FAKETIME_DONT_FAKE_MONOTONIC=1 "$TANBA_SERVER" --listen "127.0.0.1:$TSAPORT" --ca iss \
  --offline-ca root --tsa-cert tsa.pem --tsa-key tsa.key --tsa-chain iss/chain.pem > tsa-ahead.log 2>&1 &
TSA_AHEAD=$!
await_readyz "http://127.0.0.1:$TSAPORT" 200 "$TSA_AHEAD" tsa-ahead.log
N=$(challenge); printf %s "$N" > nonce.txt
"$TANBA" sign nonce.txt --key alice.key --cert alice.pem --tsa "http://127.0.0.1:$TSAPORT/tsa" --out late.p7s 2> /dev/null || fail "tanba sign --tsa (ahead)"
kill "$TSA_AHEAD"; wait "$TSA_AHEAD" 2> /dev/null || true
base64 -w0 late.p7s > late.b64
refused 401 AUTH_TIMESTAMP_OUT_OF_WINDOW cms "$N" late.b64

# E-IMZO style: GET …/challenge?style=eimzo → {challenge, ttl}; PKCS#7 attached over it.
curl -s "$BASE/api/v1/auth/challenge?style=eimzo" > eimzo.json
C=$("$PY" -c 'import json; c = json.load(open("eimzo.json")); assert 0 < c["ttl"] <= 300 and len(c["challenge"]) == 64, c; print(c["challenge"])') \
  || fail "E-IMZO challenge: $(cat eimzo.json)"; ok
sign uz "$C" attached
[ "$(login pkcs7 "$C" uz.b64)" = 200 ] && [ "$(field pinfl)" = "$PINFL" ] && [ "$(field tin)" = 412345678 ] && [ "$(field country)" = UZ ] \
  || fail "E-IMZO login with our uz-citizen-auth certificate: $(cat login.json)"; ok
C=$(curl -s "$BASE/api/v1/auth/challenge?style=eimzo" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["challenge"])')
"$PY" "$TANBA_SOURCE/tests/interop/uz_pki.py" sign uzuser.key uzuser.pem "$C" > uzuser.b64
[ "$(login pkcs7 "$C" uzuser.b64)" = 200 ] && [ "$(field pinfl)" = "$PINFL" ] && [ "$(field surname)" = RAHIMOVA ] \
  || fail "E-IMZO login under the other trusted CA: $(cat login.json)"; ok
grep -q '"GET /uz.crl' crl-server.log || fail "the other CA's CRL was not fetched"; ok
[ "$(curl -s -o x.json -w '%{http_code}' "$BASE/api/v1/auth/challenge?style=soap")" = 400 ] || fail "unknown challenge style: $(cat x.json)"; ok

# Refused, each with its own code, and no session opened.
before=$(sessions)
N=$(challenge); sign alice "other data" attached; refused 401 AUTH_NONCE_MISMATCH cms "$N" alice.b64   # over other data
sign alice "$N" attached; refused 401 AUTH_NONCE_UNKNOWN cms "$N" alice.b64                             # …and that nonce is spent
N=$(challenge); N2=$(challenge); sign alice "$N" attached
refused 401 AUTH_NONCE_MISMATCH cms "$N2" alice.b64                                                      # another session's nonce
C=$(challenge); sign uz "other data" attached; refused 401 AUTH_NONCE_MISMATCH pkcs7 "$C" uz.b64         # a PKCS#7 over other data
C=$(challenge); sign uz "$C" detached; refused 401 AUTH_NONCE_MISMATCH pkcs7 "$C" uz.b64                 # E-IMZO's is attached
N=$(challenge); sign alice "$N" attached; [ "$(login cms "$N" alice.b64)" = 200 ] || fail "login: $(cat login.json)"; ok
refused 401 AUTH_NONCE_UNKNOWN cms "$N" alice.b64                                                         # replayed
N=$(challenge); sign alicesign "$N" attached; refused 401 AUTH_CERT_NOT_FOR_LOGIN cms "$N" alicesign.b64  # a SIGN certificate
C=$(challenge); sign uzsign "$C" attached; refused 401 AUTH_CERT_NOT_FOR_LOGIN pkcs7 "$C" uzsign.b64
N=$(challenge); sign fake "$N" attached; refused 401 AUTH_CERT_UNTRUSTED cms "$N" fake.b64                # a self-made root, same names
N=$(challenge); sign revoked "$N" attached; refused 401 AUTH_CERT_REVOKED cms "$N" revoked.b64
N=$(challenge); sign alice "$N" attached
"$PY" -c '
import base64, sys
d = bytearray(base64.b64decode(open("alice.b64").read())); d[-10] ^= 1
print(base64.b64encode(bytes(d)).decode())' > tampered.b64
refused 401 AUTH_SIGNATURE_INVALID cms "$N" tampered.b64
N=$(challenge); printf %s "$N" > nonce.txt
openssl cms -sign -binary -in nonce.txt -signer alice.pem -inkey alice.key -nodetach -outform DER -out one.der
openssl cms -resign -inform DER -in one.der -signer ceo.pem -inkey ceo.key -outform DER -out two.der 2> /dev/null || fail "co-sign"
base64 -w0 two.der > two.b64; refused 400 AUTH_SIGNERS_INVALID cms "$N" two.b64
N=$(challenge); echo "not base64 at all!" > junk.txt; refused 400 AUTH_TOKEN_INVALID cms "$N" junk.txt
N=$(challenge); sign alice "$N" attached
stop_one() { kill "$SERVER"; wait "$SERVER" 2> /dev/null || true; }
stop_one
env LD_PRELOAD="$LIBFAKETIME" FAKETIME="+400" FAKETIME_DONT_FAKE_MONOTONIC=1 \
  "$TANBA_SERVER" --config server.toml --listen "127.0.0.1:$PORT" --ca iss --offline-ca root --store "sqlite:$WORK/identity.db" --origin "$ORIGIN" \
  --trust uzroot.pem > server2.log 2>&1 &
SERVER=$!
await_readyz "$BASE" 200 "$SERVER" server2.log
refused 401 AUTH_NONCE_EXPIRED cms "$N" alice.b64                                                          # 400 s later
[ "$(sessions)" = $((before + 1)) ] || fail "a refused login opened a session: $before + 1 → $(sessions)"; ok
[ "$(curl -s -o x.json -w '%{http_code}' -H 'Content-Type: application/json' --data-binary '{"nonce": "x"}' "$BASE/api/v1/auth/login")" = 400 ] \
  && grep -q API_JSON_INVALID x.json || fail "a login without a token: $(cat x.json)"; ok

# The real NCALayer client transcript: its signatures were stripped by the publisher, so every
# CMS it returned is refused as not a SignedData (400), never half-accepted.
"$PY" - "$TANBA_TEST_DATA/kz/ncalayer/sigex-ncalayer-js-client-test-data.json" <<'PYEOF' > ncalayer.txt
import json, sys
for item in json.load(open(sys.argv[1])):
    task = json.loads(item["task"])
    if task.get("exec") not in ("createCMSSignatureFromBase64", "basicsSignCMS"):
        continue
    r = json.loads(item["response"])
    cms = r.get("responseObject") or (r.get("body") or {}).get("result")
    if isinstance(cms, str):
        print(json.dumps(cms))
PYEOF
[ "$(wc -l < ncalayer.txt)" -ge 3 ] || fail "the NCALayer transcript's CMS answers: $(wc -l < ncalayer.txt)"; ok
while read -r answer; do
  N=$(challenge); "$PY" -c 'import json,sys; open("nca.txt", "w").write(json.loads(sys.argv[1]))' "$answer"
  refused 400 AUTH_TOKEN_INVALID cms "$N" nca.txt
done < ncalayer.txt
stop_servers

# Kalkan's CMS (NCANode's test data, NCA RK test PKI) on the same code path, offline: the
# signature verifies, and the certificate is a SIGN one: refused for login; the NCA SDK's AUTH
# test key signs a nonce that logs in (the test IIN is a placeholder: reported empty).
AT=2021-06-01T00:00:00Z
expect_fail 2 AUTH_CERT_NOT_FOR_LOGIN "$TANBA" auth check-token "$KZ/embedded/cmsservicetest_signed_cms_one_signer.p7s" --kind cms --nonce test123 \
  --at $AT --trust "$KZ/head/ca/nca_rsa_test.crt" --revocation off
expect_fail 2 AUTH_NONCE_MISMATCH "$TANBA" auth check-token "$KZ/embedded/cmsintegrationtest_signed_cms.p7s" --nonce test123 \
  --at $AT --trust "$KZ/head/ca/nca_rsa_test.crt" --revocation off
expect_fail 2 AUTH_SIGNERS_INVALID "$TANBA" auth check-token "$KZ/embedded/cmsservicetest_signed_cms.p7s" --nonce test123 \
  --at $AT --trust "$KZ/head/ca/nca_rsa_test.crt" --revocation off
P12=$(ls "$KZ"/v1-2018/individual_valid/AUTH_RSA256_*.p12)
openssl pkcs12 -legacy -in "$P12" -passin pass:Qwerty12 -nocerts -nodes -out nca-auth.key 2> /dev/null
openssl pkcs12 -legacy -in "$P12" -passin pass:Qwerty12 -clcerts -nokeys -out nca-auth.pem 2> /dev/null
NB=$(date -u -d "$(openssl x509 -in nca-auth.pem -noout -startdate | cut -d= -f2) + 1 day" +%Y-%m-%dT%H:%M:%SZ)
printf %s nonce-for-the-nca-test-key > nonce.txt
openssl cms -sign -binary -in nonce.txt -signer nca-auth.pem -inkey nca-auth.key -nodetach -outform PEM -out nca.p7
"$TANBA" auth check-token nca.p7 --nonce nonce-for-the-nca-test-key --at "$NB" --trust "$KZ/v1-2018/certs/root/root_rsa.crt" \
  --untrusted "$KZ/v1-2018/certs/trusted/nca_rsa.crt" --revocation off --json > nca.json || fail "the NCA AUTH test key's login: $(cat nca.json)"; ok
grep -q '"iin":""' nca.json || fail "the NCA test IIN placeholder: $(cat nca.json)"; ok
done_checks login_cms
