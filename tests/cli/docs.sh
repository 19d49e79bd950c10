#!/usr/bin/env bash
# docs/error-codes.md is generated from the error table and must match it.
source "$(dirname "$0")/lib.sh"
"$TANBA" errors --markdown > generated.md
diff -u "$TANBA_SOURCE/docs/error-codes.md" generated.md || fail "docs/error-codes.md is stale: run 'build/bin/tanba errors --markdown > docs/error-codes.md'"
ok
# Every validation finding code is documented.
for code in $(sed -n 's/^FINDING(\([A-Z_0-9]*\),.*/\1/p' "$TANBA_SOURCE/lib/validation/include/tanba/validation/findings.def"); do
  grep -q "\`$code\`" "$TANBA_SOURCE/docs/validation.md" || fail "docs/validation.md lacks finding $code"; ok
done
# Every server error code (10xx) is in docs/server.md's table.
for code in $(sed -n 's/^TANBA_ERROR(10[0-9][0-9], \([A-Z_0-9]*\),.*/\1/p' "$TANBA_SOURCE/lib/base/include/tanba/base/error_codes.def"); do
  grep -q "\`$code\`" "$TANBA_SOURCE/docs/server.md" || fail "docs/server.md lacks $code"; ok
done
for d in architecture.md identifiers.md profiles.md ca-directory.md cli.md validation.md tokens.md server.md tanba-server.service; do
  [ -s "$TANBA_SOURCE/docs/$d" ] || fail "docs/$d missing"; ok
done
done_checks docs
