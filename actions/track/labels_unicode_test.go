package track

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Tags in any script become tag/ labels on the tracking issues, and a
// tracking label outside ASCII still finds castor's issues in the
// listing (GitHub's labels= filter): a second run writes nothing. A tag
// too long for a label (GitHub: 50 characters) gets none, with a note.
func TestUnicodeLabels(t *testing.T) {
	e := newEnv(t)
	e.writeFile("castor.yaml", "tracking:\n  labels: [インシデント対応, suivi-équipe]\n")
	long := "très-" + strings.Repeat("é", 42) // 47 characters: tag/ makes 51
	rec := record{id: "2024-05-02-dns", title: "DNS down", sev: "SEV2", items: []item{
		{id: "ttl", title: "Lower the TTLs"},
		{id: "probe", title: "Probe the resolvers"},
	}}
	writeTagged := func(tags string) {
		t.Helper()
		p := filepath.Join(e.dir, filepath.FromSlash(rec.path()))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(rec.yaml()+"tags: ["+tags+"]\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeTagged("hébergement, ネットワーク, " + long)

	res, out := e.mustApply()
	if res.Created != 2 {
		t.Fatalf("result %+v\n%s", res, out)
	}
	if want := `tag "` + long + `" makes a label over GitHub's 50 characters: its issue gets no tag/ label`; strings.Count(out, want) != 1 {
		t.Errorf("want the note once:\n%s", out)
	}
	for _, key := range []string{"2024-05-02-dns/ttl", "2024-05-02-dns/probe"} {
		is := e.issue(key)
		for _, l := range []string{"インシデント対応", "suivi-équipe", "tag/hébergement", "tag/ネットワーク"} {
			if !slices.Contains(is.Labels, l) {
				t.Errorf("%s: labels %q lack %q", key, is.Labels, l)
			}
		}
		for _, l := range is.Labels {
			if strings.Contains(l, "très") {
				t.Errorf("%s: label %q made from a tag too long", key, l)
			}
		}
	}
	var made []string
	for _, l := range e.fake.Labels(testRepo) {
		made = append(made, l.Name+" "+l.Description)
	}
	if !slices.Contains(made, "tag/ネットワーク Incident tag: ネットワーク (castor)") {
		t.Errorf("labels made: %q", made)
	}

	// The listing filters by the first label, in Japanese: it finds the
	// issues, and nothing is written again.
	e.fake.ResetLog()
	if res, out := e.mustApply(); res.Created != 0 || res.Updated != 0 || len(e.fake.Writes()) != 0 {
		t.Fatalf("second run: %+v\n%s\n%s", res, out, requestList(e.fake.Writes()))
	}
	if q := e.fake.Requests()[0].Query.Get("labels"); q != "インシデント対応" {
		t.Errorf("listing filtered by %q", q)
	}

	// A tag dropped from the record: its label leaves the issues, the
	// team's own labels stay.
	writeTagged("hébergement")
	if res, out := e.mustApply(); res.Updated != 2 {
		t.Fatalf("tag removed: %+v\n%s", res, out)
	}
	if is := e.issue("2024-05-02-dns/ttl"); slices.Contains(is.Labels, "tag/ネットワーク") || !slices.Contains(is.Labels, "tag/hébergement") {
		t.Errorf("labels after the tag left: %q", is.Labels)
	}
}
