#!/usr/bin/env bash
# Runs failoverctl, building it first when a source it is built from has changed. Build output goes to stderr, so stdout
# is only ever failoverctl's own (an --output json document stays parseable); `dotnet run` would print build lines there.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/infra/Ops/bin/Release/net10.0"
dll="$out/failoverctl.dll"
stamp="$out/.built-from-sources"

# What it is built from, by path and content (a checkout can keep old modification times).
fingerprint() {
  (
    cd "$root"
    files=$(find infra functions Directory.Build.props Directory.Packages.props \
      \( -name bin -o -name obj -o -name dist -o -name bench \) -prune -o -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' \) -print | LC_ALL=C sort)
    { printf '%s\n' "$files"; printf '%s\n' "$files" | tr '\n' '\0' | xargs -0 cat; } | cksum
  )
}

current=$(fingerprint)
if [[ ! -f "$dll" || ! -f "$stamp" || "$(cat "$stamp")" != "$current" ]]; then
  echo "Building failoverctl (first use, or a source changed)..." >&2
  DOTNET_NOLOGO=1 dotnet build "$root/infra/Ops" -c Release --nologo -v quiet --no-incremental 1>&2
  printf '%s\n' "$current" > "$stamp"
fi
exec dotnet "$dll" "$@"
