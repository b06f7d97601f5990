#!/usr/bin/env bash
# Installs castor for the GitHub Action (action.yml): the released binary
# for this runner's OS and architecture, checked against the release's
# checksums.txt, when the action's ref is a release; otherwise it says so
# and asks for a build from source.
#
#   scripts/install.sh          download the release (or ask for a build)
#   scripts/install.sh build    build from source (Go must be set up)
#
# Environment (action.yml sets it; the tests point the URLs at fakes):
#   CASTOR_REF          the action's ref: v1.2.3, v1, a branch or a commit
#   CASTOR_REPOSITORY   owner/name of the action (castor-incidents/castor)
#   CASTOR_SOURCE       the action's files, for a build from source
#   CASTOR_DOWNLOAD_URL release downloads: $URL/$REPO/releases/download/$TAG/$ASSET
#                       (default $GITHUB_SERVER_URL, else https://github.com)
#   CASTOR_GIT_URL      the git remote whose tags tell the release of a ref
#                       (default $CASTOR_DOWNLOAD_URL/$CASTOR_REPOSITORY)
#   CASTOR_TIMEOUT      seconds a download may take (default 60), and
#   CASTOR_RETRIES      how many times a failed one is tried again (2)
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TOOL_CACHE, RUNNER_TEMP, GITHUB_OUTPUT
#
# Outputs (GITHUB_OUTPUT): path=the castor binary, or build=true.
# Exit status: 0 installed or build asked for; 1 a checksum that does not
# match, or a download that fails for another reason than a missing
# release (the binary is never run then).
set -euo pipefail

ref=${CASTOR_REF:-}
repo=${CASTOR_REPOSITORY:-}
# The runner leaves github.action_ref and github.action_repository empty
# in some composite actions (actions/runner#2473): the action's path,
# .../_actions/OWNER/NAME/REF, says them too.
if [[ ${CASTOR_SOURCE:-} == */_actions/*/*/* ]]; then
  rest=${CASTOR_SOURCE#*/_actions/}
  [ -n "$repo" ] || repo=$(cut -d/ -f1-2 <<<"$rest")
  [ -n "$ref" ] || ref=$(cut -d/ -f3- <<<"$rest")
fi
repo=${repo:-castor-incidents/castor}
server=${CASTOR_DOWNLOAD_URL:-${GITHUB_SERVER_URL:-https://github.com}}
git_url=${CASTOR_GIT_URL:-$server/$repo}
timeout=${CASTOR_TIMEOUT:-60}
retries=${CASTOR_RETRIES:-2}
output=${GITHUB_OUTPUT:-/dev/null}

fail() { echo "::error::castor: $*" >&2; exit 1; }

build_instead() {
  echo "::notice::castor: $*: building castor from source (slower; a release tag such as @v1.2.3 downloads a checked binary)"
  echo "build=true" >>"$output"
  exit 0
}

case "${RUNNER_OS:-$(uname -s)}" in
  Linux) os=linux ;;
  macOS | Darwin) os=darwin ;;
  Windows | MINGW* | MSYS* | CYGWIN*) os=windows ;;
  *) os=unknown ;;
esac
case "${RUNNER_ARCH:-$(uname -m)}" in
  X64 | x86_64 | amd64) arch=amd64 ;;
  ARM64 | aarch64 | arm64) arch=arm64 ;;
  *) arch=unknown ;;
esac
exe=""
[ "$os" = windows ] && exe=.exe
asset="castor-$os-$arch$exe"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

if [ "${1:-}" = build ]; then
  dir=${RUNNER_TEMP:-${TMPDIR:-/tmp}}/castor-build
  mkdir -p "$dir"
  echo "castor: building from source ($ref)"
  (cd "${CASTOR_SOURCE:?CASTOR_SOURCE must name the source of castor}" && go build -trimpath -o "$dir/castor$exe" ./cmd/castor)
  "$dir/castor$exe" --help >/dev/null
  echo "path=$dir/castor$exe" >>"$output"
  exit 0
fi

[ -n "$ref" ] || build_instead "no ref for the action (a local action?)"
if [ "$os" = unknown ] || [ "$arch" = unknown ]; then
  build_instead "no released binary for this runner ($(uname -s) $(uname -m))"
fi

# The release of the ref: the ref itself when it is a version tag, else
# the version tag on the same commit (v1 moves with each v1.x.y; a branch
# or a commit may be a release too), the highest if there are several.
# git ls-remote asks the remote over git's protocol: no API rate limit.
semver='^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$'
if [[ $ref =~ $semver ]]; then
  tag=$ref
else
  refs=$(git ls-remote --tags --heads "$git_url" 2>/dev/null) || fail "cannot list the tags of $git_url"
  commit=$(awk -v r="$ref" '$2 == "refs/tags/" r "^{}" { print $1; exit }' <<<"$refs")
  [ -n "$commit" ] || commit=$(awk -v r="$ref" '$2 == "refs/tags/" r || $2 == "refs/heads/" r { print $1; exit }' <<<"$refs")
  [ -n "$commit" ] || { [[ $ref =~ ^[0-9a-f]{40}$ ]] && commit=$ref; } || true
  [ -n "$commit" ] || build_instead "$ref is neither a tag nor a branch of $git_url"
  # Annotated tags list their commit on a ^{} line: take it over the tag object's.
  tags=$(awk -v c="$commit" '$1 == c { sub("^refs/tags/", "", $2); sub("\\^\\{\\}$", "", $2); print $2 }' <<<"$refs" |
    grep -E "$semver" | sort -V || true)
  # A release over a pre-release of the same commit.
  tag=$(grep -v -- - <<<"$tags" | tail -1 || true)
  [ -n "$tag" ] || tag=$(tail -1 <<<"$tags")
  [ -n "$tag" ] || build_instead "no release at $ref (commit ${commit:0:12})"
fi

dir=${RUNNER_TOOL_CACHE:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}}/castor/${tag#v}/$arch
mkdir -p "$dir"
bin=$dir/castor$exe
base="$server/$repo/releases/download/$tag"

# fetch URL FILE: 0 when fetched, 2 when the server says 404, 1 otherwise.
fetch() {
  local code
  code=$(curl -sSL --retry "$retries" --retry-connrefused --connect-timeout 10 --max-time "$timeout" \
    -o "$2" -w '%{http_code}' "$1") || { echo "castor: download of $1 failed" >&2; return 1; }
  case $code in
    200) return 0 ;;
    404) return 2 ;;
    *) echo "castor: download of $1: HTTP $code" >&2; return 1 ;;
  esac
}

sums=$dir/checksums.txt.part
rc=0; fetch "$base/checksums.txt" "$sums" || rc=$?
case $rc in
  0) ;;
  2) rm -f "$sums"; build_instead "no release $tag of $repo (checksums.txt not found)" ;;
  *) rm -f "$sums"; fail "cannot download the checksums of release $tag" ;;
esac
want=$(awk -v a="$asset" '$2 == a || $2 == "*" a { print $1; exit }' "$sums")
rm -f "$sums"
[ -n "$want" ] || build_instead "release $tag has no $asset"

if [ -f "$bin" ] && [ "$(sha256 "$bin")" = "$want" ]; then
  echo "castor $tag $os/$arch: cached in $dir, checksum verified"
else
  part=$bin.part
  rc=0; fetch "$base/$asset" "$part" || rc=$?
  case $rc in
    0) ;;
    2) rm -f "$part"; build_instead "release $tag has no $asset" ;;
    *) rm -f "$part"; fail "cannot download $asset of release $tag" ;;
  esac
  got=$(sha256 "$part")
  if [ "$got" != "$want" ]; then
    rm -f "$part"
    fail "checksum mismatch for $asset of release $tag: checksums.txt says $want, the download is $got; refusing to run it"
  fi
  chmod +x "$part"
  mv -f "$part" "$bin"
  echo "castor $tag $os/$arch: downloaded to $dir, checksum verified"
fi
"$bin" --help >/dev/null || fail "the downloaded castor does not run on this runner"
echo "path=$bin" >>"$output"
