package incident

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // zones named in post-mortems resolve on any machine
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/castor-incidents/castor/actions/render"
	"github.com/castor-incidents/castor/internal/lazyre"
	"github.com/castor-incidents/castor/schema"
)

// ImportOptions configures `castor import`.
type ImportOptions struct {
	// Dir is the repository root.
	Dir string
	// File is the Markdown post-mortem; "-" reads In.
	File string
	In   io.Reader
	// Date is the incident's date, YYYY-MM-DD, when the text does not say
	// it (or says it wrongly).
	Date string
	// Severity, when the post does not give it.
	Severity string
	// Slug replaces the one made from the title (titles with no Latin
	// letters make none).
	Slug string
	// Timezone of the times in the post that do not say theirs; default
	// the zone the post states, else site.timezone (said in a TODO).
	Timezone string
	// Output is where the draft goes: "" for records/<YYYY>/<id>.yaml,
	// "-" for Out.
	Output string
	// PR commits the draft on a branch incident/<id>, pushes it and opens
	// a draft pull request, as castor new --pr does.
	PR      bool
	Publish PublishOptions

	Out    io.Writer
	ErrOut io.Writer
}

// ImportResult says what Import made.
type ImportResult struct {
	ID       string
	Path     string // "" when written to Out
	Draft    []byte
	Warnings []schema.Diagnostic
	PR       *PublishResult
}

// maxImport bounds the post-mortem read: a post-mortem is text.
const maxImport = 4 << 20

// Import turns a Markdown post-mortem into a record draft, validates it
// and writes it.
func Import(ctx context.Context, opts ImportOptions) (*ImportResult, error) {
	if opts.Severity != "" {
		if err := oneOf("severity", opts.Severity, schema.Severities); err != nil {
			return nil, err
		}
	}
	if opts.PR && opts.Output != "" {
		return nil, usagef("--pr commits the draft where it belongs: it takes no --output")
	}
	ws, err := openWorkspace(opts.Dir, opts.Timezone)
	if err != nil {
		return nil, err
	}
	var src []byte
	name := filepath.ToSlash(opts.File)
	if opts.File == "-" {
		name = "<stdin>"
		if opts.In == nil {
			return nil, usagef("no standard input to read")
		}
		src, err = readAllLimited(opts.In, name, maxImport)
	} else {
		src, err = readLimited(opts.File, maxImport)
	}
	if err != nil {
		return nil, err
	}
	components := map[string]string{}
	for _, c := range ws.repo.Config.Components {
		components[normalize(c.Name)] = c.Name
		if c.DisplayName != "" {
			components[normalize(c.DisplayName)] = c.Name
		}
	}
	d, err := buildDraft(src, name, draftOptions{date: opts.Date, severity: opts.Severity, slug: opts.Slug, loc: ws.loc, zoneGiven: opts.Timezone != "", components: components})
	if err != nil {
		return nil, err
	}
	res := &ImportResult{ID: d.id, Draft: d.bytes(), Warnings: d.warnings}
	if opts.PR {
		pub, err := newPublisher(ctx, ws, opts.Publish, true, opts.ErrOut)
		if err != nil {
			return nil, err
		}
		var vw []schema.Diagnostic
		content := func(id string) ([]byte, *schema.Incident, error) {
			d.id = id
			data := d.bytes()
			w, inc, err := ws.check(ctx, ws.recordPath(id), data)
			res.Draft, vw = data, w
			return data, inc, err
		}
		id, pr, err := pub.startNew(ctx, schema.KindIncident, d.id, content)
		if err != nil {
			return nil, asPublishError(err)
		}
		res.ID, res.Path, res.PR = id, ws.recordPath(id), pr
		res.Warnings = append(res.Warnings, vw...)
		warningsTo(opts.ErrOut, res.Warnings)
		fmt.Fprintf(opts.Out, "%s: %s, on branch %s\n", res.Path, drafted(name, res.Draft), pr.Branch)
		fmt.Fprintln(opts.Out, pr.Pull.URL)
		return res, nil
	}
	// Checked where it belongs, whatever --output says: the id must
	// match the file name there.
	p := ws.recordPath(d.id)
	vw, _, err := ws.check(ctx, p, res.Draft)
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	res.Warnings = append(res.Warnings, vw...)
	if opts.Output == "-" {
		_, err := opts.Out.Write(res.Draft)
		warningsTo(opts.ErrOut, res.Warnings)
		return res, err
	}
	if opts.Output == "" {
		ids, err := ws.ids()
		if err != nil {
			return nil, err
		}
		if other, ok := ids[d.id]; ok {
			return nil, fmt.Errorf("import %s: record %s already exists (%s); give another --slug, or --output to write the draft elsewhere", name, d.id, other)
		}
	}
	if opts.Output != "" {
		p = filepath.ToSlash(opts.Output)
		err = createOutside(opts.Output, res.Draft)
	} else {
		err = ws.create(p, res.Draft)
	}
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	res.Path = p
	warningsTo(opts.ErrOut, res.Warnings)
	fmt.Fprintf(opts.Out, "%s: %s\n", p, drafted(name, res.Draft))
	return res, nil
}

// drafted says what castor import wrote: "draft record from
// postmortem.md (3 lines marked TODO)".
func drafted(name string, draft []byte) string {
	if name == "-" {
		name = "standard input"
	}
	s := "draft record from " + name
	n := 0
	for line := range bytes.Lines(draft) {
		if bytes.Contains(line, []byte("TODO")) {
			n++
		}
	}
	switch n {
	case 0:
	case 1:
		s += " (1 line marked TODO)"
	default:
		s += fmt.Sprintf(" (%d lines marked TODO)", n)
	}
	return s
}

func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAllLimited(f, name, limit)
}

func readAllLimited(r io.Reader, name string, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d MiB: not a post-mortem", name, limit>>20)
	}
	return b, nil
}

type draftOptions struct {
	date, severity, slug string
	loc                  *time.Location
	// components are those castor.yaml declares, by name and display
	// name: a post's "Components: …" is taken when it names only these.
	components map[string]string
	// zoneGiven: loc is the post's zone (--timezone), not a guess.
	zoneGiven bool
}

// draft is a record made from a post-mortem, with a note for each value
// castor had to guess: notes become "# TODO" comments.
type draft struct {
	header                          []string
	id, title, lang                 string
	severity, status, visibility    field
	startedAt, detectedAt, resolved field
	components                      []string
	commander                       string
	summary, impact                 string
	timeline                        []timelineDraft
	timelineTodo                    string
	pmPublic                        field
	pmText                          [4]string // trigger, root_cause, resolution, detection
	pmLists                         [4][]string
	pmNote                          string
	actions                         []actionDraft
	links                           []link
	warnings                        []schema.Diagnostic
	// factLines are the lines read as facts (fields, dates, zones).
	factLines map[int]bool
}

// field is a value, already in YAML, and why it is what it is when the
// post did not say.
type field struct{ value, todo string }

type timelineDraft struct {
	at, until time.Time
	hasUntil  bool
	event     string
	todo      string
	off       int
}

type actionDraft struct {
	id, title, owner, kind, priority, due, status, issue string
	// guessed names the values that are defaults.
	guessed []string
}

var pmTextKeys = [4]string{"trigger", "root_cause", "resolution", "detection"}
var pmListKeys = [4]string{"contributing_factors", "went_well", "went_wrong", "lucky"}

// titlePrefix is the label a post-mortem title often starts with.
var titlePrefix = lazyre.New(`(?i)^\s*(?:[\[(]\s*(?:post[- ]?mortem|incident report|incident|retour d['’]exp[ée]rience|rex|ポストモーテム|障害報告)\s*[\])]\s*[:：–—-]?|(?:post[- ]?mortem|incident report|incident|retour d['’]exp[ée]rience|rex|ポストモーテム|障害報告)\s*[:：–—-])\s*`)

// importer holds what buildDraft learns while reading.
type importer struct {
	d      *draft
	doc    *mdDoc
	name   string
	opts   draftOptions
	style  dateStyle
	fields map[fieldKind]fieldValue

	docZone     *time.Location
	docZoneName string
	guessedZone bool
	// chronoDate is the day the post says its entries are on ("all
	// events happened on 2019-10-21"), when it says so.
	chronoDate   civil
	chronoDateAt int

	raw []rawEntry
	// linkTitles name links written bare in a list of references.
	linkTitles map[string]string
}

type fieldValue struct {
	value string
	off   int
}

// rawEntry is a chronology entry as read, before its date and zone are
// known: entries without a time are dates that apply to what follows.
type rawEntry struct {
	st       stamp
	off      int
	zone     *time.Location // of its table or section
	zoneName string
	event    string
	todo     string
}

func (im *importer) warn(off int, format string, args ...any) {
	line, col := im.doc.line(off)
	im.d.warnings = append(im.d.warnings, schema.Diagnostic{Pos: schema.Position{File: im.name, Line: line, Col: col}, Severity: schema.Warning, Message: fmt.Sprintf(format, args...), Rule: "import"})
}

func buildDraft(src []byte, name string, opts draftOptions) (*draft, error) {
	d := &draft{}
	src, note, err := toUTF8(src)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if note != "" {
		d.warnings = append(d.warnings, schema.Diagnostic{Pos: schema.Position{File: name}, Severity: schema.Warning, Rule: "encoding", Message: note})
	}
	orig := string(src)
	fixed, rep := repairMojibake(orig)
	var lostLines []int
	if rep.Fixed > 0 {
		d.warnings = append(d.warnings, schema.Diagnostic{Pos: schema.Position{File: name}, Severity: schema.Warning, Rule: "encoding",
			Message: fmt.Sprintf("the file is UTF-8 that was read as Windows-1252 and saved again (mojibake): %d sequences repaired", rep.Fixed)})
		for _, off := range rep.Lost {
			line, col := lineCol(orig, off)
			lostLines = append(lostLines, line)
			d.warnings = append(d.warnings, schema.Diagnostic{Pos: schema.Position{File: name, Line: line, Col: col}, Severity: schema.Warning, Rule: "import",
				Message: "a byte was lost when the file was mis-encoded: the character cannot be recovered and is now U+FFFD; fix it by hand"})
		}
	}
	// castor render's own Markdown, as posted to GitHub, has zero-width
	// spaces after @ and # and redirect.github.com issue links (no pings):
	// the record had neither.
	fixed = render.Unneutralize(fixed)
	doc := parseMarkdown([]byte(fixed))
	im := &importer{d: d, doc: doc, name: name, opts: opts, fields: map[fieldKind]fieldValue{}, linkTitles: map[string]string{}}

	// Title.
	title := doc.front["title"]
	if title == "" {
		title = doc.title
	}
	if title == "" {
		title = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	if t := titlePrefix.ReplaceAllString(title, ""); strings.TrimSpace(t) != "" {
		title = t
	}
	d.title = capitalize(strings.Join(strings.Fields(title), " "))

	// Language: said, or the language of the section titles.
	d.lang = doc.front["lang"]
	if d.lang == "" {
		d.lang = im.language()
	}
	switch {
	case strings.HasPrefix(d.lang, "en"), strings.HasPrefix(d.lang, "ja"), strings.HasPrefix(d.lang, "zh"), strings.HasPrefix(d.lang, "ko"):
		// "11/25": month first in American English and in the languages
		// that write the year first (2021/11/25).
		im.style = monthFirst
	case d.lang != "":
		im.style = dayFirst
	}

	im.readFields()
	im.readStatements()
	im.readSections()
	im.proseTimeline()
	day, err := im.incidentDay()
	if err != nil {
		return nil, err
	}
	if im.docZone != nil && im.isSiteAbbr(im.docZoneName, day.Year()) {
		im.docZone = im.opts.loc
	}
	im.resolveTimeline(day)
	im.times(day)
	im.actionIDs()
	d.links = doc.links()
	for i, l := range d.links {
		if t, ok := im.linkTitles[l.url]; ok && l.title == l.url {
			d.links[i].title = t
		}
	}

	// Id.
	slug := opts.slug
	if slug == "" {
		slug = idSlug(d.title)
	} else if Slug(slug, 0) != slug {
		return nil, usagef("--slug %q: use lowercase letters, digits and hyphens", slug)
	}
	if slug == "" {
		return nil, usagef("%s: the title %q has no letter or digit to make an id from; give --slug", name, d.title)
	}
	d.id = civilOf(day).String() + "-" + slug

	// What the post does not say, guessed and marked.
	d.severity = field{"SEV3", "the post does not give a severity: SEV1 (worst) .. SEV4"}
	if sev, ok := severityOf(im.fields[fieldSeverity].value); ok {
		d.severity = field{sev, ""}
	}
	if opts.severity != "" {
		d.severity = field{opts.severity, ""}
	}
	d.status = field{"resolved", "a post-mortem is written once the incident is over"}
	if st, ok := recordStatus(im.fields[fieldStatus].value); ok {
		d.status = field{st, ""}
	}
	if f, ok := im.fields[fieldComponents]; ok {
		d.components, _ = im.componentNames(f.value)
	}
	if f, ok := im.fields[fieldCommander]; ok {
		d.commander = strings.TrimPrefix(f.value, "@")
	}
	d.visibility = field{"internal", "public lets status pages show this record"}
	d.pmPublic = field{"false", "true lets status pages show the post-mortem"}
	if d.pmText == [4]string{} {
		d.pmNote = "the post has no section for the trigger, root cause, resolution or detection: write them here"
	}
	d.header = []string{fmt.Sprintf("Draft made by castor import from %s.", filepath.Base(name))}
	if pub, ok := parseFrontDate(doc.front["date"], opts.loc); ok {
		d.header = append(d.header, fmt.Sprintf("The post was published on %s; the incident is dated %s.", pub.Format("2006-01-02 15:04"), civilOf(day)))
	}
	if im.guessedZone {
		d.header = append(d.header, fmt.Sprintf("The post gives no time zone: its times are read in %s, the site's; say which with --timezone.", opts.loc))
	}
	d.header = append(d.header, "Lines marked TODO are castor's guesses: check them, then run castor validate.")
	for i := range d.timeline {
		if slices.Contains(lostLines, im.lineOf(d.timeline[i].off)) && strings.ContainsRune(d.timeline[i].event, utf8.RuneError) {
			d.timeline[i].todo = "a character was lost in the file's broken encoding (U+FFFD below)"
		}
	}
	return d, nil
}

func (im *importer) lineOf(off int) int { l, _ := im.doc.line(off); return l }

// language guesses the post's language from its section titles and its
// script.
func (im *importer) language() string {
	count := map[string]int{}
	for _, s := range im.doc.secs {
		if _, lang := classify(s.title); lang != "" {
			count[lang]++
		}
	}
	kana := 0
	for _, r := range im.doc.title + string(im.doc.body[:min(len(im.doc.body), 4000)]) {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana) {
			kana++
		}
	}
	if kana > 20 {
		return "ja"
	}
	best, n := "", 0
	for _, lang := range []string{"en", "fr", "de", "es", "ja"} {
		if count[lang] > n {
			best, n = lang, count[lang]
		}
	}
	return best
}

// reFieldLine is "Label: value", with the label in bold or not, in a
// list or not.
var reFieldLine = lazyre.New(`^\s*(?:[-*+]\s+)?(?:\*\*|__)?([^*_:：|\[\]]{1,40}?)\s*(?:\*\*|__)?\s*[:：]\s*(?:\*\*|__)?\s*(.+?)\s*$`)

// reFact is one fact of castor's own rendering: "**Severity** SEV2".
var reFact = lazyre.New(`^\s*\*\*([^*]{1,30})\*\*\s+(.+?)\s*$`)

// readFields collects the facts the post states: front matter, "**Date**
// : …" lines, metadata tables. A line is taken only when the record has
// a place for its value ("Authors: …", "Status: Complete, action items in
// progress" stay in the text).
func (im *importer) readFields() {
	doc := im.doc
	set := func(k fieldKind, v string, off int) bool {
		v = strings.TrimSpace(v)
		if !im.fieldValid(k, v) {
			return false
		}
		if _, ok := im.fields[k]; !ok {
			im.fields[k] = fieldValue{v, off}
		}
		return true
	}
	for _, k := range []string{"date", "severity", "status", "started_at", "resolved_at", "detected_at"} {
		if v, ok := doc.front[k]; ok {
			switch k {
			case "date":
				// A blog's date is when it was published: the
				// incident's is looked for first in its text.
			case "started_at":
				set(fieldStart, v, doc.frontAt[k])
			case "detected_at":
				set(fieldDetected, v, doc.frontAt[k])
			case "resolved_at":
				set(fieldResolved, v, doc.frontAt[k])
			default:
				set(fieldOf(k), v, doc.frontAt[k])
			}
		}
	}
	// Field lines are read in the text above the first section and in
	// summary and metadata sections; the lines taken are facts, the
	// others stay.
	consume := func(chunks []chunk) []chunk {
		var keep []chunk
		for _, c := range chunks {
			if tb, ok := c.node.(*east.Table); ok {
				t := doc.readTable(tb)
				if all, some := im.fieldTable(t, set); all {
					im.fact(t.off)
					for _, o := range t.offs {
						im.fact(o)
					}
					continue
				} else if some {
					keep = append(keep, c)
					continue
				}
			}
			lines := im.chunkLines(c)
			if len(lines) == 0 {
				keep = append(keep, c)
				continue
			}
			var rest []line
			for _, l := range lines {
				parts := strings.Split(l.text, " · ")
				taken := 0
				for _, part := range parts {
					if m := reFact.FindStringSubmatch(part); m != nil && set(fieldOf(m[1]), m[2], l.off) {
						taken++
					} else if m := reFieldLine.FindStringSubmatch(part); m != nil && set(fieldOf(m[1]), m[2], l.off) {
						taken++
					}
				}
				if taken == len(parts) {
					im.fact(l.off)
				} else {
					rest = append(rest, l)
				}
			}
			switch {
			case len(rest) == len(lines):
				keep = append(keep, c)
			case len(rest) > 0:
				// What is left of the chunk, as text.
				var b strings.Builder
				for i, l := range rest {
					if i > 0 {
						b.WriteByte('\n')
					}
					b.WriteString(l.text)
				}
				keep = append(keep, chunk{text: b.String(), off: rest[0].off})
			}
		}
		return keep
	}
	doc.intro = consume(doc.intro)
	// "### 発生日時" over a line "2021年11月25日午後3時": a heading that is
	// a field's label, its value the one line below it.
	for _, s := range doc.secs {
		k := fieldOf(s.title)
		if s.kind != secUnknown || k == fieldNone || len(s.chunks) != 1 {
			continue
		}
		if lines := im.chunkLines(s.chunks[0]); len(lines) == 1 && set(k, lines[0].text, lines[0].off) {
			im.fact(s.off)
			im.fact(lines[0].off)
			s.kind, s.chunks = secMeta, nil
		}
	}
	for _, s := range doc.secs {
		if k := s.effective(); k == secMeta || k == secSummary {
			s.chunks = consume(s.chunks)
		}
	}
}

// fieldValid tells whether the record has a place for a stated fact.
func (im *importer) fieldValid(k fieldKind, v string) bool {
	if v == "" {
		return false
	}
	switch k {
	case fieldDate:
		return len(datesIn(v, im.style)) > 0
	case fieldStart, fieldDetected, fieldResolved:
		st, ok := parseStamp(v, im.style)
		return ok && st.hasTime
	case fieldSeverity:
		_, ok := severityOf(v)
		return ok
	case fieldStatus:
		_, ok := recordStatus(v)
		return ok
	case fieldDuration:
		_, ok := parseDuration(v)
		return ok
	case fieldComponents:
		_, ok := im.componentNames(v)
		return ok
	case fieldCommander:
		return loginRE.MatchString(strings.TrimPrefix(v, "@"))
	}
	return false
}

// componentNames reads the components a post names ("api, web", "Web
// site, Database", "api web") as castor.yaml's names; ok is false when
// one is not declared.
func (im *importer) componentNames(v string) (names []string, ok bool) {
	for _, part := range strings.Split(v, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if n, ok := im.opts.components[normalize(part)]; ok {
			names = append(names, n)
			continue
		}
		for _, w := range strings.Fields(part) {
			n, ok := im.opts.components[normalize(w)]
			if !ok {
				return nil, false
			}
			names = append(names, n)
		}
	}
	return names, len(names) > 0
}

// reDuration is a duration as people and castor write it: "2h25m",
// "45m", "3d4h", "66 minutes", "1 hour 31 minutes", "1h 31min".
var reDuration = lazyre.New(`^(?:(\d+)\s*(?:d|j|days?|jours?|tage?n?|dias?)\s*)?(?:(\d+)\s*(?:h|hours?|hrs?|heures?|stunden?|std|horas?)\s*)?(?:(\d+)\s*(?:m|mins?|minutes?|minuten?|minutos?)\s*)?$`)

func parseDuration(v string) (time.Duration, bool) {
	m := reDuration.FindStringSubmatch(normalize(v))
	if m == nil || m[1]+m[2]+m[3] == "" {
		return 0, false
	}
	n := func(s string) time.Duration { x, _ := strconv.Atoi(s); return time.Duration(x) }
	return n(m[1])*24*time.Hour + n(m[2])*time.Hour + n(m[3])*time.Minute, true
}

// fact records that the line at off was read as a fact (a field, a date,
// a zone): data, though its words are in no text of the record.
func (im *importer) fact(off int) {
	if im.d.factLines == nil {
		im.d.factLines = map[int]bool{}
	}
	im.d.factLines[im.lineOf(off)] = true
}

// fieldTable reads a two-column table of facts ("| 項目 | 内容 |"): all
// tells whether every row was taken, some whether one was.
func (im *importer) fieldTable(t table, set func(fieldKind, string, int) bool) (all, some bool) {
	if len(t.header) != 2 {
		return false, false
	}
	known := 0
	for _, r := range t.rows {
		if len(r) >= 2 && fieldOf(r[0]) != fieldNone {
			known++
		}
	}
	if known == 0 || known*2 < len(t.rows) {
		return false, false
	}
	all = true
	for i, r := range t.rows {
		if len(r) >= 2 && set(fieldOf(r[0]), r[1], t.offs[i]) {
			some = true
		} else {
			all = false
		}
	}
	return all, some
}

// line is a line of text with its file offset.
type line struct {
	text string
	off  int
}

// chunkLines returns the source lines of a paragraph or text chunk.
func (im *importer) chunkLines(c chunk) []line {
	doc := im.doc
	if c.node == nil {
		var out []line
		off := c.off
		for _, l := range strings.Split(c.text, "\n") {
			out = append(out, line{l, off})
			off += len(l) + 1
		}
		return out
	}
	switch n := c.node.(type) {
	case *ast.Paragraph, *ast.FencedCodeBlock, *ast.CodeBlock:
		var out []line
		ls := n.Lines()
		for i := 0; i < ls.Len(); i++ {
			seg := ls.At(i)
			out = append(out, line{strings.TrimRight(string(seg.Value(doc.body)), "\r\n"), doc.base + bytes.LastIndexByte(doc.body[:seg.Start], '\n') + 1})
		}
		return out
	}
	return nil
}

// readStatements finds what the post states for its whole chronology:
// the zone of its times ("All times are UTC") and the day of its
// entries ("all events happened on 2019-10-21").
func (im *importer) readStatements() {
	zoneDone := false
	switch {
	case im.opts.zoneGiven:
		im.docZone, im.docZoneName = im.opts.loc, im.opts.loc.String()
		zoneDone = true
	case im.doc.front["timezone"] != "":
		tz := im.doc.front["timezone"]
		if loc, err := time.LoadLocation(tz); err == nil {
			im.docZone, im.docZoneName, zoneDone = loc, tz, true
		} else if loc, ok := zoneFor(normalize(tz)); ok {
			im.docZone, im.docZoneName, zoneDone = loc, tz, true
		}
	}
	dateDone := false
	check := func(text string, off int) {
		f := folded(text)
		if !zoneDone {
			if loc, name, ok := zoneStatementFolded(f); ok {
				im.docZone, im.docZoneName, zoneDone = loc, name, true
			}
		}
		if !dateDone {
			if c, ok := dateStatementFolded(f, im.style); ok {
				im.chronoDate, im.chronoDateAt, dateDone = c, off, true
			}
		}
	}
	check(im.doc.title, im.doc.titleAt)
	all := append([]chunk{}, im.doc.intro...)
	for _, s := range im.doc.secs {
		all = append(all, s.chunks...)
	}
	for _, c := range all {
		if zoneDone && dateDone {
			return
		}
		if c.node != nil {
			if _, ok := c.node.(*ast.Paragraph); !ok {
				continue
			}
		}
		// The paragraph as a whole: a statement can run over two
		// lines ("… all times are in\nUTC.").
		lines := im.chunkLines(c)
		if len(lines) == 0 {
			continue
		}
		var all []string
		for _, l := range lines {
			all = append(all, inlinePlain(l.text))
		}
		check(strings.Join(all, " "), lines[0].off)
	}
}

// statementOnly tells whether a line or paragraph of a chronology is only
// a statement about it (its zone, its day), read as a fact.
func (im *importer) statementOnly(text string) bool {
	if len(strings.Fields(text)) > 20 {
		return false
	}
	if _, _, ok := zoneStatement(text); ok {
		return true
	}
	_, ok := dateStatement(text, im.style)
	return ok
}

// inlineMarkdown is text of a post (Markdown) as one line of record text:
// see mdDoc.markdown.
func inlineMarkdown(s string) string {
	if !strings.ContainsAny(s, "*_`[<&\\!~") {
		return inlineText(s)
	}
	doc := &mdDoc{body: []byte(s)}
	doc.root = md.Parser().Parse(text.NewReader(doc.body))
	var parts []string
	for n := doc.root.FirstChild(); n != nil; n = n.NextSibling() {
		parts = append(parts, doc.markdown(n))
	}
	return inlineText(strings.Join(parts, " "))
}

// inlinePlain is a line of Markdown as a reader sees it.
func inlinePlain(s string) string {
	if !strings.ContainsAny(s, "*_`[<&\\") {
		return strings.Join(strings.Fields(s), " ")
	}
	doc := &mdDoc{body: []byte(s)}
	doc.root = md.Parser().Parse(text.NewReader(doc.body))
	return doc.plain(doc.root)
}

// readSections turns the sections into the record's fields.
func (im *importer) readSections() {
	d, doc := im.d, im.doc
	var summary, impact, lessons []string
	var pmText [4][]string
	if len(doc.intro) > 0 {
		summary = append(summary, doc.source(doc.intro))
	} else if s := doc.front["description"]; s != "" {
		summary = append(summary, s)
	} else if s := doc.front["summary"]; s != "" {
		summary = append(summary, s)
	}
	textIndex := map[sectionKind]int{secTrigger: 0, secRootCause: 1, secResolution: 2, secDetection: 3}
	listIndex := map[sectionKind]int{secContributing: 0, secWentWell: 1, secWentWrong: 2, secLucky: 3}
	for _, s := range doc.secs {
		kind := s.effective()
		// A section of a text kind keeps its sub-sections' titles.
		text := doc.source(s.chunks)
		if s.kind == secUnknown && kind != secUnknown && text != "" {
			text = "**" + s.title + "**\n\n" + text
		}
		switch kind {
		case secTimeline:
			im.readTimeline(s)
		case secActions:
			im.readActions(s)
		case secWentWell, secWentWrong, secLucky, secContributing:
			i := listIndex[kind]
			d.pmLists[i] = append(d.pmLists[i], im.listTexts(s)...)
		case secLessons:
			if items := im.listTexts(s); len(items) > 0 {
				lessons = append(lessons, "**"+s.title+"**\n\n- "+strings.Join(items, "\n- "))
			}
		case secSummary, secMeta:
			if text != "" {
				summary = append(summary, text)
			}
		case secImpact:
			impact = append(impact, text)
		case secTrigger, secRootCause, secResolution, secDetection:
			i := textIndex[kind]
			pmText[i] = append(pmText[i], text)
		case secLinks:
			im.readLinks(s)
		default:
			if len(s.chunks) > 0 {
				im.warn(s.off, "section %q is not imported: no record field matches its title", s.title)
			}
		}
	}
	summary = append(summary, lessons...)
	d.summary = joinParas(summary)
	d.impact = joinParas(impact)
	for i, parts := range pmText {
		d.pmText[i] = joinParas(parts)
	}
}

// readLinks reads a section of references: its links are the record's
// (doc.links gathers them); a list item that is a bare URL and a few
// words ("Monitoring dashboard, https://…") names its link with them.
// Text that is more than links is said.
func (im *importer) readLinks(s *section) {
	for _, c := range s.chunks {
		switch n := c.node.(type) {
		case *ast.List:
			for _, it := range im.doc.listItems(n) {
				if !im.linksOnly(it.node) {
					im.warn(it.off, "text under %q is not imported: castor keeps the links of this section: %q", s.title, abbreviate(it.fullText(), 40))
					continue
				}
				// The item's words title its links: "Issue notes" over
				// two URLs gives "Issue notes (1)" and "(2)".
				var links []string // its own and its sub-items'
				var collect func(it mdItem)
				collect = func(it mdItem) {
					links = append(links, it.links...)
					for _, n := range it.nested {
						collect(n)
					}
				}
				collect(it)
				title := it.fullText()
				for _, l := range links {
					title = strings.Replace(title, l, "", 1)
				}
				title = strings.Trim(strings.TrimSpace(title), " ,;:–—-")
				if title != "" && !strings.Contains(title, "://") {
					for i, l := range links {
						t := title
						if len(links) > 1 {
							t = fmt.Sprintf("%s (%d)", title, i+1)
						}
						im.linkTitles[l] = t
					}
				}
			}
		case *ast.ThematicBreak:
		default:
			if c.node == nil || !im.linksOnly(c.node) {
				im.warn(c.off, "text under %q is not imported: castor keeps the links of this section", s.title)
			}
		}
	}
}

// linksOnly tells whether a block is links and a few words around them.
func (im *importer) linksOnly(n ast.Node) bool {
	links, other := 0, 0
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Link, *ast.AutoLink:
				links++
			case *ast.Text:
				other += len(strings.Fields(string(c.Segment.Value(im.doc.body))))
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return links > 0 && other <= 6*links
}

// listTexts reads a section whose content is a list of sentences (what
// went well, contributing factors): list items, paragraphs and table
// rows each make one.
func (im *importer) listTexts(s *section) []string {
	var out []string
	for _, c := range s.chunks {
		switch n := c.node.(type) {
		case *ast.List:
			for _, it := range im.doc.listItems(n) {
				if t := it.fullText(); t != "" {
					out = append(out, t)
				}
			}
		case *east.Table:
			t := im.doc.readTable(n)
			for _, r := range t.rows {
				if txt := strings.Join(slices.DeleteFunc(slices.Clone(r), func(s string) bool { return s == "" }), " — "); txt != "" {
					out = append(out, txt)
				}
			}
		case *ast.Heading, *ast.ThematicBreak:
		default:
			var txt string
			if c.node == nil {
				txt = inlineMarkdown(c.text)
			} else {
				txt = im.doc.oneLineMarkdown(c.node)
			}
			if txt != "" {
				out = append(out, txt)
			}
		}
	}
	return out
}

// readTimeline collects the chronology entries of a timeline section.
func (im *importer) readTimeline(s *section) {
	zone, zoneName := (*time.Location)(nil), ""
	for p := s; p != nil; p = p.parent {
		if p.zone != "" {
			zone, _ = zoneFor(strings.ToLower(p.zone))
			zoneName = p.zone
			break
		}
	}
	// A heading that is a date sets the date of what follows.
	if s.kind == secUnknown {
		if st, ok := parseStamp(s.title, im.style); ok && st.from.hasDate && !st.hasTime {
			im.raw = append(im.raw, rawEntry{st: st, off: s.off})
		} else if ok && st.hasTime {
			im.raw = append(im.raw, rawEntry{st: st, off: s.off, zone: zone, zoneName: zoneName, event: st.event})
		}
	}
	add := func(st stamp, off int, event string, z *time.Location, zn string) {
		if z == nil {
			z, zn = zone, zoneName
		}
		im.raw = append(im.raw, rawEntry{st: st, off: off, zone: z, zoneName: zn, event: event})
	}
	var items func(its []mdItem)
	items = func(its []mdItem) {
		for _, it := range its {
			st, ok := parseStamp(it.text, im.style)
			switch {
			case ok && st.hasTime:
				ev := st.event
				for _, n := range it.nested {
					ev = strings.TrimSpace(ev + " " + n.fullText())
				}
				add(st, it.off, ev, nil, "")
			case ok && st.from.hasDate && len(it.nested) > 0:
				im.raw = append(im.raw, rawEntry{st: st, off: it.off})
				im.fact(it.off)
				items(it.nested)
			case ok && st.from.hasDate && isDateLine(st.event):
				im.raw = append(im.raw, rawEntry{st: st, off: it.off})
				im.fact(it.off)
			case im.statementOnly(it.text):
				im.fact(it.off)
				items(it.nested)
			default:
				if strings.TrimSpace(it.text) != "" {
					im.warn(it.off, "chronology item without a time is not imported: %q", abbreviate(it.text, 40))
				}
				items(it.nested)
			}
		}
	}
	for _, c := range s.chunks {
		switch n := c.node.(type) {
		case *ast.List:
			items(im.doc.listItems(n))
		case *east.Table:
			im.timelineTable(im.doc.readTable(n), zone, zoneName)
		case *ast.ThematicBreak:
		case *ast.HTMLBlock:
			if !isHTMLComment(im.doc.source([]chunk{c})) {
				im.warn(c.off, "HTML under %q is not imported", s.title)
			}
		default:
			lines := im.chunkLines(c)
			if lines == nil {
				im.warn(c.off, "text under %q is not imported: castor reads times from its lists, tables and lines", s.title)
				continue
			}
			// Each line as Markdown: the paragraph's, cut at its line
			// breaks (a link keeps its target), else line by line.
			var plain []string
			if c.node != nil {
				plain = strings.Split(im.doc.markdown(c.node), "\n")
			}
			if len(plain) != len(lines) {
				plain = plain[:0]
				for _, l := range lines {
					plain = append(plain, inlineMarkdown(l.text))
				}
			}
			for i := range plain {
				plain[i] = inlineText(plain[i])
			}
			if im.statementOnly(strings.Join(plain, " ")) {
				for _, l := range lines {
					im.fact(l.off)
				}
				continue
			}
			last := -1
			for i, l := range lines {
				if strings.TrimSpace(l.text) == "" {
					continue
				}
				p := plain[i]
				st, ok := parseStamp(p, im.style)
				switch {
				case ok && st.hasTime:
					add(st, l.off, st.event, nil, "")
					last = len(im.raw) - 1
				case ok && st.from.hasDate && isDateLine(st.event):
					im.raw = append(im.raw, rawEntry{st: st, off: l.off})
					im.fact(l.off)
				case last >= 0:
					im.raw[last].event = strings.TrimSpace(im.raw[last].event + " " + p)
				case im.statementOnly(p):
					im.fact(l.off)
				default:
					im.warn(l.off, "chronology line without a time is not imported: %q", abbreviate(p, 40))
				}
			}
		}
	}
}

// isComment tells whether an HTML block is only a comment.
func isHTMLComment(html string) bool {
	h := strings.TrimSpace(html)
	return strings.HasPrefix(h, "<!--") && strings.HasSuffix(h, "-->")
}

// proseTimeline reads the chronology of a post that has none written
// as such: each sentence of its text that gives a date and a time ("At
// 01:52 UTC, 2022-10-28, … was merged", "The deletion was performed at
// 17:22 UTC on August 18, 2023") is an entry, marked to be checked.
func (im *importer) proseTimeline() {
	for _, e := range im.raw {
		if e.st.hasTime {
			return
		}
	}
	chunks := slices.Clone(im.doc.intro)
	running := false // a dated entry was read: times with a zone follow it
	for _, s := range im.doc.secs {
		switch s.effective() {
		case secSummary, secImpact, secTrigger, secRootCause, secResolution, secDetection:
			chunks = append(chunks, s.chunks...)
		}
	}
	for _, c := range chunks {
		var text string
		switch n := c.node.(type) {
		case nil:
			text = inlineMarkdown(c.text)
		case *ast.Paragraph:
			text = im.doc.oneLineMarkdown(n)
		default:
			continue
		}
		for _, sen := range splitSentences(text) {
			for _, cl := range clausesByTime(sen) {
				st, ok := sentenceStamp(cl, im.style)
				if !ok && running {
					// "At 15:23 UTC we received a report": a time with
					// its zone, on the day the text is at.
					st, ok = zonedClock(cl, im.style)
				}
				if ok {
					running = true
					im.raw = append(im.raw, rawEntry{st: st, off: c.off, event: cl, todo: "read from the post's text, not from a chronology: check it"})
				}
			}
		}
	}
}

// isDateLine tells whether what follows a date is no event: nothing, or
// a remark like "(all times UTC)".
func isDateLine(rest string) bool {
	rest = strings.TrimSpace(rest)
	if rest == "" {
		return true
	}
	_, _, z := zoneStatement(rest)
	return z || len(rest) < 3
}

// timelineTable reads a chronology table: a time column, maybe a date
// column, and the event.
func (im *importer) timelineTable(t table, zone *time.Location, zoneName string) {
	timeCol, dateCol, eventCol := -1, -1, -1
	var tzone *time.Location
	var tzoneName string
	for i, h := range t.header {
		switch columnOf(h, false) {
		case colTime:
			if timeCol < 0 {
				timeCol = i
				if loc, name, ok := headerZone(h); ok {
					tzone, tzoneName = loc, name
				}
			}
		case colDate:
			if dateCol < 0 {
				dateCol = i
				if loc, name, ok := headerZone(h); ok && tzone == nil {
					tzone, tzoneName = loc, name
				}
			}
		case colEvent:
			if eventCol < 0 {
				eventCol = i
			}
		}
	}
	if timeCol < 0 {
		// The column whose cells are times.
		for i := range t.header {
			n := 0
			for _, r := range t.rows {
				if i < len(r) {
					if st, ok := parseStamp(r[i], im.style); ok && st.hasTime && strings.TrimSpace(st.event) == "" {
						n++
					}
				}
			}
			if n > 0 && n*2 >= len(t.rows) {
				timeCol = i
				break
			}
		}
	}
	if timeCol < 0 && dateCol >= 0 {
		timeCol, dateCol = dateCol, -1
	}
	if timeCol < 0 {
		for i, r := range t.rows {
			im.warn(t.offs[i], "chronology table row without a time is not imported: %q", abbreviate(strings.Join(r, " | "), 40))
		}
		return
	}
	if eventCol < 0 {
		best := 0
		for i := range t.header {
			if i == timeCol || i == dateCol {
				continue
			}
			n := 0
			for _, r := range t.rows {
				if i < len(r) {
					n += len(r[i])
				}
			}
			if n > best {
				eventCol, best = i, n
			}
		}
	}
	if tzone == nil {
		tzone, tzoneName = zone, zoneName
	}
	for i, r := range t.rows {
		cell := func(c int) string {
			if c >= 0 && c < len(r) {
				return r[c]
			}
			return ""
		}
		when := cell(timeCol)
		if dateCol >= 0 {
			when = cell(dateCol) + " " + when
		}
		st, ok := parseStamp(when, im.style)
		event := cell(eventCol)
		// Other columns (who, action) are part of the event; a second
		// time column (the same time in UTC) is not.
		for c := range r {
			if c == timeCol || c == dateCol || c == eventCol || strings.TrimSpace(r[c]) == "" {
				continue
			}
			if st2, ok2 := parseStamp(r[c], im.style); ok2 && st2.hasTime && strings.TrimSpace(st2.event) == "" {
				continue
			}
			h := ""
			if c < len(t.header) {
				h = t.header[c]
			}
			event = strings.TrimSpace(event + " (" + strings.TrimSpace(h+": "+r[c]) + ")")
		}
		if extra := strings.TrimSpace(st.event); ok && extra != "" && !isDateLine(extra) {
			event = strings.TrimSpace(extra + " " + event)
		}
		switch {
		case ok && st.hasTime && strings.TrimSpace(event) != "":
			im.raw = append(im.raw, rawEntry{st: st, off: t.offs[i], zone: tzone, zoneName: tzoneName, event: event})
		default:
			im.warn(t.offs[i], "chronology table row without a time is not imported: %q", abbreviate(strings.Join(r, " | "), 40))
		}
	}
}

// incidentDay finds the day of the incident: --date, a date field, the
// title, the first sentences, the first dated entry, the publication
// date.
func (im *importer) incidentDay() (time.Time, error) {
	opts, doc := im.opts, im.doc
	mk := func(c civil) time.Time { return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC) }
	if opts.date != "" {
		t, err := time.Parse("2006-01-02", opts.date)
		if err != nil {
			return time.Time{}, usagef("--date %q: want a date, YYYY-MM-DD", opts.date)
		}
		return t, nil
	}
	published, hasPub := im.published()
	year := func(c civil) (civil, bool) {
		if c.y != 0 {
			return c, true
		}
		if !hasPub {
			return c, false
		}
		c.y = published.Year()
		if mk(c).After(dateOnly(published)) {
			c.y--
		}
		return c, c.valid()
	}
	var firstEntry *civil
	for _, e := range im.raw {
		if e.st.from.hasDate && e.st.from.date.y != 0 {
			c := e.st.from.date
			firstEntry = &c
			break
		}
	}
	stated := func() (civil, string, bool) {
		for _, k := range []fieldKind{fieldDate, fieldStart} {
			if f, ok := im.fields[k]; ok {
				if cs := datesIn(f.value, im.style); len(cs) > 0 {
					if c, ok := year(cs[0]); ok {
						return c, "its date field", true
					}
				}
			}
		}
		texts := []string{doc.front["title"], doc.title, doc.front["description"], doc.front["summary"], firstChars(im.introText(), 600)}
		for _, t := range texts {
			if cs := datesIn(t, im.style); len(cs) > 0 {
				if c, ok := year(cs[0]); ok {
					return c, "its text", true
				}
			}
		}
		return civil{}, "", false
	}
	if c, _, ok := stated(); ok {
		if firstEntry != nil && (*firstEntry != c) {
			diff := mk(*firstEntry).Sub(mk(c))
			if diff > 36*time.Hour || diff < -36*time.Hour {
				im.warn(doc.titleAt, "the post dates the incident %s but its chronology starts on %s: check the dates", c, *firstEntry)
			}
		}
		return mk(c), nil
	}
	// "On Monday our daily roll-over…": the first day of the chronology
	// that is a Monday.
	if wd, ok := weekdayIn(firstChars(im.introText(), 600)); ok {
		for _, e := range im.raw {
			if c := e.st.from.date; e.st.from.hasDate && c.y != 0 && mk(c).Weekday() == wd {
				return mk(c), nil
			}
		}
	}
	if firstEntry != nil {
		return mk(*firstEntry), nil
	}
	if hasPub {
		if days, ok := relativeDay(firstChars(doc.source(doc.intro), 600)); ok && days != 0 {
			return dateOnly(published).AddDate(0, 0, days), nil
		}
		im.warn(doc.frontAt["date"], "the text does not say when the incident happened: the publication date, %s, is used (give --date if it is wrong)", published.Format("2006-01-02"))
		return dateOnly(published), nil
	}
	return time.Time{}, usagef("%s: no incident date in the front matter or the text; give --date YYYY-MM-DD", im.name)
}

// introText is the text of the post above its first section and of its
// first summary section: where the post says what happened, and when.
func (im *importer) introText() string {
	doc := im.doc
	intro := doc.source(doc.intro)
	for _, s := range doc.secs {
		if s.effective() == secSummary {
			intro += "\n\n" + doc.source(s.chunks)
			break
		}
	}
	return intro
}

var rePathDate = lazyre.New(`(?:^|[/_-])(\d{4})[/_-](\d{2})[/_-](\d{2})(?:[/_.-]|$)`)

// published is when the post was published: its front matter's date, a
// date in its front matter's path ("inside-rust/2023/07/21/…"), or in its
// file name ("2019-03-26.md").
func (im *importer) published() (time.Time, bool) {
	for _, k := range []string{"date", "published", "pubdate", "publishdate", "created"} {
		if t, ok := parseFrontDate(im.doc.front[k], im.opts.loc); ok {
			return t, true
		}
	}
	cands := []string{im.doc.front["path"], im.doc.front["permalink"], im.doc.front["url"], im.doc.front["aliases"], im.doc.front["slug"], filepath.Base(im.name)}
	for _, c := range cands {
		if m := rePathDate.FindStringSubmatch(c); m != nil {
			if t, err := time.ParseInLocation("2006-01-02", m[1]+"-"+m[2]+"-"+m[3], im.opts.loc); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

func firstChars(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// resolveTimeline gives each entry its instant: its own date or the
// running one (a time earlier than the one before it by half a day or
// more is on the next day), its own zone, or its table's or section's,
// or the document's, or the site's (said in a TODO).
func (im *importer) resolveTimeline(day time.Time) {
	d := im.d
	cur := civilOf(day)
	// "All events happened on 2019-10-21": an entry without a date of
	// its own is on that day, whatever the dated entry above it says.
	stated := im.chronoDate.y != 0
	if stated {
		cur = im.chronoDate
		if diff := dateOnly(day).Sub(dateOnly(time.Date(cur.y, cur.m, cur.d, 0, 0, 0, 0, time.UTC))); diff > 36*time.Hour || diff < -36*time.Hour {
			im.warn(im.chronoDateAt, "the post says its chronology is on %s, but dates the incident %s: check the dates", cur, civilOf(day))
		}
	}
	prev := -1
	// A date without a year is in the year that puts it nearest the
	// running date: "12-05" before "03-26" is in the year before.
	fill := func(c civil) civil {
		if c.y != 0 {
			return c
		}
		ref := time.Date(cur.y, cur.m, cur.d, 0, 0, 0, 0, time.UTC)
		best, bestDist := c, time.Duration(-1)
		for y := cur.y - 1; y <= cur.y+1; y++ {
			t := time.Date(y, c.m, c.d, 0, 0, 0, 0, time.UTC)
			dist := t.Sub(ref)
			if dist < 0 {
				dist = -dist
			}
			if bestDist < 0 || dist < bestDist {
				best, bestDist = civil{y, c.m, c.d}, dist
			}
		}
		return best
	}
	ambiguousWarned, typoWarned := false, false
	var last time.Time // the instant of the entry above
	backWarned := 0
	for _, e := range im.raw {
		st := e.st
		if st.ambiguous != "" && !ambiguousWarned && im.style != monthFirst && im.style != dayFirst {
			im.warn(e.off, "a date like 02/07 can be read two ways: read %s; check the dates", st.ambiguous)
			ambiguousWarned = true
		}
		if st.typo != "" && !typoWarned {
			im.warn(e.off, "a year of five digits, %s, is read as %d: check the dates", st.typo, st.from.date.y)
			typoWarned = true
		}
		if !st.hasTime {
			cur, prev = fill(st.from.date), -1
			continue
		}
		date := cur
		switch {
		case st.from.hasDate && stated:
			date, prev = fill(st.from.date), -1
		case st.from.hasDate:
			date = fill(st.from.date)
			cur = date
		case prev >= 0 && st.from.min < prev-12*60:
			date = civilOf(time.Date(cur.y, cur.m, cur.d+1, 0, 0, 0, 0, time.UTC))
			cur = date
		}
		// An entry dated apart from a stated chronology day does not move
		// the running day's clock: the next undated entry is compared with
		// the entries of that day only.
		if !(st.from.hasDate && stated) {
			prev = st.from.min
		}
		loc := im.zoneOf(im.written(st.from.zone, st.from.zoneTxt, date.y), im.written(e.zone, e.zoneName, date.y))
		at := time.Date(date.y, date.m, date.d, 0, st.from.min, st.from.sec, 0, loc)
		td := timelineDraft{at: at, event: e.event, off: e.off, todo: e.todo}
		if st.typo != "" {
			td.todo = fmt.Sprintf("the post writes the year %s: read as %d", st.typo, st.from.date.y)
		}
		// A chronology written in order that goes back half a day or
		// more: a date is likely wrong ("[03-26 23:04]" before "[03-26
		// 02:50]"). Said, not mended.
		if !last.IsZero() && at.Before(last.Add(-12*time.Hour)) {
			td.todo = fmt.Sprintf("this entry is %s before the one above it: check its date", roundDuration(last.Sub(at)))
			if backWarned < 3 {
				im.warn(e.off, "the chronology goes back in time here (%s before the entry above): check the dates", roundDuration(last.Sub(at)))
			}
			backWarned++
		}
		last = at
		if st.to != nil {
			ed := date
			if st.to.hasDate {
				ed = fill(st.to.date)
			}
			eloc := loc
			if st.to.zone != nil {
				eloc = im.written(st.to.zone, st.to.zoneTxt, date.y)
			}
			until := time.Date(ed.y, ed.m, ed.d, 0, st.to.min, st.to.sec, 0, eloc)
			if !st.to.hasDate && until.Before(at) {
				until = until.AddDate(0, 0, 1)
			}
			td.until, td.hasUntil = until, true
		}
		if strings.TrimSpace(td.event) == "" {
			im.warn(e.off, "chronology entry with a time but no event is not imported")
			continue
		}
		d.timeline = append(d.timeline, td)
	}
	if im.guessedZone {
		d.timelineTodo = fmt.Sprintf("the post gives no time zone: times read in %s (the site's zone)", im.opts.loc)
		line := 0
		if len(d.timeline) > 0 {
			line = d.timeline[0].off
		}
		im.warn(line, "the post gives no time zone: its times are read in %s, the site's zone (give --timezone if they are not)", im.opts.loc)
	}
}

// written is the zone of a time as written: an abbreviation that is the
// site's own ("CST" on a site in Asia/Shanghai, not Chicago's; "IST" in
// Dublin, not Kolkata) is the site's zone.
func (im *importer) written(loc *time.Location, txt string, year int) *time.Location {
	if loc != nil && im.isSiteAbbr(txt, year) {
		return im.opts.loc
	}
	return loc
}

// isSiteAbbr tells whether a zone abbreviation is one the site's zone
// uses in that year (in winter or in summer).
func (im *importer) isSiteAbbr(txt string, year int) bool {
	txt = strings.TrimSpace(txt)
	if im.opts.loc == nil || txt == "" || strings.IndexFunc(txt, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
		return false
	}
	for _, m := range []time.Month{time.January, time.July} {
		if name, _ := time.Date(year, m, 1, 12, 0, 0, 0, im.opts.loc).Zone(); strings.EqualFold(name, txt) {
			return true
		}
	}
	return false
}

// roundDuration says a duration in hours, or days past two days.
func roundDuration(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%d hours", int(d/time.Hour))
}

func (im *importer) zoneOf(own, ctx *time.Location) *time.Location {
	switch {
	case own != nil:
		return own
	case ctx != nil:
		return ctx
	case im.docZone != nil:
		return im.docZone
	}
	im.guessedZone = true
	return im.opts.loc
}

// reBetween is a span in running text: "between 12:17 and 12:30 UTC".
var reBetween = lazyre.New(`(?i)\b(?:between|from|entre|zwischen|de)\s+(?:las\s+)?(\d{1,2}[:h]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[a-z]{2,5}\b)?)\s+(?:and|to|until|et|a|à|und|bis|y|hasta)\s+(?:las\s+)?(\d{1,2}[:h]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*(?:[a-z]{2,5})\b)?)`)

// times sets started_at, detected_at and resolved_at: stated fields,
// then the entries that say so, then the span the summary gives, then the
// first and last entries.
func (im *importer) times(day time.Time) {
	d := im.d
	at := func(kind fieldKind) (time.Time, bool) {
		f, ok := im.fields[kind]
		if !ok {
			return time.Time{}, false
		}
		st, ok := parseStamp(f.value, im.style)
		if !ok || !st.hasTime {
			return time.Time{}, false
		}
		date := civilOf(day)
		if st.from.hasDate {
			date = st.from.date
			if date.y == 0 {
				date.y = day.Year()
			}
		}
		return time.Date(date.y, date.m, date.d, 0, st.from.min, st.from.sec, 0, im.zoneOf(im.written(st.from.zone, st.from.zoneTxt, date.y), nil)), true
	}
	tl := d.timeline
	first, last := -1, -1
	for i, e := range tl {
		if first < 0 || e.at.Before(tl[first].at) {
			first = i
		}
		end := e.at
		if e.hasUntil {
			end = e.until
		}
		if last < 0 || !end.Before(tl[last].endTime()) {
			last = i
		}
	}
	kinds := make([]eventKind, len(tl))
	for i, e := range tl {
		kinds[i] = eventKinds(normalize(e.event))
	}
	find := func(kind eventKind, lastOne bool) int {
		found := -1
		for i := range tl {
			if kinds[i]&kind != 0 {
				found = i
				if !lastOne {
					return i
				}
			}
		}
		return found
	}
	var spanFrom, spanTo time.Time
	if m := reBetween.FindStringSubmatch(firstChars(d.summary, 800)); m != nil {
		date := civilOf(day)
		for i, s := range m[1:3] {
			if st, ok := parseStamp(s, im.style); ok && st.hasTime {
				t := time.Date(date.y, date.m, date.d, 0, st.from.min, 0, 0, im.zoneOf(st.from.zone, im.docZone))
				if i == 0 {
					spanFrom = t
				} else {
					spanTo = t
				}
			}
		}
		if !spanTo.IsZero() && spanTo.Before(spanFrom) {
			spanTo = spanTo.AddDate(0, 0, 1)
		}
	}
	choose := func(kind fieldKind, ev eventKind, lastOne bool, span time.Time, fallback int, what string) (time.Time, string) {
		if t, ok := at(kind); ok {
			return t, ""
		}
		if i := find(ev, lastOne); i >= 0 {
			t := tl[i].at
			if lastOne && tl[i].hasUntil {
				t = tl[i].until
			}
			return t, fmt.Sprintf("the chronology entry at %s: %q", tl[i].at.Format("15:04"), abbreviate(tl[i].event, 40))
		}
		if kind == fieldResolved {
			if i := find(evMitigated, true); i >= 0 {
				return tl[i].at, fmt.Sprintf("the chronology entry at %s: %q", tl[i].at.Format("15:04"), abbreviate(tl[i].event, 40))
			}
		}
		if !span.IsZero() {
			return span, "the time span the summary gives"
		}
		if fallback >= 0 {
			t := tl[fallback].at
			if kind == fieldResolved {
				t = tl[fallback].endTime()
			}
			return t, what
		}
		// The site's zone is said to be a guess only when it is used.
		return time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, im.zoneOf(nil, nil)), "the post has no chronology: midnight of the incident's day"
	}
	started, sTodo := choose(fieldStart, evStarted, false, spanFrom, first, "the chronology's first entry")
	detected, dTodo := choose(fieldDetected, evDetected, false, time.Time{}, first, "first alert; the chronology's first entry")
	resolved, rTodo := choose(fieldResolved, evResolved, true, spanTo, last, "the chronology's last entry")
	_, startStated := at(fieldStart)
	_, endStated := at(fieldResolved)
	if f, ok := im.fields[fieldDuration]; ok && startStated && !endStated {
		// "Started … · Duration 2h25m": the end is stated too.
		if dur, ok := parseDuration(f.value); ok {
			resolved, rTodo, endStated = started.Add(dur), "", true
		}
	}
	// A post that states when it started and ended and not when it was
	// detected says nothing of the detection: none is made up.
	_, detectStated := at(fieldDetected)
	noDetection := startStated && endStated && !detectStated
	if noDetection {
		detected = started
	}
	// The validator's order: detected ≤ resolved, and started first.
	if detected.Before(started) {
		started, sTodo = detected, "the detection: nothing says it started earlier"
	}
	if resolved.Before(detected) {
		resolved, rTodo = detected, "no later end in the post than the detection"
	}
	d.startedAt = field{formatTime(started), sTodo}
	if !noDetection {
		d.detectedAt = field{formatTime(detected), dTodo}
	}
	d.resolved = field{formatTime(resolved), rTodo}
}

func (e timelineDraft) endTime() time.Time {
	if e.hasUntil {
		return e.until
	}
	return e.at
}

var reGitHubIssue = lazyre.New(`^https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/issues/\d+$`)
var reMention = lazyre.New(`(?:^|[\s(])@([A-Za-z0-9](?:-?[A-Za-z0-9]){0,38})\b`)

// readActions reads an action items section: lists, checklists, tables.
func (im *importer) readActions(s *section) {
	// items reads a list of action items. An item over a list is a
	// group: "Short term:" only groups its sub-items, a goal ("Improve
	// probe coverage") names them ("Improve probe coverage: reach out to
	// teams"). Sub-items that are fields ("Owner: @bob", "Priority:
	// high") belong to their item.
	var items func(its []mdItem, prefix string, inherited map[column]string)
	items = func(its []mdItem, prefix string, inherited map[column]string) {
		for _, it := range its {
			cells := maps.Clone(inherited)
			if cells == nil {
				cells = map[column]string{}
			}
			links := slices.Clone(it.links)
			var subs []mdItem
			for _, n := range it.nested {
				if col, v, ok := actionField(n.text); ok && len(n.nested) == 0 {
					cells[col] = v
					links = append(links, n.links...)
					continue
				}
				subs = append(subs, n)
			}
			text := strings.TrimSpace(it.text)
			if len(subs) > 0 {
				group := strings.TrimSpace(strings.TrimRight(text, ":："))
				switch {
				case group == "" || strings.HasSuffix(text, ":") || strings.HasSuffix(text, "："):
					items(subs, prefix, cells)
				default:
					items(subs, joinTitle(prefix, group), cells)
				}
				continue
			}
			title := joinTitle(prefix, text)
			a := im.action(title, cells[colOwner], cells[colPriority], cells[colStatus], cells[colDue], cells[colKind], links)
			if tr := cells[colTracking]; tr != "" && a.issue == "" && !strings.Contains(tr, "://") {
				a.title += " (" + tr + ")"
			}
			switch it.checked {
			case 1:
				a.status = "done"
			case 0:
				a.status = "open"
			}
			if a.title != "" {
				im.d.actions = append(im.d.actions, a)
			}
		}
	}
	for _, c := range s.chunks {
		switch n := c.node.(type) {
		case *ast.List:
			items(im.doc.listItems(n), "", nil)
		case *east.Table:
			im.actionTable(im.doc.readTable(n), s.title)
		case *ast.ThematicBreak:
		case *ast.Paragraph, nil:
			im.proseActions(c, s.title)
		default:
			im.warn(c.off, "text under %q is not imported: castor takes the lists and tables of this section", s.title)
		}
	}
}

// proseActions reads a paragraph of an action section: each sentence
// that commits to something ("We will add rate limiting", "the team
// intends to…") is an item; the other sentences are said not imported.
func (im *importer) proseActions(c chunk, title string) {
	var text string
	if c.node == nil {
		text = inlineMarkdown(c.text)
	} else {
		text = im.doc.oneLineMarkdown(c.node)
	}
	sentences := splitSentences(text)
	taken := 0
	for _, sen := range sentences {
		if !isIntent(sen) {
			continue
		}
		a := im.action(strings.TrimRight(sen, ".。 "), "", "", "", "", "", nil)
		if a.title != "" {
			im.d.actions = append(im.d.actions, a)
			taken++
		}
	}
	switch {
	case taken == 0:
		im.warn(c.off, "text under %q is not imported: castor takes the lists and tables of this section, and the sentences that say what will be done", title)
	case taken < len(sentences):
		im.warn(c.off, "%s taken from the sentences of this paragraph under %q (check them); %s not imported", plural(taken, "action item"), title, plural(len(sentences)-taken, "other sentence"))
	}
}

// plural says a count of things: "1 action item", "2 action items".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// joinTitle names an item after the goal it is part of.
func joinTitle(prefix, title string) string {
	switch {
	case prefix == "":
		return title
	case strings.HasSuffix(prefix, ".") || strings.HasSuffix(prefix, ";"):
		return prefix + " " + title
	}
	return prefix + ": " + title
}

// actionField reads a sub-item that is a field of its action item:
// "Owner: @bob", "Priority: high", "Issue: https://…".
func actionField(text string) (column, string, bool) {
	m := reFieldLine.FindStringSubmatch(text)
	if m == nil {
		return colNone, "", false
	}
	switch col := columnOf(m[1], true); col {
	case colOwner, colPriority, colStatus, colDue, colTracking, colKind:
		return col, m[2], true
	}
	return colNone, "", false
}

func (im *importer) actionTable(t table, title string) {
	cols := map[column]int{}
	for i, h := range t.header {
		c := columnOf(h, true)
		if _, taken := cols[c]; !taken && c != colNone {
			cols[c] = i
		}
	}
	titleCol, ok := cols[colTitle]
	if !ok {
		// The widest column of text.
		best := 0
		for i := range t.header {
			if slices.Contains([]int{cols[colOwner], cols[colPriority], cols[colStatus], cols[colDue], cols[colKind], cols[colTracking]}, i) && len(cols) > 0 {
				continue
			}
			n := 0
			for _, r := range t.rows {
				if i < len(r) {
					n += len(r[i])
				}
			}
			if n > best {
				titleCol, best = i, n
			}
		}
	}
	get := func(r []string, c column) string {
		if i, ok := cols[c]; ok && i < len(r) {
			return r[i]
		}
		return ""
	}
	for i, r := range t.rows {
		if titleCol >= len(r) || strings.TrimSpace(r[titleCol]) == "" {
			im.warn(t.offs[i], "action table row without a title is not imported: %q", abbreviate(strings.Join(r, " | "), 40))
			continue
		}
		var links []string
		if j, ok := cols[colTracking]; ok && j < len(t.links[i]) {
			links = t.links[i][j]
		}
		for j, ls := range t.links[i] {
			if j != titleCol {
				continue
			}
			links = append(links, ls...)
		}
		status := get(r, colStatus)
		if status == "" {
			// "n/a **DONE**" in another column (the SRE book's).
			status = strings.Join(r, " ")
		}
		tracking := get(r, colTracking)
		a := im.action(r[titleCol], get(r, colOwner), get(r, colPriority), status, get(r, colDue), get(r, colKind), links)
		if tracking != "" && a.issue == "" {
			if tr := strings.TrimSpace(reStatusWord.ReplaceAllString(tracking, "")); tr != "" && !slices.Contains([]string{"n/a", "-", "—", "none", "tbd"}, strings.ToLower(tr)) && !strings.HasPrefix(tr, "http") {
				a.title += " (" + tr + ")"
			}
		}
		im.d.actions = append(im.d.actions, a)
	}
}

var reStatusWord = lazyre.New(`(?i)\b(done|todo|to do|open|in progress|fixed|wontfix)\b`)

// action makes an action mdItem from its title and the cells the post gave.
func (im *importer) action(title, owner, priority, status, due, kind string, links []string) actionDraft {
	a := actionDraft{title: strings.Join(strings.Fields(title), " ")}
	a.title = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(a.title, "[ ]"), "[x]"))
	var p string
	a.title, p = priorityIn(a.title)
	if pc := priorityOf(priority); pc != "" {
		p = pc
	}
	a.priority = p
	if a.priority == "" {
		a.priority = "P2"
		a.guessed = append(a.guessed, "priority")
	}
	a.status = statusOf(status)
	if a.status == "" {
		a.title, a.status = statusTagIn(a.title)
	}
	if a.status == "" {
		a.status = "open"
	}
	a.kind = kindOf(kind)
	if a.kind == "" {
		a.kind = "prevent"
		a.guessed = append(a.guessed, "kind")
	}
	o := strings.TrimPrefix(strings.TrimSpace(owner), "@")
	switch {
	case o == "" || o == "—" || o == "-":
		if m := reMention.FindStringSubmatch(a.title); m != nil {
			a.owner = m[1]
		}
	case loginRE.MatchString(o):
		a.owner = o
	default:
		a.title += " (owner: " + strings.TrimSpace(owner) + ")"
	}
	if cs := datesIn(due, im.style); len(cs) > 0 && cs[0].y != 0 {
		a.due = cs[0].String()
	}
	for _, l := range links {
		if reGitHubIssue.MatchString(l) {
			a.issue = l
			// "[#2226](…/issues/2226): Add logging": the link is the
			// issue field now; the title keeps its text.
			end := "](" + l + ")"
			if j := strings.Index(a.title, end); j >= 0 {
				if i := strings.LastIndex(a.title[:j], "["); i >= 0 {
					a.title = strings.TrimSpace(a.title[:i] + a.title[i+1:j] + a.title[j+len(end):])
				}
			}
			break
		}
	}
	return a
}

// actionIDs gives each action mdItem a unique id made from its title.
func (im *importer) actionIDs() {
	taken := map[string]bool{}
	for i := range im.d.actions {
		id := Slug(inlinePlain(im.d.actions[i].title), 40)
		if id == "" {
			id = "item"
		}
		base := id
		for n := 2; taken[id]; n++ {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		taken[id] = true
		im.d.actions[i].id = id
	}
}

var reSev = lazyre.New(`(?i)\bsev(?:erity)?\s*[-_ ]?\s*([0-4])\b|\bp([0-3])\b`)

// severityOf maps a stated severity to SEV1..SEV4.
func severityOf(s string) (string, bool) {
	if s = strings.TrimSpace(s); s == "" {
		return "", false
	}
	if m := reSev.FindStringSubmatch(s); m != nil {
		if m[1] != "" {
			n := m[1][0] - '0'
			return fmt.Sprintf("SEV%d", max(1, int(n))), true
		}
		return fmt.Sprintf("SEV%d", m[2][0]-'0'+1), true
	}
	switch p := priorityOf(s); p {
	case "P0":
		return "SEV1", true
	case "P1":
		return "SEV2", true
	case "P2":
		return "SEV3", true
	case "P3":
		return "SEV4", true
	}
	return "", false
}

// toUTF8 returns the text of a file as UTF-8, without a byte order mark.
// A UTF-16 file (with its byte order mark) is converted; a file that is
// not UTF-8 at all is read as Windows-1252, the usual encoding of such
// files, and said so.
func toUTF8(src []byte) ([]byte, string, error) {
	switch {
	case bytes.HasPrefix(src, []byte{0xff, 0xfe}), bytes.HasPrefix(src, []byte{0xfe, 0xff}):
		out, _, err := transform.Bytes(xunicode.BOMOverride(xunicode.UTF8.NewDecoder()), src)
		if err != nil || !utf8.Valid(out) {
			return nil, "", errors.New("not valid UTF-16 text")
		}
		return out, "", nil
	case utf8.Valid(src):
		return bytes.TrimPrefix(src, []byte("\ufeff")), "", nil
	}
	if bytes.IndexByte(src, 0) >= 0 {
		return nil, "", errors.New("not text (it holds NUL bytes)")
	}
	out, err := charmap.Windows1252.NewDecoder().Bytes(src)
	if err != nil {
		return nil, "", err
	}
	return out, "the file is not UTF-8: it was read as Windows-1252", nil
}

func joinParas(parts []string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	if len(keep) == 0 {
		return ""
	}
	return strings.Join(keep, "\n\n") + "\n"
}

func capitalize(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if unicode.IsLower(r) {
		return string(unicode.ToUpper(r)) + s[size:]
	}
	return s
}

func abbreviate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// bytes writes the draft as a record, in the order of the record format.
func (d *draft) bytes() []byte {
	var b strings.Builder
	if line := schema.EditorSchemaComment(schema.DefIncident); line != "" {
		b.WriteString(line + "\n")
	}
	for _, h := range d.header {
		b.WriteString("# " + h + "\n")
	}
	kv := func(indent int, key string, f field) {
		b.WriteString(strings.Repeat(" ", indent) + key + ": " + f.value)
		if f.todo != "" {
			b.WriteString(" # TODO: " + oneLine(f.todo))
		}
		b.WriteByte('\n')
	}
	str := func(indent int, key, s string) {
		if s != "" {
			b.WriteString(strings.Repeat(" ", indent) + key + ":" + yamlValue(s, indent) + "\n")
		}
	}
	list := func(indent int, key string, items []string) {
		if len(items) == 0 {
			return
		}
		b.WriteString(strings.Repeat(" ", indent) + key + ":\n")
		for _, it := range items {
			b.WriteString(strings.Repeat(" ", indent+2) + "-" + yamlValue(it, indent+2) + "\n")
		}
	}
	b.WriteString("id: " + d.id + "\n") // [a-z0-9-], reads as a string
	str(0, "title", d.title)
	kv(0, "severity", d.severity)
	kv(0, "status", d.status)
	kv(0, "visibility", d.visibility)
	if d.lang != "" && langRE.MatchString(d.lang) {
		str(0, "lang", d.lang)
	}
	if len(d.components) > 0 {
		b.WriteString("components: [" + strings.Join(d.components, ", ") + "]\n")
	}
	if d.commander != "" {
		b.WriteString("commander: " + quote(d.commander) + "\n")
	}
	kv(0, "started_at", d.startedAt)
	if d.detectedAt.value != "" {
		kv(0, "detected_at", d.detectedAt)
	}
	kv(0, "resolved_at", d.resolved)
	str(0, "summary", d.summary)
	str(0, "impact", d.impact)
	if len(d.timeline) > 0 {
		b.WriteString("timeline:")
		if d.timelineTodo != "" {
			b.WriteString(" # TODO: " + oneLine(d.timelineTodo))
		}
		b.WriteByte('\n')
		for _, e := range d.timeline {
			if e.todo != "" {
				b.WriteString("  # TODO: " + e.todo + "\n")
			}
			b.WriteString("  - at: " + formatTime(e.at) + "\n")
			if e.hasUntil {
				b.WriteString("    until: " + formatTime(e.until) + "\n")
			}
			b.WriteString("    event:" + yamlValue(e.event, 4) + "\n")
		}
	}
	b.WriteString("postmortem:\n")
	kv(2, "public", d.pmPublic)
	if d.pmNote != "" {
		b.WriteString("  # TODO: " + d.pmNote + ".\n")
	}
	for i, k := range pmTextKeys {
		str(2, k, d.pmText[i])
	}
	for i, k := range pmListKeys {
		list(2, k, d.pmLists[i])
	}
	if len(d.actions) > 0 {
		b.WriteString("action_items:\n")
		for _, a := range d.actions {
			b.WriteString("  - id: " + quote(a.id) + "\n")
			b.WriteString("    title:" + yamlValue(a.title, 4) + "\n")
			if a.owner != "" {
				b.WriteString("    owner: " + quote(a.owner) + "\n")
			}
			b.WriteString("    kind: " + a.kind)
			if slices.Contains(a.guessed, "kind") {
				b.WriteString(" # TODO: prevent | detect | mitigate | process | document")
			}
			b.WriteString("\n    priority: " + a.priority)
			if slices.Contains(a.guessed, "priority") {
				b.WriteString(" # TODO: the post gives no priority: P0 .. P3")
			}
			b.WriteByte('\n')
			if a.due != "" {
				b.WriteString("    due: " + quote(a.due) + "\n")
			}
			b.WriteString("    status: " + a.status + "\n")
			if a.issue != "" {
				b.WriteString("    issue:" + yamlValue(a.issue, 4) + "\n")
			}
		}
	}
	if len(d.links) > 0 {
		b.WriteString("links:\n")
		for _, l := range d.links {
			b.WriteString("  - title:" + yamlValue(l.title, 4) + "\n")
			b.WriteString("    url:" + yamlValue(l.url, 4) + "\n")
		}
	}
	return []byte(b.String())
}

var langRE = lazyre.New(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$`)

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
