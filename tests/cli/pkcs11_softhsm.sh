#!/usr/bin/env bash
# Keys on a real PKCS#11 token (SoftHSM2 in a temporary store): a CA whose key never leaves
# the token, the citizen flow (key generated on the card, CSR and documents signed by it,
# certificates written back), interop with OpenSC's pkcs11-tool both ways, and token errors.
source "$(dirname "$0")/lib.sh"
export SOFTHSM2_CONF=$WORK/softhsm2.conf
export TANBA_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
M=$TANBA_PKCS11_MODULE
mkdir tokens
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK" > "$SOFTHSM2_CONF"
PIN=31415926
softhsm2-util --init-token --free --label "CA HSM" --pin $PIN --so-pin 27182818 > /dev/null
softhsm2-util --init-token --free --label "Citizen Card" --pin $PIN --so-pin 27182818 > /dev/null
echo $PIN > pin.txt
CA="pkcs11:token=CA%20HSM"
CARD="pkcs11:token=Citizen%20Card"
"$TANBA" token list > tokens.txt
contains tokens.txt "CA HSM"
contains tokens.txt "Citizen Card"

# A root and an issuing CA whose keys are generated on the HSM and stay there.
"$TANBA" token keygen --uri "$CA;object=root-key" --algo ecdsa-p384 --pin-file pin.txt > root.uri 2> /dev/null
"$TANBA" token keygen --uri "$CA;object=issuing-key" --algo ecdsa-p256 --pin-file pin.txt > issuing.uri 2> /dev/null
"$TANBA" ca init --dir root --name "HSM Root CA" --key "$(cat root.uri)" --pin-file pin.txt > /dev/null 2>&1
"$TANBA" ca init --dir issuing --name "HSM Issuing CA" --parent root --key "$(cat issuing.uri)" --pin-file pin.txt > /dev/null 2>&1
[ ! -e root/ca.key ] && [ ! -e issuing/ca.key ] || fail "a CA on a token wrote a key file"; ok
grep -q "^key = 'pkcs11:.*object=issuing-key" issuing/ca.toml || fail "ca.toml does not name the token key"; ok
! grep -q "$PIN" root/ca.toml issuing/ca.toml || fail "a PIN reached ca.toml"; ok
openssl verify -CAfile root/ca.pem issuing/ca.pem > /dev/null || fail "issuing CA (signed on the token) does not verify"; ok
pkcs11-tool --module $M -O --login --pin $PIN --token-label "CA HSM" > ca_objects.txt 2> /dev/null
grep -A4 "Private Key Object" ca_objects.txt | grep -q "sensitive, always sensitive, never extractable" \
  || fail "token keys are not sensitive and non-extractable"; ok

# The citizen flow: keys generated on the card, CSRs signed by the card, AUTH and SIGN issued
# by the HSM-backed CA, written back to the card, a document signed with the card.
IIN=$("$TANBA" id new-iin --birth 1992-12-12 --sex m)
for role in auth sign; do
  "$TANBA" token keygen --uri "$CARD;object=$role-key" --algo rsa-2048 --pin-file pin.txt > $role.uri 2> /dev/null
  "$TANBA" csr new --key "$(cat $role.uri)" --pin-file pin.txt --iin "$IIN" --surname "ЖАҚСЫЛЫҚОВ" --given "ЕРБОЛ" --out $role.csr 2> /dev/null
  openssl req -in $role.csr -noout -verify 2> /dev/null || fail "CSR signed on the card does not verify"; ok
  "$TANBA" ca issue --dir issuing --profile citizen-$role --csr $role.csr --out $role.pem --pin-file pin.txt 2> /dev/null
  openssl verify -CAfile root/ca.pem -untrusted issuing/ca.pem $role.pem > /dev/null || fail "$role certificate does not verify"; ok
  ID=$(sed -n 's/.*;id=\([^;?]*\).*/\1/p' $role.uri)
  "$TANBA" token import-cert --uri "$CARD;object=$role-cert;id=$ID" --pin-file pin.txt $role.pem 2> /dev/null
done
printf 'Арыз: мекенжай анықтамасы\n' > doc.txt
"$TANBA" sign doc.txt --key "$(cat sign.uri)" --pin-file pin.txt --chain issuing/chain.pem --out doc.p7s 2> sign.err
openssl cms -verify -binary -inform DER -in doc.p7s -CAfile root/ca.pem -purpose any -out out.txt 2> /dev/null || fail "openssl rejects the card's CMS"; ok
cmp -s out.txt doc.txt || fail "CMS content differs"; ok
"$TANBA" verify doc.p7s --trust root/ca.pem --revocation off --json > v.json || fail "tanba rejects the card's CMS: $(cat v.json)"; ok
"$PY" -c 'import json,sys; r=json.load(open("v.json")); assert r["signers"][0]["signer"]["iin"] == sys.argv[1]' "$IIN"; ok
# pkcs11-tool sees what we created
pkcs11-tool --module $M -O --login --pin $PIN --token-label "Citizen Card" > card.txt 2> /dev/null
for label in auth-key sign-key auth-cert sign-cert; do contains card.txt "label:      $label"; done

# ...and we use a key pkcs11-tool created.
pkcs11-tool --module $M --login --pin $PIN --token-label "Citizen Card" --keypairgen --key-type EC:prime256v1 \
  --label p11tool-key --id 0a0b0c > /dev/null 2>&1
"$TANBA" csr new --key "$CARD;object=p11tool-key" --pin-file pin.txt --iin "$IIN" --surname "ТЕСТ" --given "ТЕСТ" --out p11.csr 2> /dev/null
openssl req -in p11.csr -noout -verify 2> /dev/null || fail "CSR with the pkcs11-tool key does not verify"; ok
"$TANBA" token show "$CARD" --pin-file pin.txt --json > show.json
"$PY" -c 'import json; objs=json.load(open("show.json")); assert any(o["label"] == "p11tool-key" and o["id"] == "0a0b0c" for o in objs), objs'; ok

# CRL, OCSP and TSA signers on the token: the CA's CRL, a delegated OCSP responder and a TSA
# whose keys live on the HSM, served by tanba-server; checked by openssl.
for role in ocsp tsa; do
  "$TANBA" token keygen --uri "$CA;object=$role-key" --algo ecdsa-p256 --pin-file pin.txt > $role.uri 2> /dev/null
  "$TANBA" csr new --key "$(cat $role.uri)" --pin-file pin.txt --cn "HSM $role" --out $role.csr 2> /dev/null
done
"$TANBA" ca issue --dir issuing --profile ocsp-signer --csr ocsp.csr --out ocsp.pem --pin-file pin.txt 2> /dev/null
"$TANBA" ca issue --dir issuing --profile tsa --csr tsa.csr --out tsa.pem --pin-file pin.txt 2> /dev/null
"$TANBA" ca revoke --dir issuing "$(openssl x509 -in auth.pem -noout -serial | cut -d= -f2)" --reason keyCompromise 2> /dev/null
"$TANBA" ca crl --dir issuing --out issuing.crl --pin-file pin.txt 2> /dev/null
openssl crl -in issuing.crl -inform DER -CAfile issuing/ca.pem -noout 2>&1 | grep -q "verify OK" || fail "CRL signed on the token"; ok
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$TANBA_SERVER" --listen "127.0.0.1:$PORT" --ca issuing --ocsp-cert ocsp.pem --ocsp-key "$(cat ocsp.uri)" \
  --tsa-cert tsa.pem --tsa-key "$(cat tsa.uri)" --tsa-chain issuing/chain.pem --pin-file pin.txt 2> server.err &
SERVER=$!
trap 'kill $SERVER 2> /dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null && break; sleep 0.1; done
cat root/ca.pem issuing/ca.pem > cas.pem
for c in sign:good auth:revoked; do
  { openssl ocsp -issuer issuing/ca.pem -cert ${c%%:*}.pem -url "http://127.0.0.1:$PORT/ocsp" -CAfile cas.pem -resp_text 2>&1 || true; } > ocsp.out
  grep -q "Response verify OK" ocsp.out && grep -q "${c%%:*}.pem: ${c##*:}" ocsp.out && grep -q "Responder Id: CN = HSM ocsp" ocsp.out \
    || fail "OCSP signed on the token for $c: $(cat ocsp.out server.err)"; ok
done
openssl ts -query -data doc.txt -sha256 -cert -out q.tsq 2> /dev/null
curl -sf -H 'Content-Type: application/timestamp-query' --data-binary @q.tsq -o r.tsr "http://127.0.0.1:$PORT/tsa" || fail "POST /tsa"
openssl ts -verify -data doc.txt -in r.tsr -CAfile cas.pem > /dev/null 2>&1 || fail "time-stamp signed on the token"; ok
# Under load, every key (CA, OCSP responder, TSA) on the one token: 16 connections of nonce
# OCSP requests (each answer signed when asked) and time-stamp requests for 20 s. Every OCSP
# answer is checked by python-cryptography as it arrives; openssl checks 100 of each kind.
for i in 1 2 3 4; do openssl ts -query -data doc.txt -sha256 -cert -out q$i.tsq 2> /dev/null; done
mkdir answers
"$PY" "$TANBA_SOURCE/tests/interop/load_ocsp_tsa.py" "http://127.0.0.1:$PORT" "${TANBA_LOAD_SECONDS:-20}" 16 issuing/ca.pem \
  ocsp.pem answers sign.pem:good auth.pem:revoked --tsq q1.tsq q2.tsq q3.tsq q4.tsq > load.txt || fail "load on one token: $(cat load.txt)"; ok
echo "  $(cat load.txt)"
for f in $(ls answers/ocsp-*.der | shuf -n 100); do
  openssl ocsp -respin "$f" -reqin "${f%.der}.req" -issuer issuing/ca.pem -CAfile cas.pem 2>&1 | grep -q "Response verify OK" \
    || fail "openssl rejects the OCSP answer $f"
done; ok
for f in $(ls answers/tsa-*.tsr | shuf -n 100); do
  openssl ts -verify -in "$f" -queryfile "${f%.tsr}.tsq" -CAfile cas.pem > /dev/null 2>&1 || fail "openssl rejects the time-stamp $f"
done; ok
kill $SERVER; wait $SERVER 2> /dev/null || true
! grep -q "$PIN" server.err || fail "the PIN reached the server log"; ok

# Errors: each its own code, no crash, the PIN nowhere in the output.
echo 00000000 > bad.txt
expect_fail 2 TOKEN_PIN_INCORRECT "$TANBA" token show "$CARD" --pin-file bad.txt
! grep -q 00000000 "$WORK/out.txt" "$WORK/err.txt" || fail "the wrong PIN was printed"; ok
expect_fail 3 TOKEN_NOT_FOUND "$TANBA" token show "pkcs11:token=No%20Such%20Card" --pin-file pin.txt
expect_fail 2 TOKEN_OBJECT_NOT_FOUND "$TANBA" sign doc.txt --key "$CARD;object=no-such-key" --pin-file pin.txt --out x.p7s
expect_fail 2 PKCS11_MODULE_FAILED "$TANBA" token list --module /usr/lib/x86_64-linux-gnu/libz.so.1
expect_fail 2 PKCS11_MODULE_FAILED "$TANBA" token list --module /nonexistent/module.so
expect_fail 2 PKCS11_URI_INVALID "$TANBA" token show "$CARD?pin-value=$PIN"
expect_fail 2 TOKEN_NO_PIN env -u TANBA_PIN "$TANBA" token show "$CARD"
TANBA_PIN=$PIN "$TANBA" token show "$CARD" > /dev/null || fail "TANBA_PIN not used"; ok
"$TANBA" token show "$CARD;object=sign-key?pin-source=file:$WORK/pin.txt" > /dev/null || fail "pin-source not used"; ok
# A PSC's card lifecycle: init a blank token, change the PIN, unblock it with the SO PIN, and
# move a software CA key onto the token; each step checked by pkcs11-tool.
printf '11223344' > so.txt; printf '55667788' > upin.txt; printf '99001122' > upin2.txt; printf '33445566' > upin3.txt
"$TANBA" token init --label "PSC Card" --so-pin-file so.txt --pin-file upin.txt > psc.uri 2> /dev/null || fail "token init"
PSC="pkcs11:token=PSC%20Card"; grep -q "^$PSC" psc.uri || fail "token init printed $(cat psc.uri)"; ok
pkcs11-tool --module $M -L 2> /dev/null | grep -q "PSC Card" || fail "pkcs11-tool does not see the new token"; ok
pkcs11-tool --module $M --token-label "PSC Card" --login --pin 55667788 -O > /dev/null 2>&1 || fail "the new user PIN does not log in"; ok
expect_fail 2 TOKEN_NOT_EMPTY "$TANBA" token init --slot "$(pkcs11-tool --module $M -L 2> /dev/null | grep -B1 "PSC Card" | head -1 | sed -n 's/^Slot [0-9]* (0x\([0-9a-f]*\)).*/\1/p' | xargs -I{} printf '%d' 0x{})" --label "PSC Card" --so-pin-file so.txt --pin-file upin.txt
"$TANBA" token pin change --uri "$PSC" --pin-file upin.txt --new-pin-file upin2.txt 2> /dev/null || fail "pin change"
pkcs11-tool --module $M --token-label "PSC Card" --login --pin 55667788 -O > /dev/null 2>&1 && fail "the old PIN still logs in"; ok
pkcs11-tool --module $M --token-label "PSC Card" --login --pin 99001122 -O > /dev/null 2>&1 || fail "the changed PIN does not log in"; ok
expect_fail 2 TOKEN_PIN_INCORRECT "$TANBA" token pin change --uri "$PSC" --pin-file upin.txt --new-pin-file upin3.txt
expect_fail 2 TOKEN_PIN_INCORRECT "$TANBA" token pin unblock --uri "$PSC" --so-pin-file upin.txt --new-pin-file upin3.txt
"$TANBA" token pin unblock --uri "$PSC" --so-pin-file so.txt --new-pin-file upin3.txt 2> /dev/null || fail "pin unblock"
pkcs11-tool --module $M --token-label "PSC Card" --login --pin 33445566 -O > /dev/null 2>&1 || fail "the PIN set by the SO does not log in"; ok
# A software CA's key moves onto the token; the CA then issues with it.
printf 'software-ca-passphrase' > swca.pass
"$TANBA" ca init --dir swca --name "Software CA" --pass-file swca.pass > /dev/null 2>&1
"$TANBA" token import-key --uri "$PSC;object=ca-key" --key swca/ca.key --pass-file swca.pass --pin-file upin3.txt > moved.uri 2> /dev/null \
  || fail "token import-key"
pkcs11-tool --module $M --token-label "PSC Card" --login --pin 33445566 -O 2> /dev/null > psc_objects.txt
grep -A6 "Private Key Object; EC" psc_objects.txt | grep -q "label: *ca-key" || fail "no private key ca-key: $(cat psc_objects.txt)"; ok
grep -A8 "Private Key Object; EC" psc_objects.txt | grep "Access:" > access.txt
grep -q "sensitive" access.txt && ! grep -qw "extractable" access.txt || fail "the imported key is not sensitive and non-extractable: $(cat access.txt)"; ok
grep -A8 "Private Key Object; EC" psc_objects.txt | grep "Usage:" | grep -q "^ *Usage: *sign$" || fail "the imported key may do more than sign: $(grep -A8 'Private Key Object; EC' psc_objects.txt)"; ok
grep -q "Public Key Object; EC" psc_objects.txt || fail "no public key stored beside it"; ok
pkcs11-tool --module $M --token-label "PSC Card" --login --pin 33445566 --read-object --type privkey --label ca-key -o leak.der > /dev/null 2>&1 || true
[ ! -s leak.der ] || fail "the imported private key could be read back"; ok
sed -i "s|^key = .*|key = '$(cat moved.uri)'|" swca/ca.toml
mv swca/ca.key swca.key.removed
"$TANBA" key new --algo ecdsa-p256 --out moved-user.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key moved-user.key --cn "Moved CA user" --out moved-user.csr 2> /dev/null
"$TANBA" ca issue --dir swca --profile ocsp-signer --csr moved-user.csr --out moved-user.pem --pin-file upin3.txt 2> /dev/null \
  || fail "the CA does not issue with its key on the token"
openssl verify -CAfile swca/ca.pem moved-user.pem > /dev/null || fail "a certificate signed by the moved key does not verify"; ok
# Default module discovery: without --module and TANBA_PKCS11_MODULE, OpenSC's module is the one.
env -u TANBA_PKCS11_MODULE "$TANBA" token list > /dev/null 2> optsc.err || true
grep -q "opensc-pkcs11.so" optsc.err || [ ! -s optsc.err ] || fail "the default module is not OpenSC's: $(cat optsc.err)"; ok
for f in *.txt *.json *.err *.out; do ! grep -q "$PIN" "$f" || [ "$f" = pin.txt ] || fail "the PIN appears in $f"; done; ok
done_checks pkcs11_softhsm
