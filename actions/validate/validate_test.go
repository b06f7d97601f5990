package validate

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// The bundled records are the README's demo: they must stay valid.
func TestBundledRecordsAreValid(t *testing.T) {
	var out, errOut bytes.Buffer
	res, err := Run(context.Background(), Options{Dir: "../..", Format: "text", Out: &out, ErrOut: &errOut, Now: time.Now()})
	if err != nil {
		t.Fatalf("castor validate on the bundled records: %v\n%s%s", err, out.String(), errOut.String())
	}
	if res.Records < 4 {
		t.Errorf("only %d bundled records, want at least 4", res.Records)
	}
	if res.Warnings > 0 {
		t.Errorf("bundled records have warnings:\n%s", out.String())
	}
}
