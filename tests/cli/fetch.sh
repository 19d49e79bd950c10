#!/usr/bin/env bash
# --fetch: CRLs from the distribution points and OCSP from the AIA responder of every
# certificate, served on 127.0.0.1 by a python3-cryptography PKI server; nonce checked;
# an unreachable server makes the status unknown (fail closed).
source "$(dirname "$0")/lib.sh"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$TANBA" ca init --dir root --name "Fetch Root" --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
"$TANBA" ca init --dir iss --name "Fetch Issuing" --parent root --algo ecdsa-p256 --base-url "$BASE" --no-passphrase > /dev/null 2>&1
IIN=$("$TANBA" id new-iin --birth 1985-05-05 --sex f)
"$TANBA" key new --algo ecdsa-p256 --out p.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key p.key --iin "$IIN" --surname "НҰРЛАНОВА" --given "ДИНА" --out p.csr 2> /dev/null
"$TANBA" ca issue --dir iss --profile citizen-auth --csr p.csr --out p.pem --no-passphrase 2> /dev/null
SERIAL=$(openssl x509 -in p.pem -noout -serial | cut -d= -f2)
mkdir -p served/crl
"$PY" "$TANBA_SOURCE/tests/interop/make_crl.py" root/ca.pem root/ca.key served/crl/fetch-root.crl 1 -3600 86400
"$PY" "$TANBA_SOURCE/tests/interop/make_crl.py" iss/ca.pem iss/ca.key served/crl/fetch-issuing.crl 1 -3600 86400
echo '{"revoked": [], "nonce": "echo"}' > state.json
"$TANBA" key new --algo ecdsa-p256 --out tsa.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key tsa.key --cn "Fetch TSA" --out tsa.csr 2> /dev/null
"$TANBA" ca issue --dir iss --profile tsa --csr tsa.csr --out tsa.pem --no-passphrase 2> /dev/null
export PKI_SERVER_LOG=$WORK/requests.log
"$PY" "$TANBA_SOURCE/tests/interop/pki_http_server.py" "$PORT" served iss/ca.pem iss/ca.key state.json \
  "$TANBA" ts respond --cert "$WORK/tsa.pem" --key "$WORK/tsa.key" --chain "$WORK/iss/chain.pem" --no-passphrase &
SERVER=$!
trap 'kill $SERVER 2> /dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do "$PY" -c "import socket; socket.create_connection(('127.0.0.1', $PORT))" 2> /dev/null && break; sleep 0.1; done

verify() { set +e; "$TANBA" cert verify p.pem --trust root/ca.pem --untrusted iss/ca.pem --fetch --json > r.json; rc=$?; set -e; }
verify
[ "$rc" -eq 0 ] || fail "fetch: good chain rejected: $(cat r.json)"; ok
"$PY" -c '
import json; r=json.load(open("r.json"))
assert [c.get("revocation") for c in r["chain"]] == ["good", "good", None], r["chain"]
assert r["findings"] == [], r["findings"]'; ok
# Each CRL and OCSP response is fetched once per run: the leaf's OCSP answer and, for the
# issuing CA (which names no OCSP responder), the root's CRL.
count() { grep -c "^$1\$" requests.log || true; }
[ "$(count "POST /ocsp")" = 1 ] && [ "$(count "GET /crl/fetch-root.crl")" = 1 ] || fail "cert verify --fetch: $(cat requests.log)"; ok
# Two signers under the same CA: one OCSP answer each, the root's CRL once for both paths.
"$TANBA" key new --algo ecdsa-p256 --out s.key --no-passphrase 2> /dev/null
for who in s1 s2; do
  "$TANBA" csr new --key s.key --iin "$IIN" --surname "НҰРЛАНОВА" --given "ДИНА" --out $who.csr 2> /dev/null
  "$TANBA" ca issue --dir iss --profile citizen-sign --csr $who.csr --out $who.pem --no-passphrase 2> /dev/null
done
printf 'two signers\n' > two.txt
"$TANBA" sign two.txt --key s.key --cert s1.pem --out one.p7s --no-passphrase 2> /dev/null
"$TANBA" sign two.txt --key s.key --cert s2.pem --add-to one.p7s --out two.p7s --no-passphrase 2> /dev/null
: > requests.log
"$TANBA" verify two.p7s --trust root/ca.pem --untrusted iss/ca.pem --fetch --json > v.json || fail "verify --fetch: $(cat v.json)"
[ "$(count "POST /ocsp")" = 2 ] && [ "$(count "GET /crl/fetch-root.crl")" = 1 ] || fail "verify --fetch: $(cat requests.log)"; ok
"$TANBA" ocsp check p.pem --issuer iss/ca.pem > oc.txt || fail "ocsp check: good certificate not good"
[ "$(cat oc.txt)" = good ] || fail "ocsp check printed $(cat oc.txt)"; ok
# Revoked, said by OCSP.
echo "{\"revoked\": [\"$SERIAL\"], \"nonce\": \"echo\"}" > state.json
set +e; "$TANBA" ocsp check p.pem --issuer iss/ca.pem --save r.ocsp > oc.txt 2> /dev/null; rc=$?; set -e
[ "$rc" -eq 1 ] && [ "$(cat oc.txt)" = revoked ] && [ -s r.ocsp ] || fail "ocsp check: revoked certificate said $(cat oc.txt)"; ok
verify
[ "$rc" -eq 1 ] && grep -q '"REVOKED"' r.json || fail "fetch: revoked leaf not caught: $(cat r.json)"; ok
# A response that does not echo our nonce is not used: the CRL decides (not listed: good).
echo "{\"revoked\": [\"$SERIAL\"], \"nonce\": \"wrong\"}" > state.json
expect_fail 2 OCSP_NONCE_MISMATCH "$TANBA" ocsp check p.pem --issuer iss/ca.pem
verify
[ "$rc" -eq 0 ] && grep -q OCSP_NONCE_MISMATCH r.json || fail "fetch: wrong nonce not refused: $(cat r.json)"; ok
# RFC 3161 over HTTP: tanba ts stamp asks our TSA; openssl ts -verify accepts the token.
printf 'contract\n' > contract.txt
"$TANBA" ts stamp contract.txt --url "$BASE/tsa" --out contract.tst 2> /dev/null || fail "ts stamp failed"
cat root/ca.pem iss/ca.pem > cas.pem
openssl ts -verify -data contract.txt -in contract.tst -token_in -CAfile cas.pem > /dev/null 2>&1 || fail "openssl ts rejects our token"; ok
printf 'other\n' > other.txt
if openssl ts -verify -data other.txt -in contract.tst -token_in -CAfile cas.pem > /dev/null 2>&1; then fail "token verified for other data"; fi; ok
# Nothing reachable: unknown status, fail closed.
kill $SERVER; wait $SERVER 2> /dev/null || true
verify
[ "$rc" -eq 1 ] && grep -q REVOCATION_UNKNOWN r.json || fail "fetch: unreachable server did not fail closed: $(cat r.json)"; ok
done_checks fetch
