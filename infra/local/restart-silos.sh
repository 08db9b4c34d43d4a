#!/usr/bin/env bash
# Restarts every silo up.sh started, on the same ports, while the servers (Azurite, NATS, mosquitto) keep running: a
# full cluster restart. With --kill the silos are SIGKILLed (a crash: nothing is handed over); otherwise SIGTERM (a
# graceful stop). Runs kept in Azure storage (the local profile) answer afterwards, and those whose edges are all on
# NATS/MQTT go on by themselves.
#
#   infra/local/restart-silos.sh [--kill]
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
source "$HERE/lib.sh"
SIGNAL=TERM
case "${1:-}" in
    "") ;;
    --kill) SIGNAL=KILL ;;
    *) echo "restart-silos.sh: unknown argument '$1' (only --kill)" >&2; exit 2 ;;
esac
[[ -f "$STATE/silo-count" && -f "$STATE/silo-ports" ]] || { echo "restart-silos.sh: no cluster from up.sh in $STATE: run infra/local/up.sh first" >&2; exit 1; }
SILOS="$(cat "$STATE/silo-count")"
read -r SILO_PORT GATEWAY_PORT <"$STATE/silo-ports"
SILO_DLL="$ROOT/Silo/bin/Release/net10.0/Dagger.Orleans.Silo.dll"

shopt -s nullglob
pids=()
for pidfile in "$STATE"/pids/silo-*.pid; do
    if alive "$pidfile"; then
        echo "restart-silos.sh: SIG$SIGNAL to $(basename "$pidfile" .pid) (PID $(pid_of "$pidfile"))" >&2
        kill "-$SIGNAL" "$(pid_of "$pidfile")" 2>/dev/null || true
        pids+=("$(pid_of "$pidfile")")
    fi
    rm -f "$pidfile"
done
deadline=$((SECONDS + 30))
for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
        echo "restart-silos.sh: PID $pid did not stop within 30 s: killing it" >&2
        kill -KILL "$pid" 2>/dev/null || true
    fi
done

start_silos "$SILOS" "$SILO_DLL" "$SILO_PORT" "$GATEWAY_PORT" || { echo "restart-silos.sh: a silo did not come back (its log's end is above); infra/local/down.sh stops the rest" >&2; exit 1; }
echo "restart-silos.sh: $SILOS silos up again" >&2
