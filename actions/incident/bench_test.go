package incident

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// The costs of castor update and castor import, each against the
// validation of the same record, which both include (castor validate of
// one file is the floor).

const bundled = "records/2021/2021-03-10-mail-server-down.yaml"

func benchWorkspace(b *testing.B) (*workspace, []byte) {
	b.Helper()
	ws, err := openWorkspace("../..", "")
	if err != nil {
		b.Fatal(err)
	}
	src, err := ws.read(bundled)
	if err != nil {
		b.Fatal(err)
	}
	return ws, src
}

// BenchmarkValidateRecord is the baseline: one validation of the bundled
// Flus record (190 lines).
func BenchmarkValidateRecord(b *testing.B) {
	ws, src := benchWorkspace(b)
	ctx := context.Background()
	for b.Loop() {
		if _, _, err := ws.check(ctx, bundled, src); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUpdateRecord adds a status update to the same record: two
// validations (before and after), two YAML parses, the splice.
func BenchmarkUpdateRecord(b *testing.B) {
	ws, src := benchWorkspace(b)
	ctx := context.Background()
	o := &UpdateOptions{ID: "2021-03-10-mail-server-down", Status: "resolved", Message: "Post-mortem published.", HasMessage: true,
		Now: func() time.Time { return time.Date(2021, 3, 11, 10, 40, 0, 0, time.UTC) }}
	for b.Loop() {
		if _, _, _, err := editRecord(ctx, ws, bundled, src, o); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImportSeed builds the draft of the mojibake seed (repair,
// Markdown, chronology) and validates it.
func BenchmarkImportSeed(b *testing.B) {
	ws, _ := benchWorkspace(b)
	src, err := readLimited(seedDir+"flus-2021-03-10-postmortem.mojibake.md", 1<<20)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		d, err := buildDraft(src, "post.md", draftOptions{loc: ws.loc})
		if err != nil {
			b.Fatal(err)
		}
		if _, _, err := ws.check(ctx, ws.recordPath(d.id), d.bytes()); err != nil {
			b.Fatal(err)
		}
	}
}

// bigPost is a post-mortem of about 1 MB: a table and a list of
// chronology, long sections, an action table.
func bigPost() []byte {
	var b strings.Builder
	b.WriteString("# Checkout outage on 2024-03-10\n\nAll times are UTC.\n\n## Summary\n\n")
	for b.Len() < 200<<10 {
		b.WriteString("The checkout API failed for part of the users after a deploy; the deploy was rolled back.\n")
	}
	b.WriteString("\n## Timeline\n\n| Time | Event |\n| --- | --- |\n")
	for i := 0; b.Len() < 500<<10; i++ {
		fmt.Fprintf(&b, "| %02d:%02d | Step %d of the response, with **bold** and a [link](https://example.org/%d). |\n", i/60%24, i%60, i, i)
	}
	b.WriteString("\n### 2024-03-11\n\n")
	for i := 0; b.Len() < 800<<10; i++ {
		fmt.Fprintf(&b, "- %02d:%02d Follow-up step %d, still going.\n", i/60%24, i%60, i)
	}
	b.WriteString("\n## Action items\n\n| Action | Owner | Priority | Status |\n| --- | --- | --- | --- |\n")
	for i := 0; b.Len() < 1<<20; i++ {
		fmt.Fprintf(&b, "| Fix thing %d | @octocat | P%d | TODO |\n", i, i%4)
	}
	return []byte(b.String())
}

// BenchmarkImport1MB reads a 1 MB post-mortem into a draft (no
// validation): compare with BenchmarkValidateRecord in the same run.
func BenchmarkImport1MB(b *testing.B) {
	src := bigPost()
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := buildDraft(src, "big.md", draftOptions{loc: time.UTC}); err != nil {
			b.Fatal(err)
		}
	}
}
