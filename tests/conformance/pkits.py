#!/usr/bin/env python3
"""NIST PKITS through `tanba cert verify`: every case of tests/data/pkits/expected.json.

  pkits.py TANBA DATA_DIR [--only ID...]

Per case: the trust anchor certificate is --trust, the intermediates --untrusted, the listed
CRLs --crl (revocation then defaults to require), the RFC 5280 policy inputs as flags, and the
PKITS validation time as --at. Exit 0 accepts, 1 rejects; anything else is an error.
Prints a per-section table and fails unless every case has its expected outcome.
"""
import collections
import concurrent.futures
import json
import os
import subprocess
import sys


def command(tanba, data, case, policy_oids):
    cert = lambda stem: os.path.join(data, "certs", stem + ".crt")
    args = [tanba, "cert", "verify", cert(case["end_entity"]), "--trust", cert(case["trust_anchor"]),
            "--at", data_time(data), "--offline"]
    for stem in case["intermediates"]:
        args += ["--untrusted", cert(stem)]
    for stem in case["crls"]:
        args += ["--crl", os.path.join(data, "crls", stem + ".crl")]
    if case["initial_policy_set"] != ["anyPolicy"]:
        for name in case["initial_policy_set"]:
            args += ["--policy", policy_oids[name]]
    if case["initial_explicit_policy"] or case["require_explicit_policy"]:
        args.append("--explicit-policy")
    if case["initial_policy_mapping_inhibit"]:
        args.append("--inhibit-policy-mapping")
    if case["initial_inhibit_any_policy"]:
        args.append("--inhibit-any-policy")
    if case["section"] == "4.1":
        args.append("--allow-sha1")  # 4.1.4/4.1.5 are DSA with SHA-1 (2011 data)
    args.append("--json")
    return args


_time = None


def data_time(data):
    global _time
    if _time is None:
        with open(os.path.join(data, "expected.json")) as f:
            _time = json.load(f)["validation_time"]
    return _time


def run(tanba, data, case, policy_oids):
    p = subprocess.run(command(tanba, data, case, policy_oids), capture_output=True, text=True, timeout=60)
    if p.returncode not in (0, 1):
        return "error", p.stderr.strip()[-300:]
    report = json.loads(p.stdout)
    detail = report["indication"]
    errors = [f["code"] for f in report["findings"] if f["severity"] == "error"]
    if errors:
        detail += " " + ",".join(errors)
    if p.returncode == 0:
        detail += " policies=" + ",".join(report["policies"])
    return ("accept" if p.returncode == 0 else "reject"), detail


def main():
    tanba, data = sys.argv[1], sys.argv[2]
    only = set(sys.argv[sys.argv.index("--only") + 1:]) if "--only" in sys.argv else None
    with open(os.path.join(data, "expected.json")) as f:
        suite = json.load(f)
    cases = [c for c in suite["testcases"] if not only or c["id"] in only]
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(lambda c: run(tanba, data, c, suite["policy_oids"]), cases))

    per_section = collections.defaultdict(lambda: [0, 0])
    wrongly_accepted = wrongly_rejected = errors = 0
    names = {oid: name for name, oid in suite["policy_oids"].items()}
    for case, (actual, detail) in zip(cases, results):
        ok = actual == case["expected"]
        if ok and actual == "accept" and case.get("expected_user_constrained_policy_set") is not None:
            got = sorted(names.get(o, o) for o in detail.split("policies=")[1].split(",") if o)
            want = sorted(case["expected_user_constrained_policy_set"])
            if got != want:
                ok = False
                actual = "error"
                detail += f" (user-constrained policy set {got}, expected {want})"
        per_section[case["section"] + " " + case["section_name"]][0 if ok else 1] += 1
        if not ok:
            if actual == "error":
                errors += 1
            elif actual == "accept":
                wrongly_accepted += 1
            else:
                wrongly_rejected += 1
            print(f"FAIL {case['id']} {case['name']}: expected {case['expected']}, got {actual} ({detail})")
    print(f"{'section':58} pass fail")
    for section in sorted(per_section, key=lambda s: [int(x) for x in s.split()[0].split(".")]):
        p, f = per_section[section]
        print(f"{section:58} {p:4} {f:4}")
    passed = sum(p for p, _ in per_section.values())
    print(f"PKITS: {passed}/{len(cases)} passed; wrongly accepted {wrongly_accepted}, "
          f"wrongly rejected {wrongly_rejected}, errors {errors} (OpenSSL's CLI: 247/249 at best)")
    return 0 if passed == len(cases) else 1


if __name__ == "__main__":
    sys.exit(main())
