package ghaction

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"slices"
	"strings"
)

// writeOutputs appends step outputs to $GITHUB_OUTPUT in the multi-line
// form, with a random delimiter that no value can contain by chance or
// by design.
func writeOutputs(path string, outputs map[string]string) error {
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("write step outputs: %w", err)
	}
	defer f.Close()
	keys := make([]string, 0, len(outputs))
	for k := range outputs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v := outputs[k]
		delim, err := randomDelimiter()
		if err != nil {
			return err
		}
		for strings.Contains(v, delim) { // never, but cheap to be sure
			if delim, err = randomDelimiter(); err != nil {
				return err
			}
		}
		if _, err := fmt.Fprintf(f, "%s<<%s\n%s\n%s\n", k, delim, v, delim); err != nil {
			return fmt.Errorf("write step outputs: %w", err)
		}
	}
	return f.Close()
}

func randomDelimiter() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "castor_" + hex.EncodeToString(b[:]), nil
}
