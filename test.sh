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
areas=(Spec Runtime Embedded Signal Radio Placement Cluster Lifecycle Cli Streams Edges Storage Membership Durability Alloc Bench)
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

python3 - "$results" "$status" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
files = glob.glob(f"{sys.argv[1]}/*.trx")
for f in files:
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0))
    failed += int(c.get("failed", 0)) + int(c.get("error", 0)) + int(c.get("timeout", 0)) + int(c.get("aborted", 0))
    # xunit's skipped tests count as not executed: total − executed.
    skipped += max(int(c.get("notExecuted", 0)), int(c.get("total", 0)) - int(c.get("executed", 0)))
if not files:
    print("test.sh: no test results were written", file=sys.stderr)
    failed += 1
# A run can fail without a failed test (a class fixture's clean-up threw): count it, so the summary never says
# "0 failed" for a run that failed.
if int(sys.argv[2]) != 0 and failed == 0:
    print("test.sh: a test run failed outside any test (see 'Test Class Cleanup Failure' or similar above)", file=sys.stderr)
    failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
PY
exit $status
