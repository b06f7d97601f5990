package incident

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	yaml "go.yaml.in/yaml/v3"

	"github.com/castor-incidents/castor/schema"
)

// The importer measured on post-mortems other teams wrote: every file of
// a corpus folder imports (no error: exit 0) to a draft that validates,
// and is compared with the record written by hand from it
// (NAME.golden.yaml). The figures per source are the table of
// docs/import.md, which this test keeps true (-update rewrites it).

// corpusGoals are the issue's goals, for every corpus together.
var corpusGoals = struct{ recall, instants, actions float64 }{0.85, 0.95, 0.90}

// corpusDirs are the corpora measured, each with its table in the docs.
var corpusDirs = []string{"corpus", "holdout"}

// goldenRecord is the expected record, written by hand from the source:
// each entry names the source line it comes from and a run of words of
// its text that the imported entry must contain.
type goldenRecord struct {
	Date     string `yaml:"date"`
	Timeline []struct {
		Line  int    `yaml:"line"`
		At    string `yaml:"at"`
		Until string `yaml:"until"`
		Event string `yaml:"event"`
	} `yaml:"timeline"`
	ActionItems []struct {
		Line     int    `yaml:"line"`
		Title    string `yaml:"title"`
		Status   string `yaml:"status"`
		Owner    string `yaml:"owner"`
		Priority string `yaml:"priority"`
		Issue    string `yaml:"issue"`
	} `yaml:"action_items"`
	// Sections: record field → runs of words that field must contain.
	Sections map[string][]string `yaml:"sections"`
}

// corpusScore is what one source scores.
type corpusScore struct {
	name                                     string
	tlGold, tlFound, tlImported, tlRight     int
	aiGold, aiFound, fieldsGold, fieldsRight int
	secGold, secFound                        int
	drops                                    int
	dateOK                                   string // "yes", "no", "-" (not stated)
	lang                                     string // the draft's language
	misses                                   []string
}

func TestImportCorpus(t *testing.T) {
	for _, dir := range corpusDirs {
		t.Run(dir, func(t *testing.T) {
			files, err := filepath.Glob(filepath.Join("testdata", "import", dir, "*.md"))
			if err != nil || len(files) == 0 {
				t.Fatalf("no corpus in %s (%v)", dir, err)
			}
			var scores []corpusScore
			for _, f := range files {
				s := scoreSource(t, f)
				scores = append(scores, s)
				for _, m := range s.misses {
					t.Logf("%s: %s", s.name, m)
				}
			}
			table := corpusTable(scores)
			t.Logf("\n%s", table)
			checkDocsTable(t, dir, table)
			var tot corpusScore
			for _, s := range scores {
				tot.tlGold += s.tlGold
				tot.tlFound += s.tlFound
				tot.tlImported += s.tlImported
				tot.tlRight += s.tlRight
				tot.aiGold += s.aiGold
				tot.aiFound += s.aiFound
				tot.drops += s.drops
			}
			if r := ratio(tot.tlFound, tot.tlGold); r < corpusGoals.recall {
				t.Errorf("timeline recall %.1f%% < %.0f%%", 100*r, 100*corpusGoals.recall)
			}
			if r := ratio(tot.tlRight, tot.tlImported); r < corpusGoals.instants {
				t.Errorf("entries at the right instant %.1f%% < %.0f%%", 100*r, 100*corpusGoals.instants)
			}
			if r := ratio(tot.aiFound, tot.aiGold); r < corpusGoals.actions {
				t.Errorf("action-item recall %.1f%% < %.0f%%", 100*r, 100*corpusGoals.actions)
			}
			if tot.drops > 0 {
				t.Errorf("%d silent drops", tot.drops)
			}
		})
	}
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// corpusZone is the site's zone of the test repository: a zone none of
// the posts uses, so that a time read in the site's zone instead of the
// post's shows as a wrong instant.
const corpusZone = "Australia/Adelaide"

func scoreSource(t *testing.T, file string) corpusScore {
	t.Helper()
	name := strings.TrimSuffix(filepath.Base(file), ".md")
	s := corpusScore{name: name, dateOK: "-"}
	var g goldenRecord
	gb, err := os.ReadFile(strings.TrimSuffix(file, ".md") + ".golden.yaml")
	if err != nil {
		t.Fatalf("%s: no golden record: %v", name, err)
	}
	if err := yaml.Unmarshal(gb, &g); err != nil {
		t.Fatalf("%s.golden.yaml: %v", name, err)
	}
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	checkGoldenLines(t, name, src, g)

	// A post that states no zone is imported as its own team would, with
	// the team's zone as the site's (site_zone in NAME.source); the draft
	// must still say that the post stated none.
	zone, teamZone := corpusZone, sourceField(t, file, "site_zone")
	if teamZone != "" {
		zone = teamZone
	}
	dir := newRepo(t, "site: {timezone: "+zone+"}\n")
	var out, errOut bytes.Buffer
	res, err := Import(context.Background(), ImportOptions{Dir: dir, File: file, Output: "-", Out: &out, ErrOut: &errOut})
	if err != nil {
		// Exit status non-zero: the goal is every file imported.
		t.Errorf("%s: castor import failed: %v", name, err)
		s.misses = append(s.misses, "import failed")
		return s
	}
	if teamZone != "" && !slices.ContainsFunc(res.Warnings, func(w schema.Diagnostic) bool { return strings.Contains(w.Message, "gives no time zone") }) {
		t.Errorf("%s: the post states no zone, and the draft does not say so", name)
		s.misses = append(s.misses, "no warning that the post states no zone")
	}
	ws, err := openWorkspace(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	_, inc, err := ws.check(context.Background(), ws.recordPath(res.ID), res.Draft)
	if err != nil {
		t.Errorf("%s: the draft does not validate: %v", name, err)
		return s
	}

	s.lang = inc.Lang
	if g.Date != "" {
		s.dateOK = "yes"
		if !strings.HasPrefix(inc.ID, g.Date+"-") {
			s.dateOK = "no"
			s.misses = append(s.misses, fmt.Sprintf("date: id %s, want %s", inc.ID, g.Date))
		}
	}
	scoreTimeline(&s, g, inc)
	scoreActions(&s, g, inc)
	scoreSections(&s, g, inc)
	// The lines read as facts (a date line, a zone statement, "Date:
	// …") are data without words in the record: the importer lists
	// them (the same draft, built again).
	d, err := buildDraft(src, file, draftOptions{loc: ws.loc})
	if err != nil {
		t.Fatal(err)
	}
	s.drops = silentDrops(&s, src, inc, res.Warnings, d.factLines)
	return s
}

// sourceField is the value of a "key: value" line of NAME.source.
func sourceField(t *testing.T, post, key string) string {
	t.Helper()
	b, err := os.ReadFile(strings.TrimSuffix(post, ".md") + ".source")
	if err != nil {
		t.Fatalf("%s: no source noted: %v", post, err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, key+":"); ok {
			v, _, _ = strings.Cut(v, "#")
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// checkGoldenLines checks the golden record against its source: the
// words of each entry are on the line it names (or the two after it).
func checkGoldenLines(t *testing.T, name string, src []byte, g goldenRecord) {
	t.Helper()
	lines := strings.Split(string(src), "\n")
	// The text of each line as read: the blocks starting on it, their
	// links resolved (reference links are defined at the end of a post).
	doc := parseMarkdown(src)
	read := map[int]string{}
	_ = ast.Walk(doc.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n.(type) {
		case *ast.Paragraph, *ast.TextBlock, *ast.Heading, *east.TableCell:
			if entering {
				if o := blockOffset(n); o >= 0 {
					l, _ := doc.line(doc.base + o)
					read[l] += " " + doc.plain(n)
				}
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	near := func(line int) [][]string {
		if line < 1 || line > len(lines) {
			return nil
		}
		end := min(line+2, len(lines))
		return [][]string{words(read[line] + " " + read[line+1]), words(strings.Join(lines[line-1:end], " "))}
	}
	check := func(what string, line int, text string) {
		if !slices.ContainsFunc(near(line), func(seq []string) bool { return containsRun(seq, words(text)) }) {
			t.Errorf("%s.golden.yaml: %s %q is not on line %d of the source", name, what, text, line)
		}
	}
	for _, e := range g.Timeline {
		check("timeline event", e.Line, e.Event)
		if _, err := time.Parse(time.RFC3339, e.At); err != nil {
			t.Errorf("%s.golden.yaml: line %d: %v", name, e.Line, err)
		}
	}
	for _, a := range g.ActionItems {
		check("action item", a.Line, a.Title)
	}
}

func scoreTimeline(s *corpusScore, g goldenRecord, inc *schema.Incident) {
	s.tlGold, s.tlImported = len(g.Timeline), len(inc.Timeline)
	evs := make([][][]string, len(inc.Timeline))
	for i, e := range inc.Timeline {
		evs[i] = textWords(e.Event)
	}
	has := func(seqs [][]string, want []string) bool {
		return slices.ContainsFunc(seqs, func(seq []string) bool { return containsRun(seq, want) })
	}
	used := make([]bool, len(inc.Timeline))
	matched := make([]int, len(g.Timeline))
	for i := range matched {
		matched[i] = -1
	}
	same := func(gi, ii int) bool {
		e := g.Timeline[gi]
		at, _ := time.Parse(time.RFC3339, e.At)
		got := inc.Timeline[ii]
		if !got.At.Equal(at) {
			return false
		}
		if e.Until == "" {
			return got.Until == nil
		}
		until, _ := time.Parse(time.RFC3339, e.Until)
		return got.Until != nil && got.Until.Equal(until)
	}
	// Two passes: the same words at the same instant first, so that two
	// entries with the same text ("Alert discovered") pair rightly.
	for pass := range 2 {
		for gi, e := range g.Timeline {
			if matched[gi] >= 0 {
				continue
			}
			want := words(e.Event)
			for ii := range inc.Timeline {
				if used[ii] || !has(evs[ii], want) || (pass == 0 && !same(gi, ii)) {
					continue
				}
				matched[gi], used[ii] = ii, true
				break
			}
		}
	}
	for gi, ii := range matched {
		e := g.Timeline[gi]
		switch {
		case ii < 0:
			s.misses = append(s.misses, fmt.Sprintf("timeline: line %d %q not imported", e.Line, e.Event))
		case !same(gi, ii):
			s.tlFound++
			got := inc.Timeline[ii]
			s.misses = append(s.misses, fmt.Sprintf("timeline: line %d at %s, want %s", e.Line, formatTime(got.At.UTC()), e.At))
		default:
			s.tlFound++
			s.tlRight++
		}
	}
	for ii, u := range used {
		if !u {
			s.misses = append(s.misses, fmt.Sprintf("timeline: imported %s %q is in no golden entry", formatTime(inc.Timeline[ii].At.UTC()), abbreviate(inc.Timeline[ii].Event, 60)))
		}
	}
}

func scoreActions(s *corpusScore, g goldenRecord, inc *schema.Incident) {
	s.aiGold = len(g.ActionItems)
	used := make([]bool, len(inc.ActionItems))
	for _, a := range g.ActionItems {
		want := words(a.Title)
		found := -1
		for i, got := range inc.ActionItems {
			if !used[i] && slices.ContainsFunc(textWords(got.Title), func(seq []string) bool { return containsRun(seq, want) }) {
				found = i
				break
			}
		}
		if found < 0 {
			s.misses = append(s.misses, fmt.Sprintf("action item: line %d %q not imported", a.Line, a.Title))
			continue
		}
		used[found] = true
		s.aiFound++
		got := inc.ActionItems[found]
		for _, f := range [][3]string{{"status", a.Status, got.Status}, {"owner", a.Owner, got.Owner}, {"priority", a.Priority, got.Priority}, {"issue", a.Issue, got.Issue}} {
			if f[1] == "" {
				continue
			}
			s.fieldsGold++
			if f[1] == f[2] {
				s.fieldsRight++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("action item: line %d %s = %q, want %q", a.Line, f[0], f[2], f[1]))
			}
		}
	}
}

// recordFields are a record's texts by field name, as the goldens name
// them.
func recordFields(inc *schema.Incident) map[string][]string {
	f := map[string][]string{"title": {inc.Title}, "summary": {inc.Summary}, "impact": {inc.Impact}}
	if pm := inc.Postmortem; pm != nil {
		f["trigger"], f["root_cause"], f["resolution"], f["detection"] = []string{pm.Trigger}, []string{pm.RootCause}, []string{pm.Resolution}, []string{pm.Detection}
		f["contributing_factors"], f["went_well"], f["went_wrong"], f["lucky"] = pm.ContributingFactors, pm.WentWell, pm.WentWrong, pm.Lucky
	}
	for _, e := range inc.Timeline {
		f["timeline"] = append(f["timeline"], e.Event)
	}
	for _, a := range inc.ActionItems {
		f["action_items"] = append(f["action_items"], a.Title)
	}
	for _, l := range inc.Links {
		f["links"] = append(f["links"], l.Title)
	}
	return f
}

func scoreSections(s *corpusScore, g goldenRecord, inc *schema.Incident) {
	fields := recordFields(inc)
	keys := make([]string, 0, len(g.Sections))
	for k := range g.Sections {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		var seqs [][]string
		for _, v := range fields[k] {
			seqs = append(seqs, textWords(v)...)
		}
		for _, want := range g.Sections[k] {
			s.secGold++
			w := words(want)
			if slices.ContainsFunc(seqs, func(seq []string) bool { return containsRun(seq, w) }) {
				s.secFound++
			} else {
				s.misses = append(s.misses, fmt.Sprintf("section %s: %q not found", k, want))
			}
		}
	}
}

// silentDrops counts the pieces of recognised sections (and of the text
// above the first one) that became neither data nor a warning: a list
// item, a table row or a paragraph whose words are nowhere in the record
// and whose lines no warning names. It judges the record, not the
// importer's bookkeeping: only the cutting into sections is the
// importer's.
func silentDrops(s *corpusScore, src []byte, inc *schema.Incident, warnings []schema.Diagnostic, facts map[int]bool) int {
	var data [][]string
	for _, vs := range recordFields(inc) {
		for _, v := range vs {
			for _, seq := range textWords(v) {
				data = append(data, dropDigits(seq))
			}
		}
	}
	warned := func(from, to int) bool {
		for _, w := range warnings {
			if w.Pos.Line >= from && w.Pos.Line <= to {
				return true
			}
		}
		return false
	}
	lines := strings.Split(string(src), "\n")
	factsOnly := func(from, to int) bool {
		for l := from; l <= to && l <= len(lines); l++ {
			if strings.TrimSpace(lines[l-1]) != "" && !facts[l] {
				return false
			}
		}
		return true
	}
	doc := parseMarkdown(src)
	lineOf := func(off int) int { l, _ := doc.line(off); return l }
	drops := 0
	judge := func(what string, texts []string, from, to int) {
		if warned(from, to) || factsOnly(from, to) {
			return
		}
		empty := true
		for _, text := range texts {
			w := dropDigits(words(text))
			if len(w) == 0 {
				continue
			}
			empty = false
			if keptIn(data, w) {
				return
			}
		}
		if empty {
			return
		}
		drops++
		s.misses = append(s.misses, fmt.Sprintf("silent drop: %s at line %d: %q", what, from, abbreviate(texts[0], 60)))
	}
	chunks := func(cs []chunk) {
		for _, c := range cs {
			switch n := c.node.(type) {
			case *ast.List:
				for _, it := range doc.listItems(n) {
					_, end := doc.extent(it.node)
					judge("list item", []string{it.fullText()}, lineOf(it.off), lineOf(doc.base+end))
				}
			case *east.Table:
				tb := doc.readTable(n)
				for i, r := range tb.rows {
					judge("table row", []string{strings.Join(r, " ")}, lineOf(tb.offs[i]), lineOf(tb.offs[i]))
				}
			case *ast.Heading, *ast.ThematicBreak:
			case *ast.HTMLBlock:
				if !strings.HasPrefix(strings.TrimSpace(doc.source([]chunk{c})), "<!--") {
					judge("HTML block", []string{doc.source([]chunk{c})}, lineOf(c.off), lineOf(c.off)+strings.Count(doc.source([]chunk{c}), "\n"))
				}
			case nil:
				judge("text", []string{inlinePlain(c.text), c.text}, lineOf(c.off), lineOf(c.off)+strings.Count(c.text, "\n"))
			default:
				txt := doc.source([]chunk{c})
				if strings.TrimSpace(doc.plain(c.node)) == "" {
					// Nothing as read: link reference definitions,
					// whose links are the record's links.
					continue
				}
				judge("paragraph", []string{doc.plain(c.node), txt}, lineOf(c.off), lineOf(c.off)+strings.Count(txt, "\n"))
			}
		}
	}
	chunks(doc.intro)
	for _, sec := range doc.secs {
		if sec.effective() != secUnknown {
			chunks(sec.chunks)
		}
	}
	return drops
}

// keptIn tells whether the words of a piece of the post are in the
// record: a short piece (up to five words) a run of three fifths of its
// words (the rest can be a time's "PM PST" or a priority tag), a longer
// one at least half of its words, in runs of five found in order in one
// of the record's texts.
func keptIn(data [][]string, w []string) bool {
	const n = 5
	in := func(run []string) bool {
		return slices.ContainsFunc(data, func(seq []string) bool { return containsRun(seq, run) })
	}
	if len(w) <= n {
		k := max(min(2, len(w)), (3*len(w)+4)/5)
		for i := 0; i+k <= len(w); i++ {
			if in(w[i : i+k]) {
				return true
			}
		}
		return false
	}
	covered := make([]bool, len(w))
	for i := 0; i+n <= len(w); i++ {
		if in(w[i : i+n]) {
			for j := i; j < i+n; j++ {
				covered[j] = true
			}
		}
	}
	c := 0
	for _, v := range covered {
		if v {
			c++
		}
	}
	return c*2 >= len(w)
}

// textWords is a record text as word sequences: as written (Markdown
// source) and as read (its plain text).
func textWords(v string) [][]string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	doc := parseMarkdown([]byte(v))
	return [][]string{words(v), words(doc.plain(doc.root))}
}

// words cuts text into folded words (lowercase, no accents); each
// ideograph or kana is a word of its own.
func words(s string) []string {
	f, _ := fold(s)
	var out []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
		}
	}
	for _, r := range f {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

func dropDigits(w []string) []string {
	return slices.DeleteFunc(slices.Clone(w), func(s string) bool {
		return strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
	})
}

// containsRun tells whether want appears in seq as consecutive words.
func containsRun(seq, want []string) bool {
	if len(want) == 0 {
		return true
	}
	for i := 0; i+len(want) <= len(seq); i++ {
		if slices.Equal(seq[i:i+len(want)], want) {
			return true
		}
	}
	return false
}

func pct(a, b int) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%d/%d (%.0f %%)", a, b, 100*float64(a)/float64(b))
}

// corpusTable is the Markdown table of the figures per source, the
// total, and the total per language when there are several.
func corpusTable(scores []corpusScore) string {
	var b strings.Builder
	b.WriteString("| source | timeline recall | at the right instant | action items | item fields | sections | silent drops | date |\n")
	b.WriteString("| --- | --- | --- | --- | --- | --- | --- | --- |\n")
	row := func(name string, ss []corpusScore) {
		var tot corpusScore
		dates, datesOK := 0, 0
		for _, s := range ss {
			tot.tlGold += s.tlGold
			tot.tlFound += s.tlFound
			tot.tlImported += s.tlImported
			tot.tlRight += s.tlRight
			tot.aiGold += s.aiGold
			tot.aiFound += s.aiFound
			tot.fieldsGold += s.fieldsGold
			tot.fieldsRight += s.fieldsRight
			tot.secGold += s.secGold
			tot.secFound += s.secFound
			tot.drops += s.drops
			if s.dateOK != "-" {
				dates++
				if s.dateOK == "yes" {
					datesOK++
				}
			}
		}
		date := fmt.Sprintf("%d/%d", datesOK, dates)
		if len(ss) == 1 {
			date = ss[0].dateOK
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %d | %s |\n", name, pct(tot.tlFound, tot.tlGold), pct(tot.tlRight, tot.tlImported),
			pct(tot.aiFound, tot.aiGold), pct(tot.fieldsRight, tot.fieldsGold), pct(tot.secFound, tot.secGold), tot.drops, date)
	}
	byLang := map[string][]corpusScore{}
	for _, s := range scores {
		row(s.name, []corpusScore{s})
		l := s.lang
		if l == "" {
			l = "language not told"
		}
		byLang[l] = append(byLang[l], s)
	}
	row(fmt.Sprintf("**all %d**", len(scores)), scores)
	if len(byLang) > 1 {
		for _, l := range slices.Sorted(maps.Keys(byLang)) {
			row(fmt.Sprintf("**%s: %d**", l, len(byLang[l])), byLang[l])
		}
	}
	return b.String()
}

// checkDocsTable compares the table with the one docs/import.md shows
// between the markers of the corpus.
func checkDocsTable(t *testing.T, dir, table string) {
	t.Helper()
	const docs = "../../docs/import.md"
	begin, end := "<!-- figures of "+dir+": written by TestImportCorpus -update -->\n", "<!-- end of the figures of "+dir+" -->"
	b, err := os.ReadFile(docs)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("%s has no %q … %q", docs, strings.TrimSpace(begin), end)
	}
	if got := s[i+len(begin) : j]; got != table {
		if *update {
			writeFile(t, docs, s[:i+len(begin)]+table+s[j:])
			return
		}
		t.Errorf("%s: the figures of %s are not the measured ones (go test -run TestImportCorpus -update rewrites them):\n%s", docs, dir, table)
	}
}
