package incident

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzEditRecord adds updates, timeline entries and action items with
// arbitrary text to the test records: every edit either fails cleanly or
// gives a valid record that keeps every original line but the edited
// ones (apply checks the data; this checks the lines).
func FuzzEditRecord(f *testing.F) {
	for _, s := range trickyStrings {
		f.Add(s, uint8(0), int16(30))
	}
	f.Add("multi\nline\n\nmessage", uint8(1), int16(-90))
	f.Add("# not a comment", uint8(2), int16(200))
	inputs := []string{"commented.yaml", "resolved.yaml", "crlf.yaml", "noeol.yaml"}
	dir := f.TempDir()
	writeFileF(f, dir+"/castor.yaml", parisConfig)
	ws, err := openWorkspace(dir, "")
	if err != nil {
		f.Fatal(err)
	}
	srcs := map[string]string{}
	for _, in := range inputs {
		srcs[in] = readFileF(f, "testdata/update/"+in)
	}
	f.Fuzz(func(t *testing.T, text string, which uint8, minutes int16) {
		if !utf8.ValidString(text) || strings.TrimSpace(text) == "" || strings.ContainsRune(text, 0) {
			return
		}
		in := inputs[int(which)%len(inputs)]
		src := srcs[in]
		at := time.Date(2024, 3, 10, 10, 0, 0, 0, time.UTC).Add(time.Duration(minutes) * time.Minute)
		o := &UpdateOptions{Now: func() time.Time { return at }, Kind: "prevent", Priority: "P2"}
		switch which / 4 % 3 {
		case 0:
			o.Message, o.HasMessage, o.Status = text, true, "monitoring"
		case 1:
			o.Timeline, o.HasTimeline = text, true
		default:
			o.Action = text
		}
		out, _, _, err := editRecord(context.Background(), ws, "records/2024/2024-03-10-mail-down.yaml", []byte(src), o)
		if err != nil {
			return // refused: nothing written
		}
		for _, l := range removedLines(src, string(out)) {
			if !strings.HasPrefix(l, "status:") && !strings.HasPrefix(l, "resolved_at:") && !strings.HasPrefix(l, "updates: []") &&
				!strings.HasPrefix(l, "components: []") && !strings.HasPrefix(l, "        message: Looking.") {
				t.Fatalf("%s: line changed: %q", in, l)
			}
		}
		if _, err := ws.check(context.Background(), "records/2024/2024-03-10-mail-down.yaml", out); err != nil {
			t.Fatalf("%s: invalid result: %v", in, err)
		}
	})
}

func writeFileF(f *testing.F, name, content string) {
	f.Helper()
	if err := writeAtomic(name, []byte(content)); err != nil {
		f.Fatal(err)
	}
}

func readFileF(f *testing.F, name string) string {
	f.Helper()
	b, err := readLimited(name, 1<<20)
	if err != nil {
		f.Fatal(err)
	}
	return string(b)
}
