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
		// keeps little: fewer collections save CPU for a bounded heap
		// (castor report over 5,000 records: see the commit message).
		debug.SetGCPercent(400)
	}
	os.Exit(cli.Main())
}
