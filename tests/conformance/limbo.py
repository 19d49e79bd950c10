#!/usr/bin/env python3
"""x509-limbo through tanba::validation (limbo_runner): per-suite and per-area pass rates,
compared with the anchors (OpenSSL 3.0, Botan 2.19, pyca/cryptography 48) on every suite.

  limbo.py RUNNER DATA_DIR [--list]

DATA_DIR holds limbo.json.gz, anchors.json (each anchor's per-suite pass/fail) and
deviations.json (cases we decide otherwise than limbo expects, each with the reason).
Fails when a suite's pass rate is not above every anchor's (100 % stays 100 %), when a
deviation is listed that no longer deviates, or when a case is wrongly accepted without
being a listed deviation.
"""
import collections
import gzip
import json
import os
import subprocess
import sys
import tempfile


def suite_of(case_id):
    return "bettertls" if case_id.startswith("bettertls::") else "limbo-core"


def area_of(case_id):
    return case_id.rsplit("::", 1)[0]


def main():
    runner, data = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        bundle = os.path.join(tmp, "limbo.json")
        with gzip.open(os.path.join(data, "limbo.json.gz")) as src, open(bundle, "wb") as dst:
            dst.write(src.read())
        with open(bundle) as f:
            cases = {c["id"]: c for c in json.load(f)["testcases"]}
        out = subprocess.run([runner, bundle], capture_output=True, text=True, check=True).stdout
    results = {r["id"]: r for r in map(json.loads, out.splitlines())}
    with open(os.path.join(data, "anchors.json")) as f:
        anchors = json.load(f)
    with open(os.path.join(data, "deviations.json")) as f:
        deviations = {d["id"]: d for d in json.load(f)["deviations"]}

    per_suite = collections.defaultdict(lambda: [0, 0])
    per_area = collections.defaultdict(lambda: [0, 0])
    wrong_accept, wrong_reject, problems = [], [], []
    for cid, case in cases.items():
        expected = "accept" if case["expected_result"] == "SUCCESS" else "reject"
        actual = results[cid]["actual"]
        ok = actual == expected
        per_suite[suite_of(cid)][0 if ok else 1] += 1
        per_area[area_of(cid)][0 if ok else 1] += 1
        if not ok:
            (wrong_accept if actual == "accept" else wrong_reject).append(cid)
            if cid not in deviations and actual == "accept":
                problems.append(f"wrongly accepted, not a listed deviation: {cid}")
        elif cid in deviations:
            problems.append(f"listed as a deviation but now passes: {cid} (remove it from deviations.json)")

    print(f"{'area':44} pass fail")
    for area in sorted(per_area):
        p, f = per_area[area]
        print(f"{area:44} {p:4} {f:4}")
    for cid in wrong_accept + wrong_reject:
        kind = "accepted" if cid in wrong_accept else "rejected"
        note = f"  [deviation: {deviations[cid]['why']}]" if cid in deviations else ""
        print(f"WRONGLY {kind}: {cid} ({results[cid]['detail'].strip()}){note}")
    for suite, (p, f) in sorted(per_suite.items()):
        rate = 100.0 * p / (p + f)
        # Anchors that ran less than half of a suite (botan's stock CLI skips almost all) say
        # nothing about it.
        ran = [a[suite] for a in anchors["anchors"].values()
               if a[suite]["pass"] + a[suite]["fail"] >= (a[suite]["pass"] + a[suite]["fail"] + a[suite]["skip"]) / 2]
        best = max(a["rate"] for a in ran)
        better = rate > best or (best == 100.0 and rate == 100.0)
        print(f"suite {suite}: {p}/{p + f} = {rate:.1f}% (best anchor {best:.1f}%) {'OK' if better else 'BELOW'}")
        if not better:
            problems.append(f"suite {suite} at {rate:.1f}% is not above the best anchor ({best:.1f}%)")
    print(f"wrongly accepted {len(wrong_accept)}, wrongly rejected {len(wrong_reject)}")
    for p in problems:
        print("PROBLEM", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
