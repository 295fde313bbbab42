#!/usr/bin/env bash
# The command Pulumi runs (Pulumi.yaml runtime.options.compiler): prints the Pulumi YAML program on stdout.
# Pulumi runs it at least twice per preview/up and `dotnet run` spends ~2 s deciding whether to build, so this runs the
# built compiler directly while nothing it is built from has changed, and rebuilds first when something has: build
# output goes to stderr, so stdout is only ever the program.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/infra/Compiler/bin/Release/net10.0"
dll="$out/failover-infra.dll"
stamp="$out/.built-from-sources"
lock="$root/infra/Compiler/obj/compile-lock"

# What the compiler is built from, by path and content (not modification time: a copy or checkout can keep old times).
fingerprint() {
  (
    cd "$root"
    files=$(find infra/compile.sh infra/Compiler infra/Model functions/Contract Directory.Build.props Directory.Packages.props \
      \( -name bin -o -name obj \) -prune -o -type f -print | LC_ALL=C sort)
    { printf '%s\n' "$files"; printf '%s\n' "$files" | tr '\n' '\0' | xargs -0 cat; } | cksum
  )
}

stale() { [[ ! -f "$dll" || ! -f "$stamp" || "$(cat "$stamp")" != "$1" ]]; }

current=$(fingerprint)
if stale "$current"; then
  # One build at a time (two stacks previewed at once share this folder); mkdir is atomic everywhere, flock is not on macOS.
  mkdir -p "$root/infra/Compiler/obj"
  for _ in $(seq 1 1200); do
    mkdir "$lock" 2>/dev/null && break
    # A lock older than 10 minutes belongs to a build that died.
    if [[ -n "$(find "$lock" -maxdepth 0 -mmin +10 2>/dev/null)" ]]; then rmdir "$lock" 2>/dev/null || true; fi
    sleep 0.5
  done
  [[ -d "$lock" ]] || { echo "error: another build of the compiler holds $lock; remove it if no build is running" >&2; exit 1; }
  trap 'rmdir "$lock" 2>/dev/null || true' EXIT
  if stale "$current"; then
    # --no-incremental: MSBuild judges by modification time too, and a source restored with an old time must still count.
    DOTNET_NOLOGO=1 dotnet build "$root/infra/Compiler" -c Release --nologo -v quiet --no-incremental 1>&2
    # The fingerprint taken before the build: a source saved during it makes the next run build again.
    printf '%s\n' "$current" > "$stamp"
  fi
  rmdir "$lock" 2>/dev/null || true
  trap - EXIT
fi
exec dotnet "$dll" "$@"
