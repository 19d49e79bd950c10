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
# A new key's passphrase has at least 8 characters (counted as characters: Cyrillic ones are
# two bytes each), and a prompted one repeated differently has its own code.
printf 'x' > one.txt; printf 'Құпия7c' > seven.txt; printf 'Құпиясөз' > eight.txt
expect_fail 2 KEY_PASSPHRASE_TOO_SHORT "$TANBA" key new --algo ecdsa-p256 --out short.key --pass-file one.txt
expect_fail 2 KEY_PASSPHRASE_TOO_SHORT "$TANBA" key new --algo ecdsa-p256 --out short.key --pass-file seven.txt
expect_fail 2 KEY_PASSPHRASE_TOO_SHORT env TANBA_PASSPHRASE=abc "$TANBA" key new --algo ecdsa-p256 --out short.key
expect_fail 2 KEY_PASSPHRASE_TOO_SHORT "$TANBA" ca init --dir shortca --name "Short CA" --pass-file one.txt
[ ! -e short.key ] && [ ! -e shortca ] || fail "something was written with a short passphrase"; ok
"$TANBA" key new --algo ecdsa-p256 --out eight.key --pass-file eight.txt 2> /dev/null
openssl pkey -in eight.key -passin file:eight.txt -noout || fail "openssl cannot open the key with the Cyrillic passphrase"; ok
expect_fail 2 KEY_BAD_PASSPHRASE "$TANBA" key show eight.key --pass-file one.txt  # reading is never refused for length
on_tty() {  # on_tty INPUT1 INPUT2 cmd...: the command on a terminal, answering its two prompts
  local a=$1 b=$2; shift 2
  (sleep 0.5; printf '%s\n' "$a"; sleep 0.3; printf '%s\n' "$b") | script -qec "$*" /dev/null > tty.txt 2>&1 || true
}
on_tty "long-enough-1" "long-enough-2" "$TANBA" key new --algo ecdsa-p256 --out tty.key
contains tty.txt KEY_PASSPHRASE_MISMATCH
[ ! -e tty.key ] || fail "key written although the passphrases differ"; ok
on_tty "long-enough-1" "long-enough-1" "$TANBA" key new --algo ecdsa-p256 --out tty.key
[ -e tty.key ] || fail "matching prompted passphrases refused: $(cat tty.txt)"; ok
openssl pkey -in tty.key -passin pass:long-enough-1 -noout || fail "prompted passphrase not the key's"; ok
# The CA's store and profiles are the operator's alone, whatever the umask.
(umask 000; "$TANBA" ca init --dir umask0 --name "Umask CA" --no-passphrase > /dev/null 2>&1)
[ "$(stat -c %a umask0/ca.db)" = 600 ] || fail "ca.db is $(stat -c %a umask0/ca.db)"; ok
[ "$(stat -c %a umask0/profiles)" = 700 ] || fail "profiles/ is $(stat -c %a umask0/profiles)"; ok
[ "$(stat -c %a umask0/ca.key)" = 600 ] || fail "ca.key is $(stat -c %a umask0/ca.key)"; ok
done_checks passphrases
