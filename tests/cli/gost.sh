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
echo "gost: $checks checks passed"
