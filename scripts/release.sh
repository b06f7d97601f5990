#!/usr/bin/env bash
# Builds castor's release assets into DIST (default dist/): one binary per
# platform, built with -trimpath and without cgo from a clean checkout of
# the tag, the version stamped, and checksums.txt (SHA-256, in
# sha256sum's format) listing them. The release workflow
# (.github/workflows/release.yml) runs it on a version tag, then attests
# the binaries' provenance and attaches everything to the GitHub release.
#
#   scripts/release.sh vX.Y.Z [DIST]
#
# Assets are named castor-OS-ARCH (.exe on Windows): scripts/install.sh,
# which the Action runs, downloads them by these names. The version
# reaches `castor version` twice over: Go writes the tag of a clean
# checkout into the binary's build information, and -X sets
# internal/version.Version to it.
set -euo pipefail
tag=${1:?usage: scripts/release.sh vX.Y.Z [DIST]}
dist=$(realpath -m "${2:-dist}")
platforms=${CASTOR_PLATFORMS:-linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64}
cd "$(dirname "$0")/.."

[[ $tag =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$ ]] || { echo "release: $tag is not a version tag (vX.Y.Z)" >&2; exit 2; }
[ "$(git rev-parse -q --verify "$tag^{commit}" || true)" = "$(git rev-parse HEAD)" ] || { echo "release: HEAD is not at tag $tag" >&2; exit 1; }
# A change in the work tree would make the version v1.2.3+dirty.
[ -z "$(git status --porcelain)" ] || { echo "release: the work tree has changes:" >&2; git status --short >&2; exit 1; }

rm -rf "$dist"
mkdir -p "$dist"
for p in $platforms; do
  os=${p%/*} arch=${p#*/}
  name=castor-$os-$arch
  [ "$os" = windows ] && name=$name.exe
  echo "release: $name"
  CGO_ENABLED=0 GOOS=$os GOARCH=$arch go build -trimpath \
    -ldflags "-s -w -X github.com/castor-incidents/castor/internal/version.Version=$tag" \
    -o "$dist/$name" ./cmd/castor
done
(cd "$dist" && sha256sum castor-* >checksums.txt)
cat "$dist/checksums.txt"
