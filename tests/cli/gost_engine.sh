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
echo "gost_engine: $checks checks passed"
