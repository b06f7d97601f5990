package incident

import (
	"testing"

	"github.com/castor-incidents/castor/internal/lazyre"
)

// The package's expressions are compiled on first use (lazyre): each of
// them compiles.
func TestExpressionsCompile(t *testing.T) {
	if bad, err := lazyre.Compiled(); err != nil {
		t.Fatalf("%s: %v", bad, err)
	}
}
