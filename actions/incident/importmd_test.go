package incident

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"

	"github.com/castor-incidents/castor/schema"
)

var update = flag.Bool("update", false, "rewrite golden files")

// newRepo makes a repository folder with a castor.yaml.
func newRepo(t *testing.T, config string) string {
	t.Helper()
	dir := t.TempDir()
	if config != "" {
		writeFile(t, filepath.Join(dir, "castor.yaml"), config)
	}
	return dir
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const parisConfig = "site: {timezone: Europe/Paris}\ncomponents:\n  - {name: email}\n  - {name: api}\n"

// loadRecord validates the whole repository and returns one record.
func loadRecord(t *testing.T, dir, id string) *schema.Incident {
	t.Helper()
	repo, err := schema.OpenRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := repo.LoadAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range set.Diagnostics {
		t.Errorf("validate: %s", d)
	}
	r := set.Record(id)
	if r == nil {
		t.Fatalf("no record %s", id)
	}
	return r.Incident
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	name = filepath.Join("testdata", name)
	if *update {
		writeFile(t, name, string(got))
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", name, firstDiff(string(got), string(want)))
	}
}

func importSeed(t *testing.T, dir, seed string, opts ImportOptions) (*ImportResult, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	opts.Dir, opts.File, opts.Out, opts.ErrOut = dir, seedDir+seed, &out, &errOut
	res, err := Import(context.Background(), opts)
	if err != nil {
		t.Fatalf("import %s: %v", seed, err)
	}
	return res, errOut.String()
}

const flusID = "2021-03-10-serveur-de-courriels-hors-service"

// The chronology of the seed: 14 entries, spans kept, times anchored on
// 10 March 2021 (the post is dated the 11th and says "hier", "10 mars").
var flusTimes = [][2]string{
	{"01:50", ""}, {"02:34", ""}, {"03:42", ""}, {"07:30", ""}, {"09:00", ""}, {"09:05", "09:40"}, {"09:43", ""},
	{"09:59", ""}, {"10:00", "11:40"}, {"11:40", ""}, {"11:45", "12:15"}, {"12:15", ""}, {"12:20", "13:00"}, {"13:10", ""},
}

func TestImportSeeds(t *testing.T) {
	var incs []*schema.Incident
	var drafts [][]byte
	for _, seed := range []string{"flus-2021-03-10-postmortem.utf8.md", "flus-2021-03-10-postmortem.mojibake.md"} {
		dir := newRepo(t, parisConfig)
		res, stderr := importSeed(t, dir, seed, ImportOptions{})
		if res.Path != "records/2021/"+flusID+".yaml" {
			t.Errorf("path = %q", res.Path)
		}
		written, err := os.ReadFile(filepath.Join(dir, res.Path))
		if err != nil || !bytes.Equal(written, res.Draft) {
			t.Fatalf("written file differs from the draft (%v)", err)
		}
		inc := loadRecord(t, dir, flusID)
		paris, _ := time.LoadLocation("Europe/Paris")
		if len(inc.Timeline) != len(flusTimes) {
			t.Fatalf("%s: %d timeline entries, want %d", seed, len(inc.Timeline), len(flusTimes))
		}
		for i, want := range flusTimes {
			e := inc.Timeline[i]
			if got := e.At.In(paris).Format("2006-01-02 15:04 -07:00"); got != "2021-03-10 "+want[0]+" +01:00" {
				t.Errorf("%s: timeline[%d].at = %s, want %s", seed, i, got, want[0])
			}
			until := ""
			if e.Until != nil {
				until = e.Until.In(paris).Format("15:04")
			}
			if until != want[1] {
				t.Errorf("%s: timeline[%d].until = %q, want %q", seed, i, until, want[1])
			}
		}
		if inc.Title != "Serveur de courriels hors-service" || inc.Lang != "fr" || inc.Status != "resolved" {
			t.Errorf("%s: title %q, lang %q, status %q", seed, inc.Title, inc.Lang, inc.Status)
		}
		if got := formatTime(*inc.ResolvedAt); got != "2021-03-10T12:15:00+01:00" {
			t.Errorf("%s: resolved_at = %s", seed, got)
		}
		if pm := inc.Postmortem; pm == nil || len(pm.WentWell) != 10 || len(pm.WentWrong) != 8 {
			t.Errorf("%s: post-mortem lists %+v", seed, pm)
		}
		if len(inc.ActionItems) != 8 || len(inc.Links) != 5 {
			t.Errorf("%s: %d action items, %d links", seed, len(inc.ActionItems), len(inc.Links))
		}
		if !strings.Contains(stderr, `text under "Conclusion" is not imported`) {
			t.Errorf("%s: no warning for the conclusion's prose:\n%s", seed, stderr)
		}
		incs, drafts = append(incs, inc), append(drafts, res.Draft)
		if strings.Contains(seed, "mojibake") {
			for _, w := range []string{"mojibake): 208 sequences repaired", "postmortem.mojibake.md:41:34: warning: a byte was lost"} {
				if !strings.Contains(stderr, w) {
					t.Errorf("mojibake warning %q missing:\n%s", w, stderr)
				}
			}
		} else if strings.Contains(stderr, "mojibake") {
			t.Errorf("utf8 seed reported as mojibake:\n%s", stderr)
		}
	}
	checkGolden(t, "import/flus.yaml", drafts[0])

	// The same record from both files, but for the one character that the
	// broken file lost: 🍴 (F0 9F 8D B4) lost its 8D, a byte that
	// Windows-1252 does not define. It is marked, not guessed.
	last := len(flusTimes) - 1
	if got := incs[1].Timeline[last].Event; got != "je vais manger\u00a0! \uFFFD" {
		t.Errorf("lost character: %q", got)
	}
	incs[1].Timeline[last].Event = incs[0].Timeline[last].Event
	if !reflect.DeepEqual(incs[0], incs[1]) {
		t.Errorf("the two seeds give different records")
	}
	want := strings.Replace(string(drafts[0]), "utf8.md", "mojibake.md", 1)
	want = strings.Replace(want, "  - at: 2021-03-10T13:10:00+01:00\n    event: je vais manger\u00a0! 🍴",
		"  # TODO: a character was lost in the file's broken encoding (U+FFFD below)\n  - at: 2021-03-10T13:10:00+01:00\n    event: je vais manger\u00a0! \uFFFD", 1)
	if string(drafts[1]) != want {
		t.Errorf("mojibake draft differs beyond the lost character:\n%s", firstDiff(string(drafts[1]), want))
	}
}

const englishPost = `# Postmortem: API 5xx after the database failover

On March 2nd, 2024 our API answered 5xx for two hours.

## Impact

Half of the API calls failed.

## Root cause

A failover left the **connection pool** pointing at the old primary.

## Timeline

* 23:40 UTC — alert: error rate above 5%
* 23:55 UTC - on-call engineer acknowledges
* 00:10 UTC to 01:30 UTC: pool restarted region by region
* 1:45 am UTC: error rate back to normal, incident resolved
* later that night: postmortem scheduled

## What went well

- Alerting fired within a minute

## What went wrong

- The runbook was out of date
  and nobody knew it

## Where we got lucky

- It was a quiet night

## Appendix

Raw logs are in the bucket.

## Action items

1. Restart pools on failover ([runbook](https://wiki.example.org/runbook))
2. Restart pools on failover
`

func TestImportEnglish(t *testing.T) {
	dir := newRepo(t, "site: {timezone: America/New_York}\n")
	writeFile(t, filepath.Join(dir, "post.md"), englishPost)
	var out, errOut bytes.Buffer
	res, err := Import(context.Background(), ImportOptions{Dir: dir, File: filepath.Join(dir, "post.md"), Severity: "SEV2", Out: &out, ErrOut: &errOut})
	if err != nil {
		t.Fatal(err)
	}
	const id = "2024-03-02-api-5xx-after-the-database-failover"
	if res.ID != id {
		t.Fatalf("id = %s", res.ID)
	}
	inc := loadRecord(t, dir, id)
	var times []string
	for _, e := range inc.Timeline {
		s := formatTime(e.At.UTC())
		if e.Until != nil {
			s += "/" + formatTime(e.Until.UTC())
		}
		times = append(times, s)
	}
	// Past midnight, the chronology moves to the next day.
	want := []string{"2024-03-02T23:40:00Z", "2024-03-02T23:55:00Z", "2024-03-03T00:10:00Z/2024-03-03T01:30:00Z", "2024-03-03T01:45:00Z"}
	if !reflect.DeepEqual(times, want) {
		t.Errorf("timeline = %v, want %v", times, want)
	}
	if inc.Severity != "SEV2" || inc.Lang != "en" || inc.Title != "API 5xx after the database failover" {
		t.Errorf("severity %s, lang %s, title %q", inc.Severity, inc.Lang, inc.Title)
	}
	if formatTime(inc.ResolvedAt.UTC()) != "2024-03-03T01:45:00Z" {
		t.Errorf("resolved_at = %s", inc.ResolvedAt)
	}
	pm := inc.Postmortem
	if !strings.Contains(pm.RootCause, "**connection pool**") || inc.Impact != "Half of the API calls failed.\n" {
		t.Errorf("root cause %q, impact %q", pm.RootCause, inc.Impact)
	}
	if !reflect.DeepEqual(pm.WentWrong, []string{"The runbook was out of date and nobody knew it"}) || len(pm.WentWell) != 1 || len(pm.Lucky) != 1 {
		t.Errorf("lists: %+v", pm)
	}
	if len(inc.ActionItems) != 2 || inc.ActionItems[0].ID != "restart-pools-on-failover-runbook" || inc.ActionItems[1].ID != "restart-pools-on-failover" {
		t.Errorf("action items: %+v", inc.ActionItems)
	}
	if len(inc.Links) != 1 || inc.Links[0].URL != "https://wiki.example.org/runbook" {
		t.Errorf("links: %+v", inc.Links)
	}
	for _, w := range []string{
		`post.md:19:1: warning: chronology item without a time is not imported: "later that night: postmortem scheduled" [import]`,
		`post.md:34:1: warning: section "Appendix" is not imported`,
	} {
		if !strings.Contains(errOut.String(), w) {
			t.Errorf("warning %q missing:\n%s", w, errOut.String())
		}
	}
}

func TestImportBadInput(t *testing.T) {
	for _, tc := range []struct {
		name, post string
		opts       ImportOptions
		want       string
	}{
		{"no date", "---\ntitle: Outage\n---\n\n## Timeline\n\n- 10h00 : down\n", ImportOptions{}, "no incident date in the front matter or the text; give --date YYYY-MM-DD"},
		{"bad date flag", "# Outage\n", ImportOptions{Date: "10/03/2021"}, `--date "10/03/2021": want a date, YYYY-MM-DD`},
		{"title only punctuation", "---\ntitle: \"?!…\"\ndate: 2021-03-11\n---\ntext\n", ImportOptions{}, `the title "?!…" has no letter or digit to make an id from; give --slug`},
		{"not text", "# Outage\x00\xff\n", ImportOptions{Date: "2021-03-10"}, "post.md: not text (it holds NUL bytes)"},
		{"bad severity", "# Outage\n", ImportOptions{Date: "2021-03-10", Severity: "high"}, `--severity "high": want one of SEV1|SEV2|SEV3|SEV4`},
		{"bad slug", "# Outage\n", ImportOptions{Date: "2021-03-10", Slug: "Not A Slug"}, `--slug "Not A Slug": use lowercase letters, digits and hyphens`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := newRepo(t, parisConfig)
			writeFile(t, filepath.Join(dir, "post.md"), tc.post)
			opts := tc.opts
			opts.Dir, opts.File, opts.Out, opts.ErrOut = dir, filepath.Join(dir, "post.md"), &bytes.Buffer{}, &bytes.Buffer{}
			_, err := Import(context.Background(), opts)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if _, err := os.Stat(filepath.Join(dir, "records")); !os.IsNotExist(err) {
				t.Errorf("records/ written after an error")
			}
		})
	}
}

func TestImportRefusesExisting(t *testing.T) {
	dir := newRepo(t, parisConfig)
	importSeed(t, dir, "flus-2021-03-10-postmortem.utf8.md", ImportOptions{})
	p := filepath.Join(dir, "records", "2021", flusID+".yaml")
	before, _ := os.ReadFile(p)
	writeFile(t, p, string(before)+"# edited by hand\n")
	var out bytes.Buffer
	_, err := Import(context.Background(), ImportOptions{Dir: dir, File: seedDir + "flus-2021-03-10-postmortem.mojibake.md", Out: &out, ErrOut: &out})
	if err == nil || !strings.Contains(err.Error(), "record "+flusID+" already exists") {
		t.Fatalf("second import: %v", err)
	}
	if after, _ := os.ReadFile(p); string(after) != string(before)+"# edited by hand\n" {
		t.Errorf("existing record changed")
	}
	// To stdout, nothing is written to the repository.
	out.Reset()
	res, err := Import(context.Background(), ImportOptions{Dir: dir, File: seedDir + "flus-2021-03-10-postmortem.utf8.md", Output: "-", Out: &out, ErrOut: &bytes.Buffer{}})
	if err != nil || res.Path != "" || out.String() != string(before) {
		t.Errorf("--output -: %v, %q", err, res.Path)
	}
}

func TestImportEncodings(t *testing.T) {
	post := "---\ntitle: Panne de l’API\ndate: 2024-03-11\n---\n\nL’API était en panne hier.\n\n## Chronologie\n\n- 9h00 : début\n"
	utf16 := func(bom []byte, le bool) []byte {
		out := append([]byte{}, bom...)
		for _, r := range post {
			if le {
				out = append(out, byte(r), byte(r>>8))
			} else {
				out = append(out, byte(r>>8), byte(r))
			}
		}
		return out
	}
	cp1252, err := charmap.Windows1252.NewEncoder().Bytes([]byte(post))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		data []byte
		warn string
	}{
		{"utf-8 with a byte order mark", append([]byte("\ufeff"), post...), ""},
		{"utf-16le", utf16([]byte{0xff, 0xfe}, true), ""},
		{"utf-16be", utf16([]byte{0xfe, 0xff}, false), ""},
		{"windows-1252", cp1252, "the file is not UTF-8: it was read as Windows-1252"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := buildDraft(tc.data, "post.md", draftOptions{loc: time.UTC})
			if err != nil {
				t.Fatal(err)
			}
			if d.title != "Panne de l’API" || d.id != "2024-03-10-panne-de-lapi" || len(d.timeline) != 1 {
				t.Errorf("title %q, id %q, timeline %d", d.title, d.id, len(d.timeline))
			}
			got := ""
			for _, w := range d.warnings {
				if !strings.Contains(w.Message, "gives no time zone") { // the post says none
					got += w.Message
				}
			}
			if got != tc.warn {
				t.Errorf("warnings %q, want %q", got, tc.warn)
			}
		})
	}
	if _, err := buildDraft([]byte("a\x00\xff"), "bin.md", draftOptions{loc: time.UTC}); err == nil || !strings.Contains(err.Error(), "bin.md: not text") {
		t.Errorf("binary: %v", err)
	}
}

// The shapes of real post-mortems the corpus showed, each in a post of
// its own: the draft's entries, items and warnings.
func TestImportShapes(t *testing.T) {
	type entry struct{ at, event string }
	for _, tc := range []struct {
		name, post string
		entries    []entry
		items      []string // title, then " [status/priority/owner/issue]" when not the defaults
		warnings   []string
	}{{
		name:    "labelled list",
		post:    "# API outage on 2024-05-02\n\n- **Context**: The API went down.\n- **Impact**: Half the calls failed.\n- **Timeline** (UTC):\n  - 10:00 deploy\n  - 10:05 alert fired\n- **Action items**:\n  - Add a canary\n",
		entries: []entry{{"2024-05-02T10:00:00Z", "deploy"}, {"2024-05-02T10:05:00Z", "alert fired"}},
		items:   []string{"Add a canary"},
	}, {
		name:  "goal over its actions, fields as sub-items",
		post:  "# Outage on 2024-05-02\n\n## Action items\n\n- Improve probe coverage\n    - Reach out to teams\n    - Create a dashboard\n- Add alerts\n  - Owner: @octocat\n  - Priority: high\n  - Issue: https://github.com/o/r/issues/7\n- Short term:\n  - Fix the cron\n- **HIGH** Include downloads in the smoke test\n",
		items: []string{"Improve probe coverage: Reach out to teams", "Improve probe coverage: Create a dashboard", "Add alerts [open/P1/octocat/https://github.com/o/r/issues/7]", "Fix the cron", "Include downloads in the smoke test [open/P1//]"},
	}, {
		name:     "prose actions",
		post:     "# Outage on 2024-05-02\n\n## Future measures\n\nIt should not have happened. We will add rate limiting to the endpoint. The team intends to review the policy.\n\nNothing else to say here.\n",
		items:    []string{"We will add rate limiting to the endpoint", "The team intends to review the policy"},
		warnings: []string{"post.md:5:1: warning: 2 action items taken from the sentences of this paragraph under \"Future measures\" (check them); 1 other sentence not imported", "post.md:7:1: warning: text under \"Future measures\" is not imported"},
	}, {
		name:    "prose chronology",
		post:    "# Cargo bug\n\nAt 01:52 UTC, 2022-10-28, a pull request was merged. It broke builds between 02:00 and 03:00.\n",
		entries: []entry{{"2022-10-28T01:52:00Z", "At 01:52 UTC, 2022-10-28, a pull request was merged."}},
	}, {
		// Several moments in one paragraph: each sentence or clause with
		// a time and its zone is an entry on the day the text is at; a
		// span is not cut.
		name:    "prose with several times",
		post:    "# Release incident\n\nOn 2021-04-27 at 15:09 UTC we released 1.24.0. At 15:23 UTC we received a report. At 15:27 UTC we confirmed the cause, and while we worked on a fix, we reverted the release - done by 15:56 UTC. Around 16:10 UTC the mirrors caught up and by 16:20 UTC traffic was normal. Between 17:00 and 17:30 UTC we watched.\n",
		entries: []entry{{"2021-04-27T15:09:00Z", "On 2021-04-27 at 15:09 UTC we released 1.24.0."}, {"2021-04-27T15:23:00Z", "At 15:23 UTC we received a report."}, {"2021-04-27T15:27:00Z", "At 15:27 UTC we confirmed the cause"}, {"2021-04-27T15:56:00Z", "while we worked on a fix, we reverted the release - done by 15:56 UTC."}, {"2021-04-27T16:10:00Z", "Around 16:10 UTC the mirrors caught up"}, {"2021-04-27T16:20:00Z", "by 16:20 UTC traffic was normal."}},
	}, {
		name:  "a status in brackets at the end of an item",
		post:  "# Outage on 2024-05-02\n\n## Action items\n\n- Add guards against bad runtimes (done)\n- Write the runbook [erledigt]\n- Drop the old cluster (won't fix)\n- Review the plan (with the SRE team)\n",
		items: []string{"Add guards against bad runtimes [done/P2//]", "Write the runbook [done/P2//]", "Drop the old cluster [wontfix/P2//]", "Review the plan (with the SRE team)"},
	}, {
		name: "the day of every entry stated",
		post: "# Disk full on 2019-10-21\n\n## Timeline\n\nUnless otherwise noted all events happened on 2019-10-21, and all times are in\nUTC.\n\n- 2019-10-20 23:55: builds started failing\n- 01:38: alerts fired\n- 02:06: back online\n",
		// 01:38 is on the stated day: the entry dated apart does not
		// roll the running day over.
		entries: []entry{{"2019-10-20T23:55:00Z", "builds started failing"}, {"2019-10-21T01:38:00Z", "alerts fired"}, {"2019-10-21T02:06:00Z", "back online"}},
	}, {
		name:    "on Monday",
		post:    "# Bad AMI\n\n## Summary\n\nOn Monday our roll-over picked a bad image.\n\n## Timeline\n\nAll times in UTC.\n\n| Time | Event |\n| --- | --- |\n| 2022-10-29 01:02 | image released |\n| 2022-10-31 07:30 | roll-over |\n",
		entries: []entry{{"2022-10-29T01:02:00Z", "image released"}, {"2022-10-31T07:30:00Z", "roll-over"}},
	}, {
		name:     "year-less dates and a chronology going back",
		post:     "# Boskos outage on March 26th, 2019\n\nAll times in PDT.\n\n## Timeline\n\n- [12-05 16:21] bug introduced\n- [03-26 23:04] node drained\n- [03-26 02:50] outage reported\n",
		entries:  []entry{{"2018-12-06T00:21:00Z", "bug introduced"}, {"2019-03-27T06:04:00Z", "node drained"}, {"2019-03-26T09:50:00Z", "outage reported"}},
		warnings: []string{"post.md:9:1: warning: the chronology goes back in time here (20 hours before the entry above): check the dates"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := buildDraft([]byte(tc.post), "post.md", draftOptions{loc: time.UTC})
			if err != nil {
				t.Fatal(err)
			}
			var got []entry
			for _, e := range d.timeline {
				got = append(got, entry{formatTime(e.at.UTC()), e.event})
			}
			if !reflect.DeepEqual(got, tc.entries) {
				t.Errorf("timeline = %q\nwant %q", got, tc.entries)
			}
			var items []string
			for _, a := range d.actions {
				s := a.title
				if a.status != "open" || !slices.Contains(a.guessed, "priority") || a.owner != "" || a.issue != "" {
					s += fmt.Sprintf(" [%s/%s/%s/%s]", a.status, a.priority, a.owner, a.issue)
				}
				items = append(items, s)
			}
			if !reflect.DeepEqual(items, tc.items) {
				t.Errorf("action items = %q\nwant %q", items, tc.items)
			}
			var ws []string
			for _, w := range d.warnings {
				ws = append(ws, w.String())
			}
			all := strings.Join(ws, "\n")
			for _, w := range tc.warnings {
				if !strings.Contains(all, w) {
					t.Errorf("warning %q missing:\n%s", w, all)
				}
			}
		})
	}
}

// The shapes of Japanese reports (COCOA's, of Japan's health ministry):
// a heading that is a field's label over its value ("### 発生日時" /
// "2021年11月25日午後3時"), titles whose head noun comes last, a list of
// days ("11/25", month first) over their times, a recovery report that is
// no detection, and a year that is no year ("0001/01/01" in prose).
func TestImportJapaneseReport(t *testing.T) {
	post := "# 障害について\n\n## 障害の内容\nアプリが起動できなくなる。\n\n### 発生日時\n2021年11月25日午後3時\n\n## 発生から復旧までのタイムライン\n * 11/25\n     * 15:00 - リリース\n     * 16:17 - 利用者から報告\n * 11/26\n     * 00:28 - 審査提出\n     * 10:47 - iOS版の復旧報告\n\n## 原因\n`DateTime.MinValue`（`0001/01/01 00:00:00`）から減算をすると例外が発生する。\n\n## 正しく対応できたこと\n * 迅速に対応を開始できた\n"
	d, err := buildDraft([]byte(post), "post.md", draftOptions{loc: mustLoad(t, "Asia/Tokyo")})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range d.timeline {
		got = append(got, formatTime(e.at.UTC())+" "+e.event)
	}
	want := []string{"2021-11-25T06:00:00Z リリース", "2021-11-25T07:17:00Z 利用者から報告", "2021-11-25T15:28:00Z 審査提出", "2021-11-26T01:47:00Z iOS版の復旧報告"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("timeline = %q\nwant %q", got, want)
	}
	if !strings.HasPrefix(d.id, "2021-11-25-") {
		t.Errorf("id = %s", d.id)
	}
	if d.startedAt.value != "2021-11-25T15:00:00+09:00" || d.startedAt.todo != "" {
		t.Errorf("started_at = %+v, want the stated 午後3時", d.startedAt)
	}
	if !strings.HasPrefix(d.detectedAt.value, "2021-11-25T16:17:00") || !strings.HasPrefix(d.resolved.value, "2021-11-26T10:47:00") {
		t.Errorf("detected_at = %s, resolved_at = %s", d.detectedAt.value, d.resolved.value)
	}
	if d.summary == "" || len(d.pmLists[1]) != 1 {
		t.Errorf("summary %q, went well %q", d.summary, d.pmLists[1])
	}
	for _, w := range d.warnings {
		if strings.Contains(w.Message, "is not imported") {
			t.Errorf("warning: %s", w)
		}
	}
}

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// A post whose every time carries its zone says nothing of a guessed
// zone, though it states none for the whole post.
func TestImportZoneOnEveryTime(t *testing.T) {
	d, err := buildDraft([]byte("# DNS outage\n\nOn 2023-01-25 at 09:15 UTC we deployed. By 9:40 UTC traffic was normal.\n"), "post.md", draftOptions{loc: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range d.header {
		if strings.Contains(h, "no time zone") {
			t.Errorf("header: %s", h)
		}
	}
	for _, w := range d.warnings {
		if strings.Contains(w.Message, "no time zone") {
			t.Errorf("warning: %s", w)
		}
	}
	if len(d.timeline) != 2 {
		t.Errorf("%d entries, want 2", len(d.timeline))
	}
}

func TestParseDuration(t *testing.T) {
	for in, want := range map[string]time.Duration{
		"2h 25m": 145 * time.Minute, "6h": 6 * time.Hour, "3d 4h": 76 * time.Hour, "0m": 0, "3 j 4 h": 76 * time.Hour,
		"2 h 25 min": 145 * time.Minute, "66 minutes": 66 * time.Minute, "1 hour 31 minutes": 91 * time.Minute, "18h47m": 18*time.Hour + 47*time.Minute,
	} {
		if got, ok := parseDuration(in); !ok || got != want {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "soon", "2 weeks", "N/A"} {
		if _, ok := parseDuration(in); ok {
			t.Errorf("parseDuration(%q) succeeded", in)
		}
	}
}

// A post whose every date has a digit too many in its year (dfds's
// PM2020-003 writes "20202-01-16") imports, dated by the year its first
// four digits make, said in a warning and on each entry.
func TestImportYearTypo(t *testing.T) {
	src, err := os.ReadFile("testdata/import/corpus/dfds-pm2020-003.md")
	if err != nil {
		t.Fatal(err)
	}
	d, err := buildDraft(src, "pm.md", draftOptions{loc: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	if d.id != "2020-01-16-adsync-migration-issues" || len(d.timeline) != 5 || d.timeline[0].todo != "the post writes the year 20202: read as 2020" {
		t.Fatalf("id %s, %d entries, todo %q", d.id, len(d.timeline), d.timeline[0].todo)
	}
	var ws []string
	for _, w := range d.warnings {
		ws = append(ws, w.String())
	}
	if !slices.Contains(ws, "pm.md:14:1: warning: a year of five digits, 20202, is read as 2020: check the dates [import]") {
		t.Errorf("warnings:\n%s", strings.Join(ws, "\n"))
	}
	// A date with no plausible year is no date: still refused.
	if _, err := buildDraft([]byte("# Outage\n\n## Timeline\n\n- 30002-01-16 12:00 down\n"), "x.md", draftOptions{loc: time.UTC}); err == nil {
		t.Error("a year 3000 read as a date")
	}
}

// Post-mortems in the shapes teams write them in German, Spanish,
// Japanese and French (a public service's), written here for the test:
// each uses its language's section titles, zone statement, dates, times,
// table headers, priorities and statuses. Real ones are in the corpus.
func TestImportLanguages(t *testing.T) {
	type entry struct{ at, event string }
	for _, tc := range []struct {
		name, post, lang string
		entries          []entry
		items            []string // title [status/priority]
		sections         map[string]string
	}{{
		name:     "German",
		post:     "# Störung der Zahlungs-API am 22.07.2026\n\nAlle Zeiten in MESZ.\n\n## Zusammenfassung\n\nDie Zahlungs-API war 40 Minuten nicht erreichbar.\n\n## Ursache\n\nEin abgelaufenes Zertifikat.\n\n## Zeitlicher Ablauf\n\n| Uhrzeit | Ereignis |\n| --- | --- |\n| 14.05 Uhr | Erste Alarme |\n| 14:20 | Zertifikat erneuert |\n| 14:45 | Störung behoben |\n\n## Was lief gut\n\n- Die Alarmierung\n\n## Maßnahmen\n\n| Maßnahme | Verantwortlich | Priorität | Status |\n| --- | --- | --- | --- |\n| Zertifikate überwachen | @octocat | hoch | erledigt |\n| Ablaufdaten dokumentieren | @hubot | niedrig | offen |\n",
		lang:     "de",
		entries:  []entry{{"2026-07-22T12:05:00Z", "Erste Alarme"}, {"2026-07-22T12:20:00Z", "Zertifikat erneuert"}, {"2026-07-22T12:45:00Z", "Störung behoben"}},
		items:    []string{"Zertifikate überwachen [done/P1]", "Ablaufdaten dokumentieren [open/P3]"},
		sections: map[string]string{"summary": "40 Minuten", "root_cause": "abgelaufenes Zertifikat", "went_well": "Alarmierung"},
	}, {
		name:     "Spanish",
		post:     "# Caída del servicio de pagos\n\nTodas las horas están en UTC.\n\n## Resumen\n\nEl 2 de julio de 2019 el servicio de pagos dejó de responder.\n\n## Causa raíz\n\nUna migración bloqueó la tabla de pedidos.\n\n## Línea de tiempo\n\n- 9:05 — se dispara la alerta\n- 9:40 — se revierte la migración\n- 10:02 — servicio restablecido\n\n## Lo que salió mal\n\n- La migración no se probó con datos reales\n\n## Acciones correctivas\n\n- [x] Probar las migraciones con una copia de producción (prioridad: alta)\n- [ ] Añadir un tiempo límite a los bloqueos\n",
		lang:     "es",
		entries:  []entry{{"2019-07-02T09:05:00Z", "se dispara la alerta"}, {"2019-07-02T09:40:00Z", "se revierte la migración"}, {"2019-07-02T10:02:00Z", "servicio restablecido"}},
		items:    []string{"Probar las migraciones con una copia de producción [done/P1]", "Añadir un tiempo límite a los bloqueos"},
		sections: map[string]string{"summary": "dejó de responder", "root_cause": "bloqueó la tabla", "went_wrong": "no se probó"},
	}, {
		name:     "Japanese",
		post:     "# 決済APIの障害について\n\n全時刻は JST です。\n\n## 概要\n\n2019年7月2日、決済APIが応答しなくなりました。\n\n## 根本原因\n\nデータベースの接続数が上限に達しました。\n\n## タイムライン\n\n| 時刻 | 内容 |\n| --- | --- |\n| 10:05 | アラート発報 |\n| 10:30 | 接続数の上限を引き上げ |\n| 10:48 | 復旧を確認 |\n\n## 再発防止策\n\n| 対策 | 担当 | 優先度 | ステータス |\n| --- | --- | --- | --- |\n| 接続数の監視を追加 | @octocat | 高 | 完了 |\n| 手順書を更新 | @hubot | 中 | 未着手 |\n",
		lang:     "ja",
		entries:  []entry{{"2019-07-02T01:05:00Z", "アラート発報"}, {"2019-07-02T01:30:00Z", "接続数の上限を引き上げ"}, {"2019-07-02T01:48:00Z", "復旧を確認"}},
		items:    []string{"接続数の監視を追加 [done/P1]", "手順書を更新 [open/P2]"},
		sections: map[string]string{"summary": "応答しなくなりました", "root_cause": "上限に達しました"},
	}, {
		name:     "French public service",
		post:     "# Indisponibilité du téléservice de demande d'aides\n\n**Date** : 02/07/2019\n\nToutes les heures sont en heure de Paris.\n\n## Résumé\n\nLe téléservice était inaccessible pendant la matinée.\n\n## Chronologie\n\n- 9h05 : premières remontées des usagers\n- 9h05 – 9h40 : analyse des journaux\n- ~10h15 : service rétabli\n\n## Cause racine\n\nLe certificat du fournisseur d'identité avait expiré.\n\n## Ce qui a bien fonctionné\n\n- La communication aux usagers\n\n## Actions correctives\n\n| Action | Responsable | Priorité | État |\n| --- | --- | --- | --- |\n| Surveiller l'expiration des certificats | @octocat | critique | terminé |\n| Rédiger une procédure d'incident | @hubot | moyenne | à faire |\n",
		lang:     "fr",
		entries:  []entry{{"2019-07-02T07:05:00Z", "premières remontées des usagers"}, {"2019-07-02T07:05:00Z", "analyse des journaux"}, {"2019-07-02T08:15:00Z", "service rétabli"}},
		items:    []string{"Surveiller l'expiration des certificats [done/P0]", "Rédiger une procédure d'incident [open/P2]"},
		sections: map[string]string{"summary": "inaccessible", "root_cause": "avait expiré", "went_well": "communication"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := buildDraft([]byte(tc.post), "post.md", draftOptions{loc: time.UTC})
			if err != nil {
				t.Fatal(err)
			}
			if d.lang != tc.lang {
				t.Errorf("lang = %q, want %q", d.lang, tc.lang)
			}
			var got []entry
			for _, e := range d.timeline {
				got = append(got, entry{formatTime(e.at.UTC()), e.event})
			}
			if !reflect.DeepEqual(got, tc.entries) {
				t.Errorf("timeline = %q\nwant %q", got, tc.entries)
			}
			var items []string
			for _, a := range d.actions {
				s := a.title
				if a.status != "open" || !slices.Contains(a.guessed, "priority") {
					s += fmt.Sprintf(" [%s/%s]", a.status, a.priority)
				}
				items = append(items, s)
			}
			if !reflect.DeepEqual(items, tc.items) {
				t.Errorf("action items = %q\nwant %q", items, tc.items)
			}
			fields := map[string]string{"summary": d.summary, "root_cause": d.pmText[1], "went_well": strings.Join(d.pmLists[1], "\n"), "went_wrong": strings.Join(d.pmLists[2], "\n")}
			for k, want := range tc.sections {
				if !strings.Contains(fields[k], want) {
					t.Errorf("%s = %q, want it to hold %q", k, fields[k], want)
				}
			}
			for _, w := range d.warnings {
				if strings.Contains(w.Message, "gives no time zone") {
					t.Errorf("zone statement missed: %s", w)
				}
			}
		})
	}
}
