#!/usr/bin/env python3
"""check-deploy.py BIN: the engine files in deploy/ that cannot run here
(a Kubernetes Indexed Job, a GitHub Actions matrix, a GitLab `parallel:`
job) parse, and the shard index and total each engine would give reach
mmutorture's shard: every shard command is run as the engine would run it
(its environment variables or matrix values filled in), each shard report
must say it is shard K of N, and the merge command must merge all N into
the whole campaign (7 runs of configs/ci/campaign.yaml).

The commands run the real binary through a stand-in `mmutorture` that only
shortens `run` (--duration 100ms): the shard options pass through as the
files spell them.
"""
import atexit
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, ".build/release/mmutorture"))
CAMPAIGN_RUNS = 7  # configs/ci/campaign.yaml: seven scenarios (tdp-mmu-tdp the seventh), one run each
ENGINE_VARS = ("JOB_COMPLETION_INDEX", "MMUTORTURE_SHARDS", "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT",
               "SLURM_ARRAY_TASK_MIN", "CI_NODE_INDEX", "CI_NODE_TOTAL")


def fail(msg):
    print(f"check-deploy: FAILED: {msg}")
    sys.exit(1)


def workdir():
    d = tempfile.mkdtemp(prefix="mmutorture-deploy-")
    atexit.register(shutil.rmtree, d, True)
    os.symlink(os.path.join(REPO, "configs"), os.path.join(d, "configs"))
    shim_dir = os.path.join(d, "bin")
    os.mkdir(shim_dir)
    shim = os.path.join(shim_dir, "mmutorture")
    with open(shim, "w") as f:
        f.write(f'#!/bin/sh\nif [ "$1" = run ]; then exec "{BIN}" "$@" --duration 100ms; fi\nexec "{BIN}" "$@"\n')
    os.chmod(shim, 0o755)
    return d, shim


def run(script, cwd, env, what):
    base = {k: v for k, v in os.environ.items() if k not in ENGINE_VARS}
    base["PATH"] = os.path.join(cwd, "bin") + os.pathsep + base.get("PATH", "")
    base.update(env)
    p = subprocess.run(["/bin/sh", "-c", script], cwd=cwd, env=base, capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        fail(f"{what}: exit {p.returncode}: {script}\n{p.stdout[-1500:]}{p.stderr[-1500:]}")
    return p.stdout


def check_shard_report(path, k, n, what):
    try:
        r = json.load(open(path))
    except Exception as e:
        fail(f"{what}: no shard report {path}: {e}")
    if r.get("shard") != {"index": k, "count": n}:
        fail(f"{what}: {path} says shard {r.get('shard')}, the engine gave {k}/{n}")


def check_merged(path, n, what):
    try:
        m = json.load(open(path))
    except Exception as e:
        fail(f"{what}: no merged report {path}: {e}")
    if [s["index"] for s in m.get("shards", [])] != list(range(n)) or len(m["scenarios"]) != CAMPAIGN_RUNS:
        fail(f"{what}: merged {m.get('shards')} with {len(m['scenarios'])} runs")
    print(f"check-deploy: ok     {what}: {n} shards, {len(m['scenarios'])} runs merged, result {m['result']}")


def kubernetes():
    what = "deploy/kubernetes"
    docs = list(yaml.safe_load_all(open(os.path.join(REPO, "deploy/kubernetes/mmutorture-indexed-job.yaml"))))
    merge_doc = yaml.safe_load(open(os.path.join(REPO, "deploy/kubernetes/mmutorture-merge-job.yaml")))
    jobs = [d for d in docs if d and d.get("kind") == "Job"]
    if len(jobs) != 1 or jobs[0]["spec"].get("completionMode") != "Indexed":
        fail(f"{what}: wanted one Indexed Job")
    spec = jobs[0]["spec"]
    n = spec["completions"]
    if spec.get("parallelism", 1) > n:
        fail(f"{what}: parallelism above completions")
    if not any(d and d.get("kind") == "PersistentVolumeClaim" for d in docs):
        fail(f"{what}: no shared volume for the reports")
    container = spec["template"]["spec"]["containers"][0]
    env = {e["name"]: str(e["value"]) for e in container.get("env", [])}
    script = " ".join(container["command"][2:] + container.get("args", []))
    if container["command"][:2] != ["/bin/sh", "-c"]:
        fail(f"{what}: the container command is not a shell")
    if env.get("MMUTORTURE_SHARDS") != str(n) and f"--shards {n}" not in script:
        fail(f"{what}: N ({n} completions) does not reach mmutorture (MMUTORTURE_SHARDS or --shards)")
    d, _ = workdir()
    local = {"CAMPAIGN": os.path.join(REPO, "configs/ci/campaign.yaml"), "REPORTS": d}
    for k in range(n):  # what Kubernetes does: one pod per index, JOB_COMPLETION_INDEX set
        out = run(script, d, {**env, **local, "JOB_COMPLETION_INDEX": str(k)}, f"{what} index {k}")
        if "from JOB_COMPLETION_INDEX" not in out:
            fail(f"{what}: index {k}: the shard did not come from JOB_COMPLETION_INDEX:\n{out}")
        check_shard_report(os.path.join(d, f"shard-{k}.json"), k, n, what)
    merge = merge_doc["spec"]["template"]["spec"]["containers"][0]
    merge_env = {e["name"]: str(e["value"]) for e in merge.get("env", [])}
    run(" ".join(merge["command"][2:] + merge.get("args", [])), d, {**merge_env, **local}, f"{what} merge")
    check_merged(os.path.join(d, "campaign.json"), n, what)


def github():
    what = "deploy/ci/github-actions.yml"
    wf = yaml.safe_load(open(os.path.join(REPO, what)))
    shard_job, merge_job = wf["jobs"]["shard"], wf["jobs"]["merge"]
    values = shard_job["strategy"]["matrix"]["shard"]
    n = len(values)
    if values != list(range(n)):
        fail(f"{what}: matrix shard {values}, wanted 0...{n - 1}")
    if "shard" not in merge_job["needs"] or merge_job.get("if") != "always()":
        fail(f"{what}: the merge job must need the shards and run always")
    step = [s["run"] for s in shard_job["steps"] if "mmutorture run" in s.get("run", "")]
    merge = [s["run"] for s in merge_job["steps"] if "report merge" in s.get("run", "")]
    if len(step) != 1 or len(merge) != 1:
        fail(f"{what}: wanted one run step and one merge step")
    d, shim = workdir()
    for k in values:  # what Actions does: expressions filled in per matrix job
        script = step[0].replace("${{ matrix.shard }}", str(k)).replace("${{ strategy.job-total }}", str(n))
        if "${{" in script:
            fail(f"{what}: an expression this check does not know: {script}")
        out = run(script.replace(".build/release/mmutorture", shim), d, {}, f"{what} shard {k}")
        if "from --shard" not in out:
            fail(f"{what}: shard {k}: --shard did not reach mmutorture:\n{out}")
        check_shard_report(os.path.join(d, f"shard-{k}.json"), k, n, what)
    run(merge[0].replace(".build/release/mmutorture", shim), d, {}, f"{what} merge")
    check_merged(os.path.join(d, "campaign.json"), n, what)


def gitlab():
    what = "deploy/ci/gitlab-ci.yml"
    ci = yaml.safe_load(open(os.path.join(REPO, what)))
    job, merge_job = ci["mmutorture"], ci["mmutorture-merge"]
    n = job["parallel"]
    if merge_job.get("needs") != ["mmutorture"] or merge_job.get("when") != "always":
        fail(f"{what}: the merge job must need the shards and run always")
    lines = [l for l in job["script"] if "mmutorture run" in l]
    merge = [l for l in merge_job["script"] if "report merge" in l]
    if len(lines) != 1 or len(merge) != 1:
        fail(f"{what}: wanted one run line and one merge line")
    d, shim = workdir()
    for i in range(1, n + 1):  # what GitLab does: CI_NODE_INDEX 1...N, CI_NODE_TOTAL N
        out = run(lines[0].replace(".build/release/mmutorture", shim), d,
                  {"CI_NODE_INDEX": str(i), "CI_NODE_TOTAL": str(n)}, f"{what} node {i}")
        if "from CI_NODE_INDEX" not in out:
            fail(f"{what}: node {i}: the shard did not come from CI_NODE_INDEX:\n{out}")
        check_shard_report(os.path.join(d, f"shard-{i}.json"), i - 1, n, what)
    if not re.search(r"junit:\s*campaign\.xml", open(os.path.join(REPO, what)).read()):
        fail(f"{what}: the merged JUnit is not handed to GitLab")
    run(merge[0].replace(".build/release/mmutorture", shim), d, {}, f"{what} merge")
    check_merged(os.path.join(d, "campaign.json"), n, what)


if __name__ == "__main__":
    kubernetes()
    github()
    gitlab()
