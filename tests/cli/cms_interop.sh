#!/usr/bin/env bash
# CMS / CAdES both ways with the openssl CLI, co-signatures, the real NCA (Kalkan) samples,
# and signatures that must be refused, each with its own finding code.
source "$(dirname "$0")/lib.sh"
make_pki pki rsa-3072
ROOT=pki/root/ca.pem CHAIN=pki/issuing/chain.pem
IIN=$("$TANBA" id new-iin --birth 1990-03-15 --sex f)
person() {  # person NAME KEYALGO PROFILE: key + certificate for a citizen
  "$TANBA" key new --algo "$2" --out "$1.key" --no-passphrase 2> /dev/null
  "$TANBA" csr new --key "$1.key" --iin "$IIN" --surname "САПАРОВА" --given "АЙГЕРІМ" --out "$1.csr" 2> /dev/null
  "$TANBA" ca issue --dir pki/issuing --profile "$3" --csr "$1.csr" --out "$1.pem" --no-passphrase 2> /dev/null
}
person rsa rsa-2048 citizen-sign
person ec ecdsa-p256 citizen-sign
person auth ecdsa-p256 citizen-auth
printf 'Өтініш: анықтама беру туралы\n' > doc.txt
verify_ok() {  # verify_ok SIG [args]: tanba says VALID
  "$TANBA" verify "$@" --trust "$ROOT" --revocation off --json > v.json || fail "tanba verify $* rejected: $(cat v.json)"
  ok
}
codes() { "$PY" -c 'import json,sys; r=json.load(open(sys.argv[1])); print(" ".join([f["code"] for f in r["findings"]] + [f["code"] for s in r["signers"] for f in s["findings"]]))' "$1"; }
verify_rejects() {  # verify_rejects CODE SIG [args]: exit 1 and the finding code
  local code=$1; shift
  set +e; "$TANBA" verify "$@" --trust "$ROOT" --revocation off --json > v.json; local rc=$?; set -e
  [ "$rc" -eq 1 ] || fail "verify $* exited $rc"
  codes v.json | grep -qw "$code" || fail "verify $* did not report $code: $(codes v.json)"
  ok
}

# Ours -> openssl cms -verify: attached, detached, PSS, ECDSA, SHA-384/512, co-signed.
"$TANBA" sign doc.txt --key rsa.key --cert rsa.pem --chain "$CHAIN" --out att.p7s 2> /dev/null
"$TANBA" sign doc.txt --key rsa.key --cert rsa.pem --chain "$CHAIN" --detached --out det.p7s 2> /dev/null
"$TANBA" sign doc.txt --key rsa.key --cert rsa.pem --chain "$CHAIN" --pss --hash sha512 --out pss.p7s 2> /dev/null
"$TANBA" sign doc.txt --key ec.key --cert ec.pem --chain "$CHAIN" --hash sha384 --out ec.p7s 2> /dev/null
"$TANBA" sign doc.txt --key ec.key --cert ec.pem --add-to att.p7s --out co.p7s 2> /dev/null
for s in att pss ec co; do
  openssl cms -verify -binary -inform DER -in $s.p7s -CAfile "$ROOT" -purpose any -out out.txt 2> /dev/null || fail "openssl rejects $s.p7s"
  cmp -s out.txt doc.txt || fail "openssl extracted other content from $s.p7s"; ok
  verify_ok $s.p7s
done
openssl cms -verify -binary -inform DER -in det.p7s -content doc.txt -CAfile "$ROOT" -purpose any -out /dev/null 2> /dev/null || fail "openssl rejects det.p7s"; ok
verify_ok det.p7s --content doc.txt
openssl cms -cmsout -print -inform DER -in co.p7s > co.txt
[ "$(grep -c 'signatureAlgorithm:' co.txt)" -eq 2 ] || fail "co-signature does not carry two signers"; ok
contains co.txt "id-smime-aa-signingCertificateV2"
"$TANBA" verify co.p7s --trust "$ROOT" --revocation off --json > co.json
"$PY" - "$IIN" <<'PYEOF'
import json, sys
r = json.load(open("co.json"))
assert r["indication"] == "VALID", r
assert len(r["signers"]) == 2
for s in r["signers"]:
    assert s["indication"] == "VALID" and s["signer"]["iin"] == sys.argv[1], s
    assert s["signingTime"] and s["subIndication"] is None
PYEOF
ok
expect_fail 2 CMS_CONTENT_MISMATCH "$TANBA" sign /etc/hostname --key ec.key --cert ec.pem --add-to att.p7s --out bad.p7s

# openssl cms -sign -> ours: attached, detached, PSS, ECDSA, two signers, CAdES.
openssl cms -sign -binary -in doc.txt -signer rsa.pem -inkey rsa.key -certfile "$CHAIN" -outform DER -out o_att.p7s -nodetach
openssl cms -sign -binary -in doc.txt -signer rsa.pem -inkey rsa.key -certfile "$CHAIN" -outform DER -out o_det.p7s
openssl cms -sign -binary -in doc.txt -signer rsa.pem -inkey rsa.key -keyopt rsa_padding_mode:pss -certfile "$CHAIN" -outform DER -out o_pss.p7s -nodetach
openssl cms -sign -binary -in doc.txt -signer ec.pem -inkey ec.key -md sha384 -certfile "$CHAIN" -outform DER -out o_ec.p7s -nodetach
openssl cms -sign -binary -in doc.txt -signer rsa.pem -inkey rsa.key -signer ec.pem -inkey ec.key -certfile "$CHAIN" -outform DER -out o_two.p7s -nodetach
openssl cms -sign -binary -cades -in doc.txt -signer ec.pem -inkey ec.key -certfile "$CHAIN" -outform DER -out o_cades.p7s -nodetach
for s in o_att o_pss o_ec o_two o_cades; do verify_ok $s.p7s; done
# Made by other software, in forms that are legal but not what we write: BER with indefinite
# lengths (openssl -stream) verifies as its DER re-encoding does; zero padding after the
# SignedData is a warning; other trailing bytes stay an error.
openssl cms -sign -binary -stream -in doc.txt -signer ec.pem -inkey ec.key -certfile "$CHAIN" -outform DER -out o_ber.p7s -nodetach
[ "$(head -c 2 o_ber.p7s | od -An -tx1 | tr -d ' ')" = 3080 ] || fail "openssl -stream did not write indefinite-length BER"; ok
openssl cms -cmsout -inform DER -in o_ber.p7s -outform DER -out o_reder.p7s
for s in o_ber o_reder; do
  verify_ok $s.p7s
  "$PY" -c 'import json; r=json.load(open("v.json")); assert r["signers"][0]["signer"]["iin"], r' || fail "$s: signer"; ok
done
{ cat o_att.p7s; head -c 7 /dev/zero; } > o_pad.p7s
verify_ok o_pad.p7s
codes v.json | grep -qw TRAILING_PADDING || fail "zero padding not reported"; ok
{ cat o_att.p7s; printf 'x'; } > o_junk.p7s
verify_rejects CMS_MALFORMED o_junk.p7s
verify_ok o_det.p7s --content doc.txt
# A signature that does not carry its signer's certificate (openssl -nocerts): the signer is
# found among the certificates given with --untrusted, or with --trust.
openssl cms -sign -binary -nocerts -in doc.txt -signer ec.pem -inkey ec.key -outform DER -out o_nocert.p7s -nodetach
verify_rejects SIGNER_CERTIFICATE_MISSING o_nocert.p7s
cat ec.pem "$CHAIN" > ec_chain.pem
verify_ok o_nocert.p7s --untrusted ec_chain.pem
"$PY" -c 'import json; r=json.load(open("v.json")); assert r["signers"][0]["signer"]["iin"], r' || fail "signer from --untrusted"; ok
verify_ok o_nocert.p7s --untrusted "$CHAIN" --trust ec.pem
"$TANBA" verify o_two.p7s --trust "$ROOT" --revocation off --json > two.json
"$PY" -c 'import json; r=json.load(open("two.json")); assert len(r["signers"]) == 2 and r["indication"] == "VALID", r'; ok
codes two.json | grep -qw SIGNING_CERTIFICATE_ABSENT || fail "plain openssl CMS not flagged as non-CAdES"; ok
"$TANBA" verify o_cades.p7s --trust "$ROOT" --revocation off --json > cades.json
codes cades.json | grep -qw SIGNING_CERTIFICATE_ABSENT && fail "CAdES signingCertificateV2 not recognised"; ok

# An empty document signs and verifies, attached and detached, both ways with openssl.
: > empty.txt
"$TANBA" sign empty.txt --key ec.key --cert ec.pem --chain "$CHAIN" --out empty.p7s 2> /dev/null
"$TANBA" sign empty.txt --key ec.key --cert ec.pem --chain "$CHAIN" --detached --out empty_d.p7s 2> /dev/null
verify_ok empty.p7s
verify_ok empty_d.p7s --content empty.txt
verify_rejects MESSAGE_DIGEST_MISMATCH empty_d.p7s --content doc.txt
openssl cms -verify -binary -inform DER -in empty.p7s -CAfile "$ROOT" -purpose any -out empty.out 2> /dev/null || fail "openssl rejects empty.p7s"; ok
[ ! -s empty.out ] || fail "openssl extracted content from an empty signature"; ok
openssl cms -verify -binary -inform DER -in empty_d.p7s -content empty.txt -CAfile "$ROOT" -purpose any -out /dev/null 2> /dev/null || fail "openssl rejects empty_d.p7s"; ok
openssl cms -sign -binary -in empty.txt -signer ec.pem -inkey ec.key -certfile "$CHAIN" -outform DER -out o_empty.p7s -nodetach
verify_ok o_empty.p7s

# Purposes: documents default to sign (digitalSignature or nonRepudiation); EKU on request.
"$TANBA" sign doc.txt --key auth.key --cert auth.pem --chain "$CHAIN" --out auth.p7s 2> /dev/null
verify_ok auth.p7s --purpose auth
verify_rejects EKU_MISMATCH att.p7s --eku serverAuth
verify_ok att.p7s --eku emailProtection

# Refused: other content, missing signed attributes, truncated and garbage DER, times.
printf 'other content\n' > other.txt
verify_rejects MESSAGE_DIGEST_MISMATCH det.p7s --content other.txt
verify_rejects CONTENT_MISSING det.p7s
openssl cms -sign -binary -noattr -in doc.txt -signer rsa.pem -inkey rsa.key -certfile "$CHAIN" -outform DER -out plain.p7s -nodetach
verify_rejects SIGNED_ATTRIBUTES_MISSING plain.p7s
verify_ok plain.p7s --allow-plain-cms
head -c 700 att.p7s > trunc.p7s
verify_rejects CMS_MALFORMED trunc.p7s
head -c 3000 /dev/urandom > garbage.p7s
verify_rejects CMS_MALFORMED garbage.p7s
verify_rejects EXPIRED att.p7s --at 2200-01-01T00:00:00Z
verify_rejects NOT_YET_VALID att.p7s --at 2001-01-01T00:00:00Z

# The FCALayer trick: a self-made root with the real root's name, shipped in the signature.
"$TANBA" ca init --dir fake --name "Test Root CA" --org "Tanba Test" --algo rsa-3072 --no-passphrase > /dev/null 2>&1
"$TANBA" ca issue --dir fake --profile citizen-sign --csr rsa.csr --out fake.pem --no-passphrase 2> /dev/null
"$TANBA" sign doc.txt --key rsa.key --cert fake.pem --chain fake/ca.pem --out fake.p7s 2> /dev/null
verify_rejects SIGNATURE_INVALID fake.p7s

# Signing with an expired certificate is refused unless asked for.
NCA=$TANBA_TEST_DATA/kz/ncanode
printf 'Qwerty12' > nca.pass
expect_fail 2 CERT_NOT_VALID_NOW "$TANBA" sign doc.txt --key "$NCA/embedded/key_individual_valid_sign_2004.p12" --pass-file nca.pass --out nca.p7s
"$TANBA" sign doc.txt --key "$NCA/embedded/key_individual_valid_sign_2004.p12" --pass-file nca.pass --allow-invalid-cert --out nca.p7s 2> /dev/null
# (the NCA test CA is not self-signed: -partial_chain makes it the anchor, as --trust does for us)
AT=$(openssl x509 -in "$NCA/extracted-certs/key_individual_valid_sign_2004.pem" -noout -startdate | cut -d= -f2)
openssl cms -verify -binary -inform DER -in nca.p7s -CAfile "$NCA/head/ca/nca_rsa_test.crt" -partial_chain -purpose any \
  -attime "$(date -d "$AT + 30 days" +%s)" -out /dev/null 2> /dev/null \
  || fail "openssl rejects the CMS signed with the NCA test keystore"; ok

# The real Kalkan-signed samples.
for s in cmsservicetest_signed_cms_one_signer cmsintegrationtest_signed_cms; do
  "$TANBA" verify "$NCA/embedded/$s.p7s" --trust "$NCA/head/ca/nca_rsa_test.crt" --at 2021-06-01T00:00:00Z --offline --revocation off --json > k.json || fail "$s not VALID"
  "$PY" -c 'import json; r=json.load(open("k.json")); s=r["signers"][0]; assert s["signer"]["iin"] == "123456789011" and s["indication"] == "VALID", r'; ok
  codes k.json | grep -qw SIGNING_TIME_UNPROVEN || fail "$s: the claimed signingTime after expiry is not flagged"; ok
done
set +e; "$TANBA" verify "$NCA/embedded/cmsservicetest_signed_cms.p7s" --trust "$NCA/head/ca/nca_rsa_test.crt" --at 2021-06-01T00:00:00Z --offline --revocation off --json > g.json; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "GOST sample exit $rc"; ok
"$PY" -c '
import json; r=json.load(open("g.json"))
kinds = sorted((s["indication"], [f["code"] for f in s["findings"] if f["severity"] == "error"]) for s in r["signers"])
# The GOST signer is checked (docs/gost.md) but only the RSA root is trusted here: no chain.
assert r["indication"] == "INDETERMINATE" and kinds == [("INDETERMINATE", ["CHAIN_NOT_FOUND"]), ("VALID", [])], kinds'; ok
done_checks cms_interop
