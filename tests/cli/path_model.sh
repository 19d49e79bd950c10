#!/usr/bin/env bash
# The trust-anchor model (RFC 5280 name and key by default, RFC 5937 constraints on request)
# and extensions judged by the validator itself, on paths made by python3-cryptography.
source "$(dirname "$0")/lib.sh"
"$PY" "$TANBA_SOURCE/tests/interop/make_path_cases.py" .
# check CASE MODEL EXPECTED_INDICATION [CODE] [args]: cert verify's indication and a finding code
check() {
  local dir=$1 model=$2 want=$3 code=${4:-}; shift 4 || shift $#
  set +e
  "$TANBA" cert verify "$dir/leaf.pem" --trust "$dir/root.pem" --untrusted "$dir/ica.pem" --revocation off \
    --anchor-constraints "$model" --json "$@" > r.json
  local rc=$?; set -e
  "$PY" - "$want" "$code" "$model" "$rc" <<'PYEOF' || fail "$dir ($model): $(cat r.json)"
import json, sys
want, code, model, rc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
r = json.load(open("r.json"))
assert r["indication"] == want, r["indication"]
assert (rc == 0) == (want == "VALID"), rc
assert r["anchorConstraints"] == model, r["anchorConstraints"]
if code:
    assert code in [f["code"] for f in r["findings"]], [f["code"] for f in r["findings"]]
PYEOF
  ok
}
check plain rfc5280 VALID
check plain rfc5937 VALID
"$TANBA" cert verify plain/leaf.pem --trust plain/root.pem --untrusted plain/ica.pem --revocation off --json > r.json
"$PY" -c 'import json; assert json.load(open("r.json"))["anchorConstraints"] == "rfc5280"' || fail "default model"; ok
# RFC 5280 §6.1: nothing of the anchor's certificate but its name and key binds the path.
for c in expired-root root-pathlen root-nc root-policy; do check $c rfc5280 VALID; done
check root-eku rfc5280 VALID "" --eku clientAuth
# RFC 5937: the anchor's certificate constrains the path, each with its own code.
check expired-root rfc5937 INVALID EXPIRED
check root-pathlen rfc5937 INVALID PATH_LENGTH_EXCEEDED
check root-nc rfc5937 INVALID NAME_CONSTRAINTS_VIOLATED
check root-policy rfc5937 INVALID POLICY_REQUIRED
check root-eku rfc5937 INVALID EKU_MISMATCH --eku clientAuth
check root-eku rfc5937 VALID "" --eku serverAuth
# The same paths through openssl, which applies the anchor's certificate as RFC 5937 does.
for c in expired-root root-pathlen root-nc; do
  openssl verify -CAfile $c/root.pem -untrusted $c/ica.pem $c/leaf.pem > /dev/null 2>&1 && fail "openssl accepts $c"; ok
done
openssl verify -CAfile plain/root.pem -untrusted plain/ica.pem plain/leaf.pem > /dev/null || fail "openssl rejects plain"; ok
# A missing authorityKeyIdentifier is the issuer's lapse: a warning, the path is built by name.
check leaf-no-aki rfc5280 VALID AUTHORITY_KEY_ID_MISSING
"$PY" -c 'import json; f=[f for f in json.load(open("r.json"))["findings"] if f["code"]=="AUTHORITY_KEY_ID_MISSING"]; assert f[0]["severity"]=="warning", f' || fail "AKI severity"; ok
# RFC 5280 §4.2.1.4: a critical certificatePolicies must be understood with its qualifiers.
check critical-qualifier rfc5280 INVALID UNKNOWN_CRITICAL_EXTENSION
contains r.json "1.3.6.1.4.1.99999.1"
check critical-cps rfc5280 VALID
done_checks path_model
