#!/usr/bin/env bash
# Release check for CI (called from .ci/run and `make release-check`):
#   1. build a release of the bundled taxonomy twice, into two temp folders;
#   2. check the two builds are byte-identical (diff -r);
#   3. check its Open311 output against the Open311 project's JSON Schemas (when ../shared is there);
#   4. diff it against the last frozen golden release (tests/golden/), written to $OUT/diff-vs-golden.md.
# Exit non-zero on any failure. Environment:
#   CODEKIT   codekit command           (default .venv/bin/codekit)
#   PYTHON    python of the venv        (default .venv/bin/python)
#   TAXONOMY  taxonomy folder           (default taxonomy)
#   CATALOGUE catalogue file            (default: the repository's codekit.toml: sample:311, the sample city)
#   OUT       where the report goes     (default build/release-check)
#   BASELINE  release to diff against   (default: newest tests/golden/bundled-v*/, else newest tests/golden/v*/)
#   FAIL_ON   major|minor: fail when the diff against the baseline is that breaking (default: report only)
set -euo pipefail
cd "$(dirname "$0")/.."

CODEKIT="${CODEKIT:-.venv/bin/codekit}"
PYTHON="${PYTHON:-.venv/bin/python}"
TAXONOMY="${TAXONOMY:-taxonomy}"
OUT="${OUT:-build/release-check}"
CAT_ARGS=()
if [ -n "${CATALOGUE:-}" ]; then CAT_ARGS=(--catalogue "$CATALOGUE"); fi
REV="$(git rev-parse HEAD 2>/dev/null || echo unknown)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"

echo "== release: building $TAXONOMY twice"
"$CODEKIT" release "$TAXONOMY" ${CAT_ARGS[@]+"${CAT_ARGS[@]}"} --out "$work/a" --source-revision "$REV"
"$CODEKIT" release "$TAXONOMY" ${CAT_ARGS[@]+"${CAT_ARGS[@]}"} --out "$work/b" --source-revision "$REV"
version="$(ls "$work/a")"
echo "built $version ($(find "$work/a/$version" -type f | wc -l) files)"

echo "== release: byte-identical rebuild"
diff -r "$work/a/$version" "$work/b/$version"
echo "identical"

shared="${CODEKIT_SHARED:-../shared}/data/open311-schema"
if [ -d "$shared" ]; then
  echo "== release: Open311 output against $shared"
  "$PYTHON" - "$work/a/$version" "$shared" <<'PY'
import sys
from codekit.release.open311 import check_against_schemas
problems = check_against_schemas(sys.argv[1], sys.argv[2])
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
PY
  echo "valid"
else
  echo "== release: Open311 schemas not found at $shared: skipped"
fi

baseline="${BASELINE:-}"
if [ -z "$baseline" ]; then
  baseline="$(ls -d tests/golden/bundled-v*/ 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$baseline" ] || baseline="$(ls -d tests/golden/v*/ 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [ -n "$baseline" ]; then
  echo "== release: diff against the frozen release $baseline"
  fail=()
  if [ -n "${FAIL_ON:-}" ]; then fail=(--fail-on "$FAIL_ON"); fi
  "$CODEKIT" diff "$baseline" "$work/a/$version" --output markdown ${fail[@]+"${fail[@]}"} > "$OUT/diff-vs-golden.md"
  sed -n 3p "$OUT/diff-vs-golden.md"
  echo "full diff: $OUT/diff-vs-golden.md"
else
  echo "== release: no frozen release under tests/golden: diff skipped"
fi
