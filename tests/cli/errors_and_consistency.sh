#!/usr/bin/env bash
# Bad input gets a clear error with a stable code and a non-zero exit, and the CA database
# stays consistent (no rows added, none left half-issued, integrity check passes).
source "$(dirname "$0")/lib.sh"
make_pki pki
CA=pki/issuing
"$TANBA" key new --algo ecdsa-p256 --out k.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key k.key --iin 871008401427 --surname "ТЕСТОВ" --given "ТЕСТ" --out good.csr 2> /dev/null
"$TANBA" ca issue --dir $CA --profile citizen-sign --csr good.csr --out good.pem --no-passphrase 2> /dev/null; ok

count() { "$TANBA" ca list --dir $CA --json | "$PY" -c "import json,sys; print(len(json.load(sys.stdin)['certificates']))"; }
audit() { sqlite3 "$CA/ca.db" "SELECT count(*) FROM audit_log"; }
rows_before=$(count)
audit_before=$(audit)

# Identifiers
expect_fail 1 ID_BAD_CHECK_DIGIT "$TANBA" id check 871008401428
expect_fail 1 ID_NEVER_ISSUED "$TANBA" id check 871008401427 000813159890
expect_fail 2 ID_BAD_CHECK_DIGIT "$TANBA" csr new --key k.key --iin 871008401428 --surname X --out bad.csr
[ ! -e bad.csr ] || fail "a request was written for a bad IIN"; ok
expect_fail 2 ID_BAD_MONTH "$TANBA" csr new --key k.key --iin 871008401427 --surname X --bin 123456789021 --org O --out bad.csr
# A request made elsewhere with a bad IIN is refused at issuance.
openssl req -new -key k.key -out badiin.csr -subj "/CN=X Y/SN=X/serialNumber=IIN871008401428/C=KZ" 2> /dev/null
expect_fail 2 IDENTIFIER_INVALID "$TANBA" ca issue --dir $CA --profile citizen-sign --csr badiin.csr --out x.pem --no-passphrase
contains err.txt ID_BAD_CHECK_DIGIT

# Requests
head -c 200 good.csr > truncated.csr
expect_fail 2 CSR_DECODE_FAILED "$TANBA" ca issue --dir $CA --profile citizen-sign --csr truncated.csr --out x.pem --no-passphrase
openssl req -in good.csr -outform DER -out good.der
"$PY" -c "
d = bytearray(open('good.der','rb').read()); d[-1] ^= 1; open('badsig.der','wb').write(d)"
expect_fail 2 CSR_BAD_SIGNATURE "$TANBA" ca issue --dir $CA --profile citizen-sign --csr badsig.der --out x.pem --no-passphrase
expect_fail 2 PROFILE_NOT_FOUND "$TANBA" ca issue --dir $CA --profile no-such --csr good.csr --out x.pem --no-passphrase
expect_fail 2 CSR_POLICY "$TANBA" ca issue --dir $CA --profile root-ca --csr good.csr --out x.pem --no-passphrase
expect_fail 2 NAME_INVALID "$TANBA" ca issue --dir $CA --profile legal-ceo --csr good.csr --out x.pem --no-passphrase
head -c 5000000 /dev/zero > huge.csr
expect_fail 2 INPUT_TOO_LARGE "$TANBA" ca issue --dir $CA --profile citizen-sign --csr huge.csr --out x.pem --no-passphrase
expect_fail 2 FILE_NOT_FOUND "$TANBA" ca issue --dir $CA --profile citizen-sign --csr absent.csr --out x.pem --no-passphrase
[ ! -e x.pem ] || fail "a certificate file was written for a refused request"; ok

# Keys and passphrases
echo "right-passphrase" > right.txt; echo "wrong-passphrase" > wrong.txt
"$TANBA" ca init --dir enc --name "Encrypted CA" --pass-file right.txt > /dev/null 2>&1
expect_fail 2 KEY_BAD_PASSPHRASE "$TANBA" ca issue --dir enc --profile citizen-sign --csr good.csr --out x.pem --pass-file wrong.txt
expect_fail 2 KEY_NO_PASSPHRASE env -u TANBA_PASSPHRASE "$TANBA" ca issue --dir enc --profile citizen-sign --csr good.csr --out x.pem
"$TANBA" ca issue --dir enc --profile citizen-sign --csr good.csr --out enc.pem --pass-file right.txt 2> /dev/null; ok

# CA directories and databases
expect_fail 2 CA_NOT_FOUND "$TANBA" ca list --dir nowhere
expect_fail 2 CA_EXISTS "$TANBA" ca init --dir $CA --name Again --no-passphrase
cp -r $CA broken
head -c 8192 /dev/urandom > broken/ca.db
sum_before=$(sha256sum broken/ca.db)
expect_fail 3 STORE_NOT_A_DATABASE "$TANBA" ca list --dir broken
expect_fail 3 STORE_NOT_A_DATABASE "$TANBA" ca issue --dir broken --profile citizen-sign --csr good.csr --out x.pem --no-passphrase
[ "$(sha256sum broken/ca.db)" = "$sum_before" ] || fail "a damaged database was modified"; ok
sqlite3 other.db "CREATE TABLE t(x); INSERT INTO t VALUES (1);"
cp other.db broken/ca.db
expect_fail 3 STORE_NOT_A_DATABASE "$TANBA" ca list --dir broken

# Usage
expect_fail 2 "" "$TANBA" ca issue --dir $CA --no-such-flag
expect_fail 2 KEY_UNSUPPORTED "$TANBA" key new --algo rsa-1024 --out weak.key --no-passphrase

# The CA store is as it was: same rows, same audit entries, nothing reserved, integrity ok.
[ "$(count)" = "$rows_before" ] || fail "rows changed: $(count) vs $rows_before"; ok
[ "$(audit)" = "$audit_before" ] || fail "audit log changed"; ok
[ "$(sqlite3 $CA/ca.db "SELECT count(*) FROM certificates WHERE status <> 'issued'")" = 0 ] || fail "half-issued rows"; ok
[ "$(sqlite3 $CA/ca.db 'PRAGMA integrity_check')" = ok ] || fail "integrity check"; ok
# Exit codes: 0 when all identifiers are valid.
"$TANBA" id check 871008401427 940140000385 31505852640177 > /dev/null; ok
"$TANBA" id check --json 871008401428 > ids.json || true
"$PY" -c "import json; r = json.load(open('ids.json'))['results'][0]; assert r['valid'] is False and r['code'] == 'ID_BAD_CHECK_DIGIT'"; ok
done_checks errors_and_consistency
