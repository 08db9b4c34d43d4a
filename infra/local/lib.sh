# Shared by up.sh, down.sh and restart-silos.sh (sourced, not run).
STATE="${DAGGER_LOCAL_STATE:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.run}"

pid_of() { cat "$1"; }

# alive PIDFILE: the recorded process still runs and is still ours (a PID can be reused after a reboot).
alive() {
    local pid args
    pid="$(pid_of "$1")"
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    args="$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)"
    [[ "$args" == *"$STATE"* || "$args" == *Dagger.Orleans.Silo.dll* ]]
}

# wait_port NAME PORT SECONDS: until 127.0.0.1:PORT accepts a connection; fails early when NAME's process ends.
wait_port() {
    local name="$1" port="$2" deadline=$((SECONDS + $3))
    while ((SECONDS < deadline)); do
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
        alive "$STATE/pids/$name.pid" || return 1
        sleep 0.1
    done
    return 1
}

# start NAME LOG COMMAND...: runs COMMAND in the background, detached from this shell, and records its PID.
start() {
    local name="$1" log="$2"
    shift 2
    nohup "$@" >"$log" 2>&1 </dev/null &
    echo "$!" >"$STATE/pids/$name.pid"
}

# tls_settings: the silo settings for the TLS mode up.sh recorded: the certificates of make-certs.sh, or (insecure)
# plain TCP, which the local profile refuses unless told so.
tls_settings() {
    if [[ "$(cat "$STATE/tls-mode" 2>/dev/null || echo tls)" == insecure ]]; then
        echo "--Dagger:Tls:Required=false"
    else
        echo "--Dagger:Tls:Certificate=$STATE/tls/silo.pem --Dagger:Tls:Key=$STATE/tls/silo.key --Dagger:Tls:CaCertificate=$STATE/tls/ca.pem"
    fi
}

# start_silos N SILO_DLL SILO_PORT GATEWAY_PORT: starts silos 0..N-1 with the local profile (silo i on base + i) and
# waits for each one's ready line; on failure prints the end of its log and returns 1.
start_silos() {
    local count="$1" dll="$2" silo_base="$3" gateway_base="$4" i silo gateway tls
    read -r -a tls <<<"$(tls_settings)"
    for ((i = 0; i < count; i++)); do
        silo=$((silo_base + i)) gateway=$((gateway_base + i))
        echo "starting silo-$i (silo port $silo, gateway port $gateway)" >&2
        # Appended, not truncated: a restart keeps the log of the run before it.
        echo "---- $(date -u +%FT%TZ) start" >>"$STATE/logs/silo-$i.log"
        nohup dotnet "$dll" --profile local "--Dagger:Silo:SiloPort=$silo" "--Dagger:Silo:GatewayPort=$gateway" "${tls[@]}" \
            "--Dagger:Dashboard:Port=$((${DAGGER_DASHBOARD_PORT:-8080} + i))" \
            >>"$STATE/logs/silo-$i.log" 2>&1 </dev/null &
        echo "$!" >"$STATE/pids/silo-$i.pid"
    done
    for ((i = 0; i < count; i++)); do
        wait_ready "silo-$i" "$STATE/logs/silo-$i.log" 120 || {
            echo "silo-$i did not start; the end of $STATE/logs/silo-$i.log:" >&2
            tail -n 20 "$STATE/logs/silo-$i.log" >&2
            return 1
        }
    done
}

# wait_ready NAME LOG SECONDS: until the last start recorded in LOG printed the silo's ready line.
wait_ready() {
    local name="$1" log="$2" deadline=$((SECONDS + $3))
    while ((SECONDS < deadline)); do
        awk '/^---- .* start$/ { ready = 0 } /^dagger silo ready/ { ready = 1 } END { exit !ready }' "$log" 2>/dev/null && return 0
        alive "$STATE/pids/$name.pid" || return 1
        sleep 0.2
    done
    return 1
}
