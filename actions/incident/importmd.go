package incident

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	"golang.org/x/text/encoding/charmap"
	xunicode "golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"

	"github.com/castor-incidents/castor/schema"
)

// ImportOptions configures `castor import`.
type ImportOptions struct {
	// Dir is the repository root.
	Dir string
	// File is the Markdown post-mortem.
	File string
	// Date is the incident's date, YYYY-MM-DD, when the text does not say
	// it (or says it wrongly).
	Date string
	// Severity, when the post does not give it.
	Severity string
	// Slug replaces the one made from the title (titles with no Latin
	// letters make none).
	Slug string
	// Timezone of the times in the post; default site.timezone.
	Timezone string
	// Output is where the draft goes: "" for records/<YYYY>/<id>.yaml,
	// "-" for Out.
	Output string

	Out    io.Writer
	ErrOut io.Writer
}

// ImportResult says what Import made.
type ImportResult struct {
	ID       string
	Path     string // "" when written to Out
	Draft    []byte
	Warnings []schema.Diagnostic
}

// maxImport bounds the post-mortem read: a post-mortem is text.
const maxImport = 4 << 20

// Import turns a Markdown post-mortem into a record draft, validates it
// and writes it.
func Import(ctx context.Context, opts ImportOptions) (*ImportResult, error) {
	if opts.Severity != "" && !slices.Contains(schema.Severities, opts.Severity) {
		return nil, fmt.Errorf("severity %q is not one of %s", opts.Severity, strings.Join(schema.Severities, ", "))
	}
	ws, err := openWorkspace(opts.Dir, opts.Timezone)
	if err != nil {
		return nil, err
	}
	src, err := readLimited(opts.File, maxImport)
	if err != nil {
		return nil, err
	}
	name := filepath.ToSlash(opts.File)
	d, err := buildDraft(src, name, draftOptions{date: opts.Date, severity: opts.Severity, slug: opts.Slug, loc: ws.loc})
	if err != nil {
		return nil, err
	}
	res := &ImportResult{ID: d.id, Draft: d.bytes(), Warnings: d.warnings}
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
	target := ws.abs(p)
	if opts.Output != "" {
		target, p = opts.Output, filepath.ToSlash(opts.Output)
	}
	if err := createAtomic(target, res.Draft); err != nil {
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	res.Path = p
	warningsTo(opts.ErrOut, res.Warnings)
	fmt.Fprintln(opts.Out, p)
	return res, nil
}

func readLimited(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
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
}

// draft is a record made from a post-mortem, with a note for each value
// castor had to guess: notes become "# TODO" comments.
type draft struct {
	header                          []string
	id, title, lang                 string
	severity, status, visibility    field
	startedAt, detectedAt, resolved field
	summary, impact                 string
	timeline                        []timelineDraft
	pmPublic                        field
	pmText                          [4]string // trigger, root_cause, resolution, detection
	pmLists                         [4][]string
	pmNote                          string
	actions                         []string
	actionIDs                       []string
	links                           []link
	warnings                        []schema.Diagnostic
}

// field is a value, already in YAML, and why it is what it is when the
// post did not say.
type field struct{ value, todo string }

type timelineDraft struct {
	at, until time.Time
	hasUntil  bool
	event     string
	todo      string
}

var pmTextKeys = [4]string{"trigger", "root_cause", "resolution", "detection"}
var pmListKeys = [4]string{"contributing_factors", "went_well", "went_wrong", "lucky"}

// titlePrefix is the label a post-mortem title often starts with.
var titlePrefix = regexp.MustCompile(`(?i)^\s*[\[(]?\s*(post[- ]?mortem|incident|retour d['’]exp[ée]rience|rex)\s*[\])]?\s*[:–—-]?\s*`)

func buildDraft(src []byte, name string, opts draftOptions) (*draft, error) {
	d := &draft{}
	warn := func(text string, off int, format string, args ...any) {
		line, col := lineCol(text, off)
		d.warnings = append(d.warnings, schema.Diagnostic{Pos: schema.Position{File: name, Line: line, Col: col}, Severity: schema.Warning, Message: fmt.Sprintf(format, args...), Rule: "import"})
	}
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
			line, _ := lineCol(orig, off)
			lostLines = append(lostLines, line)
			warn(orig, off, "a byte was lost when the file was mis-encoded: the character cannot be recovered and is now U+FFFD; fix it by hand")
		}
	}
	doc := parseMarkdown([]byte(fixed))
	fix := string(doc.src)
	lostNear := func(off int) bool {
		line, _ := lineCol(fix, off)
		return slices.Contains(lostLines, line)
	}

	// Title.
	title := doc.front["title"]
	if title == "" {
		title = doc.h1
	}
	if title == "" {
		title = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	}
	if t := titlePrefix.ReplaceAllString(title, ""); strings.TrimSpace(t) != "" {
		title = t
	}
	title = capitalize(strings.Join(strings.Fields(title), " "))
	d.title = title

	// Dates: publication, then the incident's own day.
	published, hasPub := parseFrontDate(doc.front["date"], opts.loc)
	var day time.Time
	switch {
	case opts.date != "":
		t, err := time.Parse("2006-01-02", opts.date)
		if err != nil {
			return nil, fmt.Errorf("--date %q: want YYYY-MM-DD", opts.date)
		}
		day = t
	default:
		texts := []string{doc.front["title"], doc.front["description"], doc.front["summary"], doc.source(doc.intro)}
		for _, t := range texts {
			if dd, _, ok := dateIn(t, published); ok {
				day = dd
				break
			}
		}
		if day.IsZero() && hasPub {
			day = dateOnly(published)
			warn(fix, doc.frontAt["date"], "the text does not say when the incident happened: the publication date is used (give --date if it is wrong)")
		}
		if day.IsZero() {
			return nil, fmt.Errorf("%s: no incident date in the front matter or the text; give --date YYYY-MM-DD", name)
		}
	}

	// Sections.
	langs := map[string]int{}
	var summary []string
	if s := doc.source(doc.intro); s != "" {
		summary = append(summary, s)
	} else if s := doc.front["description"]; s != "" {
		summary = append(summary, s)
	}
	var chrono []listItem
	var lessons []string
	var impact []string
	var pmText [4][]string
	for _, sec := range doc.sections {
		_, lang := classify(sec.title)
		if lang != "" {
			langs[lang]++
		}
		switch sec.kind {
		case secTimeline:
			items, other := doc.listItems(sec.blocks)
			chrono = append(chrono, items...)
			for _, b := range other {
				// A chronology written as lines of a paragraph.
				for _, l := range lineItems(doc, b) {
					chrono = append(chrono, l)
				}
			}
		case secWentWell, secWentWrong, secLucky, secContributing, secLessons, secActions:
			items, other := doc.listItems(sec.blocks)
			for _, b := range other {
				warn(fix, doc.offset(b), "text under %q is not imported: castor takes the lists of this section", sec.title)
			}
			texts := make([]string, 0, len(items))
			for _, it := range items {
				texts = append(texts, it.text)
			}
			switch sec.kind {
			case secWentWell:
				d.pmLists[1] = append(d.pmLists[1], texts...)
			case secWentWrong:
				d.pmLists[2] = append(d.pmLists[2], texts...)
			case secLucky:
				d.pmLists[3] = append(d.pmLists[3], texts...)
			case secContributing:
				d.pmLists[0] = append(d.pmLists[0], texts...)
			case secLessons:
				if len(texts) > 0 {
					lessons = append(lessons, "**"+sec.title+"**\n\n- "+strings.Join(texts, "\n- "))
				}
			case secActions:
				d.actions = append(d.actions, texts...)
			}
		case secSummary:
			summary = append(summary, doc.source(sec.blocks))
		case secImpact:
			impact = append(impact, doc.source(sec.blocks))
		case secTrigger, secRootCause, secResolution, secDetection:
			i := map[sectionKind]int{secTrigger: 0, secRootCause: 1, secResolution: 2, secDetection: 3}[sec.kind]
			pmText[i] = append(pmText[i], doc.source(sec.blocks))
		default:
			if len(sec.blocks) > 0 {
				warn(fix, sec.offset, "section %q is not imported: no record field matches its title", sec.title)
			}
		}
	}
	summary = append(summary, lessons...)
	d.summary = joinParas(summary)
	d.impact = joinParas(impact)
	for i, parts := range pmText {
		d.pmText[i] = joinParas(parts)
	}
	d.lang = doc.front["lang"]
	if d.lang == "" {
		if langs["fr"] > langs["en"] {
			d.lang = "fr"
		} else if langs["en"] > 0 {
			d.lang = "en"
		}
	}

	// The chronology, anchored on the incident's day: a time earlier than
	// the one before it is on the next day.
	prev, shift := -1, 0
	base := day
	for _, it := range chrono {
		e, ok := parseChrono(it.text)
		if !ok {
			warn(fix, it.offset, "chronology item without a time at its start is not imported: %q", abbreviate(it.text, 40))
			continue
		}
		if e.date != "" {
			t, err := time.Parse("2006-01-02", e.date)
			if err == nil {
				base, shift, prev = t, 0, -1
			}
		}
		if prev >= 0 && e.from < prev {
			shift++
		}
		prev = e.from
		loc := opts.loc
		if e.utc {
			loc = time.UTC
		}
		at := time.Date(base.Year(), base.Month(), base.Day()+shift, 0, e.from, 0, 0, loc)
		td := timelineDraft{at: at, event: e.event}
		if e.to >= 0 {
			end := e.to
			if end < e.from {
				end += 24 * 60
			}
			td.until, td.hasUntil = time.Date(base.Year(), base.Month(), base.Day()+shift, 0, end, 0, 0, loc), true
		}
		if lostNear(it.offset) && strings.ContainsRune(td.event, utf8.RuneError) {
			td.todo = "a character was lost in the file's broken encoding (U+FFFD below)"
		}
		d.timeline = append(d.timeline, td)
	}

	// Id.
	slug := opts.slug
	if slug == "" {
		slug = Slug(title, maxSlug)
	} else if Slug(slug, 0) != slug {
		return nil, fmt.Errorf("--slug %q: use lowercase letters, digits and hyphens", slug)
	}
	if slug == "" {
		return nil, fmt.Errorf("%s: the title %q has no letter or digit to make an id from; give --slug", name, title)
	}
	d.id = day.Format("2006-01-02") + "-" + slug

	// What the post does not say, guessed and marked.
	d.severity = field{"SEV3", "the post does not give a severity: SEV1 (worst) .. SEV4"}
	if opts.severity != "" {
		d.severity = field{opts.severity, ""}
	}
	d.status = field{"resolved", "a post-mortem is written once the incident is over"}
	d.visibility = field{"internal", "public lets status pages show this record"}
	d.pmPublic = field{"false", "true lets status pages show the post-mortem"}
	if len(d.timeline) > 0 {
		first, last := d.timeline[0], d.timeline[0]
		for _, e := range d.timeline {
			if e.at.Before(first.at) {
				first = e
			}
		}
		end := first.at
		resolvedBy := ""
		for _, e := range d.timeline {
			if resolvedWords.MatchString(normalize(e.event)) {
				last, resolvedBy = e, "the chronology's last entry that says the service works again"
			}
		}
		if resolvedBy == "" {
			for _, e := range d.timeline {
				t := e.at
				if e.hasUntil {
					t = e.until
				}
				if t.After(end) {
					end = t
				}
			}
			resolvedBy = "the end of the chronology"
		} else {
			end = last.at
		}
		d.startedAt = field{formatTime(first.at), "the chronology's first entry"}
		d.detectedAt = field{formatTime(first.at), "first alert; the chronology's first entry"}
		d.resolved = field{formatTime(end), resolvedBy}
	} else {
		t := formatTime(time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, opts.loc))
		d.startedAt = field{t, "the post has no chronology: midnight of the incident's day"}
		d.resolved = field{t, "the post has no chronology"}
	}
	if d.pmText == [4]string{} {
		d.pmNote = "the post has no section for the trigger, root cause, resolution or detection: write them here"
	}
	taken := map[string]bool{}
	for _, a := range d.actions {
		id := Slug(a, 40)
		if id == "" {
			id = "item"
		}
		base := id
		for n := 2; taken[id]; n++ {
			id = fmt.Sprintf("%s-%d", base, n)
		}
		taken[id] = true
		d.actionIDs = append(d.actionIDs, id)
	}
	d.links = doc.links()

	d.header = []string{
		fmt.Sprintf("Draft made by castor import from %s.", filepath.Base(name)),
	}
	if hasPub {
		d.header = append(d.header, fmt.Sprintf("The post was published on %s; the incident is dated %s.", published.Format("2006-01-02 15:04"), day.Format("2006-01-02")))
	}
	d.header = append(d.header, "Lines marked TODO are castor's guesses: check them, then run castor validate.")
	return d, nil
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

// resolvedWords spot the chronology entry that announces the end.
var resolvedWords = regexp.MustCompile(`\b(a nouveau operationnel|de nouveau operationnel|retabli|resolu|fonctionne a nouveau|fonctionnent a nouveau|retour a la normale|back to normal|resolved|restored|recovered|fully operational|operational again|back online|fixed)`)

// lineItems splits a paragraph whose lines each start with a time.
func lineItems(doc *mdDoc, b ast.Node) []listItem {
	start, end := doc.extent(b)
	var out []listItem
	off := start
	for _, line := range strings.SplitAfter(string(doc.body[start:end]), "\n") {
		if _, ok := parseChrono(line); ok {
			out = append(out, listItem{text: strings.Join(strings.Fields(line), " "), offset: doc.base + off})
		} else if len(out) > 0 && strings.TrimSpace(line) != "" {
			out[len(out)-1].text += " " + strings.Join(strings.Fields(line), " ")
		}
		off += len(line)
	}
	return out
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
	for _, h := range d.header {
		b.WriteString("# " + h + "\n")
	}
	kv := func(indent int, key string, f field) {
		b.WriteString(strings.Repeat(" ", indent) + key + ": " + f.value)
		if f.todo != "" {
			b.WriteString(" # TODO: " + f.todo)
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
	str(0, "lang", d.lang)
	kv(0, "started_at", d.startedAt)
	if d.detectedAt.value != "" {
		kv(0, "detected_at", d.detectedAt)
	}
	kv(0, "resolved_at", d.resolved)
	str(0, "summary", d.summary)
	str(0, "impact", d.impact)
	if len(d.timeline) > 0 {
		b.WriteString("timeline:\n")
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
		b.WriteString("  # TODO: kind and priority are defaults, and the post names no owner or due date.\n")
		for i, a := range d.actions {
			b.WriteString("  - id: " + quote(d.actionIDs[i]) + "\n")
			b.WriteString("    title:" + yamlValue(a, 4) + "\n")
			b.WriteString("    kind: prevent\n    priority: P2\n    status: open\n")
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
