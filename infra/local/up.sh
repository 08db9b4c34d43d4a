#!/usr/bin/env bash
# Starts a local Dagger cluster on 127.0.0.1: Azurite (membership table), nats-server with JetStream, mosquitto, and
# N silos (default 3) with the `local` profile, on mutual TLS: make-certs.sh makes a development CA and certificates
# (infra/local/.run/tls), the silos present and check them, and cluster.json / cluster-azure.json give the dagger
# client its certificate. --insecure runs the silos on plain TCP instead (then use cluster-insecure.json). State,
# logs and PID files go under infra/local/.run/; down.sh stops everything again. Fails loudly, and stops what it
# started, when anything does not come up.
#
#   infra/local/up.sh [N] [--insecure]
#   DAGGER_SILO_PORT=11111 DAGGER_GATEWAY_PORT=30000: first silo's ports (silo i uses base + i)
set -euo pipefail

SILOS=3
TLS_MODE=tls
for arg in "$@"; do
    case "$arg" in
        --insecure) TLS_MODE=insecure ;;
        *) SILOS="$arg" ;;
    esac
done
[[ "$SILOS" =~ ^[1-9][0-9]?$ ]] || { echo "up.sh: N must be a number of silos from 1 to 99, got '$SILOS'" >&2; exit 2; }
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
source "$HERE/lib.sh"
SILO_PORT="${DAGGER_SILO_PORT:-11111}"
GATEWAY_PORT="${DAGGER_GATEWAY_PORT:-30000}"

mkdir -p "$STATE/logs" "$STATE/pids" "$STATE/azurite" "$STATE/nats"
for pidfile in "$STATE"/pids/*.pid; do
    [[ -e "$pidfile" ]] || continue
    if alive "$pidfile"; then
        echo "up.sh: $(basename "$pidfile" .pid) is still running (PID $(pid_of "$pidfile")): run infra/local/down.sh first" >&2
        exit 1
    fi
    rm -f "$pidfile"
done

fail() {
    echo "up.sh: $*" >&2
    echo "up.sh: stopping what was started" >&2
    "$HERE/down.sh" >&2 || true
    exit 1
}

need() { command -v "$1" >/dev/null 2>&1 || [[ -x "/usr/sbin/$1" ]] || fail "'$1' is not installed: $2"; }
need nats-server "apt-get install -y nats-server"
need mosquitto "apt-get install -y mosquitto"
need dotnet "install the .NET 10 SDK"
[[ "$TLS_MODE" == insecure ]] || need openssl "apt-get install -y openssl (or run up.sh --insecure for plain TCP)"
AZURITE="$ROOT/infra/node_modules/.bin/azurite"
if [[ ! -x "$AZURITE" ]]; then
    need npm "install Node.js 20+ and npm"
    echo "up.sh: installing the pinned Azurite (npm ci --prefix infra)" >&2
    npm ci --prefix "$ROOT/infra" --no-audit --no-fund >"$STATE/logs/npm.log" 2>&1 || fail "npm ci --prefix infra failed; see $STATE/logs/npm.log"
fi
SILO_DLL="$ROOT/Silo/bin/Release/net10.0/Dagger.Orleans.Silo.dll"
if [[ ! -f "$SILO_DLL" ]]; then
    echo "up.sh: building the silo (dotnet build Silo -c Release)" >&2
    dotnet build "$ROOT/Silo" -c Release -nologo -v q >"$STATE/logs/build.log" 2>&1 || fail "building the silo failed; see $STATE/logs/build.log"
fi

echo "up.sh: starting Azurite (tables 127.0.0.1:10002, blobs 10000, queues 10001)" >&2
start azurite "$STATE/logs/azurite.log" "$AZURITE" --silent --location "$STATE/azurite" --skipApiVersionCheck --loose \
    --blobHost 127.0.0.1 --blobPort 10000 --queueHost 127.0.0.1 --queuePort 10001 --tableHost 127.0.0.1 --tablePort 10002
echo "up.sh: starting nats-server with JetStream (127.0.0.1:4222)" >&2
start nats "$STATE/logs/nats.log" nats-server -a 127.0.0.1 -p 4222 -js -sd "$STATE/nats"
printf 'listener 1883 127.0.0.1\nallow_anonymous true\n' >"$STATE/mosquitto.conf"
echo "up.sh: starting mosquitto (127.0.0.1:1883)" >&2
start mosquitto "$STATE/logs/mosquitto.log" mosquitto -c "$STATE/mosquitto.conf"

wait_port azurite 10002 30 || fail "Azurite did not answer on 127.0.0.1:10002; see $STATE/logs/azurite.log"
wait_port azurite 10000 10 || fail "Azurite did not answer on 127.0.0.1:10000; see $STATE/logs/azurite.log"
wait_port nats 4222 15 || fail "nats-server did not answer on 127.0.0.1:4222; see $STATE/logs/nats.log"
wait_port mosquitto 1883 15 || fail "mosquitto did not answer on 127.0.0.1:1883; see $STATE/logs/mosquitto.log"

echo "$TLS_MODE" >"$STATE/tls-mode"
if [[ "$TLS_MODE" == tls ]]; then
    "$HERE/make-certs.sh" "$STATE/tls" || fail "making the development certificates failed (make-certs.sh)"
else
    echo "up.sh: --insecure: the silos run on plain TCP; anyone who reaches their ports can submit, cancel and read runs (SECURITY.md)" >&2
fi
start_silos "$SILOS" "$SILO_DLL" "$SILO_PORT" "$GATEWAY_PORT" || fail "a silo did not come up (its log's end is above)"
echo "$SILOS" >"$STATE/silo-count"
echo "$SILO_PORT $GATEWAY_PORT" >"$STATE/silo-ports"

if [[ "$TLS_MODE" == tls ]]; then
    echo "up.sh: $SILOS silos up (cluster 'dev', mutual TLS; certificates in $STATE/tls). Try:" >&2
    echo "  ./dagger run examples/quickstart.json --cluster infra/local/cluster.json" >&2
    echo "  ./dagger run examples/quickstart.json --cluster infra/local/cluster-azure.json" >&2
else
    echo "up.sh: $SILOS silos up (cluster 'dev', plain TCP). Try:" >&2
    echo "  ./dagger run examples/quickstart.json --cluster infra/local/cluster-insecure.json" >&2
fi
echo "  infra/local/restart-silos.sh [--kill]   # every silo stopped (or killed) and started again" >&2
echo "  infra/local/down.sh" >&2
