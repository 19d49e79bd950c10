#!/usr/bin/env bash
# The CA store under faults and careless operators: an --out that cannot be written issues
# nothing (or names the serial it issued, and `ca show` writes it again); a repeated request
# with an idempotency key returns the same certificate; a damaged store is refused with a
# stable code and named by `ca check`; `ca backup` copies a consistent store.
source "$(dirname "$0")/lib.sh"
make_pki pki ecdsa-p256
ISS=pki/issuing
IIN=$("$TANBA" id new-iin --birth 1969-04-01 --sex m)
"$TANBA" key new --algo ecdsa-p256 --out p.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key p.key --iin "$IIN" --surname "ИСАЕВ" --given "МАРАТ" --out p.csr 2> /dev/null
count() { "$TANBA" ca list --dir "$1" --json | "$PY" -c 'import json,sys; print(len(json.load(sys.stdin)["certificates"]))'; }
serial() { openssl x509 -in "$1" -noout -serial | cut -d= -f2 | tr 'A-F' 'a-f'; }

# --out in a missing directory: refused before anything is reserved, nothing stored.
before=$(count $ISS)
expect_fail 3 IO_ERROR "$TANBA" ca issue --dir $ISS --profile citizen-sign --csr p.csr --out missing/dir/c.pem --no-passphrase
[ "$(count $ISS)" = "$before" ] || fail "a certificate was stored although its --out directory does not exist"; ok
ls -A . | grep -q '\.tmp' && fail "a temporary file was left behind: $(ls -A)"; ok

# Writing fails after signing (the disk fills before the rename): the error is not retryable,
# names the serial and how to write it again; `ca show` writes the stored certificate.
cc -shared -fPIC -o fail_link.so "$TANBA_SOURCE/tests/faults/fail_link.c" -ldl
expect_fail 3 CA_ISSUED_NOT_WRITTEN env LD_PRELOAD="$WORK/fail_link.so" FAIL_LINK_TARGET=late.pem \
  "$TANBA" ca issue --dir $ISS --profile citizen-sign --csr p.csr --out late.pem --no-passphrase
lost=$(sed -n 's/.*certificate \([0-9a-f]*\) is issued and stored.*/\1/p' err.txt)
[ -n "$lost" ] || fail "the error does not name the serial: $(cat err.txt)"; ok
contains err.txt "tanba ca show $lost --dir $ISS --out late.pem"
[ ! -e late.pem ] || fail "late.pem exists"; ok
[ "$(count $ISS)" = "$((before + 1))" ] || fail "the issued certificate is not stored"; ok
"$TANBA" ca show "$lost" --dir $ISS --out late.pem
[ "$(serial late.pem)" = "$lost" ] || fail "ca show wrote another certificate"; ok
openssl verify -CAfile pki/root/ca.pem -untrusted $ISS/ca.pem late.pem > /dev/null || fail "ca show's certificate does not verify"; ok
"$TANBA" ca show "${lost^^}" --dir $ISS | cmp - late.pem || fail "ca show to stdout (upper-case serial) differs"; ok
expect_fail 2 FILE_EXISTS "$TANBA" ca show "$lost" --dir $ISS --out late.pem
expect_fail 2 STORE_NOT_FOUND "$TANBA" ca show 0123456789abcdef --dir $ISS

# Idempotency: the same key and request → the same certificate, nothing new stored; the same
# key with another request → CA_IDEMPOTENCY_CONFLICT; bad keys refused.
"$TANBA" ca issue --dir $ISS --profile citizen-sign --csr p.csr --out k1.pem --idempotency-key order-42:a --no-passphrase 2> /dev/null
n=$(count $ISS)
"$TANBA" ca issue --dir $ISS --profile citizen-sign --csr p.csr --out k2.pem --idempotency-key order-42:a --no-passphrase 2> /dev/null
cmp k1.pem k2.pem || fail "a repeated idempotency key gave another certificate"; ok
[ "$(count $ISS)" = "$n" ] || fail "a repeated idempotency key stored another certificate"; ok
"$TANBA" key new --algo ecdsa-p256 --out q.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key q.key --iin "$IIN" --surname "ИСАЕВ" --given "МАРАТ" --out q.csr 2> /dev/null
expect_fail 2 CA_IDEMPOTENCY_CONFLICT "$TANBA" ca issue --dir $ISS --profile citizen-sign --csr q.csr --out k3.pem --idempotency-key order-42:a --no-passphrase
contains err.txt "$(serial k1.pem)"
expect_fail 2 INVALID_ARGUMENT "$TANBA" ca issue --dir $ISS --profile citizen-sign --csr q.csr --out k3.pem --idempotency-key 'bad key' --no-passphrase
[ "$(count $ISS)" = "$n" ] || fail "a refused idempotent request stored something"; ok
# Concurrent repeats of one key: one certificate.
for i in 1 2 3 4; do
  "$TANBA" ca issue --dir $ISS --profile citizen-sign --csr q.csr --out c$i.pem --idempotency-key race-1 --no-passphrase 2> c$i.err &
done
wait || true
[ "$(count $ISS)" = "$((n + 1))" ] || fail "concurrent repeats of one key stored $(( $(count $ISS) - n )) certificates"; ok
for i in 1 2 3 4; do
  [ -e c$i.pem ] && { [ "$(serial c$i.pem)" = "$("$TANBA" ca list --dir $ISS --json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["certificates"][0]["serial"])')" ] || fail "repeat $i got another certificate"; }
  [ -e c$i.pem ] || grep -q "CA_REQUEST_INCOMPLETE\|STORE_BUSY" c$i.err || fail "repeat $i: $(cat c$i.err)"
done; ok

# Backup while tanba-server holds the store open and the CLI writes into its WAL (so ca.db alone
# is stale): the copy is a whole, consistent store, identical to the source once writes stop.
: "${TANBA_SERVER:?}"
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
SERVER=
stop_server() { [ -z "$SERVER" ] || { kill "$SERVER" 2> /dev/null || true; wait "$SERVER" 2> /dev/null || true; SERVER=; }; }
trap 'stop_server; rm -rf "$WORK"' EXIT
readyz() { curl -s -o readyz.json -w '%{http_code}' "http://127.0.0.1:$PORT/readyz"; }
start_server() {  # start_server WANT_STATUS ARGS...
  local want=$1; shift
  "$TANBA_SERVER" --listen "127.0.0.1:$PORT" "$@" > server.log 2>&1 &
  SERVER=$!
  await_readyz "http://127.0.0.1:$PORT" "$want" "$SERVER" server.log
}
start_server 200 --ca $ISS
for i in 1 2 3; do "$TANBA" ca issue --dir $ISS --profile citizen-sign --csr p.csr --out b$i.pem --no-passphrase 2> /dev/null; done
"$TANBA" ca revoke --dir $ISS "$(serial b1.pem)" --reason keyCompromise > /dev/null
[ -s $ISS/ca.db-wal ] || fail "expected the running server to keep a WAL"; ok
"$TANBA" ca backup --dir $ISS --out backup.db 2> /dev/null
[ "$(stat -c %a backup.db)" = 600 ] || fail "the backup is not 0600"; ok
[ ! -e backup.db-wal ] || fail "the backup left a WAL beside it"; ok
expect_fail 2 FILE_EXISTS "$TANBA" ca backup --dir $ISS --out backup.db
stop_server
[ "$(sqlite3 backup.db 'PRAGMA integrity_check')" = ok ] || fail "the backup does not pass integrity_check"; ok
[ "$(sqlite3 backup.db .dump | sha256sum)" = "$(sqlite3 $ISS/ca.db .dump | sha256sum)" ] || fail "the backup differs from the store"; ok
cp -r $ISS restored && rm -f restored/ca.db* && cp backup.db restored/ca.db
"$TANBA" ca check --dir restored > check.txt || fail "ca check on the restored store: $(cat check.txt)"
contains check.txt "ok: store intact, $(count $ISS) certificate(s)"
"$TANBA" ca list --dir restored --status revoked | grep -qi "$(serial b1.pem)" || fail "the restored store lost a revocation"; ok

# The WAL removed under a running server: /readyz is 503 with STORE_WAL_MISSING naming the file,
# the CLI either goes on (a new log) or names the missing file (never just "disk I/O error"),
# and after SIGKILL nothing acknowledged is lost.
start_server 200 --ca $ISS
n=$(count $ISS)
for i in 1 2; do "$TANBA" ca issue --dir $ISS --profile citizen-sign --csr p.csr --out w$i.pem --no-passphrase 2> /dev/null; done
"$TANBA" ca revoke --dir $ISS "$(serial w1.pem)" --reason keyCompromise > /dev/null
rm $ISS/ca.db-wal
[ "$(readyz)" = 503 ] && grep -q "STORE_WAL_MISSING.*ca.db-wal" readyz.json || fail "/readyz with the WAL gone: $(cat readyz.json)"; ok
if "$TANBA" ca issue --dir $ISS --profile citizen-sign --csr p.csr --out w3.pem --no-passphrase 2> w3.err; then n=$((n + 1))
else grep -q "STORE_WAL_MISSING.*ca.db-wal" w3.err || fail "ca issue with the WAL gone: $(cat w3.err)"; fi; ok
kill -9 "$SERVER"; wait "$SERVER" 2> /dev/null || true; SERVER=
[ "$(count $ISS)" = "$((n + 2))" ] || fail "acknowledged certificates were lost with the WAL: $(count $ISS), wanted $((n + 2))"; ok
"$TANBA" ca list --dir $ISS --status revoked | grep -qi "$(serial w1.pem)" || fail "an acknowledged revocation was lost with the WAL"; ok
"$TANBA" ca check --dir $ISS > check.txt || fail "ca check after the WAL was lost: $(cat check.txt)"; ok

# A page of random bytes in the store: every write refused with STORE_DAMAGED (exit 3), nothing
# written; ca check names the damage; the server starts but /readyz is 503 with the code.
"$TANBA" ca check --dir $ISS > check.txt || fail "ca check before the damage: $(cat check.txt)"
cp -r $ISS damaged
page=$(sqlite3 damaged/ca.db "SELECT rootpage FROM sqlite_master WHERE name = 'certificates_serial_issuer'")
size=$(sqlite3 damaged/ca.db 'PRAGMA page_size')
[ ! -e damaged/ca.db-wal ] || fail "the store was not checkpointed on close"
head -c "$size" /dev/urandom | dd of=damaged/ca.db bs="$size" seek=$((page - 1)) conv=notrunc status=none
cp damaged/ca.db damaged.before
expect_fail 3 STORE_DAMAGED "$TANBA" ca issue --dir damaged --profile citizen-sign --csr p.csr --out d.pem --no-passphrase
[ ! -e d.pem ] || fail "a certificate was written from a damaged store"; ok
expect_fail 3 STORE_DAMAGED "$TANBA" ca revoke --dir damaged "$(serial b2.pem)" --reason superseded
expect_fail 3 STORE_DAMAGED "$TANBA" ca crl --dir damaged --out d.crl --no-passphrase
[ ! -e d.crl ] || fail "a CRL was written from a damaged store"; ok
cmp damaged/ca.db damaged.before || fail "the damaged store was written to"; ok
expect_fail 3 STORE_DAMAGED "$TANBA" ca check --dir damaged
grep -q "^damage: .*certificates_serial_issuer\|^damage: .*page $page\|^damage: .*index" out.txt || fail "ca check does not name the damage: $(cat out.txt)"; ok
start_server 503 --ca damaged
grep -q STORE_DAMAGED readyz.json || fail "/readyz does not name STORE_DAMAGED: $(cat readyz.json)"; ok
stop_server

done_checks store_faults
