#!/usr/bin/env bash
# The command Pulumi runs (Pulumi.yaml runtime.options.compiler): prints the Pulumi YAML program on stdout.
# Pulumi runs it at least twice per preview/up and `dotnet run` spends ~2.4 s deciding whether to build, so this runs
# the built compiler directly while nothing it is built from has changed, and rebuilds first when something has:
# build output goes to stderr, so stdout is only ever the program.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/infra/bin/Release/net10.0"
dll="$out/failover-infra.dll"
stamp="$out/.built-from-sources"
# What the compiler is built from: its sources, the contract it shares with the functions, the build settings.
sources=(infra functions/Contract Directory.Build.props Directory.Packages.props)

stale() {
  [[ -f "$stamp" && -f "$dll" ]] || return 0
  # Directories count too: adding, deleting or renaming a file changes its folder's time.
  [[ -n "$(cd "$root" && find "${sources[@]}" \( -path infra/bin -o -path infra/obj -o -path infra/bench \) -prune -o -newer "$stamp" -print -quit)" ]]
}

if stale; then
  mkdir -p "$root/infra/obj"
  # Two stacks previewed at once must not build into the same folder together (flock is absent on macOS: no lock there).
  if command -v flock >/dev/null 2>&1; then exec 9>"$root/infra/obj/.compile.lock"; flock 9; fi
  if stale; then
    # Stamp the start: a source saved during the build is newer than the stamp, so the next run builds again.
    touch "$stamp.next" 2>/dev/null || { mkdir -p "$out"; touch "$stamp.next"; }
    DOTNET_NOLOGO=1 dotnet build "$root/infra" -c Release --nologo -v quiet 1>&2
    mv "$stamp.next" "$stamp"
  fi
fi
exec dotnet "$dll" "$@"
