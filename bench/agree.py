#!/usr/bin/env python3
"""bench/agree.py OURS.json BASELINE.json -- how far oneway's `solve --json`
document is from the NumPy baseline's: every number the baseline reports
(walked by key and index) is compared with ours at the same place.  Prints
"N figures, K differ beyond 1e-9 relative (largest R), M missing"; exits 1
when any differs or is missing."""
import json
import sys


def walk(b, o, path, acc):
    if isinstance(b, bool) or b is None or isinstance(b, str):
        return
    if isinstance(b, (int, float)):
        if not isinstance(o, (int, float)) or isinstance(o, bool):
            acc["missing"].append(path)
            return
        acc["n"] += 1
        rel = abs(b - o) / max(1.0, abs(b), abs(o))
        acc["max"] = max(acc["max"], rel)
        if rel > 1e-9:
            acc["bad"].append((path, o, b))
        return
    if isinstance(b, dict):
        for k, v in b.items():
            if not isinstance(o, dict) or k not in o:
                acc["missing"].append(path + "." + k)
            else:
                walk(v, o[k], path + "." + k, acc)
    elif isinstance(b, list):
        if not isinstance(o, list) or len(o) != len(b):
            acc["missing"].append(path + "[]")
            return
        for i, (v, w) in enumerate(zip(b, o)):
            walk(v, w, "%s[%d]" % (path, i), acc)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bench/agree.py OURS.json BASELINE.json")
    with open(sys.argv[1]) as f:
        ours = json.load(f)
    with open(sys.argv[2]) as f:
        base = json.load(f)
    acc = {"n": 0, "max": 0.0, "bad": [], "missing": []}
    walk(base, ours, "", acc)
    print("%d figures, %d differ beyond 1e-9 relative (largest %.1e), %d missing"
          % (acc["n"], len(acc["bad"]), acc["max"], len(acc["missing"])))
    for p, o, b in acc["bad"][:5]:
        print("  %s: oneway %.17g, baseline %.17g" % (p, o, b))
    for p in acc["missing"][:5]:
        print("  missing: %s" % p)
    sys.exit(1 if acc["bad"] or acc["missing"] else 0)


if __name__ == "__main__":
    main()
