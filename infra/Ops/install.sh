#!/usr/bin/env bash
# Installs failoverctl as a command: publishes it to PREFIX/share/failoverctl and puts a launcher in PREFIX/bin (PREFIX:
# ~/.local unless set). Run it again after pulling to update; `rm -r ~/.local/share/failoverctl ~/.local/bin/failoverctl`
# removes it. Only stderr is written to, like the wrapper (infra/Ops/failoverctl.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prefix="${PREFIX:-$HOME/.local}"
app="$prefix/share/failoverctl"
bin="$prefix/bin"

echo "Publishing failoverctl to $app..." >&2
rm -rf "$app.new"
DOTNET_NOLOGO=1 dotnet publish "$root/infra/Ops" -c Release -o "$app.new" --nologo -v quiet 1>&2
# Swapped in whole: a failed publish leaves the installed copy working.
rm -rf "$app"
mv "$app.new" "$app"

# A launcher rather than a link to the apphost: it runs with the same `dotnet` that built it, wherever that is installed.
mkdir -p "$bin"
printf '#!/bin/sh\nexec dotnet "%s/failoverctl.dll" "$@"\n' "$app" > "$bin/failoverctl"
chmod +x "$bin/failoverctl"
echo "Installed $bin/failoverctl" >&2
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "$bin is not on PATH: add  export PATH=\"$bin:\$PATH\"  to your shell's profile" >&2 ;;
esac
