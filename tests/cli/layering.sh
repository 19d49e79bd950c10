#!/usr/bin/env bash
# scripts/check-layering passes on the tree, and fails on a tree with a planted violation.
source "$(dirname "$0")/lib.sh"
"$TANBA_SOURCE/scripts/check-layering" "$TANBA_SOURCE" || fail "layering violations in the tree"; ok
mkdir -p bad/lib/ident/src bad/lib/x509/include/tanba/x509 bad/cli
echo '#include <sqlite3.h>' > bad/lib/ident/src/x.cpp
echo '#include "tanba/ca/authority.hpp"' > bad/lib/x509/include/tanba/x509/y.hpp
echo '#include <openssl/evp.h>' > bad/cli/z.cpp
set +e
"$TANBA_SOURCE/scripts/check-layering" bad > out.txt
rc=$?
set -e
[ "$rc" = 1 ] || fail "planted violations not detected"; ok
[ "$(grep -c ': ' out.txt)" -ge 3 ] || fail "not every violation reported: $(cat out.txt)"; ok
done_checks layering
