#!/usr/bin/env bash
# A single-node Slurm cluster on this machine, for the Slurm test (SlurmGridTest) and for trying
# `iern slurm` locally.
#
#   .ci/slurm-cluster.sh start    install what is missing (Debian: slurmctld slurmd munge
#                                 slurm-client), write the config, start munged, slurmctld and
#                                 slurmd, wait until the node is idle (at most 60 s); idempotent
#   .ci/slurm-cluster.sh stop     cancel its jobs, stop the three daemons whatever their state
#   .ci/slurm-cluster.sh status   the daemons and `sinfo`
#
# Needs root (or sudo). Everything it writes lives under $IERN_SLURM_DIR (default /tmp/iern-slurm):
# slurm.conf, state, spool, logs and pid files; /etc/slurm/slurm.conf becomes a link to its
# slurm.conf so that sbatch, squeue and sinfo find the cluster without SLURM_CONF. It refuses to
# touch a slurm.conf it did not write (a real cluster's). Config: one node with the CPUs and memory
# `slurmd -C` reports, one default partition, proctrack/linuxproc, task/none, select/cons_tres
# (CPUs as the consumable, so tasks of one CPU each run side by side), no accounting, no cgroups.
set -euo pipefail

dir="${IERN_SLURM_DIR:-/tmp/iern-slurm}"
conf="$dir/slurm.conf"
etc_conf=/etc/slurm/slurm.conf
packages=(slurmctld slurmd munge slurm-client)
start_timeout=60

sudo_cmd=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; else
    echo "slurm-cluster: needs root or sudo" >&2; exit 1
  fi
fi
as_root() { $sudo_cmd "$@"; }

log() { echo "slurm-cluster: $*" >&2; }

# Alive = the pid file names a running process whose command is the daemon.
pid_of() { # name pidfile
  local f="$2" pid
  [ -r "$f" ] || return 1
  pid="$(tr -dc 0-9 <"$f")"
  [ -n "$pid" ] && [ -r "/proc/$pid/comm" ] && [ "$(cat "/proc/$pid/comm")" = "$1" ] && echo "$pid"
}

munge_pidfile=/run/munge/munged.pid
ctld_pidfile="$dir/slurmctld.pid"
slurmd_pidfile="$dir/slurmd.pid"

install_missing() {
  local need=() p
  for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  log "installing ${need[*]}"
  as_root apt-get update -qq
  # policy-rc.d keeps the packages' own service scripts from starting daemons with Debian's config.
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
}

write_config() {
  as_root mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  local host cpus sockets cores threads mem
  host="$(hostname -s)"
  # The hardware as slurmd sees it: a node configured larger than that would be refused.
  local hw
  hw="$(slurmd -C | head -n 1)"
  cpus="$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$hw")"
  sockets="$(sed -n 's/.* SocketsPerBoard=\([0-9]*\).*/\1/p' <<<"$hw")"
  cores="$(sed -n 's/.* CoresPerSocket=\([0-9]*\).*/\1/p' <<<"$hw")"
  threads="$(sed -n 's/.* ThreadsPerCore=\([0-9]*\).*/\1/p' <<<"$hw")"
  mem="$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$hw")"
  if [ -z "$cpus" ] || [ -z "$mem" ]; then
    log "cannot read the node's CPUs and memory from \`slurmd -C\`: $hw"; exit 1
  fi
  local tmp
  tmp="$(mktemp)"
  cat >"$tmp" <<EOF
# Written by .ci/slurm-cluster.sh (IERN-J): a single-node test cluster. Do not edit; it is rewritten.
ClusterName=iern
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$ctld_pidfile
SlurmdPidFile=$slurmd_pidfile
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
# Schedule often, and keep finished jobs visible to scontrol for 10 minutes.
SchedulerParameters=sched_interval=2,sched_min_interval=100000
MinJobAge=600
KillWait=5
SlurmdTimeout=60
InactiveLimit=0
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus${sockets:+ Sockets=$sockets}${cores:+ CoresPerSocket=$cores}${threads:+ ThreadsPerCore=$threads} RealMemory=$mem State=UNKNOWN
PartitionName=main Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  as_root install -m 0644 "$tmp" "$conf"
  rm -f "$tmp"
  if [ -L "$etc_conf" ] && [ "$(readlink "$etc_conf")" = "$conf" ]; then
    :
  elif [ -e "$etc_conf" ] || [ -L "$etc_conf" ]; then
    if ! grep -q '^# Written by .ci/slurm-cluster.sh' "$etc_conf" 2>/dev/null; then
      log "$etc_conf exists and was not written by this script (a real cluster?); not touching it"
      exit 1
    fi
    as_root ln -sfn "$conf" "$etc_conf"
  else
    as_root mkdir -p /etc/slurm
    as_root ln -sfn "$conf" "$etc_conf"
  fi
}

start_munge() {
  if pid_of munged "$munge_pidfile" >/dev/null; then return 0; fi
  if [ ! -s /etc/munge/munge.key ]; then
    log "creating /etc/munge/munge.key"
    if command -v mungekey >/dev/null 2>&1; then
      as_root mungekey --create --keyfile=/etc/munge/munge.key
    else
      as_root dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
    fi
    as_root chown munge:munge /etc/munge/munge.key
    as_root chmod 0400 /etc/munge/munge.key
  fi
  as_root mkdir -p /run/munge /var/log/munge /var/lib/munge
  as_root chown munge:munge /run/munge /var/log/munge /var/lib/munge
  as_root chmod 0755 /run/munge
  as_root runuser -u munge -- /usr/sbin/munged
}

node_state() { sinfo -h -N -o '%T' 2>/dev/null | head -n 1; }

start() {
  install_missing
  if pid_of slurmctld "$ctld_pidfile" >/dev/null && pid_of slurmd "$slurmd_pidfile" >/dev/null \
      && pid_of munged "$munge_pidfile" >/dev/null && [ "$(node_state)" = idle ]; then
    log "already running (node idle)"
    return 0
  fi
  write_config
  start_munge
  if ! pid_of slurmctld "$ctld_pidfile" >/dev/null; then
    as_root slurmctld -f "$conf"
  fi
  if ! pid_of slurmd "$slurmd_pidfile" >/dev/null; then
    as_root slurmd -f "$conf"
  fi
  local deadline=$((SECONDS + start_timeout)) state=""
  while [ $SECONDS -lt $deadline ]; do
    state="$(node_state || true)"
    case "$state" in
      idle|mixed|allocated) log "up: node $(hostname -s) $state ($conf)"; sinfo >&2; return 0 ;;
      down*|drain*|fail*) as_root scontrol update nodename="$(hostname -s)" state=resume 2>/dev/null || true ;;
    esac
    sleep 1
  done
  log "the node is not idle after ${start_timeout} s (state: ${state:-no answer}); logs in $dir/log"
  tail -n 20 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 2>/dev/null || true
  exit 1
}

stop_one() { # name pidfile
  local pid i
  pid="$(pid_of "$1" "$2")" || return 0
  as_root kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do
    [ -d "/proc/$pid" ] || return 0
    sleep 0.2
  done
  log "$1 ($pid) ignored SIGTERM for 10 s; killing it"
  as_root kill -KILL "$pid" 2>/dev/null || true
}

descendants() { # pid: its children, grandchildren, ...
  local c
  for c in $(awk -v p="$1" '$4 == p {print $1}' /proc/[0-9]*/stat 2>/dev/null); do
    echo "$c"; descendants "$c"
  done
}

# A slurmd that died (or was killed) leaves its slurmstepd processes and their jobs running. This
# cluster's are the slurmstepd processes that hold its slurmd.log open; they and their jobs go.
kill_orphan_steps() {
  local p pids=()
  for p in /proc/[0-9]*; do
    [ "$(cat "$p/comm" 2>/dev/null)" = slurmstepd ] || continue
    if ls -l "$p/fd" 2>/dev/null | grep -qF -- "-> $dir/log/slurmd.log"; then
      pids+=("${p#/proc/}")
    fi
  done
  [ ${#pids[@]} -eq 0 ] && return 0
  local all=()
  for p in "${pids[@]}"; do
    all+=("$p")
    mapfile -t -O "${#all[@]}" all < <(descendants "$p")
  done
  log "killing ${#pids[@]} leftover job step(s) and their processes: ${all[*]}"
  as_root kill -KILL "${all[@]}" 2>/dev/null || true
}

stop() {
  # Cancel this cluster's jobs first, so that no task outlives slurmd.
  if pid_of slurmctld "$ctld_pidfile" >/dev/null && command -v squeue >/dev/null 2>&1; then
    local jobs
    jobs="$(timeout 15 squeue -h -o '%A' 2>/dev/null | sort -u | tr '\n' ' ' || true)"
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086
      timeout 15 scancel $jobs 2>/dev/null || true
      sleep 2
    fi
  fi
  stop_one slurmd "$slurmd_pidfile"
  kill_orphan_steps
  stop_one slurmctld "$ctld_pidfile"
  stop_one munged "$munge_pidfile"
  log "stopped"
}

status() {
  local rc=0 name pidfile pid
  for name in munged slurmctld slurmd; do
    case $name in
      munged) pidfile=$munge_pidfile ;; slurmctld) pidfile=$ctld_pidfile ;; slurmd) pidfile=$slurmd_pidfile ;;
    esac
    if pid="$(pid_of "$name" "$pidfile")"; then echo "$name: running ($pid)"; else echo "$name: stopped"; rc=3; fi
  done
  if [ $rc -eq 0 ]; then timeout 15 sinfo || rc=3; fi
  return $rc
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
