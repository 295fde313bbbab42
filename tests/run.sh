#!/usr/bin/env bash
# The whole test suite on a fresh machine: installs the test oracles from their lockfile, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

need() { command -v "$1" >/dev/null 2>&1 || { echo "error: $1 is required ($2)" >&2; exit 1; }; }
need dotnet "the .NET 10 SDK builds and runs everything"
need node "the schema oracle type-checks compiled programs against the real Pulumi provider types"
need npm "installs the oracles from tests/oracles/package-lock.json"
need python3 "runs moto, the AWS emulator the function tests use"
need readelf "checks which glibc the native binary needs (binutils)"
need jq "runs the deploy guide's policy line, as the guide's command test does"
if ! python3 -c "import awscli" 2>/dev/null; then
  echo "error: the AWS CLI's Python package is not installed: the deploy guide's aws lines are checked with its parser; install it with pip install awscli." >&2
  exit 1
fi
if ! python3 -c "import moto, boto3" 2>/dev/null; then
  echo "error: moto (with boto3) is not installed: \`python3 -c \"import moto\"\` failed. The function tests run against moto's AWS emulator; install it with pip install 'moto[server]'." >&2
  exit 1
fi

# npm ci reinstalls from scratch; skip it when node_modules was installed from this very lockfile.
oracles=tests/oracles
stamp="$oracles/node_modules/.installed-from-lock"
lock_hash=$(sha256sum "$oracles/package-lock.json" | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_hash" ]; then
  echo "Installing test oracles (npm ci in $oracles)..."
  npm ci --prefix "$oracles" --ignore-scripts --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > "$stamp"
fi

# The native binary and its zip are artifacts under test (glibc, zip layout, end-to-end runs).
dotnet publish functions -c Release --nologo -v quiet
# The drill harness (Infra.Tests, which does not reference failoverctl) runs the built failoverctl report.
dotnet build infra/Ops -c Release --nologo -v quiet

dotnet test failover.slnx -c Release
