#!/usr/bin/env bash
# Keys are written encrypted (0600); the passphrase comes from --pass-file, TANBA_PASSPHRASE or
# a terminal, never an argument; with no source and no terminal the command refuses, never hangs.
source "$(dirname "$0")/lib.sh"
unset TANBA_PASSPHRASE || true
SECRET="s3cret-phrase-for-test"
echo "$SECRET" > pass.txt

# No source, no terminal: a clear refusal, quickly.
expect_fail 2 KEY_NO_PASSPHRASE timeout 20 "$TANBA" key new --algo ecdsa-p256 --out a.key
[ ! -e a.key ] || fail "key written without passphrase"; ok
expect_fail 2 KEY_NO_PASSPHRASE timeout 20 "$TANBA" ca init --dir ca1 --name "CA One"
[ ! -e ca1 ] || fail "CA directory left behind"; ok

# --pass-file: encrypted PKCS#8, mode 0600, readable by OpenSSL with the same passphrase.
"$TANBA" key new --algo ecdsa-p256 --out b.key --pass-file pass.txt 2> err.txt
[ "$(stat -c %a b.key)" = 600 ] || fail "mode $(stat -c %a b.key)"; ok
contains b.key "BEGIN ENCRYPTED PRIVATE KEY"
openssl pkey -in b.key -passin file:pass.txt -noout || fail "openssl cannot read our encrypted key"; ok
if openssl pkey -in b.key -passin pass:wrong -noout 2> /dev/null; then fail "wrong passphrase accepted"; fi; ok
openssl asn1parse -in b.key | grep -q "PBES2" || fail "not PBES2"; ok

# Environment variable.
TANBA_PASSPHRASE="$SECRET" "$TANBA" key new --algo rsa-2048 --out c.key 2> /dev/null
openssl pkey -in c.key -passin "pass:$SECRET" -noout || fail "env passphrase"; ok
TANBA_PASSPHRASE="$SECRET" "$TANBA" key show c.key > show.txt
contains show.txt "rsa-2048"
expect_fail 2 KEY_BAD_PASSPHRASE env TANBA_PASSPHRASE=nope "$TANBA" key show c.key

# --no-passphrase is explicit, and excludes --pass-file.
"$TANBA" key new --algo ed25519 --out d.key --no-passphrase 2> /dev/null
contains d.key "BEGIN PRIVATE KEY"
[ "$(stat -c %a d.key)" = 600 ] || fail "mode"; ok
expect_fail 2 "excludes" "$TANBA" key new --algo ed25519 --out e.key --no-passphrase --pass-file pass.txt
# No overwrite of an existing key.
expect_fail 2 FILE_EXISTS "$TANBA" key new --algo ed25519 --out d.key --no-passphrase

# A CA with an encrypted key; the passphrase never appears in any output.
"$TANBA" ca init --dir ca2 --name "CA Two" --pass-file pass.txt > out1.txt 2> err1.txt
contains ca2/ca.key "BEGIN ENCRYPTED PRIVATE KEY"
[ "$(stat -c %a ca2/ca.key)" = 600 ] || fail "ca key mode"; ok
"$TANBA" csr new --key b.key --pass-file pass.txt --iin 871008401427 --surname A --given B --out r.csr 2> err2.txt
"$TANBA" ca issue --dir ca2 --profile citizen-auth --csr r.csr --out r.pem --pass-file pass.txt > out3.txt 2> err3.txt
"$TANBA" ca list --dir ca2 > out4.txt
if grep -rqF "$SECRET" out*.txt err*.txt ca2/ca.toml ca2/ca.pem; then fail "passphrase leaked into output"; fi; ok
if sqlite3 ca2/ca.db .dump | grep -qF "$SECRET"; then fail "passphrase leaked into the database"; fi; ok
done_checks passphrases
