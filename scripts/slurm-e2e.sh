#!/usr/bin/env bash
# The CI campaign as a Slurm job array on a one-node Slurm cluster brought
# up here from Debian's packages: the shards run as array tasks
# (deploy/slurm/mmutorture-array.sbatch), a dependent job merges their
# reports (deploy/slurm/merge.sbatch), and the merged report must equal the
# unsharded run: same runs, same seeds, same result.
#
# The cluster: munged started as the munge user, slurmctld and slurmd
# started without systemd, no cgroups (proctrack/linuxproc, task/none),
# accounting off, the node named `hostname -s`; everything lives in a
# temporary directory (SLURM_CONF points there, nothing in /etc/slurm is
# touched) and the daemons are stopped by pid at the end. Needs root (as CI
# runs); installs slurmctld, slurmd, slurm-client and munge when missing.
#
# Usage: scripts/slurm-e2e.sh [BIN] [SHARDS]
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BIN=$(realpath "${1:-.build/release/mmutorture}")
SHARDS=${2:-4}
DURATION=${SLURM_E2E_DURATION:-300ms}
start_time=$(date +%s.%N)
elapsed() { awk -v a="$start_time" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
[ "$(id -u)" -eq 0 ] || { echo "slurm-e2e: needs root (the daemons run as root, munged as munge)"; exit 1; }

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
    || ! command -v munged >/dev/null; then
    echo "slurm-e2e: installing slurmctld slurmd slurm-client munge with apt-get"
    env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
    env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        slurmctld slurmd slurm-client munge >/dev/null
fi

W=$(mktemp -d /tmp/mmutorture-slurm.XXXXXX)
chmod 755 "$W"
HOST=$(hostname -s)
cleanup() {
    local rc=$?
    # Stop every daemon we started, by pid, all at once (each takes a
    # second or two to exit), then wait for them.
    local stopping=()
    for pidfile in "$W/slurmd.pid" "$W/slurmctld.pid" "$W/munge/munged.pid"; do
        if [ -s "$pidfile" ]; then
            pid=$(cat "$pidfile")
            kill "$pid" 2>/dev/null && stopping+=("$pid")
        fi
    done
    for pid in "${stopping[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        if kill -0 "$pid" 2>/dev/null; then echo "slurm-e2e: pid $pid did not stop; killing it"; kill -9 "$pid" || true; fi
    done
    if [ "$rc" -ne 0 ]; then
        echo "slurm-e2e: FAILED; the daemons' logs:"
        tail -n 20 "$W"/*.log "$W"/munge/*.log 2>/dev/null || true
    fi
    rm -rf "$W"
}
trap cleanup EXIT

# munge: its own key, socket and pid file, run as the munge user.
mkdir -p "$W/munge"
dd if=/dev/urandom of="$W/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$W/munge"
chmod 755 "$W/munge"; chmod 400 "$W/munge/munge.key"
runuser -u munge -- munged --key-file="$W/munge/munge.key" --socket="$W/munge/munge.socket" \
    --pid-file="$W/munge/munged.pid" --log-file="$W/munge/munged.log" --seed-file="$W/munge/munged.seed"
# Ports of our own, so that another cluster on this machine does not matter.
base=$(( 20000 + ($$ % 2000) * 2 ))
cat > "$W/slurm.conf" <<CONF
ClusterName=mmutorture-e2e
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$base
SlurmdPort=$((base + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$W/munge/munge.socket
StateSaveLocation=$W/state
SlurmdSpoolDir=$W/spool
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/slurmctld.log
SlurmdLogFile=$W/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MpiDefault=none
SlurmdTimeout=30
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=e2e Nodes=$HOST Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:$SHARDS
CONF
mkdir -p "$W/state" "$W/spool" "$W/reports"
export SLURM_CONF="$W/slurm.conf"
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
for _ in $(seq 100); do
    state=$(sinfo -h -n "$HOST" -o %T 2>/dev/null || true)
    case "$state" in idle*|mixed*|alloc*) break ;; esac
    sleep 0.1
done
echo "slurm-e2e: cluster up in $(elapsed) s (node $HOST: ${state:-no state})"
case "$state" in idle*|mixed*|alloc*) ;; *) echo "slurm-e2e: the node did not come up"; exit 1 ;; esac

# The campaign as an array of SHARDS tasks, then the merge once they are done.
export MMUTORTURE="$BIN" CAMPAIGN="$REPO/configs/ci/campaign.yaml" REPORTS="$W/reports" MMUTORTURE_ARGS="--duration $DURATION"
array=$(sbatch --parsable --array=0-$((SHARDS - 1)) --chdir="$W" --output="$W/shard-%a.log" \
    --export=ALL deploy/slurm/mmutorture-array.sbatch)
merge=$(sbatch --parsable --dependency=afterany:"$array" --chdir="$W" --output="$W/merge.log" \
    --export=ALL deploy/slurm/merge.sbatch)
echo "slurm-e2e: array job $array ($SHARDS tasks), merge job $merge"
# The unsharded run, meanwhile, for comparison.
"$BIN" run "$CAMPAIGN" --quiet $MMUTORTURE_ARGS --report "$W/whole.json" > "$W/whole.log" 2>&1 || true
for _ in $(seq 600); do
    [ -z "$(squeue -h -j "$array,$merge" -o %i 2>/dev/null)" ] && break
    sleep 0.2
done
[ -z "$(squeue -h -j "$array,$merge" -o %i)" ] || { echo "slurm-e2e: jobs still queued after 2 minutes"; squeue; exit 1; }

for k in $(seq 0 $((SHARDS - 1))); do
    [ -s "$W/reports/shard-$k.json" ] || { echo "slurm-e2e: no report from array task $k"; cat "$W/shard-$k.log"; exit 1; }
    grep -q "from SLURM_ARRAY_TASK_ID" "$W/shard-$k.log" \
        || { echo "slurm-e2e: task $k did not take its shard from Slurm"; cat "$W/shard-$k.log"; exit 1; }
done
[ -s "$W/reports/campaign.json" ] || { echo "slurm-e2e: the merge job wrote no report"; cat "$W/merge.log"; exit 1; }
python3 - "$W/reports/campaign.json" "$SHARDS" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
shards = m.get("shards", [])
assert [s["index"] for s in shards] == list(range(n)), f"merged shards {shards}"
assert all(s["count"] == n for s in shards)
PY
python3 scripts/same-campaign.py "$W/whole.json" "$W/reports/campaign.json"
cat "$W/merge.log"
echo "slurm-e2e: ok, $(elapsed) s in all"
