package lazyre

import (
	"sync"
	"testing"
)

func TestLazy(t *testing.T) {
	r := New(`^(\d{4})-(\d{2})$`)
	var wg sync.WaitGroup
	for range 8 { // first uses at once compile once, race-free
		wg.Go(func() {
			if m := r.FindStringSubmatch("2024-03"); len(m) != 3 || m[1] != "2024" {
				t.Errorf("FindStringSubmatch = %q", m)
			}
		})
	}
	wg.Wait()
	if !r.MatchString("1999-12") || r.MatchString("x") || r.String() != `^(\d{4})-(\d{2})$` {
		t.Fatal("methods")
	}
	if first := r.Regexp(); r.Regexp() != first {
		t.Fatal("compiled twice")
	}
	if bad, err := Compiled(); err != nil {
		t.Fatalf("%s: %v", bad, err)
	}
	New(`(unclosed`)
	if bad, err := Compiled(); err == nil || bad != `(unclosed` {
		t.Fatalf("Compiled = %q, %v; want the bad expression", bad, err)
	}
}
