#!/usr/bin/env bash
# Measures `castor validate` against `cue vet -c -d '#Incident'` on the same
# 5,000 generated records (~2 KB each; one in ten invalid, or none with
# "valid"), in one run so that the ratios hold on a noisy machine. Prints
# wall time, CPU time and peak RSS (median of RUNS runs) and the ratios.
# On demand, not in CI:
#
#   scripts/bench-vs-cue.sh [RUNS] [valid]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build -o "$work/castor" ./cmd/castor
cue=$(command -v cue || true)
if [ -z "$cue" ]; then
  GOBIN="$work" go install cuelang.org/go/cmd/cue@v0.17.1
  cue="$work/cue"
fi
"$cue" version | head -1
go test ./schema -run TestWriteCorpus -corpus "$work/corpus" -corpus-valid="$([ "${2:-}" = valid ] && echo true || echo false)" -count=1 >/dev/null
cd "$work/corpus"
files=$(find records -name '*.yaml' | sort)
export XDG_CACHE_HOME="$work/cache"

# measure NAME CMD...: prints "NAME wall cpu rss" for the median wall time.
measure() {
  local name=$1; shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>&1 || true
    # time writes "Command exited with non-zero status" first when the
    # records are invalid, as one in ten is: the figures are the last line.
    read -r wall user sys rss < <(tail -1 "$work/t")
    echo "$wall $(echo "$user + $sys" | bc) $rss"
  done | sort -n | awk -v n="$name" -v m=$(( (runs + 1) / 2 )) 'NR==m {printf "%-22s %6.2f s wall %6.2f s cpu %7.1f MB\n", n, $1, $2, $3/1024}'
}

# shellcheck disable=SC2086 # one argument per file
measure "cue vet" "$cue" vet -c -d '#Incident' "$OLDPWD/schema/castor.cue" $files | tee "$work/cue.txt"
measure "castor cold" "$work/castor" validate --no-cache | tee "$work/cold.txt"
"$work/castor" validate >/dev/null 2>&1 || true   # fill the cache
measure "castor warm" "$work/castor" validate | tee "$work/warm.txt"

git init -q . && git add -A && git -c user.name=b -c user.email=b@example.org commit -qm base
echo "# edited" >> "$(echo "$files" | sed -n 43p)"
git add -A && git -c user.name=b -c user.email=b@example.org commit -qm edit
measure "castor changed-since" "$work/castor" validate --no-cache --changed-since HEAD~1 | tee "$work/changed.txt"

cue_wall=$(awk '{print $3}' "$work/cue.txt")
for f in cold warm; do
  awk -v c="$cue_wall" -v n="$f" '{printf "castor %s is %.1fx faster than cue vet (wall)\n", n, c / $3}' "$work/$f.txt"
done
