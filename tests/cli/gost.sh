#!/usr/bin/env bash
# Kazakh GOST verification (issue 15, lib/gost through Botan): the NCA RK test PKI's GOST-2015-512
# and GOST-2004 chains, CRLs and OCSP responses verify in path validation, with the verdicts their
# contents give — and each fails after a one-byte change (tests/data/kz/SOURCES.md).
source "$(dirname "$0")/lib.sh"
D=$TANBA_TEST_DATA/kz/ncanode
verdict() {  # verdict LEAF ANCHOR AT [options…] → "INDICATION SUBINDICATION error-codes…"; report in v.json
  local leaf=$1 anchor=$2 at=$3; shift 3
  set +e; "$TANBA" cert verify "$leaf" --trust "$anchor" --at "$at" --offline --json "$@" > v.json; set -e
  "$PY" -c 'import json; r = json.load(open("v.json")); print(r["indication"], r.get("subIndication") or "-", *[f["code"] for f in r["findings"] if f["severity"] == "error"])'
}
want() {  # want "VERDICT" LEAF ANCHOR AT [options…]
  local expected=$1; shift
  local got; got=$(verdict "$@")
  [ "$got" = "$expected" ] || fail "$1: wanted '$expected', got '$got': $(cat v.json)"; ok
}
G15=$D/head/ca/nca_gost2015_test.cer G04=$D/head/ca/nca_gost_test.crt
# Chains with their CRLs: GOST-2004 (GOST R 34.11-94, test S-box) and GOST-2015-512 (Streebog-512).
want "VALID -" "$D/head/certs/ceo_valid_sign_2004_gost.cer" "$G04" 2022-06-01T00:00:00Z --crl "$D/head/crl/nca_gost_test.crl"
want "VALID -" "$D/extracted-certs/key_individual_valid_2015.pem" "$G15" 2023-01-01T00:00:00Z --crl "$D/head/crl/nca_gost2022_test.crl"
grep -q '"GOST_SIGNATURE_ORDER"' v.json && grep -q "r||s little-endian (NCA RK)" v.json || fail "the byte order is not reported: $(cat v.json)"; ok
# The same certificate with its signature in RFC 4491's order (the 128 bytes reversed): VALID, and says so.
"$PY" - "$D/extracted-certs/key_individual_valid_2015.pem" <<'PYEOF'
import base64, sys
d = open(sys.argv[1], "rb").read()
d = bytearray(base64.b64decode(b"".join(l for l in d.splitlines() if not l.startswith(b"-----"))))
d[-128:] = d[-128:][::-1]
open("rfc4491.der", "wb").write(bytes(d))
PYEOF
want "VALID -" rfc4491.der "$G15" 2023-01-01T00:00:00Z --revocation off
grep -q "s||r big-endian (RFC 4491)" v.json || fail "the RFC 4491 order is not reported: $(cat v.json)"; ok
# The 2018 generation: root → NCA → a citizen's GOST certificate.
want "VALID -" "$D/extracted-certs/GOSTKNCA_f8a422238209b6e753116431b69b09178f14e9d7.pem" "$D/v1-2018/certs/root/root_gost.crt" \
  2019-01-01T00:00:00Z --untrusted "$D/v1-2018/certs/trusted/nca_gost.crt" --revocation off
grep -q REVOCATION_NOT_CHECKED v.json || fail "revocation off not reported"; ok
# OCSP responses signed by the GOST responders: used, with what they say.
want "INVALID REVOKED REVOKED" "$D/extracted-certs/key_ceo_sign_revoked_2004.pem" "$G04" 2022-09-02T17:00:00Z \
  --ocsp-response "$D/head/ocsp/ocsp_response_ceo_sign_2004_revoked.bin"
want "INDETERMINATE TRY_LATER ON_HOLD" "$D/extracted-certs/key_ceo_revoked_2015.pem" "$G15" 2022-09-02T17:00:00Z \
  --ocsp-response "$D/head/ocsp/ocsp_response_ceo_2015_revoked.bin"

# One byte changed: in the certificate's signature, in the CRL's, in the OCSP response's.
flip() {  # flip IN OUT OFFSET_FROM_END: DER (PEM converted) with one byte changed
  "$PY" - "$1" "$2" "$3" <<'PYEOF'
import base64, sys
d = open(sys.argv[1], "rb").read()
if d.startswith(b"-----"):
    d = base64.b64decode(b"".join(l for l in d.splitlines() if not l.startswith(b"-----")))
d = bytearray(d); d[len(d) - int(sys.argv[3])] ^= 0x01
open(sys.argv[2], "wb").write(bytes(d))
PYEOF
}
flip "$D/head/certs/ceo_valid_sign_2004_gost.cer" bad04.der 7
want "INVALID SIG_CRYPTO_FAILURE SIGNATURE_INVALID" bad04.der "$G04" 2022-06-01T00:00:00Z --revocation off
flip "$D/extracted-certs/key_individual_valid_2015.pem" bad15.der 20
want "INVALID SIG_CRYPTO_FAILURE SIGNATURE_INVALID" bad15.der "$G15" 2023-01-01T00:00:00Z --revocation off
flip "$D/head/crl/nca_gost2022_test.crl" bad.crl 9
want "INDETERMINATE TRY_LATER REVOCATION_UNKNOWN" "$D/extracted-certs/key_individual_valid_2015.pem" "$G15" 2023-01-01T00:00:00Z --crl bad.crl
grep -q CRL_UNUSABLE v.json || fail "the changed CRL not reported"; ok
flip "$D/head/ocsp/ocsp_response_ceo_sign_2004_revoked.bin" bad.ocsp 11
want "INDETERMINATE TRY_LATER REVOCATION_UNKNOWN" "$D/extracted-certs/key_ceo_sign_revoked_2004.pem" "$G04" 2022-09-02T17:00:00Z \
  --ocsp-response bad.ocsp
grep -q OCSP_UNUSABLE v.json || fail "the changed OCSP response not reported"; ok

# CMS from Kalkan (NCANode's test data): two signers, RSA and GOST-2015-512 (digest Streebog-512
# under the KZ OID), attached and detached over "test123". Each signer VALID inside its own
# certificate's validity (they do not overlap), with its IIN; the GOST one names the byte order.
E=$D/embedded
signers() {  # signers SIG AT [options…] → "INDICATION:IIN …" per signer; report in s.json
  local sig=$1 at=$2; shift 2
  set +e; "$TANBA" verify "$sig" --trust "$G15" --trust "$D/head/ca/nca_rsa_test.crt" --offline --revocation off --at "$at" --json "$@" > s.json; set -e
  "$PY" -c 'import json; r = json.load(open("s.json")); print(*[s["indication"] + ":" + (s["signer"].get("iin") or "-") for s in r["signers"]])'
}
[ "$(signers "$E/cmsservicetest_signed_cms.p7s" 2022-10-01T00:00:00Z)" = "VALID:123456789012 INVALID:123456789011" ] || fail "GOST signer: $(cat s.json)"; ok
grep -q '"GOST_SIGNATURE_ORDER"' s.json && grep -q "r||s little-endian (NCA RK)" s.json || fail "the byte order is not reported: $(cat s.json)"; ok
[ "$(signers "$E/cmsservicetest_signed_cms.p7s" 2021-06-01T00:00:00Z)" = "INVALID:123456789012 VALID:123456789011" ] || fail "RSA signer: $(cat s.json)"; ok
printf test123 > content.txt
[ "$(signers "$E/cmsservicetest_signed_detached_cms.p7s" 2022-10-01T00:00:00Z --content content.txt)" = "VALID:123456789012 INVALID:123456789011" ] \
  || fail "detached GOST signer: $(cat s.json)"; ok
printf test124 > other.txt
signers "$E/cmsservicetest_signed_detached_cms.p7s" 2022-10-01T00:00:00Z --content other.txt > /dev/null
grep -q MESSAGE_DIGEST_MISMATCH s.json || fail "other content accepted: $(cat s.json)"; ok
# One byte of the GOST signer's signature changed (the last bytes of its SignerInfo).
"$PY" - "$E/cmsservicetest_signed_cms.p7s" <<'PYEOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.find(bytes.fromhex("048180"))  # the 128-byte OCTET STRING: the GOST-2015-512 signer's signature value
assert i > 0
d[i + 10] ^= 0x01
open("badsig.p7s", "wb").write(bytes(d))
PYEOF
[ "$(signers badsig.p7s 2022-10-01T00:00:00Z | cut -d' ' -f1)" = "INVALID:123456789012" ] && grep -q SIGNATURE_INVALID s.json \
  || fail "a changed GOST signature: $(cat s.json)"; ok

# The RFC 3161 token signed by the GOST-2004 TSA (messageDigest by GOST R 34.11-94, test S-box).
T=$D/head/tsp/tsp_token.bin
"$TANBA" ts verify "$T" --digest 1465dad126d32bf7aa5d3b95a5c7c331cdff34df --trust "$G04" --at 2022-09-18T13:30:00Z --offline --revocation off > ts.txt \
  || fail "the GOST TSP token: $(cat ts.txt)"; ok
grep -q "^VALID" ts.txt || fail "the GOST TSP token: $(cat ts.txt)"; ok
set +e; "$TANBA" ts verify "$T" --digest 1465dad126d32bf7aa5d3b95a5c7c331cdff34de --trust "$G04" --at 2022-09-18T13:30:00Z --offline --revocation off > ts.txt 2>&1; rc=$?; set -e
[ "$rc" -ne 0 ] || fail "another imprint accepted: $(cat ts.txt)"; ok

# GOST keys: made by tanba (PKCS#8, encrypted at rest: PBES2 / PBKDF2-SHA256 / AES-256-CBC), and
# read from the Kalkan keystores, whose public key is their certificate's.
echo "a test passphrase" > pass.txt
"$TANBA" key new --algo gost2015-512 --out g15.key --pass-file pass.txt 2> /dev/null || fail "key new gost2015-512"; ok
openssl asn1parse -in g15.key > g15.asn1 && grep -q ":PBES2" g15.asn1 && grep -q ":hmacWithSHA256" g15.asn1 && grep -q ":aes-256-cbc" g15.asn1 \
  || fail "the GOST key is not encrypted as PBES2: $(cat g15.asn1)"; ok
"$TANBA" key show g15.key --pass-file pass.txt --json > g15.json
"$PY" -c 'import json; j = json.load(open("g15.json")); assert j["algorithm"] == "gost2015-512" and j["bits"] == 512, j' || fail "key show: $(cat g15.json)"; ok
echo "not it" > wrong.txt
expect_fail 2 KEY_BAD_PASSPHRASE "$TANBA" key show g15.key --pass-file wrong.txt
"$TANBA" key new --algo gost2004 --out g04.key --no-passphrase 2> /dev/null
[ "$("$TANBA" key show g04.key --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["algorithm"])')" = gost2004 ] || fail "gost2004 key"; ok
spki_sha256() {  # the SHA-256 of a certificate's SubjectPublicKeyInfo (PEM or DER)
  "$PY" - "$1" <<'PYEOF'
import base64, hashlib, sys
d = open(sys.argv[1], "rb").read()
if d.startswith(b"-----"):
    d = base64.b64decode(b"".join(l for l in d.splitlines() if not l.startswith(b"-----")))
def tlv(i):
    n, j = d[i + 1], i + 2
    if n & 0x80:
        k = n & 0x7f; n = int.from_bytes(d[j:j + k], "big"); j += k
    return j, j + n
tbs = tlv(tlv(0)[0])[0]
i = tlv(tbs)[1] if d[tbs] == 0xa0 else tbs
for _ in range(5):
    i = tlv(i)[1]
print(hashlib.sha256(d[i:tlv(i)[1]]).hexdigest())
PYEOF
}
while IFS=$'\t' read -r p12 password cert alg; do
  case "$p12" in '#'*) continue ;; esac
  echo "$password" > p12.pass
  "$TANBA" key show "$TANBA_TEST_DATA/$p12" --pass-file p12.pass --json > k.json || fail "key show $p12: $(cat k.json)"
  [ "$("$PY" -c 'import json; print(json.load(open("k.json"))["publicKeySha256"])')" = "$(spki_sha256 "$TANBA_TEST_DATA/$cert")" ] \
    || fail "$p12: its key is not its certificate's"; ok
done < "$TANBA_TEST_DATA/vectors/gost/nca_keystores.tsv"
# A certificate request for a GOST key, and a certificate for it from an ECDSA CA (NCA's profiles
# take GOST keys): the request's signature is checked (proof of possession), the certificate
# carries the key as it was requested.
IIN=$("$TANBA" id new-iin --birth 1990-01-01 --sex m)
"$TANBA" csr new --key g15.key --pass-file pass.txt --iin "$IIN" --surname ТЕСТОВ --given ТЕСТ --out g15.csr 2> /dev/null || fail "csr new with a GOST key"; ok
openssl req -in g15.csr -noout -subject -nameopt RFC2253 | grep -q "serialNumber=IIN$IIN" || fail "openssl does not read the GOST request"; ok
"$TANBA" ca init --dir eca --name "EC CA for GOST keys" --algo ecdsa-p256 --no-passphrase > /dev/null 2>&1
"$TANBA" ca issue --dir eca --profile citizen-sign --csr g15.csr --out g15.pem --no-passphrase 2> /dev/null || fail "issuing for a GOST key"; ok
want "VALID -" g15.pem eca/ca.pem "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --revocation off
[ "$(spki_sha256 g15.pem)" = "$("$PY" -c 'import json; print(json.load(open("g15.json"))["publicKeySha256"])')" ] || fail "the certificate's key is not the request's"; ok
openssl req -in g15.csr -outform DER -out g15.csr.der
"$PY" -c 'import sys; d = bytearray(open("g15.csr.der", "rb").read()); d[-3] ^= 1; open("bad.csr", "wb").write(bytes(d))'
expect_fail 2 CSR_BAD_SIGNATURE "$TANBA" ca issue --dir eca --profile citizen-sign --csr bad.csr --out bad.pem --no-passphrase
# A GOST-2015 CA made by tanba: root → issuing CA (keys encrypted at rest), a citizen certificate,
# CRLs, OCSP answers, revocation, `ca check` — all verified by tanba through lib/gost (the raw
# signatures also by the OpenSSL GOST engine: gost_engine.sh).
"$TANBA" ca init --dir groot --name "GOST Root" --algo gost2015-512 --pass-file pass.txt > /dev/null 2>&1 || fail "ca init gost2015-512"; ok
"$TANBA" ca init --dir giss --name "GOST Issuing" --parent groot --algo gost2015-512 --pass-file pass.txt --parent-pass-file pass.txt > /dev/null 2>&1 \
  || fail "a GOST issuing CA"; ok
grep -q "ENCRYPTED PRIVATE KEY" groot/ca.key || fail "the GOST CA key is not encrypted"; ok
"$TANBA" ca issue --dir giss --profile citizen-sign --csr g15.csr --out gc.pem --pass-file pass.txt 2> /dev/null || fail "a GOST CA issues"; ok
"$TANBA" ca crl --dir giss --out giss.crl --pass-file pass.txt 2> /dev/null && "$TANBA" ca crl --dir groot --out groot.crl --pass-file pass.txt 2> /dev/null || fail "GOST CRLs"; ok
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)
want "VALID -" gc.pem groot/ca.pem "$NOW" --untrusted giss/ca.pem --crl giss.crl --crl groot.crl
openssl ocsp -issuer giss/ca.pem -cert gc.pem -no_nonce -reqout ocsp.req > /dev/null 2>&1
"$TANBA" ca ocsp --dir giss --request ocsp.req --out ocsp.good --pass-file pass.txt 2> /dev/null || fail "a GOST OCSP answer"; ok
want "VALID -" gc.pem groot/ca.pem "$NOW" --untrusted giss/ca.pem --ocsp-response ocsp.good --crl groot.crl
"$TANBA" ca revoke --dir giss "$(openssl x509 -in gc.pem -noout -serial | cut -d= -f2)" --reason keyCompromise > /dev/null 2>&1
"$TANBA" ca ocsp --dir giss --request ocsp.req --out ocsp.revoked --pass-file pass.txt 2> /dev/null
"$TANBA" ca crl --dir giss --out giss2.crl --pass-file pass.txt 2> /dev/null
LATER=$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)  # after the revocation
want "INVALID REVOKED REVOKED" gc.pem groot/ca.pem "$LATER" --untrusted giss/ca.pem --ocsp-response ocsp.revoked --crl groot.crl
want "INVALID REVOKED REVOKED" gc.pem groot/ca.pem "$LATER" --untrusted giss/ca.pem --crl giss2.crl --crl groot.crl
"$TANBA" ca check --dir giss > check.txt 2>&1 && grep -q "signed by this CA" check.txt || fail "ca check of a GOST CA: $(cat check.txt)"; ok
# tanba-server runs the GOST CA: its OCSP answers over HTTP, signed with the GOST key.
: "${TANBA_SERVER:?}"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$TANBA_SERVER" --listen "127.0.0.1:$PORT" --ca giss --ca-pass-file pass.txt > gserver.log 2>&1 &
GSERVER=$!
trap 'kill "$GSERVER" 2> /dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.1; done
curl -s --data-binary @ocsp.req -H 'Content-Type: application/ocsp-request' -o ocsp.http "http://127.0.0.1:$PORT/ocsp" || fail "no OCSP answer: $(cat gserver.log)"
want "INVALID REVOKED REVOKED" gc.pem groot/ca.pem "$LATER" --untrusted giss/ca.pem --ocsp-response ocsp.http --crl groot.crl
kill "$GSERVER"; wait "$GSERVER" 2> /dev/null || true
cp gc.pem "$WORK/gost_ca_cert.pem"
# GOST CMS made by tanba (SignedData written for a Signer OpenSSL holds no key for): attached
# and detached (streamed), by a key of that CA and by a Kalkan keystore; openssl parses them.
"$TANBA" ca issue --dir giss --profile citizen-sign --csr g15.csr --out gs.pem --pass-file pass.txt 2> /dev/null
"$TANBA" ca crl --dir giss --out giss3.crl --pass-file pass.txt 2> /dev/null
printf 'Өтініш: a document signed with GOST\n' > doc.txt
"$TANBA" sign doc.txt --key g15.key --pass-file pass.txt --cert gs.pem --chain giss/ca.pem --out doc.p7s 2> /dev/null || fail "tanba sign with a GOST key"; ok
"$TANBA" sign doc.txt --key g15.key --pass-file pass.txt --cert gs.pem --detached --out docd.p7s 2> /dev/null || fail "detached GOST signature"; ok
openssl cms -cmsout -print -inform DER -in doc.p7s > doc.print && grep -q "1.2.398.3.10.1.3.3" doc.print || fail "openssl does not parse the GOST CMS"; ok
# (signers() trusts the NCA roots; gost_verify ours)
gost_verify() {  # gost_verify SIG [options…] → indication of signer 1; report in s.json
  local sig=$1; shift
  set +e; "$TANBA" verify "$sig" --trust groot/ca.pem --untrusted giss/ca.pem --crl giss3.crl --crl groot.crl --offline --json "$@" > s.json; set -e
  "$PY" -c 'import json; r = json.load(open("s.json")); print(r["signers"][0]["indication"], r["signers"][0]["signer"].get("iin"))'
}
[ "$(gost_verify doc.p7s)" = "VALID $IIN" ] && grep -q "r||s little-endian (NCA RK)" s.json || fail "our GOST CMS: $(cat s.json)"; ok
[ "$(gost_verify docd.p7s --content doc.txt)" = "VALID $IIN" ] || fail "our detached GOST CMS: $(cat s.json)"; ok
printf 'another document\n' > other.txt
[ "$(gost_verify docd.p7s --content other.txt | cut -d' ' -f1)" = INVALID ] && grep -q MESSAGE_DIGEST_MISMATCH s.json || fail "other content: $(cat s.json)"; ok
echo Aa123456 > kalkan.pass
# (the keystore alone: its certificate comes from it)
"$TANBA" sign doc.txt --key "$E/key_individual_valid_2015.p12" --pass-file kalkan.pass --allow-invalid-cert --out kalkan.p7s 2> /dev/null \
  || fail "signing with a Kalkan keystore"; ok
[ "$(signers kalkan.p7s 2023-01-01T00:00:00Z --crl "$D/head/crl/nca_gost2022_test.crl" | cut -d' ' -f1)" = "VALID:123456789012" ] \
  || fail "the Kalkan keystore's signature: $(cat s.json)"; ok
expect_fail 2 KEY_UNSUPPORTED "$TANBA" sign doc.txt --key g15.key --pass-file pass.txt --cert gs.pem --add-to doc.p7s --out co.p7s
# A GOST time-stamp authority: a GOST key with the tsa profile answers RFC 3161 requests.
"$TANBA" key new --algo gost2015-512 --out tsa.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key tsa.key --cn "GOST TSA" --out tsa.csr 2> /dev/null
"$TANBA" ca issue --dir giss --profile tsa --csr tsa.csr --out tsa.pem --pass-file pass.txt 2> /dev/null || fail "a GOST TSA certificate"; ok
openssl ts -query -data doc.txt -sha256 -cert -out doc.tsq 2> /dev/null
"$TANBA" ts respond --cert tsa.pem --key tsa.key --chain giss/ca.pem --request doc.tsq --out doc.tsr --no-passphrase 2> /dev/null || fail "GOST TSA"; ok
openssl ts -reply -in doc.tsr -text 2> /dev/null | grep -q "Status: Granted" || fail "openssl does not read the GOST TSA's reply"; ok
"$TANBA" ts verify doc.tsr --data doc.txt --trust groot/ca.pem --crl giss3.crl --crl groot.crl --offline > tsv.txt 2>&1 && grep -q "^VALID" tsv.txt \
  || fail "the GOST TSA's token: $(cat tsv.txt)"; ok
echo "gost: $checks checks passed"
