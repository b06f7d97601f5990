package errkind

import (
	"errors"
	"fmt"
	"io/fs"
	"testing"
)

func TestOf(t *testing.T) {
	base := fmt.Errorf("read x: %w", fs.ErrNotExist)
	for _, c := range []struct {
		err  error
		want Kind
	}{
		{nil, Internal},
		{base, Internal},
		{Wrap(Usage, base), Usage},
		{fmt.Errorf("publish: %w", Wrap(Partial, base)), Partial},
		{Wrap(Partial, Wrap(Usage, base)), Partial},
		{New(Invalid, "record %s: %w", "a", base), Invalid},
	} {
		if got := Of(c.err); got != c.want {
			t.Errorf("Of(%v) = %v, want %v", c.err, got, c.want)
		}
	}
	err := fmt.Errorf("publish: %w", New(Invalid, "record %s: %w", "a", base))
	if err.Error() != "publish: record a: read x: file does not exist" {
		t.Errorf("message changed: %q", err)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		t.Error("errors.Is does not see through the mark")
	}
	if Wrap(Usage, nil) != nil {
		t.Error("Wrap(nil) is not nil")
	}
}
