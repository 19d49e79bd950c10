#!/usr/bin/env bash
# Revocation in the CA and the CRLs it signs: read by `openssl crl`, used by `openssl verify
# -crl_check` (full and delta) and by tanba's own validator; errors each with their code.
source "$(dirname "$0")/lib.sh"
make_pki pki ecdsa-p256
ISS=pki/issuing ROOT=pki/root/ca.pem
IIN=$("$TANBA" id new-iin --birth 1969-04-01 --sex m)
"$TANBA" key new --algo ecdsa-p256 --out p.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key p.key --iin "$IIN" --surname "ИСАЕВ" --given "МАРАТ" --out p.csr 2> /dev/null
for c in good revoked held; do "$TANBA" ca issue --dir $ISS --profile citizen-sign --csr p.csr --out $c.pem --no-passphrase 2> /dev/null; done
serial() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
"$TANBA" ca revoke --dir $ISS "$(serial revoked.pem)" --reason keyCompromise --invalidity-date 2026-01-01T00:00:00Z 2> /dev/null
"$TANBA" ca revoke --dir $ISS "$(serial held.pem | tr 'A-F' 'a-f')" --reason certificateHold 2> /dev/null
"$TANBA" ca crl --dir $ISS --out full.crl --no-passphrase 2> /dev/null
# ca list shows each certificate's state now, filters by it, and gives revocation time and reason.
"$TANBA" ca list --dir $ISS --json > list.json
"$PY" - "$(serial good.pem)" "$(serial revoked.pem)" "$(serial held.pem)" <<'PYEOF' || fail "ca list: $(cat list.json)"
import json, sys
good, revoked, held = (s.lower().lstrip("0") for s in sys.argv[1:])
rows = {r["serial"].lstrip("0"): r for r in json.load(open("list.json"))["certificates"]}
assert rows[good]["status"] == "valid" and rows[good]["revokedAt"] is None, rows[good]
assert rows[revoked]["status"] == "revoked" and rows[revoked]["revocationReason"] == "keyCompromise" and rows[revoked]["revokedAt"], rows[revoked]
assert rows[held]["status"] == "hold" and rows[held]["revocationReason"] == "certificateHold", rows[held]
PYEOF
ok
"$TANBA" ca list --dir $ISS --status revoked > revoked.txt
[ "$(wc -l < revoked.txt)" -eq 1 ] && grep -q "revoked .*keyCompromise" revoked.txt || fail "--status revoked: $(cat revoked.txt)"; ok
[ "$("$TANBA" ca list --dir $ISS --status hold | wc -l)" -eq 1 ] || fail "--status hold"; ok
"$TANBA" ca list --dir $ISS --status valid | grep -qi "$(serial good.pem)" || fail "--status valid lacks the good one"; ok
[ "$("$TANBA" ca list --dir $ISS --status expired | wc -l)" -eq 0 ] || fail "--status expired"; ok
# ca revoke needs a reason, said out loud, and says what it revoked.
"$TANBA" ca issue --dir $ISS --profile citizen-sign --csr p.csr --out spare.pem --no-passphrase 2> /dev/null
expect_fail 2 "tanba: error USAGE: --reason is required" "$TANBA" ca revoke --dir $ISS "$(serial spare.pem)"
"$TANBA" ca revoke --dir $ISS "$(serial spare.pem)" --reason unspecified > spare.txt
grep -qi "revoked $(serial spare.pem) (unspecified): .*ИСАЕВ.*, IIN $IIN" spare.txt || fail "ca revoke output: $(cat spare.txt)"; ok
# No file is replaced without --force, and nothing is issued or spent when it would be.
before=$("$TANBA" ca list --dir $ISS --json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["certificates"]))')
expect_fail 2 FILE_EXISTS "$TANBA" ca issue --dir $ISS --profile citizen-sign --csr p.csr --out good.pem --no-passphrase
after=$("$TANBA" ca list --dir $ISS --json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["certificates"]))')
[ "$before" = "$after" ] || fail "a certificate was issued although its file could not be written"; ok
cp good.pem good.keep
"$TANBA" ca issue --dir $ISS --profile citizen-sign --csr p.csr --out good.pem --force --no-passphrase 2> /dev/null
cmp -s good.pem good.keep && fail "--force did not replace the file"; ok
cp good.keep good.pem
printf 'x' > taken.crl
expect_fail 2 FILE_EXISTS "$TANBA" ca crl --dir $ISS --out taken.crl --no-passphrase
[ "$(cat taken.crl)" = x ] || fail "ca crl replaced a file"; ok
expect_fail 2 FILE_EXISTS "$TANBA" csr new --key p.key --iin "$IIN" --surname "ИСАЕВ" --given "МАРАТ" --out p.csr
expect_fail 2 FILE_EXISTS "$TANBA" sign p.csr --key p.key --cert good.pem --out taken.crl
expect_fail 2 FILE_EXISTS "$TANBA" key new --algo ecdsa-p256 --out p.key --no-passphrase
"$TANBA" csr new --key p.key --iin "$IIN" --surname "ИСАЕВ" --given "МАРАТ" --out p.csr --force 2> /dev/null || fail "csr new --force"; ok
"$TANBA" ca crl --dir pki/root --out root.crl --no-passphrase 2> /dev/null

openssl crl -in full.crl -inform DER -CAfile $ISS/ca.pem -noout 2>&1 | grep -q "verify OK" || fail "openssl does not verify our CRL"; ok
openssl crl -in full.crl -inform DER -noout -text > full.txt
contains full.txt "CRL Number:"
contains full.txt "Key Compromise"
contains full.txt "Certificate Hold"
contains full.txt "Invalidity Date"
openssl crl -in full.crl -inform DER -out full.pem
openssl crl -in root.crl -inform DER -out root.pem
cat $ROOT $ISS/ca.pem > cas.pem
osslverify() { openssl verify -crl_check_all -CAfile cas.pem -CRLfile "$1" "$2" 2>&1 || true; }
cat full.pem root.pem > crls.pem
osslverify crls.pem good.pem | grep -q ": OK" || fail "openssl: good certificate rejected with our CRL"; ok
osslverify crls.pem revoked.pem | grep -q "certificate revoked" || fail "openssl: revoked certificate accepted"; ok
osslverify crls.pem held.pem | grep -q "certificate revoked" || fail "openssl: held certificate accepted"; ok

status() {  # status EXIT CODE CERT [more args]
  local want=$1 code=$2 cert=$3; shift 3
  set +e; "$TANBA" cert verify "$cert" --trust $ROOT --untrusted $ISS/ca.pem "$@" --json > r.json; local rc=$?; set -e
  [ "$rc" -eq "$want" ] || fail "cert verify $cert $*: exit $rc: $(cat r.json)"
  [ "$code" = - ] || grep -q "\"$code\"" r.json || fail "cert verify $cert $*: no $code"
  ok
}
status 0 - good.pem --crl full.crl --crl root.crl
status 1 REVOKED revoked.pem --crl full.crl --crl root.crl
status 1 ON_HOLD held.pem --crl full.crl --crl root.crl

# Released from hold: the next delta CRL carries removeFromCRL.
"$TANBA" ca unhold --dir $ISS "$(serial held.pem)" 2> /dev/null
"$TANBA" ca crl --dir $ISS --out delta.crl --delta --no-passphrase 2> /dev/null
openssl crl -in delta.crl -inform DER -CAfile $ISS/ca.pem -noout 2>&1 | grep -q "verify OK" || fail "openssl does not verify our delta CRL"; ok
openssl crl -in delta.crl -inform DER -noout -text > delta.txt
contains delta.txt "Delta CRL Indicator: critical"
contains delta.txt "Remove From CRL"
openssl crl -in delta.crl -inform DER -out delta.pem
cat full.pem delta.pem root.pem > all.pem
{ openssl verify -crl_check_all -use_deltas -extended_crl -CAfile cas.pem -CRLfile all.pem held.pem 2>&1 || true; } | grep -q ": OK" \
  || fail "openssl with the delta: released certificate still revoked"; ok
status 0 - held.pem --crl full.crl --crl delta.crl --crl root.crl
status 1 REVOKED revoked.pem --crl full.crl --crl delta.crl --crl root.crl
# CRL numbers grow across full and delta CRLs.
"$TANBA" ca crl --dir $ISS --out full2.crl --no-passphrase 2> /dev/null
n() { echo $(( $(openssl crl -in "$1" -inform DER -noout -crlnumber | cut -d= -f2) )); }
[ "$(n full.crl)" -lt "$(n delta.crl)" ] && [ "$(n delta.crl)" -lt "$(n full2.crl)" ] || fail "CRL numbers do not grow"; ok

# OCSP answers from the CA's store, read by openssl ocsp (nonce checked) and by tanba.
ocsp_status() {  # ocsp_status CERT RESPONSE: the status openssl reads, after verifying the response and its nonce
  { openssl ocsp -reqin req.der -respin "$2" -CAfile cas.pem 2>&1 || true; } > o.txt
  grep -q "Response verify OK" o.txt || fail "openssl does not verify $2 (or its nonce): $(cat o.txt)"
  { openssl ocsp -respin "$2" -issuer $ISS/ca.pem -cert "$1" -CAfile cas.pem -no_nonce 2>&1 || true; } > o.txt
  sed -n "s/^$1: //p" o.txt
}
for c in good revoked; do
  openssl ocsp -issuer $ISS/ca.pem -cert $c.pem -reqout req.der > /dev/null 2>&1
  "$TANBA" ca ocsp --dir $ISS --request req.der --out $c.ocsp --no-passphrase 2> /dev/null
  [ "$(ocsp_status $c.pem $c.ocsp)" = "$c" ] || fail "OCSP for $c.pem: $(cat o.txt)"; ok
done
# A delegated responder (ocsp-signer profile) signs instead of the CA.
"$TANBA" key new --algo ecdsa-p256 --out r.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key r.key --cn "Test OCSP Responder" --out r.csr 2> /dev/null
"$TANBA" ca issue --dir $ISS --profile ocsp-signer --csr r.csr --out r.pem --no-passphrase 2> /dev/null
openssl ocsp -issuer $ISS/ca.pem -cert good.pem -reqout req.der > /dev/null 2>&1
"$TANBA" ca ocsp --dir $ISS --request req.der --out delegated.ocsp --responder-cert r.pem --responder-key r.key --no-passphrase 2> /dev/null
[ "$(ocsp_status good.pem delegated.ocsp)" = good ] || fail "delegated OCSP: $(cat o.txt)"; ok
status 0 - good.pem --ocsp-response delegated.ocsp --crl root.crl
openssl ocsp -issuer $ISS/ca.pem -cert revoked.pem -reqout req.der > /dev/null 2>&1
"$TANBA" ca ocsp --dir $ISS --request req.der --out rv.ocsp --no-passphrase 2> /dev/null
status 1 REVOKED revoked.pem --ocsp-response rv.ocsp --crl root.crl
# Another CA's certificate: unauthorized; garbage: malformedRequest.
make_pki other ecdsa-p256
openssl ocsp -issuer other/issuing/ca.pem -cert good.pem -reqout other.der > /dev/null 2>&1
"$TANBA" ca ocsp --dir $ISS --request other.der --out u.ocsp --no-passphrase 2> /dev/null
{ openssl ocsp -respin u.ocsp -resp_text -noverify 2>&1 || true; } | grep -q "unauthorized" || fail "other issuer not unauthorized"; ok
head -c 40 /dev/urandom > garbage.der
"$TANBA" ca ocsp --dir $ISS --request garbage.der --out g.ocsp --no-passphrase 2> /dev/null
{ openssl ocsp -respin g.ocsp -resp_text -noverify 2>&1 || true; } | grep -qi "malformedrequest" || fail "garbage request not malformedRequest"; ok

# A TSA: openssl's request, our response, openssl's verification; bad input is a rejection.
"$TANBA" key new --algo ecdsa-p256 --out tsa.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key tsa.key --cn "Test TSA" --out tsa.csr 2> /dev/null
"$TANBA" ca issue --dir $ISS --profile tsa --csr tsa.csr --out tsa.pem --no-passphrase 2> /dev/null
printf 'to be stamped\n' > data.txt
openssl ts -query -data data.txt -sha256 -cert -out q.tsq 2> /dev/null
"$TANBA" ts respond --cert tsa.pem --key tsa.key --chain $ISS/chain.pem --request q.tsq --out r.tsr 2> /dev/null
openssl ts -verify -data data.txt -in r.tsr -CAfile cas.pem > /dev/null 2>&1 || fail "openssl ts rejects our response"; ok
openssl ts -reply -in r.tsr -text 2> /dev/null > r.txt
contains r.txt "Policy OID: 1.2.398.3.3.2.6.1"
contains r.txt "Accuracy: 0x01 seconds"
head -c 30 /dev/urandom > bad.tsq
"$TANBA" ts respond --cert tsa.pem --key tsa.key --request bad.tsq --out bad.tsr 2> /dev/null
openssl ts -reply -in bad.tsr -text 2> /dev/null | grep -q "Status: Rejected" || fail "garbage time-stamp request not rejected"; ok
expect_fail 2 INVALID_ARGUMENT "$TANBA" ts respond --cert good.pem --key p.key --request q.tsq --out x.tsr

# Errors
expect_fail 2 STORE_NOT_FOUND "$TANBA" ca revoke --dir $ISS 0102030405 --reason superseded
expect_fail 2 CA_ALREADY_REVOKED "$TANBA" ca revoke --dir $ISS "$(serial revoked.pem)" --reason superseded
expect_fail 2 CA_NOT_ON_HOLD "$TANBA" ca unhold --dir $ISS "$(serial good.pem)"
expect_fail 2 USAGE "$TANBA" ca revoke --dir $ISS "$(serial good.pem)" --reason sometimes
expect_fail 2 INVALID_ARGUMENT "$TANBA" ca revoke --dir $ISS not-hex --reason superseded
make_pki fresh ecdsa-p256
expect_fail 2 CA_CRL_BASE_MISSING "$TANBA" ca crl --dir fresh/issuing --out x.crl --delta --no-passphrase
done_checks ca_revocation
