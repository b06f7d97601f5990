#!/usr/bin/env bash
# The scaling curve: castor on generated repositories of 500, 5,000 and
# 50,000 records (~2 KB each, internal/recordgen), one in ten invalid
# (two errors each) and all valid, in one run so that the ratios hold on
# a noisy machine. For each size it measures, as the median of RUNS runs:
#
#   validate cold       castor validate --no-cache
#   validate warm       castor validate, its result cache filled
#   changed-since       castor validate --no-cache --changed-since HEAD~1,
#                       one record edited (what the Action checks on a PR)
#   plan                castor plan --before HEAD~1 on that one-record
#                       change, cache empty on every run (no token: no
#                       tracking plan; plan then validates the changed
#                       record only and keeps no cache, so there is no
#                       warm row)
#   site                castor site into an empty folder
#   report              castor report (Markdown)
#   cue vet             cue vet -c -d '#Incident' schema/castor.cue on the
#                       same files: the baseline of the ratios
#
# and prints wall time, CPU time (user + system) and peak RSS for each, how
# each grows from the middle size to the largest, and the goals of issue 15
# as ratios. Site and report refuse invalid records (exit 1): on that
# variant they measure the refusal.
# On demand, not in CI (50,000 records take minutes and ~1 GB of disk):
#
#   scripts/bench-scale.sh [RUNS] [SIZES...]     # default: 3 500 5000 50000
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(500 5000 50000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$PWD
rev=$(git describe --always --dirty 2>/dev/null || echo unknown)

# Go keeps its build cache where it is: castor's runs below get their own
# XDG_CACHE_HOME, which would otherwise be Go's too.
GOCACHE=$(go env GOCACHE)
export GOCACHE
go build -o "$work/castor" ./cmd/castor
castor=$work/castor
# The corpus writer (TestWriteCorpus in package schema), built once.
go test -c -o "$work/corpus.test" ./schema
# The cue command of the CUE version castor embeds.
cue=$(command -v cue || true)
if [ -z "$cue" ]; then
  GOBIN="$work" go install "cuelang.org/go/cmd/cue@$(go list -m -f '{{.Version}}' cuelang.org/go)"
  cue=$work/cue
fi
git=(git -c user.name=bench -c user.email=bench@example.org -c init.defaultBranch=main)

# measure FILE CMD...: appends "wall cpu rss exit" for the median wall
# time of RUNS runs of CMD to FILE.
measure() {
  local out=$1
  shift
  for _ in $(seq "$runs"); do
    local rc=0
    /usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>&1 || rc=$?
    # time writes "Command exited with non-zero status" first when the
    # command fails: the figures are the last line.
    read -r wall user sys rss < <(tail -1 "$work/t")
    echo "$wall $(echo "$user + $sys" | bc) $rss $rc"
  done | sort -n | awk -v m=$(((runs + 1) / 2)) 'NR==m' >>"$out"
}

results=$work/results
: >"$results"
for n in "${sizes[@]}"; do
  for variant in invalid valid; do
    dir=$work/repo-$n-$variant
    mkdir -p "$dir"
    flag=false
    [ "$variant" = valid ] && flag=true
    echo "generating $n records ($variant)..." >&2
    "$work/corpus.test" -test.run '^TestWriteCorpus$' -corpus "$dir" -corpus-n "$n" -corpus-valid="$flag" >/dev/null
    (
      cd "$dir"
      "${git[@]}" init -q .
      "${git[@]}" add -A
      "${git[@]}" commit -qm base
      f=$(find records -name '*.yaml' | sort | sed -n 43p)
      echo "# edited" >>"$f"
      "${git[@]}" commit -qam "edit one record"
    )
    cd "$dir"
    export XDG_CACHE_HOME=$work/cache-$n-$variant
    row() { printf '%s %s %s ' "$n" "$variant" "$1" >>"$results"; }
    row "validate-cold"; measure "$results" "$castor" validate --no-cache
    "$castor" validate >/dev/null 2>&1 || true # fill the cache
    row "validate-warm"; measure "$results" "$castor" validate
    row "changed-since"; measure "$results" "$castor" validate --no-cache --changed-since HEAD~1
    row "plan"
    # shellcheck disable=SC2016 # the inner shell expands them
    measure "$results" bash -c 'rm -rf "$1" && XDG_CACHE_HOME="$1" exec "$2" plan --before HEAD~1' _ "$work/empty-cache" "$castor"
    rm -rf "$work/empty-cache"
    row "site"
    # shellcheck disable=SC2016 # the inner shell expands them
    measure "$results" bash -c 'rm -rf "$1" && exec "$2" site -o "$1"' _ "$work/site" "$castor"
    row "report"; measure "$results" "$castor" report
    # 50,000 paths do not fit one command line: xargs makes as few cue
    # runs as fit (one up to ~35,000 records); time adds up their CPU.
    row "cue-vet"
    # shellcheck disable=SC2016 # the inner shell expands them
    measure "$results" bash -c 'find records -name "*.yaml" -print0 | sort -z | xargs -0 -s 2000000 "$1" vet -c -d "#Incident" "$2"' _ "$cue" "$root/schema/castor.cue"
    cd "$root"
    rm -rf "$dir" "$work/site" "$XDG_CACHE_HOME"
  done
done

echo
echo "castor $rev, $("$cue" version | head -1), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at the end, median of $runs run(s):"
echo
echo "| records | variant | command | wall | CPU | peak RSS | exit |"
echo "| ---: | --- | --- | ---: | ---: | ---: | ---: |"
awk '{printf "| %s | %s | %s | %.2f s | %.2f s | %.0f MB | %s |\n", $1, ($2 == "invalid" ? "1 in 10 invalid" : "all valid"), $3, $4, $5, $6 / 1024, $7}' "$results"

if [ ${#sizes[@]} -ge 2 ]; then
  a=${sizes[-2]} b=${sizes[-1]}
  echo
  echo "Growth from $a to $b records ($((b / a))x the records):"
  echo
  echo "| variant | command | wall | CPU |"
  echo "| --- | --- | ---: | ---: |"
  awk -v a="$a" -v b="$b" '
    $1 == a { wa[$2 " " $3] = $4; ca[$2 " " $3] = $5 }
    $1 == b { wb[$2 " " $3] = $4; cb[$2 " " $3] = $5; order[++k] = $2 " " $3 }
    END {
      for (i = 1; i <= k; i++) {
        key = order[i]; split(key, p, " ")
        printf "| %s | %s | %.1fx | %.1fx |\n", (p[1] == "invalid" ? "1 in 10 invalid" : "all valid"), p[2],
          wb[key] / (wa[key] > 0 ? wa[key] : 0.01), cb[key] / (ca[key] > 0 ? ca[key] : 0.01)
      }
    }' "$results"
  echo
  awk -v b="$b" '$1 == b && $2 == "invalid" && ($3 == "changed-since" || $3 == "plan") { cpu += $5 }
    END { printf "A one-record pull request in %d records (10%% invalid): validate --changed-since + plan = %.2f s CPU\n", b, cpu }' "$results"
fi

# The ratios against cue vet, per size: cue's time over castor's.
echo
echo "castor validate against cue vet on the same files (cue's time / castor's):"
echo
echo "| records | variant | cold wall | cold CPU | warm wall | warm CPU | validate peak RSS |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
awk '
  { key = $1 " " $2; w[key, $3] = $4; c[key, $3] = $5; m[key, $3] = $6; if (!(key in seen)) { seen[key] = 1; order[++k] = key } }
  function r(a, b) { return b > 0 ? a / b : 0 }
  END {
    for (i = 1; i <= k; i++) {
      key = order[i]; split(key, p, " ")
      printf "| %s | %s | %.1fx | %.1fx | %.1fx | %.1fx | %.0f MB |\n", p[1], (p[2] == "invalid" ? "1 in 10 invalid" : "all valid"),
        r(w[key, "cue-vet"], w[key, "validate-cold"]), r(c[key, "cue-vet"], c[key, "validate-cold"]),
        r(w[key, "cue-vet"], w[key, "validate-warm"]), r(c[key, "cue-vet"], c[key, "validate-warm"]),
        (m[key, "validate-cold"] > m[key, "validate-warm"] ? m[key, "validate-cold"] : m[key, "validate-warm"]) / 1024
    }
  }' "$results"
