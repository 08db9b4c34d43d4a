#!/usr/bin/env bash
# Installs what the tests need and is missing, builds, runs every test, and ends with the line
# "N passed, N failed" (", N skipped" when any were). Exit status: 0 only when nothing failed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

need() { command -v "$1" >/dev/null 2>&1; }

if ! need dotnet; then
  echo "test.sh: the .NET 10 SDK is missing: install it (https://dot.net) and run again" >&2
  exit 1
fi
if ! need python3; then
  # Used to total the test results from the TRX files.
  echo "test.sh: installing python3 (apt)" >&2
  { apt-get update -qq && apt-get install -y -qq python3 >/dev/null; } || {
    echo "test.sh: python3 is missing and could not be installed: apt-get install -y python3" >&2
    exit 1
  }
fi

# The stream provider tests run real brokers; Debian puts them in /usr/sbin, which may not be on PATH.
if ! { need nats-server || [ -x /usr/sbin/nats-server ]; } || ! { need mosquitto || [ -x /usr/sbin/mosquitto ]; }; then
  echo "test.sh: installing nats-server and mosquitto (apt)" >&2
  { apt-get update -qq && apt-get install -y -qq nats-server mosquitto >/dev/null; } || {
    echo "test.sh: nats-server/mosquitto are missing and could not be installed: apt-get install -y nats-server mosquitto" >&2
    echo "test.sh: the NATS and MQTT stream provider tests will fail until they are installed" >&2
  }
fi

# The ADS-B tests compare our aircraft table with Debian's dump1090-mutability fed the same frames (a peer, not a dependency of the product).
if ! { need dump1090-mutability || [ -x /usr/bin/dump1090-mutability ]; }; then
  echo "test.sh: installing dump1090-mutability (apt)" >&2
  { apt-get update -qq && apt-get install -y -qq dump1090-mutability >/dev/null; } || {
    echo "test.sh: dump1090-mutability is missing and could not be installed: apt-get install -y dump1090-mutability" >&2
    echo "test.sh: the ADS-B interop tests against dump1090 will fail until it is installed" >&2
  }
fi

# openssl for infra/local/make-certs.sh (the development CA and certificates of a local TLS cluster), which a test runs.
if ! need openssl; then
  echo "test.sh: installing openssl (apt)" >&2
  { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; } || \
    echo "test.sh: openssl could not be installed: apt-get install -y openssl; the make-certs test will fail until it is" >&2
fi

# FFTW (single precision) for the signal operators' FFTs: optional at run time (our own SIMD FFT is used without it),
# installed here so the tests cover the FFTW path too.
if [ ! -e /usr/lib/x86_64-linux-gnu/libfftw3f.so.3 ] && [ ! -e /usr/lib/aarch64-linux-gnu/libfftw3f.so.3 ]; then
  echo "test.sh: installing libfftw3-single3 (apt)" >&2
  { apt-get update -qq && apt-get install -y -qq libfftw3-single3 >/dev/null; } || \
    echo "test.sh: libfftw3-single3 could not be installed: apt-get install -y libfftw3-single3; the FFTs fall back to the managed code" >&2
fi

# kubectl renders the Kubernetes manifests offline (`kubectl kustomize`) for the manifest tests; Debian's
# kubernetes-client (kubectl 1.20, kustomize v2) renders them as newer kubectls do.
if ! need kubectl; then
  echo "test.sh: installing kubernetes-client (apt) for kubectl" >&2
  { apt-get update -qq && apt-get install -y -qq kubernetes-client >/dev/null; } || \
    echo "test.sh: kubectl is missing and could not be installed: apt-get install -y kubernetes-client; the Kubernetes manifest tests will fail until it is" >&2
fi

# Headless Chromium loads the Orleans Dashboard in the dashboard test (large: installed only when missing).
if ! need chromium; then
  echo "test.sh: installing chromium (apt) for the dashboard test" >&2
  { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } || \
    echo "test.sh: chromium is missing and could not be installed: apt-get install -y chromium; the dashboard test will fail until it is" >&2
fi

# Azurite (Azure Storage emulator) for the storage and membership tests: the version pinned in infra/package-lock.json.
if [ ! -x infra/node_modules/.bin/azurite ]; then
  if ! need npm; then
    echo "test.sh: installing nodejs and npm (apt) for Azurite" >&2
    { apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; } || echo "test.sh: npm is missing and could not be installed: apt-get install -y nodejs npm" >&2
  fi
  echo "test.sh: installing Azurite (npm ci --prefix infra)" >&2
  npm ci --prefix infra --no-audit --no-fund --loglevel=error >/dev/null || {
    echo "test.sh: Azurite could not be installed: run 'npm ci --prefix infra'; the Azure storage and membership tests will fail until it is" >&2
  }
fi

results="$root/TestResults"
rm -rf "$results"
if ! { dotnet restore Dagger.Orleans.sln -nologo -v q && dotnet build Dagger.Orleans.sln -c Release --no-restore -nologo -v q -clp:ErrorsOnly; }; then
  echo "test.sh: the build failed (errors above); no test ran" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# One test process per area: each area starts its own clusters and servers, and a process that ran one area's
# faults (killed silos, killed brokers) must not leave anything behind for the next area's timing.
areas=(Spec Runtime Embedded Signal Radio Net Placement Cluster Lifecycle Cli Security Streams Edges Storage Membership Durability Alloc Bench Telemetry Kubernetes Dashboard Tool)
filter_all=""
status=0
set +e
for area in "${areas[@]}"; do
  echo "test.sh: tests in $area" >&2
  dotnet test tests/Dagger.Tests/Dagger.Tests.csproj -c Release --no-build -nologo \
    --filter "FullyQualifiedName~Dagger.Orleans.Tests.$area." \
    --logger "trx;LogFileName=$area.trx" --logger "console;verbosity=normal" --results-directory "$results" \
    -- RunConfiguration.TestSessionTimeout=1200000 || status=1
  filter_all="$filter_all&FullyQualifiedName!~Dagger.Orleans.Tests.$area."
done
# Anything in no area above (a new folder) still runs.
dotnet test tests/Dagger.Tests/Dagger.Tests.csproj -c Release --no-build -nologo \
  --filter "${filter_all#&}" \
  --logger "trx;LogFileName=Other.trx" --logger "console;verbosity=normal" --results-directory "$results" \
  -- RunConfiguration.TestSessionTimeout=1200000 || status=1
set -e

# A test that failed runs once more, alone in its own process, and is reported by name either way (trx.py): on 2
# shared cores a fault test can lose a race to the machine rather than to the product, and one such loss must not
# hide the other 580 results. More than 10 failures is no race: nothing is run again.
rerun="$root/TestResults/rerun"
mapfile -t failed_tests < <(python3 tests/trx.py failed "$results")
if [ "${#failed_tests[@]}" -gt 0 ] && [ "${#failed_tests[@]}" -le 10 ]; then
  i=0
  for test in "${failed_tests[@]}"; do
    i=$((i + 1))
    echo "test.sh: running $test again" >&2
    dotnet test tests/Dagger.Tests/Dagger.Tests.csproj -c Release --no-build -nologo \
      --filter "FullyQualifiedName~$test" \
      --logger "trx;LogFileName=rerun-$i.trx" --logger "console;verbosity=normal" --results-directory "$rerun" \
      -- RunConfiguration.TestSessionTimeout=600000 || true
  done
fi

python3 tests/trx.py summary "$results" "$rerun" "$status"
