#!/usr/bin/env bash
# The OpenID Connect provider against an independent relying party (python3-authlib): discovery,
# authorize with PKCE, the card login (an NCALayer-style CMS over the challenge), code → tokens,
# the ID token checked with the JWKS, claims with the IIN, and every refusal the OAuth/OIDC
# specifications ask for (tests/interop/oidc_rp.py); client registration errors; key rotation.
source "$(dirname "$0")/lib.sh"
: "${TANBA_SERVER:?}"
free_port() { "$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PORT=$(free_port) RPPORT=$(free_port) WSPORT=$(free_port)
BASE=http://127.0.0.1:$PORT
"$TANBA" ca init --dir root --name "OIDC Root" --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
"$TANBA" ca init --dir iss --name "OIDC Issuing" --parent root --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
IIN=$("$TANBA" id new-iin --birth 1979-11-02 --sex m)
BIN=180340021781
"$TANBA" key new --algo ecdsa-p256 --out card.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key card.key --iin "$IIN" --surname "СӘРСЕНОВ" --given "АРМАН" --bin "$BIN" --org "ТОО Тест" --out card.csr 2> /dev/null
"$TANBA" ca issue --dir iss --profile legal-auth --csr card.csr --out card.pem --no-passphrase 2> /dev/null
# The same person's ID card: a key on SoftHSM2, for the browser's NCALayer login.
softhsm_token "ID Card"
"$TANBA" token keygen --uri "pkcs11:token=ID%20Card;object=AUTH" --algo ecdsa-p256 --pin-file pin.txt > idcard.uri 2> /dev/null
"$TANBA" csr new --key "$(cat idcard.uri)" --pin-file pin.txt --iin "$IIN" --surname "СӘРСЕНОВ" --given "АРМАН" --out idcard.csr 2> /dev/null
"$TANBA" ca issue --dir iss --profile citizen-auth --csr idcard.csr --out idcard.pem --no-passphrase 2> /dev/null
"$TANBA" ca crl --dir root --out root.crl --no-passphrase 2> /dev/null
# The provider's next key, for the rotation: on an HSM (a SoftHSM2 token), through keys::Signer too.
softhsm_token "OIDC HSM"
"$TANBA" token keygen --uri "pkcs11:token=OIDC%20HSM;object=ID%20tokens" --algo ecdsa-p256 --pin-file pin.txt > oidc2.uri 2> /dev/null

# The provider's signing key (a file here; a pkcs11: URI works the same) and the sub secret.
"$TANBA" key new --algo ecdsa-p256 --out oidc1.key --no-passphrase 2> /dev/null
head -c 32 /dev/urandom > subject.secret

# Clients: one with a secret, one with private_key_jwt (pairwise, on another host).
STORE=sqlite:$WORK/identity.db
"$PY" -c 'import secrets; print(secrets.token_urlsafe(32))' > client.secret
"$TANBA" oidc clients add --store "$STORE" --id egov-portal --redirect-uri "http://127.0.0.1:8765/callback" --secret-file client.secret > add.txt \
  || fail "clients add: $(cat add.txt)"; ok
"$TANBA" key new --algo ecdsa-p256 --out rp.key --no-passphrase 2> /dev/null
"$PY" -c '
import json, sys
from authlib.jose import JsonWebKey
k = JsonWebKey.import_key(open("rp.key").read()).as_dict(is_private=False)
print(json.dumps({"keys": [k]}))' > rp.jwks
"$TANBA" oidc clients add --store "$STORE" --id tax-service --redirect-uri "http://localhost:8766/cb" --jwks-file rp.jwks --subject-type pairwise \
  > add.txt || fail "clients add (jwks): $(cat add.txt)"; ok
"$TANBA" oidc clients add --store "$STORE" --id browser-rp --redirect-uri "http://127.0.0.1:$RPPORT/callback" --secret-file client.secret > /dev/null
expect_fail 2 OIDC_CLIENT_EXISTS "$TANBA" oidc clients add --store "$STORE" --id egov-portal --redirect-uri "https://a.example/cb" --secret-file client.secret
expect_fail 2 OIDC_CLIENT_INVALID "$TANBA" oidc clients add --store "$STORE" --id c1 --redirect-uri "http://portal.example/cb" --secret-file client.secret
expect_fail 2 OIDC_CLIENT_INVALID "$TANBA" oidc clients add --store "$STORE" --id c2 --redirect-uri "https://portal.example/cb#x" --secret-file client.secret
printf 'short\n' > short.secret
expect_fail 2 OIDC_CLIENT_INVALID "$TANBA" oidc clients add --store "$STORE" --id c3 --redirect-uri "https://portal.example/cb" --secret-file short.secret
expect_fail 2 OIDC_CLIENT_INVALID "$TANBA" oidc clients add --store "$STORE" --id "bad id" --redirect-uri "https://portal.example/cb" --secret-file client.secret
expect_fail 2 USAGE "$TANBA" oidc clients add --store "$STORE" --id c4 --redirect-uri "https://portal.example/cb" --secret-file client.secret --jwks-file rp.jwks
expect_fail 2 OIDC_CLIENT_INVALID "$TANBA" oidc clients add --store "$STORE" --id c5 --redirect-uri "https://a.example/cb" --redirect-uri "https://b.example/cb" \
  --secret-file client.secret --subject-type pairwise
[ "$(sqlite3 identity.db 'SELECT count(*) FROM oidc_clients')" = 3 ] || fail "refused registrations left rows"; ok
! sqlite3 identity.db 'SELECT secret_hash FROM oidc_clients' | grep -qF "$(cat client.secret)" || fail "the client secret is stored in clear"; ok

printf '[oidc]\ncode_lifetime_s = 5\nncalayer_url = "ws://127.0.0.1:%s/"\n' "$WSPORT" > server.toml
SERVER=
stop_server() { [ -z "$SERVER" ] || { kill "$SERVER" 2> /dev/null || true; wait "$SERVER" 2> /dev/null || true; SERVER=; }; }
trap 'stop_server; rm -rf "$WORK"' EXIT
start_server() {  # start_server KEY LOG
  "$TANBA_SERVER" --config server.toml --listen "127.0.0.1:$PORT" --ca iss --offline-ca root --store "$STORE" \
    --origin "https://login.example.kz" --issuer "$BASE" --oidc-key "$1" --oidc-subject-secret-file subject.secret --pin-file pin.txt > "$2" 2>&1 &
  SERVER=$!
  await_readyz "$BASE" 200 "$SERVER" "$2"
}
# Without a key the OIDC endpoints say so.
"$TANBA_SERVER" --listen "127.0.0.1:$PORT" --ca iss --offline-ca root --store "$STORE" --origin "https://login.example.kz" > noidc.log 2>&1 &
SERVER=$!
await_readyz "$BASE" 200 "$SERVER" noidc.log
[ "$(curl -s -o x.json -w '%{http_code}' "$BASE/.well-known/openid-configuration")" = 404 ] && grep -q OIDC_NOT_CONFIGURED x.json \
  || fail "OIDC without a key: $(cat x.json)"; ok
stop_server
start_server oidc1.key server1.log

cat > rp.json <<EOF
{"base": "$BASE", "client": "egov-portal", "secret": "$(cat client.secret)", "redirect": "http://127.0.0.1:8765/callback",
 "jwt_client": "tax-service", "jwt_key": "rp.key", "jwt_redirect": "http://localhost:8766/cb",
 "cert": "card.pem", "key": "card.key", "iin": "$IIN", "bin": "$BIN", "keep": "kept.json"}
EOF
"$PY" "$TANBA_SOURCE/tests/interop/oidc_rp.py" flow rp.json || fail "the relying party's flow"; ok

# The login page in headless Chromium, signing on the SoftHSM2 card through a local signer that
# speaks NCALayer's WebSocket protocol; the user lands on the relying party with a code.
cat > browser.json <<EOF
{"base": "$BASE", "client": "browser-rp", "secret": "$(cat client.secret)", "redirect": "http://127.0.0.1:$RPPORT/callback",
 "ncalayer_port": $WSPORT, "tanba": "$TANBA", "key_uri": "$(cat idcard.uri)", "pin_file": "$WORK/pin.txt", "cert": "$WORK/idcard.pem",
 "iin": "$IIN"}
EOF
HOME=$WORK timeout 180 "$PY" "$TANBA_SOURCE/tests/interop/oidc_browser.py" browser.json || fail "the login page in Chromium"; ok

# Releases to clients are audited (who got whose data); no personal data or token in the log.
[ "$(sqlite3 identity.db "SELECT count(*) FROM registry_audit WHERE actor = 'client:egov-portal' AND action = 'oidc.token'")" -ge 3 ] \
  || fail "no audit entries for token releases"; ok
[ "$(sqlite3 identity.db "SELECT count(*) FROM registry_audit WHERE actor = 'client:tax-service' AND action = 'oidc.token'")" -ge 2 ] || fail "tax-service audit"; ok
! grep -q "$IIN\|$(cat client.secret)" server1.log || fail "the server log names the IIN or the secret"; ok
! grep -q "id_token_hint\|code_challenge=" server1.log || fail "the server log holds a request's query: $(grep -m1 oidc server1.log)"; ok
grep -q 'target=/oidc/logout?(query not logged)' server1.log || fail "no logout request in the log"; ok

# Key rotation: restart with a new key; the old key stays in the JWKS while its tokens live.
stop_server
start_server "$(cat oidc2.uri)" server2.log
grep -q "signing with .*pkcs11" server2.log || fail "the HSM key signs ID tokens: $(cat server2.log)"; ok
"$PY" "$TANBA_SOURCE/tests/interop/oidc_rp.py" rotated rp.json || fail "after key rotation"; ok
stop_server
echo "oidc: $checks checks passed"
