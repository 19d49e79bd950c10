#!/usr/bin/env bash
# The command line as people use it: every default --help prints is the one a command runs
# with (for every command), usage errors in tanba's form with suggestions, completion scripts
# that load, man pages from the same definitions, -q.
source "$(dirname "$0")/lib.sh"

# Every command, every default: --help's value against --show-options (the bound variable read
# when the command would run), with dummies for what is required.
"$PY" - "$TANBA" <<'PYEOF'
import re, subprocess, sys
tanba = sys.argv[1]

def run(*args):
    return subprocess.run([tanba, *args], capture_output=True, text=True)

def sections(help_text):
    out, current = {}, None
    for line in help_text.splitlines():
        if re.match(r"^[A-Z][A-Za-z ]*:$", line):
            current = line[:-1]; out[current] = []
        elif current and line.startswith("  ") and not line.startswith("    "):
            out[current].append(re.split(r"\s{2,}", line.strip())[0])
    return out

def commands(path):
    s = sections(run(*path, "--help").stdout)
    subs = [c.split()[0] for c in s.get("Subcommands", [])]
    if not subs:
        return [path]
    return [leaf for sub in subs for leaf in commands(path + [sub])]

def dummy(column):
    m = re.search(r":\{([^}]*)\}", column)
    if m: return m.group(1).split(",")[0]
    return "1" if " INT" in column or column.split()[1:2] == ["INT"] else "x"

leaves = commands([])
assert len(leaves) > 25, leaves
checked = 0
for path in leaves:
    s = sections(run(*path, "--help").stdout)
    defaults, args = {}, []
    for column in s.get("Positionals", []):
        if "REQUIRED" in column: args.append(dummy(column))
    for column in s.get("Options", []):
        name = column.split()[0].split(",")[-1]
        if name == "--help": continue
        typed = " ".join(column.split()[1:])
        m = re.search(r"=(.*?)( \.\.\.)?( REQUIRED)?$", typed)
        if m and not m.group(1).startswith("[") and "REQUIRED" not in typed: defaults[name] = m.group(1)
        if "REQUIRED" in typed: args += [name, dummy(column)]
    shown = run(*path, *args, "--show-options")
    assert shown.returncode == 0, (path, args, shown.stderr)
    applied = dict(l.split("=", 1) for l in shown.stdout.splitlines()[1:] if "=" in l)
    for name, value in defaults.items():
        assert applied.get(name) == value, f"tanba {' '.join(path)}: --help says {name} {value}, applied {applied.get(name)!r}"
        checked += 1
print(f"{len(leaves)} commands, {checked} defaults as --help says")
assert checked > 15
PYEOF
ok

# ... and applied for real: ca crl's nextUpdate is 24 h, ca ocsp's 1 h.
make_pki pki ecdsa-p256
"$TANBA" ca crl --dir pki/issuing --out full.crl --no-passphrase 2> /dev/null
"$PY" - <<'PYEOF' || fail "ca crl default validity"
from cryptography import x509
c = x509.load_der_x509_crl(open("full.crl", "rb").read())
assert (c.next_update - c.last_update).total_seconds() == 24 * 3600, c.next_update - c.last_update
PYEOF
ok

# Usage errors: one form, exit 2, the closest command or option, the valid choices.
expect_fail 2 "tanba: error USAGE: unknown command 'tanba sgin'" "$TANBA" sgin
contains "$WORK/err.txt" "did you mean 'tanba sign'?"
contains "$WORK/err.txt" "commands of 'tanba': id, key, csr, ca"
expect_fail 2 "did you mean 'tanba ca list'?" "$TANBA" ca lst
expect_fail 2 "did you mean 'tanba verify --revocation'?" "$TANBA" verify x.p7s --trust r.pem --revocaton off
expect_fail 2 "tanba: error USAGE: --trust" "$TANBA" verify x.p7s
expect_fail 2 "tanba: error USAGE: --level: T2 not in {B,T}" "$TANBA" verify x.p7s --trust r.pem --level T2
"$TANBA" --help > /dev/null || fail "--help exits non-zero"; ok

# Completion scripts from the command tree: bash loads and completes commands and options.
"$TANBA" completion bash > tanba.bash
bash -c 'source ./tanba.bash
  COMP_WORDS=(tanba c); COMP_CWORD=1; _tanba; echo "${COMPREPLY[*]}" > c1.txt
  COMP_WORDS=(tanba ca cr); COMP_CWORD=2; _tanba; echo "${COMPREPLY[*]}" > c2.txt
  COMP_WORDS=(tanba ca crl --next); COMP_CWORD=3; _tanba; echo "${COMPREPLY[*]}" > c3.txt
  complete -p tanba > c4.txt' || fail "the bash completion script does not load"
[ "$(cat c1.txt)" = "csr ca cert completion" ] || fail "tanba c<TAB>: $(cat c1.txt)"; ok
[ "$(cat c2.txt)" = "crl" ] || fail "tanba ca cr<TAB>: $(cat c2.txt)"; ok
[ "$(cat c3.txt)" = "--next-update-hours" ] || fail "tanba ca crl --next<TAB>: $(cat c3.txt)"; ok
contains c4.txt "_tanba"
"$TANBA" completion zsh > tanba.zsh
contains tanba.zsh bashcompinit
"$TANBA" completion fish > tanba.fish
grep -qF "complete -c tanba -n 'test (__tanba_path) = \\'ca\\'' -a 'crl'" tanba.fish || fail "fish script: $(grep "'crl'" tanba.fish | head -2)"; ok
fish -n tanba.fish || fail "fish rejects the script"; ok
zsh -n tanba.zsh || fail "zsh rejects the script"; ok

# Man pages from the same definitions: one per command, readable by man.
"$TANBA" manpages --out man
[ "$(ls man | wc -l)" -gt 35 ] || fail "too few man pages: $(ls man | wc -l)"; ok
MANWIDTH=200 man -l man/tanba-ca-crl.1 2> /dev/null > crl.man || fail "man cannot read tanba-ca-crl.1"
contains crl.man "--next-update-hours"
contains crl.man "(default: 24)"

# -q: results only.
"$TANBA" -q key new --algo ecdsa-p256 --out q.key --no-passphrase 2> q.err
[ ! -s q.err ] || fail "-q still printed: $(cat q.err)"; ok
"$TANBA" key new --algo ecdsa-p256 --out v.key --no-passphrase -v 2> v.err
grep -q -- "--algo=ecdsa-p256" v.err || fail "-v does not show the options: $(cat v.err)"; ok
done_checks cli_surface
