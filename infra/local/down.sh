#!/usr/bin/env bash
# Stops what up.sh started, by the PIDs it recorded: silos first (they leave the cluster gracefully), then the servers.
# SIGTERM, up to 20 s to go, then SIGKILL. Data and logs stay in infra/local/.run/ (delete the folder to start afresh).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
[[ -d "$STATE/pids" ]] || { echo "down.sh: nothing to stop (no $STATE/pids)" >&2; exit 0; }

stop_all() {
    local pidfile pids=() files=()
    for pidfile in "$@"; do
        [[ -e "$pidfile" ]] || continue
        if alive "$pidfile"; then
            echo "down.sh: stopping $(basename "$pidfile" .pid) (PID $(pid_of "$pidfile"))" >&2
            kill -TERM "$(pid_of "$pidfile")" 2>/dev/null || true
            pids+=("$(pid_of "$pidfile")")
        fi
        files+=("$pidfile")
    done
    local deadline=$((SECONDS + 20)) pid
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
        if kill -0 "$pid" 2>/dev/null; then
            echo "down.sh: PID $pid did not stop within 20 s of SIGTERM: killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
    done
    ((${#files[@]} == 0)) || rm -f "${files[@]}"
}

shopt -s nullglob
stop_all "$STATE"/pids/silo-*.pid
stop_all "$STATE"/pids/*.pid
echo "down.sh: stopped" >&2
