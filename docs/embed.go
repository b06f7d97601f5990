// Package docs holds castor's documentation. The files castor itself
// writes from it are embedded here, so that they have one source: the
// workflow castor init puts in place is the documented one.
package docs

import _ "embed"

// Workflow is workflow.yml, the GitHub Actions workflow of a records
// repository.
//
//go:embed workflow.yml
var Workflow []byte
