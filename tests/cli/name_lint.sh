#!/usr/bin/env bash
# Names a CA must refuse — control characters, padding, decomposed (non-NFC) text, words mixing
# Latin and Cyrillic — each with its own code at csr new and at ca issue (requests made by
# python3-cryptography), as findings in cert show (certificates made elsewhere); the Kazakh
# Cyrillic and Latin and the Uzbek spellings pass.
source "$(dirname "$0")/lib.sh"
make_pki pki ecdsa-p256
IIN=$("$TANBA" id new-iin --birth 1990-03-15 --sex f)
"$PY" "$TANBA_SOURCE/tests/interop/make_bad_names.py" names "$IIN"
"$TANBA" key new --algo ecdsa-p256 --out k.key --no-passphrase 2> /dev/null
while read -r label code; do
  surname=$("$PY" -c 'import sys; from cryptography import x509; from cryptography.x509.oid import NameOID
c = x509.load_pem_x509_csr(open(sys.argv[1], "rb").read()); print(c.subject.get_attributes_for_oid(NameOID.SURNAME)[0].value, end="")' "names/$label.csr")
  if [ "$code" = OK ]; then
    "$TANBA" csr new --key k.key --iin "$IIN" --surname "$surname" --given "АЙГЕРІМ" --out "$label.ours.csr" 2> /dev/null || fail "csr new refused $label"; ok
    "$TANBA" ca issue --dir pki/issuing --profile citizen-sign --csr "names/$label.csr" --out "$label.pem" --no-passphrase 2> /dev/null \
      || fail "ca issue refused $label"; ok
    "$TANBA" cert show --json "names/$label.pem" | "$PY" -c 'import json,sys; f=json.load(sys.stdin)["nameFindings"]; assert f == [], f' \
      || fail "cert show finds fault with $label"; ok
  else
    expect_fail 2 "$code" "$TANBA" csr new --key k.key --iin "$IIN" --surname "$surname" --given "АЙГЕРІМ" --out "$label.ours.csr"
    contains "$WORK/err.txt" "surname"
    expect_fail 2 "$code" "$TANBA" ca issue --dir pki/issuing --profile citizen-sign --csr "names/$label.csr" --out "$label.pem" --no-passphrase
    [ ! -e "$label.pem" ] && [ ! -e "$label.ours.csr" ] || fail "$label: a file was written"; ok
    "$TANBA" cert show --json "names/$label.pem" > show.json
    "$PY" - "$code" <<'PYEOF' || fail "cert show $label: $(cat show.json)"
import json, sys
f = json.load(open("show.json"))["nameFindings"]
assert {x["attribute"] for x in f if x["code"] == sys.argv[1]} == {"CN", "SN"}, f
PYEOF
    ok
    "$TANBA" cert show "names/$label.pem" | grep -q "name finding:   $code in SN" || fail "cert show text for $label"; ok
  fi
done < names/cases.txt
# Nothing was issued for the refused requests.
[ "$("$TANBA" ca list --dir pki/issuing | wc -l)" -eq "$(grep -c ' OK$' names/cases.txt)" ] || fail "refused requests left records"; ok
done_checks name_lint
