#!/usr/bin/env bash
# lib/gost's GOST keys and signatures against an independent implementation: the OpenSSL GOST
# engine (Debian's libengine-gost-openssl), which knows the Russian OIDs the KZ ones alias.
# Both ways: the engine verifies what we sign (in RFC 4491 byte order, the public key with the
# Russian OIDs) and reads our PKCS#8; we verify what the engine signs with that key.
source "$(dirname "$0")/lib.sh"
: "${GOST_TOOL:?}"
E=(-engine gost)
printf 'Ұлттық куәландырушы орталық: a document to sign\n' > doc.txt
printf 'another document\n' > other.txt
for alg in 2015 2004; do
  mkdir "$alg"
  "$GOST_TOOL" sign "$alg" doc.txt "$alg" || fail "gost_tool sign $alg"
  openssl pkey "${E[@]}" -pubin -inform DER -in "$alg/pub_ru.der" -out "$alg/pub_ru.pem" 2> "$alg/err.txt" || fail "the engine does not read our $alg public key: $(cat "$alg/err.txt")"; ok
  openssl pkey "${E[@]}" -inform DER -in "$alg/key_ru.der" -out "$alg/key_ru.pem" 2> "$alg/err.txt" || fail "the engine does not read our $alg PKCS#8: $(cat "$alg/err.txt")"; ok
  if [ "$alg" = 2015 ]; then  # Streebog-512: the engine digests the document itself
    openssl dgst "${E[@]}" -md_gost12_512 -verify "$alg/pub_ru.pem" -signature "$alg/sig_rfc4491.bin" doc.txt 2>&1 | grep -q "Verified OK" \
      || fail "the engine does not verify our GOST-2015 signature"; ok
    ! openssl dgst "${E[@]}" -md_gost12_512 -verify "$alg/pub_ru.pem" -signature "$alg/sig_rfc4491.bin" other.txt 2>&1 | grep -q "Verified OK" \
      || fail "the engine verifies our signature over other data"; ok
    openssl dgst "${E[@]}" -md_gost12_512 -sign "$alg/key_ru.pem" -out "$alg/engine.sig" doc.txt 2> /dev/null || fail "the engine does not sign"
  else  # GOST R 34.11-94 with the test S-box: the engine has only CryptoPro's, so it gets our digest
    openssl pkeyutl "${E[@]}" -verify -pubin -inkey "$alg/pub_ru.pem" -in "$alg/digest.bin" -sigfile "$alg/sig_rfc4491.bin" 2>&1 \
      | grep -q "Signature Verified Successfully" || fail "the engine does not verify our GOST-2004 signature"; ok
    openssl pkeyutl "${E[@]}" -sign -inkey "$alg/key_ru.pem" -in "$alg/digest.bin" -out "$alg/engine.sig" 2> /dev/null || fail "the engine does not sign"
  fi
  [ "$("$GOST_TOOL" verify "$alg" "$alg/pub_kz.der" doc.txt "$alg/engine.sig")" = "s||r big-endian" ] || fail "the engine's $alg signature"; ok
  [ "$("$GOST_TOOL" verify "$alg" "$alg/pub_kz.der" doc.txt "$alg/sig_nca.bin")" = "r||s little-endian" ] || fail "our own $alg signature"; ok
  ! "$GOST_TOOL" verify "$alg" "$alg/pub_kz.der" other.txt "$alg/engine.sig" > /dev/null || fail "the engine's signature over other data"; ok
done

# A GOST-2015 CA made by tanba: the engine verifies its certificates' raw signatures (TBS, the
# signature reversed into RFC 4491 order, the issuer's key relabelled with the Russian OIDs).
"$TANBA" ca init --dir groot --name "GOST Root" --algo gost2015-512 --no-passphrase > /dev/null 2>&1 || fail "ca init gost2015-512"
"$TANBA" ca init --dir giss --name "GOST Issuing" --parent groot --algo gost2015-512 --no-passphrase > /dev/null 2>&1 || fail "a GOST issuing CA"
"$TANBA" ca crl --dir giss --out giss.crl --no-passphrase 2> /dev/null || fail "a GOST CRL"
relabel() {  # relabel SIGNER_CERT SIGNED(cert or CRL) OUT_PREFIX: OUT.pub.der (Russian OIDs), OUT.tbs, OUT.sig (RFC 4491 order)
  "$PY" - "$@" <<'PYEOF'
import base64, sys
def der(path):
    d = open(path, "rb").read()
    return base64.b64decode(b"".join(l for l in d.splitlines() if not l.startswith(b"-----"))) if d.startswith(b"-----") else d
def tlv(d, i):
    n, j = d[i + 1], i + 2
    if n & 0x80:
        k = n & 0x7f; n = int.from_bytes(d[j:j + k], "big"); j += k
    return j, j + n
def enc(tag, body):
    n = len(body)
    return bytes([tag]) + (bytes([n]) if n < 128 else bytes([0x80 | ((n.bit_length() + 7) // 8)]) + n.to_bytes((n.bit_length() + 7) // 8, "big")) + body
def oid(dotted):
    p = [int(x) for x in dotted.split(".")]
    out = [40 * p[0] + p[1]]
    for v in p[2:]:
        b = [v & 0x7f]; v >>= 7
        while v: b.append(0x80 | (v & 0x7f)); v >>= 7
        out += reversed(b)
    return enc(6, bytes(out))
signer, signed, prefix = der(sys.argv[1]), der(sys.argv[2]), sys.argv[3]
tbs_start = tlv(signer, 0)[0]; i = tlv(signer, tbs_start)[0]
if signer[i] == 0xa0: i = tlv(signer, i)[1]
for _ in range(5): i = tlv(signer, i)[1]
spki_body = tlv(signer, i)[0]
bits_at = tlv(signer, spki_body)[1]                       # after the AlgorithmIdentifier
bits = signer[bits_at:tlv(signer, bits_at)[1]]
alg = enc(0x30, oid("1.2.643.7.1.1.1.2") + enc(0x30, oid("1.2.643.7.1.2.1.2.1") + oid("1.2.643.7.1.1.2.3")))
open(prefix + ".pub.der", "wb").write(enc(0x30, alg + bits))
c = tlv(signed, 0)[0]; t_end = tlv(signed, c)[1]; a_end = tlv(signed, t_end)[1]; s_c, s_e = tlv(signed, a_end)
open(prefix + ".tbs", "wb").write(signed[c:t_end])
open(prefix + ".sig", "wb").write(signed[s_c + 1:s_e][::-1])
PYEOF
  openssl pkey "${E[@]}" -pubin -inform DER -in "$3.pub.der" -out "$3.pub.pem" 2> /dev/null || fail "the engine does not read $1's key relabelled"
}
for pair in "groot/ca.pem groot/ca.pem root" "groot/ca.pem giss/ca.pem issuing" "giss/ca.pem giss.crl crl"; do
  read -r signer signed name <<< "$pair"
  relabel "$signer" "$signed" "$name"
  openssl dgst "${E[@]}" -md_gost12_512 -verify "$name.pub.pem" -signature "$name.sig" "$name.tbs" 2>&1 | grep -q "Verified OK" \
    || fail "the engine does not verify tanba's GOST CA signature on $signed"; ok
done

# A CMS signed by tanba with a GOST key: the engine checks the signer's signature over the signed
# attributes and that messageDigest is the document's Streebog-512.
"$TANBA" key new --algo gost2015-512 --out signer.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key signer.key --iin "$("$TANBA" id new-iin --birth 1988-08-08 --sex f)" --surname ТЕСТОВА --given ТЕСТ --out signer.csr 2> /dev/null
"$TANBA" ca issue --dir giss --profile citizen-sign --csr signer.csr --out signer.pem --no-passphrase 2> /dev/null || fail "a certificate for the signer"
"$TANBA" sign doc.txt --key signer.key --cert signer.pem --out doc.p7s 2> /dev/null || fail "tanba sign with a GOST key"
cms_parts() {  # cms_parts FILE: attrs.der (the signed attributes as signed), cms.sig (RFC 4491 order), md.bin (messageDigest);
               # FILE is a ContentInfo, or a TimeStampResp holding one
  "$PY" - "$1" <<'PYEOF' || fail "cannot take $1 apart"
import sys
d = open(sys.argv[1], "rb").read()
def tlv(i):
    n, j = d[i + 1], i + 2
    if n & 0x80:
        k = n & 0x7f; n = int.from_bytes(d[j:j + k], "big"); j += k
    return j, j + n
ci = tlv(0)[0]
if d[ci] == 0x30:                                 # TimeStampResp { status, timeStampToken }
    ci = tlv(tlv(ci)[1])[0]
sd = tlv(tlv(ci)[1])[0]                           # ContentInfo → [0] → SignedData
i = tlv(sd)[0]
fields = []
while i < tlv(sd)[1]:
    fields.append(i); i = tlv(i)[1]
si = tlv([f for f in fields if d[f] == 0x31][-1])[0]
j = tlv(si)[0]; parts = []
while j < tlv(si)[1]:
    parts.append(j); j = tlv(j)[1]
attrs = next(p for p in parts if d[p] == 0xa0)
sig = next(p for p in parts[::-1] if d[p] == 0x04)
open("attrs.der", "wb").write(b"\x31" + d[attrs + 1:tlv(attrs)[1]])
open("cms.sig", "wb").write(d[tlv(sig)[0]:tlv(sig)[1]][::-1])
md_oid = bytes.fromhex("06092a864886f70d010904")  # messageDigest
k = d.find(md_oid, attrs)
v = tlv(k + len(md_oid))[0]
open("md.bin", "wb").write(d[tlv(v)[0]:tlv(v)[1]])
PYEOF
}
cms_parts doc.p7s
relabel signer.pem signer.pem cmssigner
openssl dgst "${E[@]}" -md_gost12_512 -verify cmssigner.pub.pem -signature cms.sig attrs.der 2>&1 | grep -q "Verified OK" \
  || fail "the engine does not verify tanba's GOST CMS signature"; ok
openssl dgst "${E[@]}" -md_gost12_512 -binary doc.txt > doc.streebog 2> /dev/null
cmp -s doc.streebog md.bin || fail "messageDigest is not the engine's Streebog-512 of the document"; ok

# The CA's OCSP answer (the BasicOCSPResponse's signature) and a GOST TSA's token.
openssl ocsp -issuer giss/ca.pem -cert signer.pem -no_nonce -reqout ocsp.req > /dev/null 2>&1
"$TANBA" ca ocsp --dir giss --request ocsp.req --out ocsp.der --no-passphrase 2> /dev/null || fail "a GOST OCSP answer"
"$PY" - <<'PYEOF' || fail "cannot take the OCSP answer apart"
d = open("ocsp.der", "rb").read()
def tlv(i):
    n, j = d[i + 1], i + 2
    if n & 0x80:
        k = n & 0x7f; n = int.from_bytes(d[j:j + k], "big"); j += k
    return j, j + n
rb = tlv(tlv(0)[0])[1]                            # after responseStatus: responseBytes [0]
octets = tlv(tlv(tlv(rb)[0])[0])[1]               # [0] → SEQUENCE → after responseType: the OCTET STRING
c, e = tlv(octets)
open("basic.der", "wb").write(d[c:e])
PYEOF
relabel giss/ca.pem basic.der ocsp
openssl dgst "${E[@]}" -md_gost12_512 -verify ocsp.pub.pem -signature ocsp.sig ocsp.tbs 2>&1 | grep -q "Verified OK" \
  || fail "the engine does not verify the GOST OCSP answer"; ok
"$TANBA" key new --algo gost2015-512 --out tsa.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key tsa.key --cn "GOST TSA" --out tsa.csr 2> /dev/null
"$TANBA" ca issue --dir giss --profile tsa --csr tsa.csr --out tsa.pem --no-passphrase 2> /dev/null || fail "a GOST TSA certificate"
openssl ts -query -data doc.txt -sha256 -cert -out doc.tsq 2> /dev/null
"$TANBA" ts respond --cert tsa.pem --key tsa.key --request doc.tsq --out doc.tsr --no-passphrase 2> /dev/null || fail "GOST TSA"
cms_parts doc.tsr
relabel tsa.pem tsa.pem tsasigner
openssl dgst "${E[@]}" -md_gost12_512 -verify tsasigner.pub.pem -signature cms.sig attrs.der 2>&1 | grep -q "Verified OK" \
  || fail "the engine does not verify the GOST TSA's token"; ok
echo "gost_engine: $checks checks passed"
