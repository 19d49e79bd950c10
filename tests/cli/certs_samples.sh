#!/usr/bin/env bash
# certs-samples/ says what its README's table says: every row's command, run in
# certs-samples/pki/, prints the row's answer. Fails once a sample is stale (certificates
# expired, CRLs past their next update): then run certs-samples/generate and commit.
. "$(dirname "$0")/lib.sh"
SAMPLES=$TANBA_SOURCE/certs-samples
$PY - "$SAMPLES/README.md" > rows.tsv <<'PYEOF'
import re, sys
rows = 0
for line in open(sys.argv[1], encoding="utf-8"):
    cells = [c.strip() for c in line.strip().strip("|").split("|")]
    if len(cells) != 4 or not cells[2].startswith("`"):
        continue
    command, says = cells[2].strip("`"), cells[3].strip("`")
    if not re.match(r"(tanba|openssl) ", command):
        continue
    print(command + "\t" + says)
    rows += 1
if rows < 20:
    sys.exit(f"only {rows} rows found in the README's table")
PYEOF
TRUST=$(sed -n 's/^TRUST="\(.*\)"$/\1/p' "$SAMPLES/README.md")
[ -n "$TRUST" ] || fail "the README defines no TRUST"
cd "$SAMPLES/pki"
n=0
while IFS=$'\t' read -r command says; do
  n=$((n + 1))
  cmd=${command//\$TRUST/$TRUST}
  cmd=${cmd/#tanba /\"\$TANBA\" }
  set +e; out=$(eval "$cmd" 2>&1 < /dev/null); set -e
  grep -qF -- "$says" <<< "$out" || fail "row $n: '$command' did not say '$says': $(head -5 <<< "$out")"
  ok
done < "$WORK/rows.tsv"
# The keys are the test keys their names say, and nothing else private is in the folder.
for k in keys/*; do
  case "$k" in keys/*.TEST-KEY.pem) ;; *) fail "$k is not named *.TEST-KEY.pem" ;; esac
done
[ -z "$(grep -rl "PRIVATE KEY" --exclude-dir=keys .)" ] || fail "a private key outside keys/"
ok
done_checks certs_samples
