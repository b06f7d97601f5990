package incident

import (
	"context"
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
	src, err := readLimited(ws.abs(bundled), 1<<20)
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
