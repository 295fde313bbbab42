#!/usr/bin/env bash
# Installs failoverctl as a command: publishes it to PREFIX/share/failoverctl and puts a launcher in PREFIX/bin (PREFIX:
# ~/.local unless set). Run it again after pulling to update; `rm -r ~/.local/share/failoverctl ~/.local/bin/failoverctl`
# removes it. Only stderr is written to, like the wrapper (infra/Ops/failoverctl.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
prefix="${PREFIX:-$HOME/.local}"
app="$prefix/share/failoverctl"
bin="$prefix/bin"

# The launcher names this dotnet by its full path: cron and sudo run with a PATH that may not have it.
dotnet="$(command -v dotnet)" || { echo "error: dotnet is not on PATH: install the .NET 10 SDK" >&2; exit 1; }
[[ "$dotnet" == /* ]] || dotnet="$PWD/$dotnet"

echo "Publishing failoverctl to $app..." >&2
mkdir -p "$prefix/share"
new="$(mktemp -d "$app.new.XXXXXX")"
chmod 755 "$new"  # mktemp makes it private; the installed copy is for whoever runs the launcher
trap 'rm -rf "$new"' EXIT
DOTNET_NOLOGO=1 "$dotnet" publish "$root/infra/Ops" -c Release -o "$new" --nologo -v quiet 1>&2
# Swapped in whole: a failed publish leaves the installed copy working.
rm -rf "$app"
mv "$new" "$app"

mkdir -p "$bin"
# A launcher rather than a link to the apphost, which would look for the runtime by itself. %q: a prefix may hold any character.
printf '#!/usr/bin/env bash\nexec %q %q "$@"\n' "$dotnet" "$app/failoverctl.dll" > "$bin/failoverctl"
chmod +x "$bin/failoverctl"
echo "Installed $bin/failoverctl (runs $dotnet)" >&2
case ":$PATH:" in
  *":$bin:"*) ;;
  *) echo "$bin is not on PATH: add  export PATH=\"$bin:\$PATH\"  to your shell's profile" >&2 ;;
esac
