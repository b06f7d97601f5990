package incident

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/castor-incidents/castor/internal/errkind"
)

func runNew(t *testing.T, dir string, o NewOptions) (*NewResult, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	o.Dir, o.Out, o.ErrOut = dir, &out, &errOut
	if o.Now == nil {
		o.Now = fixedNow
	}
	res, err := New(context.Background(), o)
	return res, out.String() + errOut.String(), err
}

func TestNewTemplateAndLifecycle(t *testing.T) {
	dir := newRepo(t, parisConfig+"  - {name: dns}\n")
	res, out, err := runNew(t, dir, NewOptions{Title: "  Serveur de courriels   hors-service ", Severity: "SEV2", Components: []string{"email", "dns=degraded_performance"}, Commander: "octocat"})
	if err != nil {
		t.Fatal(err)
	}
	const id = "2024-03-10-serveur-de-courriels-hors-service"
	if res.ID != id || res.Path != "records/2024/"+id+".yaml" || out != res.Path+": opened incident (SEV2, investigating)\n" {
		t.Fatalf("result %+v, output %q", res, out)
	}
	file := filepath.Join(dir, filepath.FromSlash(res.Path))
	checkGolden(t, "new/template.golden", []byte(readFile(t, file)))
	inc := loadRecord(t, dir, id)
	if inc.Title != "Serveur de courriels hors-service" || inc.Status != "investigating" || len(inc.Updates) != 1 || inc.Updates[0].Components["dns"] != "degraded_performance" {
		t.Errorf("record: %+v", inc)
	}
	if got := formatTime(inc.StartedAt); got != "2024-03-10T11:30:00+01:00" {
		t.Errorf("started_at %s: times are in site.timezone", got)
	}

	// The template takes updates in place: the resolved_at placeholder
	// becomes the value.
	for _, o := range []UpdateOptions{
		{ID: id, Status: "identified", Message: "The disk is full.", HasMessage: true, At: "11:50"},
		{ID: id, Timeline: "Disk cleaned.", HasTimeline: true, At: "12:05"},
		{ID: id, Status: "resolved", Message: "Mail works again.", HasMessage: true, Components: []string{"email=operational", "dns=operational"}, At: "12:15"},
		{ID: id, Action: "Alert on disk usage", Owner: "octocat", Due: "2024-03-24"},
	} {
		if _, stderr, err := runUpdate(t, dir, o); err != nil {
			t.Fatalf("update %+v: %v\n%s", o, err, stderr)
		}
	}
	checkGolden(t, "new/lifecycle.golden", []byte(readFile(t, file)))
	inc = loadRecord(t, dir, id)
	if inc.Status != "resolved" || formatTime(*inc.ResolvedAt) != "2024-03-10T12:15:00+01:00" || len(inc.Updates) != 3 || len(inc.Timeline) != 2 || len(inc.ActionItems) != 1 {
		t.Errorf("after the updates: %+v", inc)
	}
	if strings.Contains(readFile(t, file), "# resolved_at:") {
		t.Error("the resolved_at placeholder is still there")
	}
}

func TestNewCollision(t *testing.T) {
	dir := newRepo(t, parisConfig)
	var paths []string
	for range 3 {
		res, _, err := runNew(t, dir, NewOptions{Title: "API down", Severity: "SEV1"})
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, res.Path)
	}
	want := []string{"records/2024/2024-03-10-api-down.yaml", "records/2024/2024-03-10-api-down-2.yaml", "records/2024/2024-03-10-api-down-3.yaml"}
	if strings.Join(paths, " ") != strings.Join(want, " ") {
		t.Errorf("paths = %v", paths)
	}
	loadRecord(t, dir, "2024-03-10-api-down-3")
}

// castor new --maintenance: a scheduled maintenance, valid as written,
// taken through its statuses by castor update.
func TestNewMaintenance(t *testing.T) {
	dir := newRepo(t, parisConfig)
	res, _, err := runNew(t, dir, NewOptions{Title: "Mail server upgrade", Maintenance: true, At: "2024-03-12 22:00", Until: "2024-03-13 00:30", Components: []string{"email"}})
	if err != nil {
		t.Fatal(err)
	}
	const id = "2024-03-12-mail-server-upgrade"
	if res.ID != id {
		t.Fatalf("id %s", res.ID)
	}
	file := filepath.Join(dir, filepath.FromSlash(res.Path))
	checkGolden(t, "new/maintenance.golden", []byte(readFile(t, file)))
	inc := loadRecord(t, dir, id)
	if !inc.IsMaintenance() || inc.Status != "scheduled" || inc.Severity != "" || formatTime(*inc.ScheduledFor) != "2024-03-12T22:00:00+01:00" || formatTime(*inc.ScheduledUntil) != "2024-03-13T00:30:00+01:00" {
		t.Errorf("record: %+v", inc)
	}
	for _, o := range []UpdateOptions{
		{ID: id, Status: "in_progress", Message: "The upgrade has begun.", HasMessage: true, Components: []string{"email=under_maintenance"}, At: "2024-03-12 22:02"},
		{ID: id, Status: "completed", Message: "Done.", HasMessage: true, Components: []string{"email=operational"}, At: "2024-03-12 23:40"},
	} {
		if _, stderr, err := runUpdate(t, dir, o); err != nil {
			t.Fatalf("update %+v: %v\n%s", o, err, stderr)
		}
	}
	inc = loadRecord(t, dir, id)
	if inc.Status != "completed" || len(inc.Updates) != 3 || inc.ResolvedAt != nil {
		t.Errorf("after the updates: %+v", inc)
	}
	_, _, err = runUpdate(t, dir, UpdateOptions{ID: id, Status: "resolved", Message: "x", HasMessage: true, At: "2024-03-12 23:50"})
	if err == nil || !strings.Contains(err.Error(), `--status "resolved": want one of scheduled|in_progress|verifying|completed`) {
		t.Errorf("an incident status on a maintenance: %v", err)
	}
}

func TestNewBadInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		opts  NewOptions
		want  string
		usage bool
	}{
		{"title only punctuation", NewOptions{Title: "?!… — ???", Severity: "SEV2"}, `the title "?!… — ???" has no letter or digit to make an id from: give --slug`, true},
		{"empty title", NewOptions{Title: "   ", Severity: "SEV2"}, "the title is empty", true},
		{"no severity", NewOptions{Title: "API down"}, "--severity is required: one of SEV1, SEV2, SEV3, SEV4", true},
		{"bad severity", NewOptions{Title: "API down", Severity: "sev2"}, `--severity "sev2": want one of SEV1|SEV2|SEV3|SEV4; did you mean "SEV2"?`, true},
		{"bad commander", NewOptions{Title: "API down", Severity: "SEV2", Commander: "-x"}, `--commander "-x" is not a GitHub login`, true},
		{"bad slug", NewOptions{Title: "API down", Severity: "SEV2", Slug: "API"}, `--slug "API"`, true},
		{"bad component status", NewOptions{Title: "API down", Severity: "SEV2", Components: []string{"api=dead"}}, `--component "api=dead": want NAME=STATUS, STATUS one of operational|`, true},
		{"undeclared component", NewOptions{Title: "API down", Severity: "SEV2", Components: []string{"billing"}}, "--component billing: not declared in castor.yaml (declared: email, api)", true},
		{"--pr without a token", NewOptions{Title: "API down", Severity: "SEV2", PR: true}, "--pr needs GitHub: set GITHUB_TOKEN", false},
		{"maintenance with a severity", NewOptions{Title: "Upgrade", Maintenance: true, Severity: "SEV2", At: "22:00", Until: "23:00"}, "--severity: a maintenance has no severity", true},
		{"maintenance without a window", NewOptions{Title: "Upgrade", Maintenance: true, At: "22:00"}, "--maintenance needs its window: --at (when it starts) and --until (when it ends)", true},
		{"window backwards", NewOptions{Title: "Upgrade", Maintenance: true, At: "22:00", Until: "21:00"}, "--until 2024-03-10T21:00:00+01:00 is not after --at 2024-03-10T22:00:00+01:00", true},
		{"--until without --maintenance", NewOptions{Title: "API down", Severity: "SEV2", Until: "21:00"}, "--until is the end of a maintenance window: use it with --maintenance", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newRepo(t, parisConfig)
			_, _, err := runNew(t, dir, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if got := errkind.Of(err) == errkind.Usage; got != tc.usage {
				t.Errorf("usage error: %v", got)
			}
			if _, err := os.Stat(filepath.Join(dir, "records")); !os.IsNotExist(err) {
				t.Error("records/ written")
			}
		})
	}
}

func TestNewNonLatinTitle(t *testing.T) {
	dir := newRepo(t, "site: {timezone: Asia/Tokyo, lang: ja}\n")
	res, _, err := runNew(t, dir, NewOptions{Title: "メールサーバー停止", Severity: "SEV3", Slug: "mail-server-down"})
	if err != nil {
		t.Fatal(err)
	}
	if res.ID != "2024-03-10-mail-server-down" {
		t.Errorf("id = %s", res.ID)
	}
	inc := loadRecord(t, dir, res.ID)
	if inc.Title != "メールサーバー停止" || inc.Lang != "ja" || !strings.HasSuffix(formatTime(inc.StartedAt), "+09:00") {
		t.Errorf("record: %+v", inc)
	}
}
