# Sourced by the CLI tests. Gives: $TANBA, $WORK (a temp dir, removed at exit), $PY (Debian's
# python3 with python3-cryptography), run/expect_fail helpers and a small PKI factory.
set -euo pipefail
: "${TANBA:?TANBA must point at the tanba binary}"
: "${TANBA_TEST_DATA:?}"
: "${TANBA_SOURCE:?}"
PY=/usr/bin/python3
WORK=$(mktemp -d /tmp/tanba-clitest.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
checks=0

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { checks=$((checks + 1)); }

# expect_fail EXIT CODE cmd... — the command must exit with EXIT and name CODE in its output.
expect_fail() {
  local want_exit=$1 want_code=$2; shift 2
  set +e
  "$@" > "$WORK/out.txt" 2> "$WORK/err.txt" < /dev/null
  local rc=$?
  set -e
  [ "$rc" -eq "$want_exit" ] || fail "'$*' exited $rc, wanted $want_exit; stderr: $(cat "$WORK/err.txt")"
  cat "$WORK/out.txt" "$WORK/err.txt" | grep -q -- "$want_code" || fail "'$*' did not report $want_code; stderr: $(cat "$WORK/err.txt")"
  ok
}

# contains FILE TEXT
contains() { grep -qF -- "$2" "$1" || fail "$1 lacks '$2'"; ok; }

# make_pki DIR ALGO: root + issuing CA with unencrypted keys (tests only)
make_pki() {
  local dir=$1 algo=${2:-ecdsa-p256}
  "$TANBA" ca init --dir "$dir/root" --name "Test Root CA" --org "Tanba Test" --algo "$algo" --no-passphrase > /dev/null 2>&1
  "$TANBA" ca init --dir "$dir/issuing" --name "Test Issuing CA" --org "Tanba Test" --parent "$dir/root" --algo "$algo" --no-passphrase > /dev/null 2>&1
}

# await_readyz URL WANT PID LOG — polls URL/readyz (10 s) until it answers HTTP status WANT,
# leaving the body in readyz.json; fails if the server PID exits (showing LOG) or never does.
await_readyz() {
  local url=$1 want=$2 pid=$3 log=$4
  for _ in $(seq 100); do
    [ "$(curl -sk -o readyz.json -w '%{http_code}' "$url/readyz")" = "$want" ] && return 0
    kill -0 "$pid" 2> /dev/null || fail "tanba-server exited: $(cat "$log")"
    sleep 0.1
  done
  fail "tanba-server never answered /readyz $want: $(cat readyz.json) $(cat "$log")"
}

# The identification server's JSON API at $BASE:
# call SESSION METHOD PATH [BODY] → HTTP status; the body in answer.json.
call() {
  curl -s -o answer.json -w '%{http_code}' -X "$2" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
    ${4:+--data-binary "$4"} "$BASE$3"
}
# expect STATUS [CODE] SESSION METHOD PATH [BODY]: the call answers STATUS (and the problem CODE).
expect() {
  local want=$1 code=$2; shift 2
  local got; got=$(call "$@")
  [ "$got" = "$want" ] || fail "$2 $3: wanted $want, got $got $(cat answer.json)"
  [ -z "$code" ] || grep -q "\"code\":\"$code\"" answer.json || fail "$2 $3: wanted $code: $(cat answer.json)"
  ok
}

done_checks() { echo "$1: $checks checks passed"; }

# softhsm_token LABEL: a fresh SoftHSM2 token in $WORK/tokens (SOFTHSM2_CONF, TANBA_PKCS11_MODULE
# exported; user PIN 31415926 in $WORK/pin.txt).
softhsm_token() {
  export SOFTHSM2_CONF=$WORK/softhsm2.conf TANBA_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
  if [ ! -f "$SOFTHSM2_CONF" ]; then
    mkdir -p "$WORK/tokens"
    printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$WORK" > "$SOFTHSM2_CONF"
    echo 31415926 > "$WORK/pin.txt"
  fi
  softhsm2-util --init-token --free --label "$1" --pin 31415926 --so-pin 27182818 > /dev/null
}
