#!/usr/bin/env bash
# `tanba cert show` on the real NCA RK test certificates prints their IIN/BIN placeholders
# (reported invalid, not as errors), names and role OIDs; NCA SDK keystores open.
source "$(dirname "$0")/lib.sh"
D="$TANBA_TEST_DATA/kz/ncanode"

"$TANBA" cert show "$D/head/certs/individual_valid_sign_2004_rsa.cer" > sign.txt
contains sign.txt "IIN:            123456789011 (invalid: ID_BAD_CENTURY)"
contains sign.txt "surname:        ТЕСТОВ"
contains sign.txt "patronymic:     ТЕСТОВИЧ"
contains sign.txt "1.2.398.3.3.4.1.1 (KZ individual)"
contains sign.txt "digitalSignature, nonRepudiation (SIGN)"

"$TANBA" cert show "$D/head/certs/individual_valid_sign_2004_rsa_auth.cer" > auth.txt
contains auth.txt "(AUTH)"
contains auth.txt "clientAuth"

"$TANBA" cert show "$D/head/certs/ceo_valid_sign_2004_gost.cer" > ceo.txt
contains ceo.txt "BIN:            123456789021 (invalid: ID_BAD_MONTH)"
contains ceo.txt "1.2.398.3.3.4.1.2 (KZ legal entity), 1.2.398.3.3.4.1.2.1 (KZ legal entity: first head (CEO))"
contains ceo.txt "GOST 34.310-2004 public key (not supported by OpenSSL here)"

# Every certificate in the samples is readable, PEM or DER, one or many per file.
for f in "$D"/head/ca/* "$D"/head/certs/* "$D"/embedded/*.pem "$D"/embedded/*.der "$D"/extracted-certs/*.pem "$D"/v1-2018/certs/*/*; do
  "$TANBA" cert show --json "$f" > one.json || fail "cannot show $f"
  "$PY" -c "import json; j = json.load(open('one.json')); assert j['serial'] and j['subject']" || fail "$f"
  ok
done
"$TANBA" cert show --json "$D/extracted-certs/key_ceo_revoked_2015.pem" > g.json
"$PY" -c "
import json; j = json.load(open('g.json'))
assert j['bin']['value'] == '123456789021' and j['bin']['status'] == 'invalid' and j['bin']['code'] == 'ID_BAD_MONTH', j['bin']
assert '1.2.398.3.3.4.1.2.1' in [r['oid'] for r in j['roles']]
assert j['publicKeyAlgorithm'] == 'GOST R 34.10-2015 public key (KZ)' and j['publicKeyBits'] == 0
"; ok

# NCA SDK keystores (legacy PKCS#12): RSA ones open (GOST ones too: tests/cli/gost.sh).
echo Qwerty12 > qwerty.txt; echo Wrong123 > wrong.txt
"$TANBA" key show "$D/embedded/key_individual_valid_sign_2004.p12" --pass-file qwerty.txt > k.txt
contains k.txt "algorithm: rsa-2048"
expect_fail 2 KEY_BAD_PASSPHRASE "$TANBA" key show "$D/embedded/key_individual_valid_sign_2004.p12" --pass-file wrong.txt
echo Aa123456 > aa.txt
expect_fail 2 KEY_BAD_PASSPHRASE "$TANBA" key show "$D/embedded/key_individual_valid_2015.p12" --pass-file wrong.txt
# The NCA keystore signs a request that the CA accepts (its subject carries the NCA placeholder
# IIN, so the citizen profile refuses it with the identifier's reason).
"$TANBA" csr new --key "$D/embedded/key_individual_valid_sign_2004.p12" --pass-file qwerty.txt --iin 871008401427 --surname ТЕСТОВ --given ТЕСТ --out nca.csr 2> /dev/null
openssl req -in nca.csr -noout -verify 2> /dev/null || fail "request signed with the NCA keystore does not verify"; ok
# A real NCA OCSP response (delegated responder, RSA) is revocation evidence for its certificate;
# the same response tampered with is not.
OCSP="$D/head/ocsp/ocsp_response_individual_sign_2004.bin"
LEAF="$D/extracted-certs/key_individual_valid_sign_2004.pem"
"$TANBA" cert verify "$LEAF" --trust "$D/head/ca/nca_rsa_test.crt" --ocsp-response "$OCSP" --at 2021-06-01T00:00:00Z --offline --json > o.json \
  || fail "the NCA OCSP response was not accepted: $(cat o.json)"
"$PY" -c 'import json; r=json.load(open("o.json")); assert r["chain"][0]["revocation"] == "good", r'; ok
"$PY" -c 'import sys; d=bytearray(open(sys.argv[1],"rb").read()); i=d.find(b"20220902"); d[i+9] ^= 1; open("t.bin","wb").write(d)' "$OCSP"
set +e; "$TANBA" cert verify "$LEAF" --trust "$D/head/ca/nca_rsa_test.crt" --ocsp-response t.bin --at 2021-06-01T00:00:00Z --offline --json > t.json; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "a tampered NCA OCSP response was accepted"; ok
grep -q OCSP_UNUSABLE t.json || fail "tampered response not reported"; ok
# GOST-signed chains, CRLs and OCSP responses: tests/cli/gost.sh.
done_checks nca_samples
