// Command castor keeps incidents and post-mortems as files in a git
// repository: it validates them, turns action items into GitHub issues and
// posts status updates to status pages. See README.md.
package main

import (
	"os"
	"runtime/debug"
	// Time zone data in the binary: site.timezone must work on runners
	// and containers without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/castor-incidents/castor/cmd/castor/cli"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// castor is a short-lived batch process that allocates much and
		// keeps little: fewer collections save CPU for a bounded heap.
		// 300 keeps validate under 100 MB for 5,000 records (one in ten
		// invalid: ~85 MB; 100 MB at 400, 68 MB at 200, with the times
		// within noise) and gives report most of the gain (GOGC=100 →
		// 400: -10% wall). validate adds a soft memory limit of its own
		// (cli/validate.go): at 50,000 records this target alone took it
		// to ~300 MB for ~40 MB it holds.
		debug.SetGCPercent(300)
	}
	os.Exit(cli.Main())
}
