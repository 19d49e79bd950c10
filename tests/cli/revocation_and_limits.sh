#!/usr/bin/env bash
# Revocation from CRLs built by python3-cryptography (revoked, on hold, stale, missing for a
# CA, revoked after the validation time), for certificates and signed documents, and a
# 10,000-certificate hostile pool that must end at a limit.
source "$(dirname "$0")/lib.sh"
make_pki pki ecdsa-p256
ROOT=pki/root/ca.pem ISS=pki/issuing
IIN=$("$TANBA" id new-iin --birth 1979-11-30 --sex m)
"$TANBA" key new --algo ecdsa-p256 --out p.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key p.key --iin "$IIN" --surname "ОМАРОВ" --given "АСХАТ" --out p.csr 2> /dev/null
"$TANBA" ca issue --dir "$ISS" --profile citizen-sign --csr p.csr --out p.pem --no-passphrase 2> /dev/null
"$TANBA" ca issue --dir "$ISS" --profile citizen-sign --csr p.csr --out q.pem --no-passphrase 2> /dev/null
SERIAL=$(openssl x509 -in p.pem -noout -serial | cut -d= -f2)
ISS_SERIAL=$(openssl x509 -in "$ISS/ca.pem" -noout -serial | cut -d= -f2)
crl() { "$PY" "$TANBA_SOURCE/tests/interop/make_crl.py" "$@"; }
crl "$ISS/ca.pem" "$ISS/ca.key" revoked.crl 2 -3600 86400 "$SERIAL:-1800:key_compromise"
crl "$ISS/ca.pem" "$ISS/ca.key" hold.crl 3 -3600 86400 "$SERIAL:-1800:certificate_hold"
crl "$ISS/ca.pem" "$ISS/ca.key" later.crl 4 -3600 86400 "$SERIAL:600"
crl "$ISS/ca.pem" "$ISS/ca.key" good.crl 5 -3600 86400
crl "$ISS/ca.pem" "$ISS/ca.key" stale.crl 6 -86400 -60
crl pki/root/ca.pem pki/root/ca.key root.crl 1 -3600 86400
crl pki/root/ca.pem pki/root/ca.key root_revokes_ca.crl 2 -3600 86400 "$ISS_SERIAL:-1800:ca_compromise"
# The CRLs are sound for OpenSSL too (it is the revocation logic that is under test).
for c in revoked good stale; do
  openssl crl -in $c.crl -CAfile "$ISS/ca.pem" -noout 2> /dev/null || fail "$c.crl does not verify"; ok
done

status() {  # status EXIT INDICATION CODE -- cert verify args: the verdict and a finding code
  local want_exit=$1 want_ind=$2 want_code=$3; shift 4
  set +e; "$TANBA" cert verify "$@" --trust "$ROOT" --untrusted "$ISS/ca.pem" --offline --json > r.json; local rc=$?; set -e
  [ "$rc" -eq "$want_exit" ] || fail "cert verify $* exited $rc: $(cat r.json)"
  "$PY" - "$want_ind" "$want_code" <<'PYEOF' || fail "cert verify $*: $(cat r.json)"
import json, sys
r = json.load(open("r.json"))
assert r["indication"] == sys.argv[1], r["indication"]
codes = [f["code"] for f in r["findings"]]
assert sys.argv[2] == "-" or sys.argv[2] in codes, codes
PYEOF
  ok
}
status 1 INVALID REVOKED -- p.pem --crl revoked.crl --crl root.crl
status 0 VALID - -- q.pem --crl revoked.crl --crl root.crl
status 1 INDETERMINATE ON_HOLD -- p.pem --crl hold.crl --crl root.crl
status 0 VALID - -- p.pem --crl good.crl --crl root.crl
status 1 INDETERMINATE REVOCATION_UNKNOWN -- p.pem --crl stale.crl --crl root.crl
status 0 VALID CRL_UNUSABLE -- p.pem --crl stale.crl --crl root.crl --revocation soft
status 1 INDETERMINATE REVOCATION_UNKNOWN -- p.pem --crl good.crl
status 1 INVALID REVOKED -- p.pem --crl good.crl --crl root_revokes_ca.crl
# No revocation data at all: unknown by default (fail closed); off only when asked, and said.
status 1 INDETERMINATE REVOCATION_UNKNOWN -- p.pem
status 0 VALID REVOCATION_NOT_CHECKED -- p.pem --revocation off
status 0 VALID REVOKED_LATER -- p.pem --crl later.crl --crl root.crl
status 1 INVALID REVOKED -- p.pem --crl later.crl --crl root.crl --at "$(date -u -d '+20 minutes' +%Y-%m-%dT%H:%M:%SZ)"
# A CRL signed by another key with the issuer's name is not used.
"$TANBA" ca init --dir other --name "Test Issuing CA" --org "Tanba Test" --algo ecdsa-p256 --no-passphrase > /dev/null 2>&1
crl other/ca.pem other/ca.key forged.crl 9 -3600 86400
status 1 INDETERMINATE REVOCATION_UNKNOWN -- p.pem --crl forged.crl --crl root.crl
# The same for a signed document.
printf 'document\n' > doc.txt
"$TANBA" sign doc.txt --key p.key --cert p.pem --chain "$ISS/chain.pem" --out doc.p7s 2> /dev/null
set +e; "$TANBA" verify doc.p7s --trust "$ROOT" --crl revoked.crl --crl root.crl --offline --json > d.json; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "a document signed by a revoked certificate passed"; ok
"$PY" -c 'import json; r=json.load(open("d.json")); assert r["signers"][0]["subIndication"] == "REVOKED", r'; ok
"$TANBA" verify doc.p7s --trust "$ROOT" --crl good.crl --crl root.crl --offline > /dev/null || fail "good CRL: document rejected"; ok

# OCSP responses built by python3-cryptography: by the CA, by a delegated responder, and the
# ones that must not count (unauthorised responder, other issuer with the same serial, stale).
ocsp() { "$PY" "$TANBA_SOURCE/tests/interop/make_ocsp.py" "$@"; }
"$TANBA" key new --algo ecdsa-p256 --out r.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key r.key --cn "Test OCSP Responder" --out r.csr 2> /dev/null
"$TANBA" ca issue --dir "$ISS" --profile ocsp-signer --csr r.csr --out r.pem --no-passphrase 2> /dev/null
ocsp good.ocsp p.pem "$ISS/ca.pem" "$ISS/ca.pem" "$ISS/ca.key" good -60 3600
ocsp delegated.ocsp p.pem "$ISS/ca.pem" r.pem r.key good -60 3600
ocsp revoked.ocsp p.pem "$ISS/ca.pem" r.pem r.key revoked -60 3600 -1800
ocsp unauthorised.ocsp p.pem "$ISS/ca.pem" q.pem p.key good -60 3600
ocsp otherissuer.ocsp p.pem other/ca.pem other/ca.pem other/ca.key good -60 3600
ocsp stale.ocsp p.pem "$ISS/ca.pem" r.pem r.key good -7200 -3600
openssl ocsp -respin delegated.ocsp -issuer "$ISS/ca.pem" -cert p.pem -CAfile "$ISS/chain.pem" > /dev/null 2>&1 || fail "openssl rejects delegated.ocsp"; ok
status 0 VALID - -- p.pem --ocsp-response good.ocsp --crl root.crl
status 0 VALID - -- p.pem --ocsp-response delegated.ocsp --crl root.crl
status 1 INVALID REVOKED -- p.pem --ocsp-response revoked.ocsp --crl root.crl
status 1 INDETERMINATE OCSP_UNUSABLE -- p.pem --ocsp-response unauthorised.ocsp --crl root.crl
status 1 INDETERMINATE REVOCATION_UNKNOWN -- p.pem --ocsp-response otherissuer.ocsp --crl root.crl
status 1 INDETERMINATE OCSP_UNUSABLE -- p.pem --ocsp-response stale.ocsp --crl root.crl
status 0 VALID - -- p.pem --ocsp-response stale.ocsp --crl good.crl --crl root.crl
# A tampered response does not count.
"$PY" -c 'import sys; d=bytearray(open("delegated.ocsp","rb").read()); i=d.rfind(b"Z", 0, 200); d[i-1] ^= 1; open("tampered.ocsp","wb").write(d)'
status 1 INDETERMINATE OCSP_UNUSABLE -- p.pem --ocsp-response tampered.ocsp --crl root.crl
head -c 50 good.ocsp > trunc.ocsp
expect_fail 2 OCSP_DECODE_FAILED "$TANBA" cert verify p.pem --trust "$ROOT" --ocsp-response trunc.ocsp

# Bad CRL input is an error with its code, not a verdict.
head -c 100 revoked.crl > trunc.crl
expect_fail 2 CRL_DECODE_FAILED "$TANBA" cert verify p.pem --trust "$ROOT" --crl trunc.crl

# Botan as a second opinion: it agrees on a good path; on NIST PKITS 4.13.10 (a DN name
# constraint violation Botan 2.19 misses) the disagreement is reported and the verdict stays.
"$TANBA" cert verify p.pem --trust "$ROOT" --untrusted "$ISS/ca.pem" --revocation off --cross-check --json > x.json
"$PY" -c 'import json; r=json.load(open("x.json")); c=r["crossCheck"]; assert c["valid"] and c["agrees"], c'; ok
P=$TANBA_TEST_DATA/pkits
set +e; "$TANBA" cert verify "$P/certs/InvalidDNnameConstraintsTest10EE.crt" --trust "$P/certs/TrustAnchorRootCertificate.crt" \
  --untrusted "$P/certs/nameConstraintsDN5CACert.crt" --crl "$P/crls/TrustAnchorRootCRL.crl" --crl "$P/crls/nameConstraintsDN5CACRL.crl" \
  --at 2011-04-15T00:00:00Z --offline --cross-check --json > x.json; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "PKITS 4.13.10 accepted"; ok
"$PY" -c '
import json; r=json.load(open("x.json"))
assert r["indication"] == "INVALID" and not r["crossCheck"]["agrees"], r["crossCheck"]
assert "CROSS_CHECK_DISAGREES" in [f["code"] for f in r["findings"]]'; ok

# 10,000 certificates built to make path building explode: it stops at its limit.
"$PY" "$TANBA_SOURCE/tests/interop/make_pool.py" . 10000 100
start=$(date +%s)
set +e; "$TANBA" cert verify leaf.pem --trust root.pem --untrusted pool.pem --offline --json > pool.json; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "hostile pool: exit $rc"; ok
"$PY" -c 'import json; r=json.load(open("pool.json")); assert [f["code"] for f in r["findings"]] == ["PATH_LIMIT"], r'; ok
[ $(( $(date +%s) - start )) -lt 120 ] || fail "hostile pool took more than two minutes"; ok
# Documents of any size: a 2 GiB detached document signs and verifies in constant memory
# (peak RSS measured here, limit 64 MiB), and openssl cms -verify accepts the signature.
# Attached content has a cap (--max-attached-mib, default 256).
truncate -s 2G big.bin
printf 'Өтініш — басы' | dd of=big.bin conv=notrunc status=none
printf 'соңы' | dd of=big.bin bs=1 seek=$((2 * 1024 * 1024 * 1024 - 16)) conv=notrunc status=none
peak() {  # peak CMD...: runs it, fails on a non-zero exit, prints its peak RSS in KiB
  "$PY" -c 'import os, subprocess, sys
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
sys.exit(f"{sys.argv[1:]} failed") if os.waitstatus_to_exitcode(status) else print(usage.ru_maxrss)' "$@"
}
rss=$(peak "$TANBA" sign big.bin --key p.key --cert p.pem --chain "$ISS/chain.pem" --detached --out big.p7s)
[ "$rss" -lt $((64 * 1024)) ] || fail "signing 2 GiB detached peaked at $rss KiB"; ok
rss=$(peak "$TANBA" verify big.p7s --content big.bin --trust "$ROOT" --revocation off)
[ "$rss" -lt $((64 * 1024)) ] || fail "verifying 2 GiB detached peaked at $rss KiB"; ok
echo "2 GiB detached: sign and verify under 64 MiB peak RSS (verify: $rss KiB)"
openssl cms -verify -binary -inform DER -in big.p7s -content big.bin -CAfile "$ROOT" -purpose any -out /dev/null 2> /dev/null \
  || fail "openssl rejects the 2 GiB detached signature"; ok
printf 'X' | dd of=big.bin bs=1 seek=$((1024 * 1024 * 1024)) conv=notrunc status=none
set +e; "$TANBA" verify big.p7s --content big.bin --trust "$ROOT" --revocation off --json > big.json; rc=$?; set -e
[ "$rc" -eq 1 ] && grep -q MESSAGE_DIGEST_MISMATCH big.json || fail "a changed byte in 2 GiB went unnoticed"; ok
expect_fail 2 INPUT_TOO_LARGE "$TANBA" sign big.bin --key p.key --cert p.pem --out big_att.p7s
rm -f big.bin
# On a terminal a document over ~50 MB shows progress (not in a pipe, not with -q).
truncate -s 100M mid.bin
script -qec "$TANBA sign mid.bin --key p.key --cert p.pem --detached --out mid.p7s" /dev/null > tty.txt 2>&1
grep -q "mid.bin: 100 MiB digested" tty.txt || fail "no progress on a terminal: $(cat tty.txt)"; ok
"$TANBA" sign mid.bin --key p.key --cert p.pem --detached --out mid2.p7s 2> pipe.txt
grep -q "MiB" pipe.txt && fail "progress written to a pipe"; ok
rm -f mid.bin
done_checks revocation_and_limits
