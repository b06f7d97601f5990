// Command castor keeps incidents and post-mortems as files in a git
// repository: it validates them, turns action items into GitHub issues and
// posts status updates to status pages. See README.md.
package main

import (
	"os"
	// Time zone data in the binary: site.timezone must work on runners
	// and containers without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/castor-incidents/castor/cmd/castor/cli"
)

func main() {
	os.Exit(cli.Main())
}
