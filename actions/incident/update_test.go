package incident

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
)

// fixedNow is when tests run an update: 10 March 2024, 11:30 in Paris.
func fixedNow() time.Time { return time.Date(2024, 3, 10, 10, 30, 0, 0, time.UTC) }

// repoWith makes a repository holding one record, copied from
// testdata/update.
func repoWith(t *testing.T, input string) (dir, file string) {
	t.Helper()
	dir = newRepo(t, parisConfig)
	file = filepath.Join(dir, "records", "2024", "2024-03-10-mail-down.yaml")
	writeFile(t, file, readFile(t, filepath.Join("testdata", "update", input)))
	return dir, file
}

func runUpdate(t *testing.T, dir string, o UpdateOptions) (*UpdateResult, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	o.Dir, o.Out, o.ErrOut = dir, &out, &errOut
	if o.ID == "" {
		o.ID = "2024-03-10-mail-down"
	}
	if o.Now == nil {
		o.Now = fixedNow
	}
	res, err := Update(context.Background(), o)
	return res, errOut.String(), err
}

// removedLines returns the lines of a that are not in b, by a longest
// common subsequence of lines (line endings included).
func removedLines(a, b string) []string {
	al, bl := strings.SplitAfter(a, "\n"), strings.SplitAfter(b, "\n")
	n, m := len(al), len(bl)
	lcs := make([][]int, n+1)
	for i := range lcs {
		lcs[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if al[i] == bl[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []string
	for i, j := 0, 0; i < n; {
		switch {
		case j < m && al[i] == bl[j]:
			i, j = i+1, j+1
		case j < m && lcs[i][j+1] >= lcs[i+1][j]:
			j++
		default:
			out = append(out, al[i])
			i++
		}
	}
	return out
}

func TestUpdateGolden(t *testing.T) {
	for _, tc := range []struct {
		name, input string
		opts        UpdateOptions
		// changed matches the only original lines that may differ:
		// every other line of the file survives byte for byte.
		changed string
	}{
		{"identified", "commented.yaml", UpdateOptions{Status: "identified", Message: "The disk is full.", HasMessage: true, Components: []string{"email=partial_outage", "api=degraded_performance"}},
			`^(status: investigating   # changes as we learn|components: \[email\])\n$`},
		{"resolved", "commented.yaml", UpdateOptions{Status: "resolved", Message: "Mail works again.\nWe are sorry for the trouble.", HasMessage: true, Components: []string{"email=operational"}, At: "11:15"},
			`^status: investigating   # changes as we learn\n$`},
		{"timeline-middle", "commented.yaml", UpdateOptions{Timeline: "Disk found full: # of inodes exhausted", HasTimeline: true, At: "2024-03-10 10:45"}, `^$`},
		{"timeline-end", "commented.yaml", UpdateOptions{Timeline: "Still down.", HasTimeline: true}, `^$`},
		{"action-new-list", "commented.yaml", UpdateOptions{Action: "Alert on disk usage above 80%", Owner: "octocat", Kind: "detect", Priority: "P1", Due: "2024-03-31"}, `^$`},
		{"reopened", "resolved.yaml", UpdateOptions{Status: "investigating", Message: "Mail is failing again.", HasMessage: true, Components: []string{"email=major_outage"}, At: "2024-03-10T11:00:00Z"},
			`^(status: resolved|resolved_at: 2024-03-10T10:00:00Z # it came back)\n$`},
		{"indentless-and-action", "resolved.yaml", UpdateOptions{Status: "resolved", Message: "Postmortem published.", HasMessage: true, Action: "Add a second mail server"},
			`^$`},
		{"crlf-empty-flow", "crlf.yaml", UpdateOptions{Status: "monitoring", Message: "A fix is out.", HasMessage: true, Timeline: "Fix deployed.", HasTimeline: true},
			`^(status: investigating|updates: \[\])\r\n$`},
		{"no-final-newline", "noeol.yaml", UpdateOptions{Status: "identified", Message: "Found it.", HasMessage: true, Components: []string{"email"}},
			`^(status: investigating|components: \[\]|        message: Looking\.)\n?$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, file := repoWith(t, tc.input)
			before := readFile(t, file)
			o := tc.opts
			if len(o.Components) > 0 && !strings.Contains(o.Components[0], "=") {
				o.Components[0] += "=partial_outage"
			}
			res, stderr, err := runUpdate(t, dir, o)
			if err != nil {
				t.Fatalf("update: %v\n%s", err, stderr)
			}
			after := readFile(t, file)
			if after != string(res.After) {
				t.Fatal("file differs from the result")
			}
			checkGolden(t, filepath.Join("update", tc.name+".golden"), []byte(after))
			re := regexp.MustCompile(tc.changed)
			for _, l := range removedLines(before, after) {
				if !re.MatchString(l) {
					t.Errorf("line changed outside the edit: %q", l)
				}
			}
			loadRecord(t, dir, "2024-03-10-mail-down") // valid
		})
	}
}

func TestUpdateRerunAddsNothing(t *testing.T) {
	dir, file := repoWith(t, "commented.yaml")
	o := UpdateOptions{Status: "identified", Message: "The disk is full.", HasMessage: true, Components: []string{"email=partial_outage"},
		Timeline: "Disk full.", HasTimeline: true, Action: "Alert on disk usage"}
	if _, _, err := runUpdate(t, dir, o); err != nil {
		t.Fatal(err)
	}
	first := readFile(t, file)
	o.Now = func() time.Time { return fixedNow().Add(time.Minute) }
	_, stderr, err := runUpdate(t, dir, o)
	if err != nil {
		t.Fatal(err)
	}
	if readFile(t, file) != first {
		t.Error("a second identical run changed the record")
	}
	for _, w := range []string{"the last update says this already", "the timeline has this entry already", `action item "alert-on-disk-usage" exists already`} {
		if !strings.Contains(stderr, w) {
			t.Errorf("note %q missing: %s", w, stderr)
		}
	}
}

func TestUpdateBadInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		input string
		opts  UpdateOptions
		want  string
		usage bool
	}{
		{"unknown id", "commented.yaml", UpdateOptions{ID: "2024-03-11-mail-down", Status: "identified", Message: "x", HasMessage: true}, `no record "2024-03-11-mail-down" under records/; did you mean 2024-03-10-mail-down?`, true},
		{"invalid status", "commented.yaml", UpdateOptions{Status: "fixed", Message: "x", HasMessage: true}, `--status "fixed": want one of investigating|identified|monitoring|resolved`, true},
		{"empty message", "commented.yaml", UpdateOptions{Status: "identified", Message: "  ", HasMessage: true}, "the message is empty", true},
		{"status without message", "commented.yaml", UpdateOptions{Status: "identified"}, "a status update needs --message", true},
		{"nothing", "commented.yaml", UpdateOptions{}, "nothing to add", true},
		{"older than the last", "commented.yaml", UpdateOptions{Status: "identified", Message: "x", HasMessage: true, At: "09:09"},
			"this update (2024-03-10T09:09:00+01:00) is older than the last one (2024-03-10T09:10:00+01:00, records/2024/2024-03-10-mail-down.yaml:22:9)", true},
		{"before the start", "commented.yaml", UpdateOptions{Timeline: "x", HasTimeline: true, Status: "identified", Message: "x", HasMessage: true, At: "2024-03-09 09:00"}, "is older than the last one", true},
		{"bad component status", "commented.yaml", UpdateOptions{Status: "identified", Message: "x", HasMessage: true, Components: []string{"email=down"}}, `--component "email=down": want NAME=STATUS, STATUS one of operational`, true},
		{"undeclared component", "commented.yaml", UpdateOptions{Status: "identified", Message: "x", HasMessage: true, Components: []string{"dns=major_outage"}},
			"--component dns: not declared in castor.yaml (declared: email, api)", true},
		{"bad owner", "commented.yaml", UpdateOptions{Action: "x", Owner: "not a login"}, `--owner "not a login" is not a GitHub login`, true},
		{"bad --at", "commented.yaml", UpdateOptions{Timeline: "x", HasTimeline: true, At: "yesterday"}, `--at "yesterday": want RFC 3339`, true},
		{"flow list", "flowupdates.yaml", UpdateOptions{Status: "identified", Message: "x", HasMessage: true}, `updates: cannot edit in place: castor adds items to block lists ("- " lines) only; edit it by hand`, false},
		{"not UTF-8", "commented.yaml", UpdateOptions{Status: "identified", Message: "caf\xe9", HasMessage: true}, "the message is not valid UTF-8", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, file := repoWith(t, tc.input)
			before := readFile(t, file)
			_, _, err := runUpdate(t, dir, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant %q", err, tc.want)
			}
			if (errkind.Of(err) == errkind.Usage) != tc.usage {
				t.Errorf("usage error = %v, want %v", !tc.usage, tc.usage)
			}
			if readFile(t, file) != before {
				t.Error("the record changed")
			}
			entries, _ := os.ReadDir(filepath.Dir(file))
			if len(entries) != 1 {
				t.Errorf("stray files: %v", entries)
			}
		})
	}
}

func TestUpdateInvalidRecord(t *testing.T) {
	dir, file := repoWith(t, "commented.yaml")
	writeFile(t, file, strings.Replace(readFile(t, file), "severity: SEV2", "severity: SEV9", 1))
	_, _, err := runUpdate(t, dir, UpdateOptions{Status: "identified", Message: "x", HasMessage: true})
	if err == nil || !strings.Contains(err.Error(), "is not valid now; fix it first") || !strings.Contains(err.Error(), ":5:11:") {
		t.Fatalf("err = %v", err)
	}
}

// Item ids made from titles that YAML would read as something else than
// text (null, a bool, a number, a date) are quoted.
func TestUpdateActionIDsQuoted(t *testing.T) {
	dir, file := repoWith(t, "resolved.yaml")
	for _, title := range []string{"null", "true", "1", "0x1F", "2021-03-10", "+1"} {
		if _, stderr, err := runUpdate(t, dir, UpdateOptions{Action: title}); err != nil {
			t.Fatalf("--action %q: %v\n%s", title, err, stderr)
		}
	}
	inc := loadRecord(t, dir, "2024-03-10-mail-down")
	var ids []string
	for _, it := range inc.ActionItems {
		ids = append(ids, it.ID)
	}
	if got := strings.Join(ids, " "); got != "null true 1 0x1f 2021-03-10 1-2" {
		t.Errorf("ids = %s", got)
	}
	if !strings.Contains(readFile(t, file), "  - id: 'null'\n") {
		t.Errorf("id not quoted:\n%s", readFile(t, file))
	}
}
