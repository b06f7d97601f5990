package incident

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"

	"github.com/castor-incidents/castor/internal/errkind"
)

// FuzzEditRecord adds updates, timeline entries and action items with
// arbitrary text to the test records: every edit either fails cleanly or
// gives a valid record that keeps every original line but the edited
// ones (apply checks the data; this checks the lines). The only refusals
// allowed are for the entry's time.
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
		if errkind.Of(err) == errkind.Usage {
			return // refused for its time (older than the last update...)
		}
		if err != nil {
			// These files' layouts are all editable: any other refusal
			// is castor writing YAML that does not read back.
			t.Fatalf("%s: %v", in, err)
		}
		for _, l := range removedLines(src, string(out)) {
			if !strings.HasPrefix(l, "status:") && !strings.HasPrefix(l, "resolved_at:") && !strings.HasPrefix(l, "updates: []") &&
				!strings.HasPrefix(l, "components: []") && !strings.HasPrefix(l, "        message: Looking.") {
				t.Fatalf("%s: line changed: %q", in, l)
			}
		}
		if _, _, err := ws.check(context.Background(), "records/2024/2024-03-10-mail-down.yaml", out); err != nil {
			t.Fatalf("%s: invalid result: %v", in, err)
		}
	})
}

func writeFileF(f *testing.F, name, content string) {
	f.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		f.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
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

// FuzzImportDraft: whatever the Markdown, import either refuses with an
// error or makes a draft that validates.
func FuzzImportDraft(f *testing.F) {
	addImportSeeds(f)
	dir := f.TempDir()
	writeFileF(f, dir+"/castor.yaml", parisConfig)
	ws, err := openWorkspace(dir, "")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, post string) {
		// A post-mortem of any shape costs little: seconds would mean a
		// pathological path (kept in the corpus when found).
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 3*time.Second {
				t.Fatalf("%d-byte post took %s", len(post), d)
			}
		}()
		d, err := buildDraft([]byte(post), "post.md", draftOptions{loc: ws.loc, date: "2024-03-10"})
		if err != nil {
			return
		}
		draft := d.bytes()
		if !utf8.Valid(draft) {
			t.Fatalf("draft is not UTF-8:\n%s", draft)
		}
		if _, _, err := ws.check(context.Background(), ws.recordPath(d.id), draft); err != nil {
			t.Fatalf("draft does not validate: %v\n%s", err, d.bytes())
		}
	})
}

// addImportSeeds seeds an import fuzz target with castor's seed post,
// mangled, and the shapes of real post-mortems: every post of the corpus.
func addImportSeeds(f *testing.F) {
	f.Add(readFileF(f, seedDir+"flus-2021-03-10-postmortem.utf8.md"))
	f.Add(readFileF(f, seedDir+"flus-2021-03-10-postmortem.mojibake.md"))
	f.Add(englishPost)
	f.Add("---\ntitle: x\ndate: 2024-01-02\n---\n## Timeline\n- 23:59 a\n- 0:01 b\n## Actions\n- null\n- true\n")
	posts, err := filepath.Glob("testdata/import/corpus/*.md")
	if err != nil || len(posts) == 0 {
		f.Fatalf("no corpus posts (%v)", err)
	}
	for _, p := range posts {
		f.Add(readFileF(f, p))
	}
}

// FuzzImportRead is FuzzImportDraft without the validation of each draft
// (which costs a schema evaluation per input): many more inputs a second
// through the reading of the post, for panics, a draft that is not UTF-8
// or not YAML, and slow paths.
func FuzzImportRead(f *testing.F) {
	addImportSeeds(f)
	f.Fuzz(func(t *testing.T, post string) {
		start := time.Now()
		defer func() {
			if d := time.Since(start); d > 3*time.Second {
				t.Fatalf("%d-byte post took %s", len(post), d)
			}
		}()
		d, err := buildDraft([]byte(post), "post.md", draftOptions{loc: time.UTC, date: "2024-03-10"})
		if err != nil {
			return
		}
		draft := d.bytes()
		if !utf8.Valid(draft) {
			t.Fatalf("draft is not UTF-8:\n%s", draft)
		}
		var v any
		if err := yaml.Unmarshal(draft, &v); err != nil {
			t.Fatalf("draft is not YAML: %v\n%s", err, draft)
		}
	})
}
