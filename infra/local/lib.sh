# Shared by up.sh and down.sh (sourced, not run).
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

# wait_line NAME LOG TEXT SECONDS: until LOG has a line starting with TEXT; fails early when NAME's process ends.
wait_line() {
    local name="$1" log="$2" text="$3" deadline=$((SECONDS + $4))
    while ((SECONDS < deadline)); do
        grep -q "^$text" "$log" 2>/dev/null && return 0
        alive "$STATE/pids/$name.pid" || return 1
        sleep 0.2
    done
    return 1
}
