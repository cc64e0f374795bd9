#!/usr/bin/env bash
# Installs, configures and starts a one-node Slurm cluster on this machine for
# ailab's tests: slurmctld + slurmd from Debian's slurm-wlm, munge for auth,
# select/cons_tres with two fake GPUs (gres File= entries point at plain files
# this script creates; AutoDetect=off), DefMemPerCPU so jobs share the node.
# Idempotent: run it again and a cluster that is up with the same config is
# left as it is; otherwise the daemons are restarted, keeping Slurm's saved
# state, so jobs already queued survive either way.
# Needs root. Usage: scripts/slurm-test-cluster.sh [start|stop|status]
set -euo pipefail

action=${1:-start}
node=$(hostname -s)
conf_dir=/etc/slurm
gpu_dir=/var/lib/ailab-test-gpus
log_dir=/var/log/slurm

stop_daemons() {
  pkill -x slurmctld 2>/dev/null || true
  pkill -x slurmd 2>/dev/null || true
  for _ in $(seq 50); do
    pgrep -x slurmctld >/dev/null || pgrep -x slurmd >/dev/null || break
    sleep 0.1
  done
}

case "$action" in
  stop) stop_daemons; exit 0 ;;
  status) sinfo -N -o '%N %T %G' && exit 0 ;;
  start) ;;
  *) echo "usage: $0 [start|stop|status]" >&2; exit 2 ;;
esac

if [ "$(id -u)" -ne 0 ]; then
  echo "slurm-test-cluster: must run as root (it installs packages and starts daemons)" >&2
  exit 1
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  echo "slurm-test-cluster: installing slurm-wlm and munge from Debian" >&2
  bash "$(dirname "${BASH_SOURCE[0]}")/apt-install.sh" slurm-wlm slurm-client munge
fi

mkdir -p "$conf_dir" "$gpu_dir" "$log_dir" /var/spool/slurmctld /var/spool/slurmd /run/munge
: >"$gpu_dir/nvidia0"
: >"$gpu_dir/nvidia1"

# munge: one key shared by both daemons (they run on this one host).
if [ ! -s /etc/munge/munge.key ]; then
  mkdir -p /etc/munge
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=128 status=none
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge 2>/dev/null || true
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
if ! pgrep -x munged >/dev/null; then
  runuser -u munge -- /usr/sbin/munged
fi

# The node advertises 8 CPUs and 8 GB whatever the machine has
# (config_overrides), so tests can ask for a few CPUs each on a 2-core box.
new_conf="$(mktemp -d)"
trap 'rm -rf "$new_conf"' EXIT
cat >"$new_conf/slurm.conf" <<CONF
ClusterName=ailabtest
SlurmctldHost=$node(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=$log_dir/slurmctld.log
SlurmdLogFile=$log_dir/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
GresTypes=gpu
DefMemPerCPU=256
SlurmdParameters=config_overrides
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
KillWait=2
MinJobAge=300
InactiveLimit=0
OverTimeLimit=0
NodeName=$node NodeAddr=127.0.0.1 CPUs=8 RealMemory=8000 Gres=gpu:a100:2 State=UNKNOWN
PartitionName=gpu Nodes=ALL Default=YES MaxTime=INFINITE State=UP
PartitionName=debug Nodes=ALL Default=NO MaxTime=INFINITE State=UP
CONF

cat >"$new_conf/gres.conf" <<CONF
AutoDetect=off
NodeName=$node Name=gpu Type=a100 File=$gpu_dir/nvidia[0-1]
CONF

same_conf=1
for f in slurm.conf gres.conf; do cmp -s "$new_conf/$f" "$conf_dir/$f" || same_conf=0; done
if [ "$same_conf" -eq 1 ] && pgrep -x slurmctld >/dev/null && pgrep -x slurmd >/dev/null && sinfo -h >/dev/null 2>&1; then
  echo "slurm-test-cluster: already up with this configuration; left as it is" >&2
else
  cp "$new_conf/slurm.conf" "$new_conf/gres.conf" "$conf_dir/"
  stop_daemons
  # No -c (clean start): slurmctld recovers its saved state, so a restart
  # keeps the queue.
  /usr/sbin/slurmctld
  /usr/sbin/slurmd
fi

# Wait until the node is idle (or mixed/allocated from an earlier run's jobs).
for _ in $(seq 120); do
  state=$(sinfo -h -N -n "$node" -o '%T' 2>/dev/null | head -n1 || true)
  case "$state" in
    idle|mixed|allocated) echo "slurm-test-cluster: node $node is $state" >&2; exit 0 ;;
    down*|drain*) scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.5
done
echo "slurm-test-cluster: node $node did not become idle; see $log_dir/slurmctld.log and $log_dir/slurmd.log" >&2
tail -n 20 "$log_dir/slurmctld.log" "$log_dir/slurmd.log" >&2 || true
exit 1
