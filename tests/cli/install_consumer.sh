#!/usr/bin/env bash
# The library as a developer gets it: `cmake --install` into a temporary prefix, then
# tests/consumer/ built with find_package(tanba) and by hand with pkg-config (C++ and C), and
# the Python package; every report the same as `tanba verify --json` on the same inputs.
. "$(dirname "$0")/lib.sh"
BUILD=$(dirname "$(dirname "$TANBA")")
PREFIX=$WORK/prefix
cmake --install "$BUILD" --prefix "$PREFIX" > install.log 2>&1 || fail "cmake --install: $(tail -5 install.log)"
for f in bin/tanba bin/tanba-server lib/libtanba.so lib/libtanba.so.0 include/tanba/tanba.h include/tanba/tanba_errors.h \
         include/tanba/cms/verify.hpp include/tanba/base/version.hpp lib/cmake/tanba/tanbaConfig.cmake lib/pkgconfig/tanba.pc \
         lib/python3/dist-packages/tanba/__init__.py lib/systemd/system/tanba-server.service share/man/man1/tanba.1; do
  [ -e "$PREFIX/$f" ] || fail "cmake --install did not install $f"
  ok
done
grep -q "ExecStart=$PREFIX/bin/tanba-server " "$PREFIX/lib/systemd/system/tanba-server.service" || fail "the unit does not name the installed server"
ok
[ "$("$PREFIX/bin/tanba" --version)" = "tanba $(grep -oP 'project\(tanba VERSION \K[0-9.]+' "$TANBA_SOURCE/CMakeLists.txt")" ] || fail "tanba --version"
ok
# libtanba.so: a SONAME, and nothing exported but tanba_* and tanba::*.
readelf -d "$PREFIX/lib/libtanba.so" | grep -q 'SONAME.*libtanba.so.0' || fail "no SONAME libtanba.so.0"
ok
nm -D --defined-only "$PREFIX/lib/libtanba.so" | c++filt | awk '$2 != "A"' | cut -d' ' -f3- \
  | grep -v -E '^(tanba_|tanba::|typeinfo for tanba::|typeinfo name for tanba::|vtable for tanba::|VTT for tanba::|(non-)?virtual thunk to tanba::|guard variable for tanba::)' > leaked.txt || true
[ ! -s leaked.txt ] || fail "libtanba.so exports $(wc -l < leaked.txt) symbols outside tanba: $(head -3 leaked.txt)"
ok
[ "$(nm -D --defined-only "$PREFIX/lib/libtanba.so" | grep -c ' T tanba_')" -eq 9 ] || fail "the C API is not the 9 tanba_* functions"
ok

# A citizen's signing certificate under a root, a CRL, a document signed attached and detached.
"$TANBA" ca init --dir root --name "Consumer Test Root" --org "Tanba Test" --algo ecdsa-p256 --no-passphrase > /dev/null 2>&1
IIN=$("$TANBA" id new-iin --birth 1990-05-17 --sex m)
"$TANBA" key new --algo ecdsa-p256 --out signer.key --no-passphrase 2> /dev/null
"$TANBA" csr new --key signer.key --iin "$IIN" --surname ТЕСТОВ --given АЙДАР --out signer.csr 2> /dev/null
"$TANBA" ca issue --dir root --profile citizen-sign --csr signer.csr --out signer.pem --no-passphrase 2> /dev/null
"$TANBA" ca crl --dir root --out root.crl --no-passphrase 2> /dev/null
openssl crl -inform DER -in root.crl -out root.crl.pem 2> /dev/null || cp root.crl root.crl.pem
mkdir cases
cp root/ca.pem cases/root.pem
cp root.crl.pem cases/root.crl
cp signer.pem cases/signer.pem
echo "Заявление: consumer test document" > cases/doc.txt
"$TANBA" sign cases/doc.txt --key signer.key --cert signer.pem --out cases/att.p7s 2> /dev/null
"$TANBA" sign cases/doc.txt --key signer.key --cert signer.pem --detached --out cases/det.p7s 2> /dev/null
# Tampered: one byte of the attached document changed.
$PY - cases/att.p7s cases/tampered.p7s <<'PYEOF'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
at = data.find("consumer".encode())
data[at] ^= 0x20
open(sys.argv[2], "wb").write(data)
PYEOF
echo "$IIN" > cases/iin.txt
AT=$(date -u -d '+1 minute' +%Y-%m-%dT%H:%M:%SZ)
echo "$AT" > cases/at.txt
V=("$TANBA" verify --trust cases/root.pem --crl cases/root.crl --offline --at "$AT" --json)
"${V[@]}" cases/att.p7s > cases/cli-att.json
"${V[@]}" cases/det.p7s --content cases/doc.txt > cases/cli-det.json
"${V[@]}" cases/tampered.p7s > cases/cli-tampered.json || true
"$TANBA" cert show cases/signer.pem --json > cases/cli-cert.json
"$TANBA" id check "$IIN" --type iin --json > cases/cli-iin.json
grep -q '"indication": "VALID"' cases/cli-att.json || fail "the CLI does not find the sample valid: $(head -20 cases/cli-att.json)"
grep -q '"indication": "INVALID"' cases/cli-tampered.json || fail "the CLI does not find the tampered sample invalid"
ok

# same_json A B: the two JSON documents are equal.
same_json() { $PY -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:3]); sys.exit(a!=b)' "$1" "$2" || fail "$1 and $2 differ: $(diff <($PY -m json.tool --sort-keys "$1") <($PY -m json.tool --sort-keys "$2") | head -10)"; ok; }
# run_consumer NAME PROGRAM: every case through PROGRAM, each report the CLI's.
run_consumer() {
  local name=$1; shift
  "$@" cases/root.pem cases/att.p7s --crl cases/root.crl --at "$AT" > "$name-att.json" || fail "$name: $(cat "$name-att.json")"
  same_json "$name-att.json" cases/cli-att.json
  "$@" cases/root.pem cases/det.p7s --content cases/doc.txt --crl cases/root.crl --at "$AT" > "$name-det.json"
  same_json "$name-det.json" cases/cli-det.json
  "$@" cases/root.pem cases/tampered.p7s --crl cases/root.crl --at "$AT" > "$name-tampered.json"
  same_json "$name-tampered.json" cases/cli-tampered.json
}

# find_package(tanba 0.2): tanba::tanba (shared), tanba::cms (static), the C program.
cmake -S "$TANBA_SOURCE/tests/consumer" -B consumer -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$PREFIX" > consumer.log 2>&1 \
  || fail "configuring the consumer: $(tail -20 consumer.log)"
cmake --build consumer > consumer.log 2>&1 || fail "building the consumer: $(grep -v '^\[' consumer.log | head -30)"
ok
ldd consumer/verify_cms > ldd.txt; grep -q "libtanba.so.0 => $PREFIX/lib/" ldd.txt || fail "verify_cms is not linked with the installed libtanba.so: $(grep tanba ldd.txt)"
ok
run_consumer cmake-shared consumer/verify_cms
run_consumer cmake-static consumer/verify_cms_static
run_consumer cmake-c consumer/verify_c
# Without --at, the C++ API validates now (not at 1970).
consumer/verify_cms cases/root.pem cases/att.p7s --crl cases/root.crl > now.json
grep -q '"indication": "VALID"' now.json || fail "the C++ API's default validation time is not now: $(head -5 now.json)"
ok

# By hand, with pkg-config: g++ for the C++ program, gcc (not g++) for the C one.
export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig
# shellcheck disable=SC2046
g++ -std=c++20 -O1 -o pc-verify_cms "$TANBA_SOURCE/tests/consumer/verify_cms.cpp" $(pkg-config --cflags --libs tanba) -Wl,-rpath,"$PREFIX/lib" \
  || fail "g++ with pkg-config"
# shellcheck disable=SC2046
gcc -std=c11 -Wall -Wextra -Werror -pedantic -o pc-verify_c "$TANBA_SOURCE/tests/consumer/verify.c" $(pkg-config --cflags --libs tanba) \
  -Wl,-rpath,"$PREFIX/lib" || fail "gcc with pkg-config"
ok
run_consumer pkgconfig-cxx ./pc-verify_cms
run_consumer pkgconfig-c ./pc-verify_c
./pc-verify_c cases/root.pem cases/att.p7s --crl cases/root.crl --at "$AT" --iin "$IIN" > /dev/null 2> c-iin.json
$PY -c 'import json,sys; c=json.load(open("c-iin.json")); w=json.load(open("cases/cli-iin.json"))["results"][0]; sys.exit(any(c[k]!=v for k,v in w.items()) or c["birthDate"]!="1990-05-17")' \
  || fail "the C API's IIN check differs from the CLI's: $(cat c-iin.json)"
ok
# Errors from C: a stable code and a message.
echo "not a signature" > junk.p7s
set +e; ./pc-verify_c junk.p7s cases/att.p7s > /dev/null 2> c-err.txt; rc=$?; set -e
[ "$rc" -eq 2 ] && grep -q "^CERT_DECODE_FAILED\|^INVALID_ARGUMENT" c-err.txt || fail "a bad trust file from C: rc $rc, $(cat c-err.txt)"
ok

# examples/, built against the installed package and run on certs-samples/.
cmake -S "$TANBA_SOURCE/examples" -B examples -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$PREFIX" > examples.log 2>&1 \
  && cmake --build examples >> examples.log 2>&1 || fail "building examples/: $(grep -v '^\[' examples.log | tail -20)"
ok
EX=$WORK/examples SAMPLES=$TANBA_SOURCE/certs-samples/pki
(cd "$SAMPLES" && "$EX/verify_signature" document.attached.p7s roots.pem --crl issuing-rsa.crl --crl root-rsa.crl) > ex-att.txt \
  || fail "verify_signature on the sample: $(cat ex-att.txt)"
grep -q "^VALID" ex-att.txt || fail "verify_signature: $(head -3 ex-att.txt)"
contains ex-att.txt "IIN 920314443217"
set +e; (cd "$SAMPLES" && "$EX/verify_signature" document.revoked.p7s roots.pem --crl issuing-ec.crl --crl root-ec.crl) > ex-rev.txt; rc=$?; set -e
[ "$rc" -eq 1 ] && grep -q "^INVALID" ex-rev.txt && grep -q "CERT_REVOKED\|REVOKED" ex-rev.txt || fail "verify_signature on the revoked sample: rc $rc $(cat ex-rev.txt)"
ok
"$EX/certificate_info" "$SAMPLES/legal-ceo.pem" > ex-info.txt || fail "certificate_info: $(cat ex-info.txt)"
contains ex-info.txt '"value": "940140000385"'
contains ex-info.txt "first head (CEO)"
contains ex-info.txt '"birthDate": "1975-11-02"'
(cd "$SAMPLES" && PYTHONPATH=$PREFIX/lib/python3/dist-packages $PY "$TANBA_SOURCE/examples/verify.py" document.cades-t.p7s roots.pem \
  --crl issuing-ec.crl --crl root-ec.crl) > ex-py.txt || fail "examples/verify.py: $(cat ex-py.txt)"
contains ex-py.txt "BIN 940140000385"
# Sign with a key on a SoftHSM2 token through examples/sign_pkcs11; tanba and openssl verify it.
softhsm_token card
URI=$("$TANBA" token keygen --uri "pkcs11:token=card;object=sign" --algo ecdsa-p256 --pin-file pin.txt 2> /dev/null)
"$TANBA" csr new --key "$URI" --pin-file pin.txt --iin "$IIN" --surname ТЕСТОВ --given КАРТА --out card.csr 2> /dev/null
"$TANBA" ca issue --dir root --profile citizen-sign --csr card.csr --out card.pem --no-passphrase 2> /dev/null
TANBA_PIN=$(cat pin.txt) "$EX/sign_pkcs11" cases/doc.txt "$URI" card.pem card.p7s > ex-sign.txt || fail "sign_pkcs11: $(cat ex-sign.txt)"
"$TANBA" verify card.p7s --content cases/doc.txt --trust cases/root.pem --crl cases/root.crl --offline > ex-sign-verify.txt \
  || fail "the token signature does not verify: $(cat ex-sign-verify.txt)"
grep -q "^VALID" ex-sign-verify.txt || fail "the token signature: $(head -3 ex-sign-verify.txt)"
ok
openssl cms -verify -binary -inform DER -in card.p7s -content cases/doc.txt -CAfile cases/root.pem -out /dev/null 2> ex-sign-openssl.txt \
  || fail "openssl does not verify the token signature: $(cat ex-sign-openssl.txt)"
ok

# One verifier, 8 threads x 1,000 verifications (under ThreadSanitizer: scripts/tsan).
printf '{"trust": [%s], "crls": [%s], "at": "%s", "offline": true}\n' "$($PY -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' cases/root.pem)" \
  "$($PY -c 'import json,sys; print(json.dumps(open(sys.argv[1]).read()))' cases/root.crl)" "$AT" > threads.json
consumer/threads threads.json cases/att.p7s 8 1000 > threads.out || fail "threads: $(cat threads.out)"
contains threads.out "8 x 1000 verifications, all alike"

# The Python package, with Debian's pytest.
PYTHONPATH=$PREFIX/lib/python3/dist-packages TANBA_CASES=$WORK/cases TANBA_VECTORS=$TANBA_TEST_DATA/vectors \
  $PY -m pytest -q -p no:cacheprovider "$TANBA_SOURCE/tests/python" > pytest.log 2>&1 || fail "pytest: $(tail -30 pytest.log)"
grep -E "^[0-9]+ passed" pytest.log > /dev/null || fail "pytest: $(tail -3 pytest.log)"
ok
echo "python: $(tail -1 pytest.log)"
done_checks install_consumer
