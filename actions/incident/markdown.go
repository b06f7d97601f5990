package incident

import (
	"bytes"
	"html"
	"net/url"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// A post-mortem written as Markdown, read into what a record needs: the
// front matter, the text before the first heading, and the sections under
// each heading, recognised by their title in English or French.

type sectionKind int

const (
	secUnknown sectionKind = iota
	secTimeline
	secWentWell
	secWentWrong
	secLucky
	secLessons
	secActions
	secSummary
	secImpact
	secRootCause
	secTrigger
	secDetection
	secResolution
	secContributing
)

// headingPhrases recognise a section by the start of its normalised
// title (lowercase, no accents, straight apostrophes). The order matters
// where one phrase starts another ("what went wrong" before "what went").
var headingPhrases = []struct {
	kind    sectionKind
	lang    string
	phrases []string
}{
	{secWentWrong, "fr", []string{"ce qui s'est moins bien passe", "ce qui s'est mal passe", "ce qui a moins bien", "ce qui a mal", "ce qui n'a pas", "ce qui aurait pu", "points negatifs", "points a ameliorer"}},
	{secWentWrong, "en", []string{"what went wrong", "things that went wrong", "went wrong", "what didn't go well", "what did not go well", "what could have gone better", "what didn't work", "what did not work"}},
	{secWentWell, "fr", []string{"ce qui s'est bien passe", "ce qui a bien", "ce qui a fonctionne", "ce qui a marche", "points positifs"}},
	{secWentWell, "en", []string{"what went well", "things that went well", "went well", "what worked"}},
	{secLucky, "fr", []string{"ou nous avons eu de la chance", "ou j'ai eu de la chance", "chance"}},
	{secLucky, "en", []string{"where we got lucky", "where i got lucky", "lucky"}},
	{secTimeline, "fr", []string{"chronologie", "deroulement", "deroule", "historique", "sequence des evenements", "fil des evenements"}},
	{secTimeline, "en", []string{"timeline", "time line", "chronology", "sequence of events", "detailed timeline"}},
	{secLessons, "fr", []string{"lecons", "enseignements", "ce que nous avons appris", "ce que j'ai appris", "retour d'experience"}},
	{secLessons, "en", []string{"lessons", "takeaways", "learnings", "what we learned", "what i learned"}},
	{secActions, "fr", []string{"conclusion", "actions", "actions correctives", "plan d'action", "prochaines etapes", "suites", "a faire", "suivi", "mesures", "ameliorations"}},
	{secActions, "en", []string{"action items", "actions", "corrective actions", "next steps", "follow-up", "follow up", "follow-ups", "remediation", "to do", "todo", "improvements", "conclusion"}},
	{secContributing, "fr", []string{"facteurs contributifs", "facteurs aggravants"}},
	{secContributing, "en", []string{"contributing factors"}},
	{secRootCause, "fr", []string{"cause racine", "causes racines", "causes", "cause", "pourquoi"}},
	{secRootCause, "en", []string{"root cause", "root causes", "cause", "causes", "why"}},
	{secTrigger, "fr", []string{"declencheur", "element declencheur"}},
	{secTrigger, "en", []string{"trigger"}},
	{secDetection, "fr", []string{"detection"}},
	{secDetection, "en", []string{"detection"}},
	{secResolution, "fr", []string{"resolution", "retablissement", "remise en service", "mitigation"}},
	{secResolution, "en", []string{"resolution", "recovery", "mitigation"}},
	{secImpact, "fr", []string{"impact", "impacts", "consequences"}},
	{secImpact, "en", []string{"impact", "customer impact", "user impact"}},
	{secSummary, "fr", []string{"resume", "synthese", "contexte", "introduction", "que s'est-il passe", "description", "l'incident"}},
	{secSummary, "en", []string{"summary", "executive summary", "overview", "context", "background", "introduction", "what happened", "description", "incident"}},
}

var headingNumber = regexp.MustCompile(`^(\d+[.)]?\s+|[ivx]+[.)]\s+)`)

// normalize prepares text for matching: lowercase, no accents, straight
// apostrophes, single spaces, no trailing punctuation.
func normalize(s string) string {
	s = strings.ToLower(stripMarks(s))
	s = strings.NewReplacer("’", "'", "ʼ", "'", "\u00a0", " ", "\u202f", " ").Replace(s)
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimRight(s, " :.!?…")
}

func classify(title string) (sectionKind, string) {
	n := headingNumber.ReplaceAllString(normalize(title), "")
	for _, hp := range headingPhrases {
		for _, p := range hp.phrases {
			if n == p || strings.HasPrefix(n, p) && !isLetter(n[len(p)]) {
				return hp.kind, hp.lang
			}
		}
	}
	return secUnknown, ""
}

func isLetter(b byte) bool { return b >= 'a' && b <= 'z' || b >= '0' && b <= '9' }

type section struct {
	title  string
	offset int // of the heading, in the file
	kind   sectionKind
	blocks []ast.Node
}

// mdDoc is a parsed post-mortem.
type mdDoc struct {
	src      []byte // the whole file
	base     int    // offset of the Markdown body (after the front matter)
	body     []byte
	front    map[string]string
	frontAt  map[string]int // offset of each front matter value
	h1       string
	root     ast.Node
	intro    []ast.Node
	sections []section
}

func parseMarkdown(src []byte) *mdDoc {
	d := &mdDoc{src: src, front: map[string]string{}, frontAt: map[string]int{}}
	d.base = d.readFrontMatter()
	d.body = src[d.base:]
	d.root = goldmark.New().Parser().Parse(text.NewReader(d.body))
	var cur *section
	for n := d.root.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok {
			title := d.plain(h)
			if h.Level == 1 && d.h1 == "" && cur == nil && len(d.intro) == 0 {
				d.h1 = title
				continue
			}
			kind, _ := classify(title)
			off := blockOffset(h)
			off = bytes.LastIndexByte(d.body[:off], '\n') + 1 // the heading's line
			d.sections = append(d.sections, section{title: title, offset: d.base + off, kind: kind})
			cur = &d.sections[len(d.sections)-1]
			continue
		}
		if cur == nil {
			d.intro = append(d.intro, n)
		} else {
			cur.blocks = append(cur.blocks, n)
		}
	}
	return d
}

// readFrontMatter reads a leading "---" (YAML-ish) or "+++" (TOML-ish)
// block of "key: value" lines and returns where the body starts. It reads
// line by line rather than as YAML: front matter in the wild is often not
// valid YAML ("title: [post-mortem] …" opens a YAML list).
func (d *mdDoc) readFrontMatter() int {
	s := string(d.src)
	s0 := strings.TrimPrefix(s, "\ufeff")
	skip := len(s) - len(s0)
	var fence, sep string
	switch {
	case strings.HasPrefix(s0, "---\n"), strings.HasPrefix(s0, "---\r\n"):
		fence, sep = "---", ":"
	case strings.HasPrefix(s0, "+++\n"), strings.HasPrefix(s0, "+++\r\n"):
		fence, sep = "+++", "="
	default:
		return 0
	}
	off := skip + strings.IndexByte(s0, '\n') + 1
	lastKey := ""
	for off < len(s) {
		end := strings.IndexByte(s[off:], '\n')
		next := len(s)
		if end >= 0 {
			next = off + end + 1
		} else {
			end = len(s) - off
		}
		line := strings.TrimRight(s[off:off+end], "\r")
		if line == fence {
			return next
		}
		if k, v, ok := strings.Cut(line, sep); ok && line != "" && line[0] != ' ' && line[0] != '\t' && line[0] != '#' {
			lastKey = strings.ToLower(strings.TrimSpace(k))
			vt := strings.TrimSpace(v)
			d.front[lastKey] = unquoteFront(vt)
			d.frontAt[lastKey] = off + strings.Index(line, v) + (len(v) - len(strings.TrimLeft(v, " \t")))
		} else if lastKey != "" && strings.TrimSpace(line) != "" && (line[0] == ' ' || line[0] == '\t') {
			// A folded continuation line.
			d.front[lastKey] = strings.TrimSpace(d.front[lastKey] + " " + strings.TrimSpace(line))
		}
		off = next
	}
	// No closing fence: not front matter after all.
	d.front, d.frontAt = map[string]string{}, map[string]int{}
	return 0
}

func unquoteFront(v string) string {
	if len(v) >= 2 && (v[0] == '"' && v[len(v)-1] == '"' || v[0] == '\'' && v[len(v)-1] == '\'') {
		inner := v[1 : len(v)-1]
		if v[0] == '\'' {
			return strings.ReplaceAll(inner, "''", "'")
		}
		return strings.NewReplacer(`\"`, `"`, `\\`, `\`).Replace(inner)
	}
	return v
}

func blockOffset(n ast.Node) int {
	if l := n.Lines(); l != nil && l.Len() > 0 {
		return l.At(0).Start
	}
	if n.FirstChild() != nil {
		return blockOffset(n.FirstChild())
	}
	return n.Pos()
}

// offset returns the file offset of a node of the body.
func (d *mdDoc) offset(n ast.Node) int { return d.base + blockOffset(n) }

// plain returns the text of a block's inlines, as a reader sees it: links
// become their text, HTML tags and emphasis marks disappear, line breaks
// become spaces.
func (d *mdDoc) plain(n ast.Node) string {
	var b strings.Builder
	d.writePlain(&b, n)
	return strings.Join(strings.FieldsFunc(b.String(), func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' }), " ")
}

func (d *mdDoc) writePlain(b *strings.Builder, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text:
			b.Write(unescape(c.Segment.Value(d.body)))
			if c.SoftLineBreak() || c.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(c.Value)
		case *ast.CodeSpan:
			b.WriteByte('`')
			d.writePlain(b, c)
			b.WriteByte('`')
		case *ast.AutoLink:
			b.Write(c.Label(d.body))
		case *ast.RawHTML:
			// Tags (<abbr>, <br>) carry no text of their own.
		case *ast.List:
			b.WriteByte(' ')
			d.writePlain(b, c)
		default:
			if c.Type() == ast.TypeBlock && b.Len() > 0 {
				b.WriteByte(' ')
			}
			d.writePlain(b, c)
		}
	}
}

func unescape(b []byte) []byte {
	b = util.UnescapePunctuations(b)
	if bytes.IndexByte(b, '&') >= 0 {
		b = []byte(html.UnescapeString(string(b)))
	}
	return b
}

// source returns the Markdown source of blocks, as written, blank lines
// between blocks.
func (d *mdDoc) source(blocks []ast.Node) string {
	var parts []string
	for _, n := range blocks {
		start, end := d.extent(n)
		if start < end {
			parts = append(parts, strings.TrimRight(string(d.body[start:end]), " \t\r\n"))
		}
	}
	return strings.Join(parts, "\n\n")
}

// extent is the byte range of a block in the body, from the start of its
// first line to the end of its last.
func (d *mdDoc) extent(n ast.Node) (start, end int) {
	start, end = -1, -1
	var walk func(n ast.Node)
	walk = func(n ast.Node) {
		if n.Type() == ast.TypeBlock {
			if l := n.Lines(); l != nil {
				for i := 0; i < l.Len(); i++ {
					s := l.At(i)
					if start < 0 || s.Start < start {
						start = s.Start
					}
					if s.Stop > end {
						end = s.Stop
					}
				}
			}
		}
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			walk(c)
		}
	}
	walk(n)
	if start < 0 {
		return 0, 0
	}
	// Back to the start of the line: list markers and indentation are
	// part of the source.
	start = bytes.LastIndexByte(d.body[:start], '\n') + 1
	return start, end
}

// link is a Markdown link of the post.
type link struct {
	title, url string
}

// links returns the absolute http(s) links of the body, in order, each
// URL once.
func (d *mdDoc) links() []link {
	var out []link
	seen := map[string]bool{}
	_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		var l link
		switch n := n.(type) {
		case *ast.Link:
			l = link{title: d.plain(n), url: string(n.Destination)}
		case *ast.AutoLink:
			u := string(n.URL(d.body))
			l = link{title: u, url: u}
		default:
			return ast.WalkContinue, nil
		}
		if !isAbsURL(l.url) || seen[l.url] {
			return ast.WalkSkipChildren, nil
		}
		seen[l.url] = true
		if l.title == "" {
			l.title = l.url
		}
		out = append(out, l)
		return ast.WalkSkipChildren, nil
	})
	return out
}

// absURL is the record format's URL pattern; isAbsURL adds the
// validator's parse.
var absURL = regexp.MustCompile(`^https?://[^\s/?#]+[^\s]*$`)

func isAbsURL(s string) bool {
	if !absURL.MatchString(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// listItems returns the items of the lists among blocks, with the offset
// of each, and the blocks that are not lists.
func (d *mdDoc) listItems(blocks []ast.Node) (items []listItem, other []ast.Node) {
	for _, n := range blocks {
		l, ok := n.(*ast.List)
		if !ok {
			other = append(other, n)
			continue
		}
		for it := l.FirstChild(); it != nil; it = it.NextSibling() {
			if text := d.plain(it); text != "" { // "-" alone is no item
				items = append(items, listItem{text: text, offset: d.offset(it)})
			}
		}
	}
	return items, other
}

type listItem struct {
	text   string
	offset int
}
