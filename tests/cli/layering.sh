#!/usr/bin/env bash
# scripts/check-layering passes on the tree, and fails on a copy of the tree with each kind of
# violation planted in turn (a third-party header outside the modules cmake/modules.txt gives
# it, or in a public header where it is private; a module including one it does not use).
source "$(dirname "$0")/lib.sh"
"$TANBA_SOURCE/scripts/check-layering" "$TANBA_SOURCE" || fail "layering violations in the tree"; ok
mkdir tree
for d in lib hsm frontend cli server cmake; do cp -r "$TANBA_SOURCE/$d" tree/; done
"$TANBA_SOURCE/scripts/check-layering" tree > out.txt || fail "the copy is not clean: $(cat out.txt)"; ok
# plant FILE INCLUDE EXPECTED: the check fails, naming the file and EXPECTED.
plant() {
  mkdir -p "tree/$(dirname "$1")"
  printf '#include %s\n' "$2" > "tree/$1"
  set +e
  "$TANBA_SOURCE/scripts/check-layering" tree > out.txt
  local rc=$?
  set -e
  rm "tree/$1"
  [ "$rc" = 1 ] || fail "$2 in $1 not detected"
  grep -q "^$1:1: .*$3" out.txt || fail "$2 in $1: $(cat out.txt)"
  [ "$(grep -cE ':[0-9]+: ' out.txt)" = 1 ] || fail "$2 in $1: more than one violation: $(cat out.txt)"
  ok
}
plant lib/ident/src/x.cpp '<openssl/evp.h>' "(openssl) in 'ident'"
plant lib/store/src/x.cpp '<openssl/evp.h>' "(openssl) in 'store'"
plant lib/x509/include/tanba/x509/x.hpp '<openssl/x509.h>' "a public header of 'x509'"
plant cli/x.cpp '<openssl/evp.h>' "(openssl) in 'cli'"
plant lib/ca/src/x.cpp '<sqlite3.h>' "(sqlite) in 'ca'"
plant lib/ca/src/x.cpp '<boost/beast/http.hpp>' "(boost) in 'ca'"
plant cli/x.cpp '<boost/asio.hpp>' "(boost) in 'cli'"
plant lib/x509/src/x.cpp '<CLI/CLI.hpp>' "(cli11) in 'x509'"
plant hsm/src/x.cpp '<CLI/CLI.hpp>' "(cli11) in 'hsm'"
plant lib/store/src/x.cpp '<nlohmann/json.hpp>' "(nlohmann-json) in 'store'"
plant lib/ca/src/x.cpp '<spdlog/spdlog.h>' "(spdlog) in 'ca'"
plant cli/x.cpp '<spdlog/spdlog.h>' "(spdlog) in 'cli'"
plant lib/validation/src/x.cpp '<botan/x509cert.h>' "(botan) in 'validation'"
plant lib/ca/src/x.cpp '<libp11.h>' "(libp11) in 'ca'"
plant lib/x509/src/x.cpp '<doctest/doctest.h>' "doctest belongs to tests/"
plant lib/x509/include/tanba/x509/x.hpp '"tanba/ca/authority.hpp"' "'x509' includes 'ca'"
plant lib/keys/src/x.cpp '"tanba/x509/certificate.hpp"' "'keys' includes 'x509'"
plant lib/cms/src/x.cpp '"tanba/tsp/tsa.hpp"' "'cms' includes 'tsp'"
plant lib/ca/src/x.cpp '"tanba/hsm/token.hpp"' "'ca' includes 'hsm'"
plant lib/ca/src/x.cpp '"../../../server/config.hpp"' "library code includes front-end code"
# The table: a module without a line, and a module using one below it.
mkdir tree/lib/extra
set +e; "$TANBA_SOURCE/scripts/check-layering" tree > out.txt; rc=$?; set -e
[ "$rc" = 1 ] && grep -q "lib/extra: module has no line" out.txt || fail "a module without a line: $(cat out.txt)"; ok
rmdir tree/lib/extra
sed -i 's/^ossl \(.*\)uses=base/ossl \1uses=base,keys/' tree/cmake/modules.txt
set +e; "$TANBA_SOURCE/scripts/check-layering" tree > out.txt; rc=$?; set -e
[ "$rc" = 1 ] && grep -q "'ossl' uses 'keys', which is not above it" out.txt || fail "a cycle in the table: $(cat out.txt)"; ok
done_checks layering
