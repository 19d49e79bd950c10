#!/usr/bin/env bash
# The citizen signing flow through a real smart-card stack without hardware: pcscd with the
# vpcd virtual reader, a CAC card emulated by libcacard from an NSS database (joined to vpcd
# by tests/smartcard/vcac_bridge.c), read through OpenSC's PKCS#11 module. RSA only, and the
# key is loaded into the card's NSS database (this emulation cannot generate keys on the card).
# Runs in its own mount namespace so its pcscd never meets another; skips (exit 77) with the
# reason where that cannot run.
skip() { echo "SKIP: $*"; exit 77; }
if [ -z "${TANBA_SMARTCARD_NS:-}" ]; then
  [ "$(id -u)" -eq 0 ] || skip "needs root for a private /run/pcscd (mount namespace)"
  command -v pcscd > /dev/null && [ -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || skip "pcscd or vpcd is not installed"
  TANBA_SMARTCARD_NS=1 exec unshare --mount --propagation private bash "$0" "$@" || skip "unshare --mount is not permitted here"
fi
source "$(dirname "$0")/lib.sh"
mkdir -p /run/pcscd && mount -t tmpfs tmpfs /run/pcscd || skip "cannot mount a private /run/pcscd"
OPENSC=/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so
cc -O2 -Wall -o vcac_bridge "$TANBA_SOURCE/tests/smartcard/vcac_bridge.c" $(pkg-config --cflags --libs libcacard) || fail "bridge does not build"

# The citizen's SIGN certificate from a tanba CA; key and certificate go into the card's NSS db.
make_pki pki ecdsa-p256
IIN=$("$TANBA" id new-iin --birth 1975-08-30 --sex f)
"$TANBA" key new --algo rsa-2048 --out card.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key card.key --iin "$IIN" --surname "ABAYEVA" --given "ZHANAR" --out card.csr 2> /dev/null
"$TANBA" ca issue --dir pki/issuing --profile citizen-sign --csr card.csr --out card.pem --no-passphrase 2> /dev/null
PIN=24681357
echo $PIN > pin.txt
openssl pkcs12 -export -inkey card.key -in card.pem -name signer -passout pass:p12 -out card.p12
mkdir nssdb && certutil -N -d sql:nssdb -f pin.txt && pk12util -i card.p12 -d sql:nssdb -k pin.txt -W p12 > /dev/null
rm card.key card.p12  # from now on the key exists only in the card

# pcscd with a private reader configuration holding only vpcd, on a free port pair.
PORT=$("$PY" -c '
import socket
for p in range(36100, 36900, 2):
    try:
        a = socket.socket(); a.bind(("0.0.0.0", p)); b = socket.socket(); b.bind(("0.0.0.0", p + 1)); a.close(); b.close(); print(p); break
    except OSError: pass')
mkdir readers
printf 'FRIENDLYNAME "Virtual PCD"\nDEVICENAME /dev/null:0x%X\nLIBPATH /usr/lib/pcsc/drivers/serial/libifdvpcd.so\nCHANNELID 0x%X\n' "$PORT" "$PORT" > readers/vpcd
./vcac_bridge "$WORK/nssdb" signer 127.0.0.1 "$PORT" < /dev/null > bridge.log 2>&1 &
BRIDGE=$!
pcscd --foreground -c "$WORK/readers" < /dev/null > pcscd.log 2>&1 &
PCSCD=$!
trap 'kill $BRIDGE $PCSCD 2> /dev/null || true; wait $BRIDGE $PCSCD 2> /dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 100); do opensc-tool -l 2> /dev/null | grep -q '^0 *Yes' && break; sleep 0.1; done
opensc-tool -l 2> /dev/null | grep -q '^0 *Yes' || skip "the virtual card did not appear ($(tail -n 3 pcscd.log bridge.log | tr '\n' ' '))"

"$TANBA" token list --module "$OPENSC" --json > tokens.json
TOKEN_URI=$("$PY" -c 'import json; t=json.load(open("tokens.json")); assert len(t) == 1, t; print(t[0]["uri"])')
KEY_URI="${TOKEN_URI%%\?*};id=%00%01?module-path=$OPENSC"
"$TANBA" token show "$KEY_URI" --pin-file pin.txt --json > card.json
"$PY" -c 'import json; o=json.load(open("card.json")); assert {x["type"] for x in o} >= {"private-key", "certificate"}, o'; ok

printf 'Өтініш: төлқұжат ауыстыру\n' > doc.txt
"$TANBA" sign doc.txt --key "$KEY_URI" --pin-file pin.txt --chain pki/issuing/chain.pem --out doc.p7s 2> sign.err \
  || fail "signing through PC/SC failed: $(cat sign.err)"
openssl cms -verify -binary -inform DER -in doc.p7s -CAfile pki/root/ca.pem -purpose any -out out.txt 2> /dev/null \
  || fail "openssl rejects the smart card's CMS"; ok
cmp -s out.txt doc.txt || fail "CMS content differs"; ok
"$TANBA" verify doc.p7s --trust pki/root/ca.pem --revocation off --json > v.json || fail "tanba rejects the smart card's CMS"
"$PY" -c 'import json,sys; r=json.load(open("v.json")); assert r["signers"][0]["signer"]["iin"] == sys.argv[1]' "$IIN"; ok
# A wrong PIN is an error with its code (this card answers without a retry counter).
echo 11111111 > bad.txt
expect_fail 2 TOKEN_PIN_INCORRECT "$TANBA" sign doc.txt --key "$KEY_URI" --pin-file bad.txt --out bad.p7s
! grep -q 11111111 "$WORK/out.txt" "$WORK/err.txt" || fail "the wrong PIN was printed"; ok
done_checks smartcard_pcsc
