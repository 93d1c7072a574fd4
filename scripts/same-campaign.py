#!/usr/bin/env python3
"""same-campaign.py WHOLE.json MERGED.json: the merged shard reports ran the
same runs (scenario, repeat, seed, in order) as the unsharded run and came
to the same result, with the counters summed over the shards."""
import json
import sys


def runs(report):
    scenarios = report["scenarios"] or [{"name": report["config"]["name"], "repeat": 0, "seed": report["seed"],
                                         "result": report["result"], "counters": report["counters"]}]
    return scenarios


whole, merged = (json.load(open(p)) for p in sys.argv[1:3])
key = lambda s: (s["name"], s["repeat"], s["seed"])
w, m = [key(s) for s in runs(whole)], [key(s) for s in runs(merged)]
problems = []
if w != m:
    problems.append(f"runs differ:\n  whole  {w}\n  merged {m}")
if whole["result"] != merged["result"]:
    problems.append(f"result {merged['result']}, the unsharded run's {whole['result']}")
if [s["result"] for s in runs(whole)] != [s["result"] for s in runs(merged)]:
    problems.append("per-run results differ")
summed = {}
for s in runs(merged):
    for k, v in s["counters"].items():
        summed[k] = summed.get(k, 0) + v
if summed != merged["counters"]:
    problems.append("the merged counters are not the sum of its runs'")
if len({s.get("shard") for s in runs(merged)} - {None}) != len(merged.get("shards", [])):
    problems.append("runs name shards the merged report does not list")
if problems:
    print("same-campaign: FAILED: " + "\n".join(problems))
    sys.exit(1)
print(f"same-campaign: ok     {len(m)} runs, same seeds, result {merged['result']}, "
      f"{len(merged.get('shards', []))} shards")
