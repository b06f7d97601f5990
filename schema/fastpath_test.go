package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/recordgen"
)

// diffFastPath checks data on both paths: answered says whether the fast
// path gave the findings itself, and diff describes how they differ from
// the CUE path's ("" when identical, or when the fast path declined).
func diffFastPath(t testing.TB, repo *Repo, name string, data []byte) (answered bool, diff string) {
	t.Helper()
	fast := &Record{Path: name}
	if !repo.checkFast(fast, data) {
		return false, ""
	}
	full := &Record{Path: name}
	if err := repo.checkFull(newChecker(repo.Schema), full, data); err != nil {
		t.Fatal(err)
	}
	a, b := render(sortDiagnostics(fast.Diagnostics)), render(sortDiagnostics(full.Diagnostics))
	if a != b {
		return true, fmt.Sprintf("fast path:\n%sCUE path:\n%s", a, b)
	}
	x, _ := json.Marshal(fast.Incident)
	y, _ := json.Marshal(full.Incident)
	if !bytes.Equal(x, y) {
		return true, fmt.Sprintf("decodings differ:\nfast path %s\nCUE path  %s", x, y)
	}
	return true, ""
}

// shapeMutations returns variants of a valid generated record, each with
// errors of shape: scalar values replaced by a value of another kind, a
// value out of its enum, pattern or calendar (each line by one value in
// every, in turn), each required field removed, unknown fields added at
// every level.
func shapeMutations(base []byte, every int) map[string][]byte {
	lines := strings.Split(strings.TrimSuffix(string(base), "\n"), "\n")
	field := regexp.MustCompile(`^(\s*(?:- )?)([a-z_]+): (.+)$`)
	values := []string{
		"5", "-7", "1.5", "true", "null", "", "[a]", "[]", "{a: 1}", "{}", `""`, "x", "Bad Value",
		"SEV9", "resolvd", "2021-02-30T00:00:00Z", "2021-01-01T00:00:00", "2021-01-01", "2021-13-01",
		`"quote \" and é"`, "ftp://x", "-bad", "e",
	}
	out := map[string][]byte{}
	join := func(ls []string) []byte { return []byte(strings.Join(ls, "\n") + "\n") }
	for i, l := range lines {
		m := field.FindStringSubmatch(l)
		if m == nil || strings.HasPrefix(m[3], "|") {
			continue
		}
		for j, v := range values {
			if (i+j)%every != 0 {
				continue
			}
			ls := append([]string(nil), lines...)
			ls[i] = m[1] + m[2] + ": " + v
			key := m[2]
			if m[1] == "" && (key == "kind" || key == "visibility") {
				// The record's kind picks its definition; a drill's
				// visibility unifies two declarations: CUE words these.
				key += " (top level)"
			}
			out[fmt.Sprintf("line %d %s: %s", i+1, key, v)] = join(ls)
		}
		indent := strings.Repeat(" ", len(m[1]))
		ls := append(append(append([]string(nil), lines[:i+1]...), indent+"unknown_field: 1"), lines[i+1:]...)
		out[fmt.Sprintf("line %d: unknown field after %s", i+1, m[2])] = join(ls)
		if !strings.Contains(m[1], "-") {
			ls := append(append([]string(nil), lines[:i]...), lines[i+1:]...)
			out[fmt.Sprintf("line %d: %s removed", i+1, m[2])] = join(ls)
		}
	}
	for _, c := range []string{"{api: broken}", "{API: operational}", "{api: [x]}", "{api: 5}", "[api]", "{a--b: operational, web: major_outage}"} {
		out["components "+c] = []byte(strings.Replace(string(base), "components: {api: partial_outage}", "components: "+c, 1))
	}
	// Several errors at once, at several levels.
	many := strings.NewReplacer("severity: SEV4", "severity: 4", "kind: prevent", "kind: prevnt", "status: open", "extra: 1\n    status: open",
		"at: 2003-01-28T10:00:00+01:00", "at: yesterday", "public: true", "public: yes", "status: scheduled\n", "status: sched\n",
		"participants: [alice, bob]", "participants: alice", "brief_at: 27m50s", "brief_at: 27 minutes").Replace(string(base))
	out["many"] = []byte(many)
	return out
}

// kindRecords are a valid record of each kind, by file name, for the
// mutations.
func kindRecords() map[string][]byte {
	p, incident := recordgen.Record(3)
	return map[string][]byte{
		p: incident,
		"records/2024/2024-05-02-database-upgrade.yaml": []byte(`id: 2024-05-02-database-upgrade
kind: maintenance
title: Database upgrade
status: scheduled
visibility: public
scheduled_for: 2024-05-02T22:00:00+02:00
scheduled_until: 2024-05-03T00:00:00+02:00
components: [api]
notify: false
updates:
  - at: 2024-04-30T10:00:00+02:00
    status: scheduled
    message: The database will be upgraded on Thursday night.
    components: {api: under_maintenance}
`),
		"records/2025/2025-06-12-drill-gitlab.yaml": []byte(`kind: drill
id: 2025-06-12-drill-gitlab
title: "Drill: the database outage"
visibility: internal
played: 2017-01-31-gitlab-database-outage
started_at: 2025-06-12T14:00:00+02:00
ended_at: 2025-06-12T14:48:10+02:00
game_master: carol
participants: [alice, bob]
components: [api]
brief_at: 27m50s
times: {acknowledged: 31m, resolved: 1h10m}
real: {identified: 6h53m59s, resolved: 7h}
calls:
  - {at: 2025-06-12T14:03:10+02:00, call: acknowledged}
  - {at: 2025-06-12T14:05:00+02:00, call: note, note: check the replicas}
went_well: [the status page went out fast]
went_wrong: [nobody knew the backups were empty]
action_items:
  - {id: backups, title: Test the backups, kind: process, priority: P2, status: open}
`),
	}
}

// TestFastPathAgrees checks that the fast path's findings are those of
// the CUE path, message for message and position for position, on the
// bad corpus and on shape mutations of a generated record; and that it
// answers itself for every mutation made only of errors of shape (else
// invalid records would cost a CUE evaluation again).
func TestFastPathAgrees(t *testing.T) {
	repo := openTestRepo(t, t.TempDir())
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	answeredBad := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		answered, diff := diffFastPath(t, repo, "records/"+filepath.Base(f), data)
		if diff != "" {
			t.Errorf("%s: %s", f, diff)
		}
		if answered {
			answeredBad++
		}
	}
	t.Logf("bad corpus: the fast path answered %d of %d files", answeredBad, len(files))

	// Each line gets a third of the values (~200 variants a kind): every
	// value meets every kind of line all the same.
	answered, total, declined := 0, 0, []string{}
	for name, base := range kindRecords() {
		if a, diff := diffFastPath(t, repo, name, base); !a || diff != "" {
			t.Errorf("%s, valid: answered %v, %s", name, a, diff)
		}
		for mut, data := range shapeMutations(base, 3) {
			total++
			ok, diff := diffFastPath(t, repo, name, data)
			if diff != "" {
				t.Errorf("%s, %s:\n%s\n%s", name, mut, data, diff)
			}
			switch {
			case ok:
				answered++
			case strings.Contains(mut, "kind (top level)"),
				strings.Contains(mut, "visibility (top level)") && strings.Contains(name, "drill"),
				mut == "many" && strings.Contains(name, "drill"): // the flow mapping broken
			default:
				declined = append(declined, path.Base(name)+": "+mut)
			}
		}
	}
	muts := make([]struct{}, total)
	t.Logf("mutations: the fast path answered %d of %d", answered, len(muts))
	if len(declined) > 0 {
		t.Errorf("the fast path left %d mutations to CUE: %q", len(declined), declined)
	}
}

// FuzzFastPath compares the two paths on any input: whenever the fast
// path answers, valid or not, its findings and decoding are the CUE
// path's exactly.
//
//	go test ./schema -run XXX -fuzz FuzzFastPath -fuzztime 60s
func FuzzFastPath(f *testing.F) {
	// The seeds run in every go test: a sample of the mutations there,
	// more of them when fuzzing.
	every := 40
	if flag.Lookup("test.fuzz").Value.String() != "" {
		every = 5
	}
	for _, base := range kindRecords() {
		for _, data := range shapeMutations(base, every) {
			f.Add(data)
		}
	}
	bad, _ := filepath.Glob(filepath.Join("testdata", "bad", "*.yaml"))
	for _, p := range bad {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	repo, err := OpenRepo(f.TempDir())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		timer := time.AfterFunc(2*badInputMaxCPU, func() {
			panic(fmt.Sprintf("no answer within %v for %q", 2*badInputMaxCPU, data))
		})
		defer timer.Stop()
		if _, diff := diffFastPath(t, repo, "records/2000-01-01-fuzz.yaml", data); diff != "" {
			t.Fatalf("%q:\n%s", data, diff)
		}
	})
}
