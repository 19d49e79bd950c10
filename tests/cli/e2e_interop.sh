#!/usr/bin/env bash
# Every certificate the CA issues is accepted by `openssl verify` and read correctly by
# `openssl x509 -text` and by python3-cryptography: IIN in serialNumber, BIN in OU, roles in EKU.
source "$(dirname "$0")/lib.sh"

echo "test-passphrase" > pass.txt
"$TANBA" ca init --dir root --name "Interop Root" --org "Tanba Test" --algo rsa-3072 --pass-file pass.txt > /dev/null 2>&1
"$TANBA" ca init --dir issuing --name "Interop Issuing" --org "Tanba Test" --parent root --algo rsa-2048 --pass-file pass.txt > /dev/null 2>&1
openssl verify -x509_strict -CAfile root/ca.pem issuing/ca.pem > /dev/null || fail "issuing CA does not verify"; ok

IIN=$("$TANBA" id new-iin --birth 1988-07-01 --sex m)
BIN=171140900016
issue() {  # issue PROFILE NAME KEYALGO [csr args...]
  local profile=$1 name=$2 algo=$3; shift 3
  "$TANBA" key new --algo "$algo" --out "$name.key" --no-passphrase 2> /dev/null
  "$TANBA" csr new --key "$name.key" "$@" --out "$name.csr" 2> /dev/null
  "$TANBA" ca issue --dir issuing --profile "$profile" --csr "$name.csr" --out "$name.pem" --pass-file pass.txt 2> /dev/null
  openssl verify -x509_strict -CAfile root/ca.pem -untrusted issuing/chain.pem "$name.pem" > /dev/null || fail "$name does not verify"
  ok
}
PERSON=(--iin "$IIN" --surname "ҚАСЫМОВ" --given "ЕРЖАН" --patronymic "БОЛАТҰЛЫ")
issue citizen-auth auth rsa-2048 "${PERSON[@]}"
issue citizen-sign sign ecdsa-p256 "${PERSON[@]}" --email erzhan@example.kz
for role in ceo sign finance hr employee; do
  issue "legal-$role" "legal-$role" ecdsa-p384 "${PERSON[@]}" --bin "$BIN" --org "АО Тест"
done
issue ocsp-signer ocsp ecdsa-p256 --cn "Interop OCSP Responder"
issue tsa tsa rsa-2048 --cn "Interop TSA"

# Purposes as OpenSSL understands them.
openssl verify -CAfile root/ca.pem -untrusted issuing/chain.pem -purpose sslclient auth.pem > /dev/null || fail "auth not sslclient"; ok
openssl verify -CAfile root/ca.pem -untrusted issuing/chain.pem -purpose smimesign sign.pem > /dev/null || fail "sign not smimesign"; ok
openssl verify -CAfile root/ca.pem -untrusted issuing/chain.pem -purpose timestampsign tsa.pem > /dev/null || fail "tsa not timestampsign"; ok
if openssl verify -CAfile root/ca.pem -untrusted issuing/chain.pem -purpose sslclient sign.pem > /dev/null 2>&1; then
  fail "a SIGN certificate passed as a TLS client certificate"
fi; ok

# openssl x509 -text
openssl x509 -in auth.pem -noout -text -nameopt utf8,sep_comma_plus_space > auth.txt
contains auth.txt "serialNumber=IIN$IIN"
contains auth.txt "Digital Signature, Key Encipherment"
contains auth.txt "TLS Web Client Authentication, 1.2.398.3.3.4.1.1"
contains auth.txt "1.2.398.3.3.2.4"
contains auth.txt "URI:http://localhost:8080/crl/interop-issuing.crl"
contains auth.txt "OCSP - URI:http://localhost:8080/ocsp"
openssl x509 -in legal-ceo.pem -noout -text -nameopt utf8,sep_comma_plus_space > ceo.txt
contains ceo.txt "OU=BIN$BIN"
contains ceo.txt "O=АО Тест"
contains ceo.txt "1.2.398.3.3.4.1.2, 1.2.398.3.3.4.1.2.1"
contains ceo.txt "Non Repudiation"
openssl x509 -in ocsp.pem -noout -text > ocsp.txt
contains ocsp.txt "OCSP No Check"
openssl x509 -in tsa.pem -noout -text > tsa.txt
contains tsa.txt "X509v3 Extended Key Usage: critical"

# python3-cryptography, an independent parser and verifier
for c in auth sign legal-ceo legal-sign legal-finance legal-hr legal-employee ocsp tsa; do
  "$PY" "$TANBA_SOURCE/tests/interop/inspect_cert.py" "$c.pem" issuing/ca.pem > "$c.json"
done
"$PY" - "$IIN" "$BIN" <<'PYEOF'
import json, sys
iin, bin_ = sys.argv[1], sys.argv[2]
def load(n): return json.load(open(n + ".json"))
SERIAL, OU, CN, GN, SN = "2.5.4.5", "2.5.4.11", "2.5.4.3", "2.5.4.42", "2.5.4.4"
for n in ["auth", "sign", "legal-ceo", "legal-sign", "legal-finance", "legal-hr", "legal-employee", "ocsp", "tsa"]:
    j = load(n)
    assert j["signature_ok"], n
    assert j["serial_bits"] >= 64, n
    assert j["ski"] and j["aki"], n
    assert j["key_usage"]["critical"], n
    assert not j["ca"], n
a = load("auth")
assert a["subject"][SERIAL] == ["IIN" + iin], a
assert a["subject"][CN] == ["ҚАСЫМОВ ЕРЖАН"] and a["subject"][GN] == ["БОЛАТҰЛЫ"] and a["subject"][SN] == ["ҚАСЫМОВ"]
assert a["eku"] == ["1.3.6.1.5.5.7.3.2", "1.2.398.3.3.4.1.1"], a["eku"]
assert a["key_usage"]["digital_signature"] and a["key_usage"]["key_encipherment"] and not a["key_usage"]["content_commitment"]
s = load("sign")
assert s["eku"] == ["1.3.6.1.5.5.7.3.4", "1.2.398.3.3.4.1.1"] and s["key_usage"]["content_commitment"]
for i, role in enumerate(["ceo", "sign", "finance", "hr", "employee"], 1):
    j = load("legal-" + role)
    assert j["subject"][OU] == ["BIN" + bin_], j
    assert j["subject"][SERIAL] == ["IIN" + iin]
    assert j["eku"] == ["1.3.6.1.5.5.7.3.4", "1.2.398.3.3.4.1.2", "1.2.398.3.3.4.1.2.%d" % i], j["eku"]
t = load("tsa")
assert t["eku"] == ["1.3.6.1.5.5.7.3.8"] and t["eku_critical"]
assert load("ocsp")["eku"] == ["1.3.6.1.5.5.7.3.9"]
assert a["crl"] == ["http://localhost:8080/crl/interop-issuing.crl"], a["crl"]
assert "http://localhost:8080/ocsp" in a["aia"]
print("python3-cryptography: all certificates read as expected")
PYEOF
ok
# Our own reading agrees.
"$TANBA" cert show --json legal-hr.pem > hr.json
"$PY" -c "
import json; j = json.load(open('hr.json'))
assert j['iin']['value'] == '$IIN' and j['iin']['status'] == 'valid'
assert j['bin']['value'] == '$BIN' and j['bin']['status'] == 'valid'
assert [r['oid'] for r in j['roles']] == ['1.2.398.3.3.4.1.2', '1.2.398.3.3.4.1.2.4']
assert j['usageClass'] == 'SIGN'
"; ok

# The other direction: a request made by OpenSSL in the NCA layout is accepted.
openssl req -new -newkey rsa:2048 -nodes -keyout ossl.key -out ossl.csr -utf8 \
  -subj "/CN=ОСПАНОВА ДИНА/SN=ОСПАНОВА/serialNumber=IIN871008401427/C=KZ/GN=АЙДАРҚЫЗЫ" 2> /dev/null
"$TANBA" ca issue --dir issuing --profile citizen-sign --csr ossl.csr --out ossl.pem --pass-file pass.txt 2> /dev/null
openssl verify -CAfile root/ca.pem -untrusted issuing/chain.pem ossl.pem > /dev/null || fail "openssl CSR cert"; ok

# Requested extensions are ignored unless the profile allows them: a request asking to be a CA
# and for code signing gets neither; its subjectAltName (allowed in citizen profiles) is kept.
openssl req -new -key ossl.key -out greedy.csr -utf8 \
  -subj "/CN=ОСПАНОВА ДИНА/SN=ОСПАНОВА/serialNumber=IIN871008401427/C=KZ" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "extendedKeyUsage=codeSigning" \
  -addext "keyUsage=critical,keyCertSign" -addext "subjectAltName=email:dina@example.kz" 2> /dev/null
"$TANBA" ca issue --dir issuing --profile citizen-sign --csr greedy.csr --out greedy.pem --pass-file pass.txt 2> /dev/null
openssl x509 -in greedy.pem -noout -text > greedy.txt
contains greedy.txt "email:dina@example.kz"
if grep -q "CA:TRUE\|Code Signing\|Certificate Sign" greedy.txt; then fail "requested extensions leaked into the certificate"; fi; ok
openssl verify -CAfile root/ca.pem -untrusted issuing/chain.pem greedy.pem > /dev/null || fail "greedy cert"; ok

# PKCS#12 we write is read by OpenSSL (key and certificate) and by us.
echo "p12-pass" > p12pass.txt
"$TANBA" key export-p12 --key sign.key --cert sign.pem --chain issuing/chain.pem --out sign.p12 --out-pass-file p12pass.txt 2> /dev/null
[ "$(stat -c %a sign.p12)" = 600 ] || fail "p12 mode"; ok
openssl pkcs12 -in sign.p12 -passin file:p12pass.txt -nodes 2> /dev/null > p12.txt || fail "openssl cannot read our PKCS#12"; ok
contains p12.txt "BEGIN PRIVATE KEY"
[ "$(grep -c 'BEGIN CERTIFICATE' p12.txt)" = 3 ] || fail "PKCS#12 lacks the chain"; ok
"$TANBA" key show sign.p12 --pass-file p12pass.txt > p12show.txt
contains p12show.txt "ecdsa-p256"
expect_fail 2 KEY_MISMATCH "$TANBA" key export-p12 --key auth.key --cert sign.pem --out x.p12 --out-pass-file p12pass.txt

# A CA officer adds a profile by adding a file.
sed -e 's/^name = "citizen-sign"/name = "citizen-sign-30d"/' -e 's/^validity_days = 365/validity_days = 30/' \
  issuing/profiles/citizen-sign.toml > issuing/profiles/citizen-sign-30d.toml
"$TANBA" ca issue --dir issuing --profile citizen-sign-30d --csr sign.csr --out short.pem --pass-file pass.txt 2> /dev/null
"$PY" - <<'PYEOF'
from cryptography import x509
c = x509.load_pem_x509_certificate(open("short.pem", "rb").read())
days = (c.not_valid_after - c.not_valid_before).days
assert 29 <= days <= 30, days
PYEOF
ok
echo 'colour = "red"' >> issuing/profiles/citizen-sign-30d.toml
expect_fail 2 PROFILE_INVALID "$TANBA" ca list --dir issuing
rm issuing/profiles/citizen-sign-30d.toml

# Every issued certificate is in the store, with its IIN indexed.
"$TANBA" ca list --dir issuing --iin "$IIN" --json > list.json
"$PY" -c "import json; j = json.load(open('list.json')); assert len(j['certificates']) == 8, len(j['certificates'])"; ok
# A certificate made elsewhere with a negative serial (openssl -set_serial -1): shown signed,
# as openssl shows it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout neg.key -subj "/CN=Negative Serial" \
  -set_serial -1 -days 2 -out neg.pem 2> /dev/null
[ "$(openssl x509 -in neg.pem -noout -serial)" = "serial=-01" ] || fail "openssl did not write serial -1"; ok
"$TANBA" cert show neg.pem > neg.txt
grep -Eq "serial: +-01" neg.txt || fail "negative serial shown as: $(grep -i serial neg.txt)"; ok
"$TANBA" cert show --json neg.pem | "$PY" -c 'import json,sys; assert json.load(sys.stdin)["serial"] == "-01"' || fail "JSON serial"; ok
done_checks e2e_interop
