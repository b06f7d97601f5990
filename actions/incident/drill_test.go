package incident

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"

	"github.com/castor-incidents/castor/schema"
)

// testDrill is a drill of testdata/update/resolved.yaml.
func testDrill(t *testing.T, dir string) Drill {
	t.Helper()
	repo, err := schema.OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := repo.LoadAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	played := set.Record("2024-03-10-mail-down")
	if played == nil || played.Incident == nil {
		t.Fatalf("no played record: %v", set.Diagnostics)
	}
	start := time.Date(2025, 6, 12, 12, 0, 0, 0, time.UTC)
	return Drill{
		Played: played.Incident, Start: start, End: start.Add(38*time.Minute + 10*time.Second),
		GameMaster: "carol", Participants: []string{"alice", "bob"},
		BriefAt:   0,
		Times:     map[string]time.Duration{"acknowledged": 2*time.Minute + 10*time.Second, "resolved": 38 * time.Minute},
		Real:      map[string]time.Duration{"identified": time.Hour, "mitigated": time.Hour, "resolved": time.Hour},
		CallOrder: []string{"acknowledged", "identified", "mitigated", "resolved"},
		Log: []schema.DrillCall{
			{At: start.Add(2*time.Minute + 10*time.Second), Call: "acknowledged"},
			{At: start.Add(3 * time.Minute), Call: "note", Note: "check: the MX records"},
			{At: start.Add(38 * time.Minute), Call: "resolved"},
		},
		WentWell:  []string{"paged fast"},
		WentWrong: []string{"no runbook: #1 problem", "multi\nline"},
	}
}

// A drill ends in a record of kind drill that validates, in the work
// tree; a second drill of the same record the same day takes -2.
func TestNewDrillLocal(t *testing.T) {
	dir, _ := repoWith(t, "resolved.yaml")
	var out, errOut bytes.Buffer
	res, err := NewDrill(context.Background(), DrillOptions{Dir: dir, Drill: testDrill(t, dir), Out: &out, ErrOut: &errOut})
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if res.Path != "records/2025/2025-06-12-drill-mail-down.yaml" || out.String() != res.Path+": wrote the drill record\n" {
		t.Fatalf("result %+v, out %q", res, out.String())
	}
	data := readFile(t, filepath.Join(dir, res.Path))
	for _, want := range []string{
		"kind: drill\nid: 2025-06-12-drill-mail-down\ntitle: 'Drill: Mail server down'\nvisibility: internal # a drill is always internal\n",
		"played: 2024-03-10-mail-down # the record the drill played\n",
		"started_at: 2025-06-12T14:00:00+02:00\nended_at: 2025-06-12T14:38:10+02:00\ngame_master: carol\nparticipants: [alice, bob]\ncomponents: [email] # the played record's\n",
		"brief_at: 0s\ntimes: {acknowledged: 2m10s, resolved: 38m}\nreal: {identified: 1h, mitigated: 1h, resolved: 1h}\n",
		"  - at: 2025-06-12T14:03:00+02:00\n    call: note\n    note: 'check: the MX records'\n",
		"went_well:\n  - paged fast\nwent_wrong:\n  - 'no runbook: #1 problem'\n  - |-\n      multi\n      line\n",
		"# action_items:\n",
	} {
		if !strings.Contains(data, want) {
			t.Errorf("the record lacks %q:\n%s", want, data)
		}
	}
	// It validates, and reads back as written.
	repo, _ := schema.OpenRepo(dir)
	set, err := repo.LoadAll(context.Background())
	if err != nil || set.HasErrors() {
		t.Fatalf("%v %v", err, set.Diagnostics)
	}
	d := set.Record("2025-06-12-drill-mail-down").Incident
	if !d.IsDrill() || d.Played != "2024-03-10-mail-down" || d.Times["acknowledged"] != "2m10s" || len(d.Calls) != 3 ||
		d.WentWrong[1] != "multi\nline" || d.Calls[1].Note != "check: the MX records" || !slices.Equal(d.Participants, []string{"alice", "bob"}) {
		t.Errorf("read back: %+v", d.Drill)
	}

	res2, err := NewDrill(context.Background(), DrillOptions{Dir: dir, Drill: testDrill(t, dir), Out: &out, ErrOut: &errOut})
	if err != nil || res2.ID != "2025-06-12-drill-mail-down-2" {
		t.Fatalf("second drill: %+v, %v", res2, err)
	}

	// A drill names its players; a login must be one.
	d2 := testDrill(t, dir)
	d2.Participants = nil
	if _, err := NewDrill(context.Background(), DrillOptions{Dir: dir, Drill: d2, Out: &out, ErrOut: &errOut}); err == nil || !strings.Contains(err.Error(), "--player") {
		t.Errorf("no players: %v", err)
	}
	d2.Participants = []string{"not a login"}
	if _, err := NewDrill(context.Background(), DrillOptions{Dir: dir, Drill: d2, Out: &out, ErrOut: &errOut}); err == nil || !strings.Contains(err.Error(), `"not a login" is not a GitHub login`) {
		t.Errorf("bad login: %v", err)
	}
}

// With PR, the drill record goes through castor new's flow: a branch
// drill/<id> from the default branch, one commit, a push, a draft pull
// request labelled drill. A second drill the same day is a new one.
func TestNewDrillPR(t *testing.T) {
	origin, clone := gitSetup(t, map[string]string{
		"castor.yaml":                            parisConfig,
		"records/2024/2024-03-10-mail-down.yaml": readFile(t, "testdata/update/resolved.yaml"),
	})
	srv, pulls := fakeGitHub(t)
	var out, errOut bytes.Buffer
	opts := DrillOptions{Dir: clone, Drill: testDrill(t, clone), PR: true, Publish: PublishOptions{Repository: "acme/incidents", Pulls: pulls}, Out: &out, ErrOut: &errOut}
	res, err := NewDrill(context.Background(), opts)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if res.ID != "2025-06-12-drill-mail-down" || res.PR == nil || res.PR.Branch != "drill/2025-06-12-drill-mail-down" {
		t.Fatalf("result %+v", res)
	}
	bare, _ := git.PlainOpen(origin)
	ref, err := bare.Reference(plumbing.NewBranchReferenceName("drill/2025-06-12-drill-mail-down"), true)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := bare.CommitObject(ref.Hash())
	if !strings.HasPrefix(c.Message, "2025-06-12-drill-mail-down: drill of 2024-03-10-mail-down\n\nDrill: Mail server down") {
		t.Errorf("commit message %q", c.Message)
	}
	if _, err := c.File("records/2025/2025-06-12-drill-mail-down.yaml"); err != nil {
		t.Errorf("record not in the commit: %v", err)
	}
	is, _ := srv.Issue("acme/incidents", 1)
	if is.Title != "Drill: Mail server down" || is.PullRequest == nil || !is.PullRequest.Draft || is.PullRequest.Head != "drill/2025-06-12-drill-mail-down" || !strings.Contains(is.Body, "<!-- castor:drill 2025-06-12-drill-mail-down -->") {
		t.Errorf("pull request %+v", is)
	}
	if len(is.Labels) != 1 || is.Labels[0] != "drill" {
		t.Errorf("labels %v", is.Labels)
	}
	if !strings.Contains(out.String(), "records/2025/2025-06-12-drill-mail-down.yaml: wrote the drill record, on branch drill/2025-06-12-drill-mail-down\nhttps://github.com/acme/incidents/pull/1\n") {
		t.Errorf("out %q", out.String())
	}

	// The next drill of the same record the same day, while the first
	// one's pull request is open: a new record, not a refusal.
	opts.Drill = testDrill(t, clone)
	res2, err := NewDrill(context.Background(), opts)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	if res2.ID != "2025-06-12-drill-mail-down-2" || res2.PR.Pull.Number == res.PR.Pull.Number {
		t.Errorf("second drill %+v", res2)
	}
}

// When the pull request cannot be made, the drill is not lost: its
// record is written to the work tree and the error says where.
func TestNewDrillPRFails(t *testing.T) {
	_, clone := gitSetup(t, map[string]string{
		"castor.yaml":                            parisConfig,
		"records/2024/2024-03-10-mail-down.yaml": readFile(t, "testdata/update/resolved.yaml"),
	})
	_, pulls := fakeGitHub(t)
	var out, errOut bytes.Buffer
	// A repository the fake GitHub does not know: GitHub refuses the
	// pull request.
	_, err := NewDrill(context.Background(), DrillOptions{Dir: clone, Drill: testDrill(t, clone), PR: true,
		Publish: PublishOptions{Repository: "acme/nope", Pulls: pulls}, Out: &out, ErrOut: &errOut})
	if err == nil || !strings.Contains(err.Error(), "the drill record is saved in the work tree at records/2025/2025-06-12-drill-mail-down.yaml") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(filepath.Join(clone, "records", "2025", "2025-06-12-drill-mail-down.yaml")); err != nil {
		t.Error(err)
	}
}
