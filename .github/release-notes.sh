#!/usr/bin/env bash
# Prints the CHANGELOG.md section of version $1 and checks that deno.json and
# src/model/tool.ts name the same version; exits 1 (message on stderr) if not.
set -euo pipefail
version=${1:?usage: release-notes.sh VERSION}
cd "$(dirname "$0")/.."
fail() { echo "release-notes: $*" >&2; exit 1; }
grep -q "\"version\": \"$version\"" deno.json || fail "deno.json does not have version $version"
grep -q "export const VERSION = \"$version\";" src/model/tool.ts ||
  fail "src/model/tool.ts VERSION is not $version"
notes=$(awk -v v="$version" '
  $0 ~ "^## \\[" v "\\]" { found = 1; next }
  found && /^## \[/ { exit }
  found { print }
' CHANGELOG.md)
[ -n "$(tr -d '[:space:]' <<<"$notes")" ] || fail "CHANGELOG.md has no section for $version"
printf '%s\n' "$notes"
