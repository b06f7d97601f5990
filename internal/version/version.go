// Package version tells which castor is running, from the build
// information the Go toolchain writes into every binary: the module's
// version (a tag for `go install …@v1.2.3`, a pseudo-version for a build
// from a git checkout), the commit, and the Go version.
//
// Release builds may set the version explicitly, for builds made where
// the toolchain cannot see the tag:
//
//	go build -ldflags "-X github.com/castor-incidents/castor/internal/version.Version=v1.2.3" ./cmd/castor
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version, when set at link time, wins over the module's version.
var Version string

// Info is what a binary knows about its own build.
type Info struct {
	// Version is a module version (v1.2.3, a pseudo-version), or
	// "(devel)" when the toolchain could not tell.
	Version string
	// Commit is the VCS revision the binary was built from, and Time its
	// commit time (RFC 3339); empty when unknown. Modified is true when
	// the work tree had changes.
	Commit, Time string
	Modified     bool
	// Go is the toolchain (go1.26.8), Platform GOOS/GOARCH.
	Go, Platform string
}

// Get reads the running binary's build information.
func Get() Info {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = &debug.BuildInfo{GoVersion: runtime.Version()}
	}
	return fromBuildInfo(bi, Version)
}

func fromBuildInfo(bi *debug.BuildInfo, stamped string) Info {
	info := Info{Version: bi.Main.Version, Go: bi.GoVersion, Platform: runtime.GOOS + "/" + runtime.GOARCH}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit = s.Value
		case "vcs.time":
			info.Time = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	if stamped != "" {
		info.Version = stamped
	}
	// A pseudo-version already says "+dirty" for a modified tree.
	info.Version = strings.TrimSuffix(info.Version, "+dirty")
	if info.Version == "" {
		info.Version = "(devel)"
	}
	return info
}

// String is the one line castor --version prints, and the Action's log
// starts with:
//
//	castor v1.2.3 (commit 0123456789ab, 2026-03-10T09:00:00Z) go1.26.8 linux/amd64
//	castor (devel) (commit 0123456789ab, modified) go1.26.8 linux/amd64
func (i Info) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "castor %s", i.Version)
	if i.Commit != "" || i.Modified {
		var parts []string
		if i.Commit != "" {
			parts = append(parts, "commit "+shortCommit(i.Commit))
		}
		if i.Time != "" {
			parts = append(parts, i.Time)
		}
		if i.Modified {
			parts = append(parts, "modified")
		}
		fmt.Fprintf(&b, " (%s)", strings.Join(parts, ", "))
	}
	fmt.Fprintf(&b, " %s %s", i.Go, i.Platform)
	return b.String()
}

func shortCommit(c string) string {
	if len(c) > 12 {
		return c[:12]
	}
	return c
}
