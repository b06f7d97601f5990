package incident

import (
	"bytes"
	"html"
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/castor-incidents/castor/internal/lazyre"
)

// A post-mortem written as Markdown, read as a syntax tree: the front
// matter, the title, and sections opened by headings or by bold labels
// ("**Root Causes** : …", "**What went well**"), each recognised by its
// title in English, French, German, Spanish or Japanese (importvocab.go).

// mdDoc is a parsed post-mortem.
type mdDoc struct {
	src     []byte // the whole file
	base    int    // offset of the Markdown body (after the front matter)
	body    []byte
	front   map[string]string
	frontAt map[string]int // offset of each front matter value
	root    ast.Node
	lines   []int // offsets of line starts in src

	// title is the H1 (or the first heading of a document without one);
	// titleAt its offset; before holds the blocks above it (navigation,
	// comments), which say nothing about the incident.
	title   string
	titleAt int
	before  []ast.Node
	intro   []chunk
	secs    []*section
}

// chunk is a piece of a section: a Markdown block, or lines of text cut
// from a paragraph of bold labels.
type chunk struct {
	node ast.Node // nil for text
	text string   // Markdown source when node is nil
	off  int      // file offset of its first line
}

type section struct {
	title  string
	level  int // heading level; a bold label is one deeper than its heading
	off    int
	kind   sectionKind
	parent *section
	zone   string // a zone written in the title: "Timeline (UTC)"
	chunks []chunk
	// label is true for a section opened by a bold label.
	label bool
}

// effective is the section's kind, or the kind of the section it is
// part of ("### Five Whys" under "## Root cause").
func (s *section) effective() sectionKind {
	for p := s; p != nil; p = p.parent {
		if p.kind != secUnknown {
			return p.kind
		}
	}
	return secUnknown
}

var md = goldmark.New(goldmark.WithExtensions(extension.Table, extension.TaskList, extension.Strikethrough, extension.Linkify),
	goldmark.WithParserOptions(parser.WithAttribute()))

func parseMarkdown(src []byte) *mdDoc {
	d := &mdDoc{src: src, front: map[string]string{}, frontAt: map[string]int{}}
	d.lines = append(d.lines, 0)
	for i, c := range src {
		if c == '\n' {
			d.lines = append(d.lines, i+1)
		}
	}
	d.base = d.readFrontMatter()
	d.body = src[d.base:]
	d.root = md.Parser().Parse(text.NewReader(d.body))
	d.structure()
	return d
}

// line returns the 1-based line and byte column of a file offset.
func (d *mdDoc) line(off int) (line, col int) {
	i := sort.Search(len(d.lines), func(i int) bool { return d.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return i + 1, off - d.lines[i] + 1
}

// genericTitles are H1s that only say what the document is: the next
// heading names the incident ("# Example Postmortem" / "## Shakespeare
// Sonnet++ Postmortem").
var genericTitles = lazyre.New(`^(example |sample )?(post[- ]?mortems?|incident reports?|incident|rapport d'incident|retour d'experience|postmortem-bericht|störungsbericht|informe (de )?(incidente|post-?mortem)|ポストモーテム|障害報告書?)$`)

// structure finds the title and cuts the body into sections.
func (d *mdDoc) structure() {
	var blocks []ast.Node
	for n := d.root.FirstChild(); n != nil; n = n.NextSibling() {
		blocks = append(blocks, n)
	}
	// The title: the first H1; without one, the first heading. What is
	// above it is not the post-mortem's text.
	start := 0
	h1 := -1
	for i, n := range blocks {
		if h, ok := n.(*ast.Heading); ok && h.Level == 1 {
			h1 = i
			break
		}
	}
	if h1 < 0 {
		for i, n := range blocks {
			if _, ok := n.(*ast.Heading); ok {
				// A first heading that is a section's ("## Summary")
				// is no title.
				if k, _ := classify(d.headingText(n.(*ast.Heading))); k == secUnknown {
					h1 = i
				}
				break
			}
		}
	}
	if h1 >= 0 {
		h := blocks[h1].(*ast.Heading)
		d.title, d.titleAt = d.headingMarkdown(h), d.offset(h)
		d.before = blocks[:h1]
		start = h1 + 1
		if n, _ := normalizeTitle(d.headingText(h)); genericTitles.MatchString(n) && start < len(blocks) {
			if next, ok := blocks[start].(*ast.Heading); ok {
				if k, _ := classify(d.headingText(next)); k == secUnknown {
					d.title, d.titleAt = d.headingMarkdown(next), d.offset(next)
					start++
				}
			}
		}
	}
	var cur *section
	var stack []*section // open headings, by level
	add := func(c chunk) {
		if cur == nil {
			d.intro = append(d.intro, c)
		} else {
			cur.chunks = append(cur.chunks, c)
		}
	}
	open := func(s *section) {
		for len(stack) > 0 && stack[len(stack)-1].level >= s.level {
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 {
			s.parent = stack[len(stack)-1]
		}
		stack = append(stack, s)
		d.secs = append(d.secs, s)
		cur = s
	}
	headingLevel := func() int {
		if cur == nil {
			return 1
		}
		for p := cur; p != nil; p = p.parent {
			if !p.label {
				return p.level
			}
		}
		return 1
	}
	for _, n := range blocks[start:] {
		switch n := n.(type) {
		case *ast.Heading:
			title := d.headingText(n)
			kind, _ := classify(title)
			s := &section{title: title, level: n.Level, off: d.offset(n), kind: kind}
			if _, z, ok := headerZone(title); ok {
				s.zone = z
			}
			open(s)
		case *ast.Paragraph:
			// Bold labels open sections of their own.
			lines := n.Lines()
			var pending []string
			pendingOff := -1
			flush := func() {
				if len(pending) > 0 {
					add(chunk{text: strings.Join(pending, "\n"), off: pendingOff})
				}
				pending, pendingOff = nil, -1
			}
			labelled := false
			for i := 0; i < lines.Len(); i++ {
				seg := lines.At(i)
				raw := strings.TrimRight(string(seg.Value(d.body)), " \t\r\n")
				lineOff := d.base + bytes.LastIndexByte(d.body[:seg.Start], '\n') + 1
				if label, rest, ok := boldLabel(reLabelFootnote.ReplaceAllString(raw, "$1$2$3$4")); ok {
					if kind, _ := classify(label); kind != secUnknown {
						flush()
						lvl := headingLevel() + 1
						s := &section{title: label, level: lvl, off: lineOff, kind: kind, label: true}
						if _, z, ok := headerZone(label); ok {
							s.zone = z
						}
						open(s)
						labelled = true
						if strings.TrimSpace(rest) != "" {
							pending, pendingOff = []string{rest}, lineOff
						}
						continue
					}
				}
				if pendingOff < 0 {
					pendingOff = lineOff
				}
				pending = append(pending, raw)
			}
			if !labelled {
				add(chunk{node: n, off: d.offset(n)})
				continue
			}
			flush()
		case *ast.List:
			// "- **Context**: …", "- **Impact**: …": a list of labelled
			// sections.
			cur0 := cur
			if cur0 != nil && (cur0.effective() == secTimeline || cur0.effective() == secActions) || !d.labelledList(n) {
				add(chunk{node: n, off: d.offset(n)})
				continue
			}
			for li := n.FirstChild(); li != nil; li = li.NextSibling() {
				first := li.FirstChild()
				if !isTextBlock(first) {
					add(chunk{node: li, off: d.offset(li)})
					continue
				}
				lines := first.Lines()
				seg := lines.At(0)
				raw := strings.TrimRight(string(seg.Value(d.body)), " \t\r\n")
				lineOff := d.base + bytes.LastIndexByte(d.body[:seg.Start], '\n') + 1
				var text []string
				if label, rest, ok := boldLabel(reLabelFootnote.ReplaceAllString(raw, "$1$2$3$4")); ok {
					if kind, _ := classify(label); kind != secUnknown {
						s := &section{title: label, level: headingLevel() + 1, off: lineOff, kind: kind, label: true}
						if _, z, ok := headerZone(label); ok {
							s.zone = z
						}
						open(s)
						raw = rest
					}
				}
				if strings.TrimSpace(raw) != "" {
					text = append(text, raw)
				}
				for i := 1; i < lines.Len(); i++ {
					sg := lines.At(i)
					text = append(text, strings.TrimRight(string(sg.Value(d.body)), " \t\r\n"))
				}
				if len(text) > 0 {
					add(chunk{text: strings.Join(text, "\n"), off: lineOff})
				}
				for c := first.NextSibling(); c != nil; c = c.NextSibling() {
					add(chunk{node: c, off: d.offset(c)})
				}
			}
		default:
			add(chunk{node: n, off: d.offset(n)})
		}
	}
}

// isTextBlock tells whether a node is a paragraph, or the text of a
// tight list's item.
func isTextBlock(n ast.Node) bool {
	switch n.(type) {
	case *ast.Paragraph, *ast.TextBlock:
		return true
	}
	return false
}

// labelledList tells whether a list is one of labelled sections: every
// item starts with a bold label, and at least half of the labels name a
// section ("- **Context**: …", "- **Root cause**: …").
func (d *mdDoc) labelledList(l *ast.List) bool {
	items, known := 0, 0
	for li := l.FirstChild(); li != nil; li = li.NextSibling() {
		items++
		p := li.FirstChild()
		if !isTextBlock(p) || p.Lines().Len() == 0 {
			return false
		}
		seg := p.Lines().At(0)
		raw := string(seg.Value(d.body))
		label, _, ok := boldLabel(reLabelFootnote.ReplaceAllString(raw, "$1$2$3$4"))
		if !ok {
			return false
		}
		if k, _ := classify(label); k != secUnknown {
			known++
		}
	}
	return items > 0 && known*2 >= items
}

// reBoldLabel is a line that starts with a bold label: "**Root Causes**
// : text", "__Timeline__:", "**Impact**:[163](…) text".
var reBoldLabel = lazyre.New(`^\s*(?:[-*+]\s+)?(?:\*\*|__)([^*_]{1,80}?)(?:\*\*|__)\s*(?:[:：]\s*)?(?:\[\d{1,4}\]\([^)]*\)|\[\^?\d{1,4}\])?\s*(.*)$`)

// reLabelFootnote is a footnote link inside a bold label: "**Where we
// got lucky[166](https://…)**".
var reLabelFootnote = lazyre.New(`^(\s*(?:[-*+]\s+)?(?:\*\*|__))([^*_\[]{1,80}?)\[\d{1,4}\]\([^)\s]*\)([^*_]{0,40}?)(\*\*|__)`)

var reLabelParen = lazyre.New(`^\(([^()]{1,30})\)\s*[:：]`)

// boldLabel reads a bold label at the start of a line. The label counts
// when it ends the line or is followed by a colon (inside or after the
// bold marks).
func boldLabel(line string) (label, rest string, ok bool) {
	m := reBoldLabel.FindStringSubmatch(line)
	if m == nil {
		return "", "", false
	}
	label = strings.TrimSpace(m[1])
	colon := strings.HasSuffix(label, ":") || strings.HasSuffix(label, "：")
	label = strings.TrimRight(label, ":： ")
	after := strings.TrimSpace(line[strings.Index(line, m[1])+len(m[1]):])
	after = strings.TrimLeft(after, "*_ ")
	// "**Timeline** (UTC): …": the parenthesis is part of the label.
	if pm := reLabelParen.FindStringSubmatch(after); pm != nil && !colon {
		return label + " (" + pm[1] + ")", strings.TrimSpace(after[len(pm[0]):]), true
	}
	if !colon && !(strings.HasPrefix(after, ":") || strings.HasPrefix(after, "：")) && strings.TrimSpace(m[2]) != "" {
		return "", "", false
	}
	return label, m[2], true
}

// headingText is a heading's text without the footnote links or numbers
// web exports leave on it ("Timeline[167](…)").
func (d *mdDoc) headingText(h *ast.Heading) string {
	var b strings.Builder
	for c := h.FirstChild(); c != nil; c = c.NextSibling() {
		if l, ok := c.(*ast.Link); ok && isFootnoteText(d.plain(l)) {
			continue
		}
		if c.Kind() == ast.KindText || c.Kind() == ast.KindString || c.Kind() == ast.KindCodeSpan {
			var one strings.Builder
			d.writeInline(&one, c)
			b.WriteString(one.String())
			continue
		}
		var one strings.Builder
		d.writePlain(&one, c)
		b.WriteString(one.String())
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// headingMarkdown is a heading's Markdown (a title keeps its emphasis)
// without its footnote links.
func (d *mdDoc) headingMarkdown(h *ast.Heading) string {
	var b strings.Builder
	for c := h.FirstChild(); c != nil; c = c.NextSibling() {
		if l, ok := c.(*ast.Link); ok && isFootnoteText(d.plain(l)) {
			continue
		}
		d.writeMarkdownNode(&b, c)
	}
	return inlineText(b.String())
}

func isFootnoteText(s string) bool {
	s = strings.Trim(s, "[]^ ")
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// readFrontMatter reads a leading "---" (YAML-ish) or "+++" (TOML-ish)
// block of "key: value" lines, after blank lines or HTML comments, and
// returns where the body starts. It reads line by line rather than as
// YAML: front matter in the wild is often not valid YAML ("title:
// [post-mortem] …" opens a YAML list).
func (d *mdDoc) readFrontMatter() int {
	s := string(d.src)
	skip := 0
	for {
		rest := s[skip:]
		trimmed := strings.TrimLeft(rest, " \t\r\n")
		if strings.HasPrefix(trimmed, "<!--") {
			end := strings.Index(trimmed, "-->")
			if end < 0 {
				return 0
			}
			skip += len(rest) - len(trimmed) + end + 3
			continue
		}
		skip += len(rest) - len(trimmed)
		break
	}
	s0 := s[skip:]
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
		if k, v, ok := strings.Cut(line, sep); ok && line != "" && line[0] != ' ' && line[0] != '\t' && line[0] != '#' && line[0] != '[' {
			lastKey = strings.ToLower(strings.TrimSpace(k))
			vt := strings.TrimSpace(v)
			if _, dup := d.front[lastKey]; !dup {
				d.front[lastKey] = unquoteFront(vt)
				d.frontAt[lastKey] = off + strings.Index(line, v) + (len(v) - len(strings.TrimLeft(v, " \t")))
			}
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
	if n.Type() == ast.TypeBlock {
		if l := n.Lines(); l != nil && l.Len() > 0 {
			return l.At(0).Start
		}
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if o := blockOffset(c); o >= 0 {
			return o
		}
	}
	if t, ok := n.(*ast.Text); ok {
		return t.Segment.Start
	}
	return -1
}

// offset returns the file offset of the start of a node's line.
func (d *mdDoc) offset(n ast.Node) int {
	o := blockOffset(n)
	if o < 0 {
		o = 0
	}
	return d.base + bytes.LastIndexByte(d.body[:o], '\n') + 1
}

// plain returns the text of a node's inlines, as a reader sees it: links
// become their text, HTML tags and emphasis marks disappear, line breaks
// become spaces.
func (d *mdDoc) plain(n ast.Node) string {
	var b strings.Builder
	d.writePlain(&b, n)
	// Not strings.Fields: French typography's no-break spaces stay.
	return strings.Join(strings.FieldsFunc(b.String(), func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' }), " ")
}

func (d *mdDoc) writeInline(b *strings.Builder, c ast.Node) {
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
		for t := c.FirstChild(); t != nil; t = t.NextSibling() {
			if tx, ok := t.(*ast.Text); ok {
				b.Write(tx.Segment.Value(d.body))
			}
		}
		b.WriteByte('`')
	}
}

func (d *mdDoc) writePlain(b *strings.Builder, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		switch c := c.(type) {
		case *ast.Text, *ast.String, *ast.CodeSpan:
			d.writeInline(b, c)
		case *ast.AutoLink:
			b.Write(c.Label(d.body))
		case *ast.RawHTML:
			// Tags (<abbr>, <br>) carry no text of their own.
		case *east.TaskCheckBox:
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

// markdown returns the Markdown of a node's inlines, as the post wrote
// them but for what only makes sense in the post: reference links become
// inline links, HTML tags and task boxes go, entities castor's renderer
// escapes ("&lt;") are read back. Line breaks stay "\n".
func (d *mdDoc) markdown(n ast.Node) string {
	var b strings.Builder
	d.writeMarkdown(&b, n)
	return b.String()
}

func (d *mdDoc) writeMarkdown(b *strings.Builder, n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		d.writeMarkdownNode(b, c)
	}
}

func (d *mdDoc) writeMarkdownNode(b *strings.Builder, c ast.Node) {
	switch c := c.(type) {
	case *ast.Text:
		b.WriteString(entities.Replace(string(c.Segment.Value(d.body))))
		if c.SoftLineBreak() || c.HardLineBreak() {
			b.WriteByte('\n')
		}
	case *ast.String:
		b.Write(c.Value)
	case *ast.CodeSpan:
		var code strings.Builder
		for t := c.FirstChild(); t != nil; t = t.NextSibling() {
			if tx, ok := t.(*ast.Text); ok {
				code.Write(tx.Segment.Value(d.body))
			}
		}
		fence := "`"
		for strings.Contains(code.String(), fence) {
			fence += "`"
		}
		pad := ""
		if s := code.String(); s != "" && (s[0] == '`' || s[len(s)-1] == '`') {
			pad = " "
		}
		b.WriteString(fence + pad + code.String() + pad + fence)
	case *ast.Emphasis:
		m := strings.Repeat("*", c.Level)
		b.WriteString(m)
		d.writeMarkdown(b, c)
		b.WriteString(m)
	case *east.Strikethrough:
		b.WriteString("~~")
		d.writeMarkdown(b, c)
		b.WriteString("~~")
	case *ast.Link:
		b.WriteByte('[')
		d.writeMarkdown(b, c)
		b.WriteString("](" + linkDestination(string(c.Destination)))
		if len(c.Title) > 0 {
			b.WriteString(` "` + strings.ReplaceAll(string(c.Title), `"`, `\"`) + `"`)
		}
		b.WriteByte(')')
	case *ast.Image:
		b.WriteString("![")
		d.writeMarkdown(b, c)
		b.WriteString("](" + linkDestination(string(c.Destination)) + ")")
	case *ast.AutoLink:
		b.Write(c.Label(d.body))
	case *ast.RawHTML, *east.TaskCheckBox:
		// Tags carry no text of their own; the box is read apart.
	default:
		d.writeMarkdown(b, c)
	}
}

// linkDestination writes a link's target so that it ends where it ends.
func linkDestination(u string) string {
	if strings.ContainsAny(u, " ()<>") {
		return "<" + strings.NewReplacer("<", "%3C", ">", "%3E").Replace(u) + ">"
	}
	return u
}

// reBlockEscape is a backslash that only kept the text from opening a
// block ("1\. not a list", "\# not a heading") where it was written; in a
// record's one-line text it is not needed.
var reBlockEscape = lazyre.New(`^(\d{1,9})\\([.)])|^\\([#>+=-])|^\\(\*) `)

// oneLineMarkdown is the Markdown of a node as one line of record text.
func (d *mdDoc) oneLineMarkdown(n ast.Node) string {
	return inlineText(d.markdown(n))
}

// inlineText is Markdown as one line of record text: line breaks are
// spaces, a block escape at its start goes.
func inlineText(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' }), " ")
	if m := reBlockEscape.FindStringSubmatch(s); m != nil {
		switch rest := s[len(m[0]):]; {
		case m[1] != "":
			s = m[1] + m[2] + rest
		case m[3] != "":
			s = m[3] + rest
		default:
			s = "* " + rest
		}
	}
	return s
}

func unescape(b []byte) []byte {
	b = util.UnescapePunctuations(b)
	if bytes.IndexByte(b, '&') >= 0 {
		b = []byte(html.UnescapeString(string(b)))
	}
	return b
}

// source returns the Markdown source of chunks, as written, blank lines
// between them, with the three entities castor's renderer escapes read
// back ("&lt;" is "<" in a record: the renderer escapes it again).
func (d *mdDoc) source(chunks []chunk) string {
	var parts []string
	for _, c := range chunks {
		s := c.text
		if c.node != nil {
			start, end := d.extent(c.node)
			s = string(d.body[start:end])
			if c.node.Parent() != d.root {
				// A block taken out of a list item keeps its
				// indentation no more.
				s = dedent(s)
			}
		}
		if s = strings.TrimRight(s, " \t\r\n"); strings.TrimSpace(s) != "" {
			parts = append(parts, s)
		}
	}
	return entities.Replace(strings.Join(parts, "\n\n"))
}

// dedent removes the indentation common to the lines of s.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	common := -1
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if n := len(l) - len(strings.TrimLeft(l, " \t")); common < 0 || n < common {
			common = n
		}
	}
	if common <= 0 {
		return s
	}
	for i, l := range lines {
		if len(l) >= common {
			lines[i] = l[common:]
		} else {
			lines[i] = strings.TrimLeft(l, " \t")
		}
	}
	return strings.Join(lines, "\n")
}

var entities = strings.NewReplacer("&lt;", "<", "&gt;", ">", "&amp;", "&")

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
		} else if t, ok := n.(*ast.Text); ok {
			if start < 0 || t.Segment.Start < start {
				start = t.Segment.Start
			}
			if t.Segment.Stop > end {
				end = t.Segment.Stop
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
	// part of the source; on to the end of the last line (closing fences,
	// table pipes).
	start = bytes.LastIndexByte(d.body[:start], '\n') + 1
	if i := bytes.IndexByte(d.body[end:], '\n'); i >= 0 {
		end += i
	} else {
		end = len(d.body)
	}
	if _, ok := n.(*ast.FencedCodeBlock); ok && start > 0 {
		// The opening fence is on the line before the code.
		prev := bytes.LastIndexByte(d.body[:start-1], '\n') + 1
		if l := strings.TrimSpace(string(d.body[prev : start-1])); strings.HasPrefix(l, "```") || strings.HasPrefix(l, "~~~") {
			start = prev
		}
	}
	if _, ok := n.(*ast.FencedCodeBlock); ok {
		// The closing fence is on the next line.
		if i := bytes.IndexByte(d.body[min(end+1, len(d.body)):], '\n'); i >= 0 && end+1 < len(d.body) {
			line := strings.TrimSpace(string(d.body[end+1 : end+1+i]))
			if strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~") {
				end = end + 1 + i
			}
		}
	}
	return start, end
}

// link is a Markdown link of the post.
type link struct {
	title, url string
}

// links returns the absolute http(s) links of the body below the title,
// in order, each URL once.
func (d *mdDoc) links() []link {
	var out []link
	seen := map[string]bool{}
	skip := map[ast.Node]bool{}
	for _, n := range d.before {
		skip[n] = true
	}
	for n := d.root.FirstChild(); n != nil; n = n.NextSibling() {
		if skip[n] {
			continue
		}
		_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
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
			if !isAbsURL(l.url) || seen[l.url] || isFootnoteText(l.title) {
				return ast.WalkSkipChildren, nil
			}
			seen[l.url] = true
			if l.title == "" {
				l.title = l.url
			}
			out = append(out, l)
			return ast.WalkSkipChildren, nil
		})
	}
	return out
}

// absURL is the record format's URL pattern; isAbsURL adds the
// validator's parse.
var absURL = lazyre.New(`^https?://[^\s/?#]+[^\s]*$`)

func isAbsURL(s string) bool {
	if !absURL.MatchString(s) {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// mdItem is one entry of a list, with its checkbox state and the URLs of
// its links.
type mdItem struct {
	text    string
	off     int
	checked int // -1 no checkbox, 0 unchecked, 1 checked
	links   []string
	nested  []mdItem
	node    ast.Node
}

// listItems returns the items of a list; first holds the text of an
// item's own paragraph, nested its sub-items.
func (d *mdDoc) listItems(l *ast.List) []mdItem {
	var out []mdItem
	for li := l.FirstChild(); li != nil; li = li.NextSibling() {
		it := mdItem{off: d.offset(li), checked: -1, node: li}
		var own strings.Builder
		for c := li.FirstChild(); c != nil; c = c.NextSibling() {
			if sub, ok := c.(*ast.List); ok {
				it.nested = append(it.nested, d.listItems(sub)...)
				continue
			}
			if own.Len() > 0 {
				own.WriteByte(' ')
			}
			own.WriteString(d.oneLineMarkdown(c))
			_ = ast.Walk(c, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				if !entering {
					return ast.WalkContinue, nil
				}
				switch n := n.(type) {
				case *east.TaskCheckBox:
					if n.IsChecked {
						it.checked = 1
					} else {
						it.checked = 0
					}
				case *ast.Link:
					it.links = append(it.links, string(n.Destination))
				case *ast.AutoLink:
					it.links = append(it.links, string(n.URL(d.body)))
				}
				return ast.WalkContinue, nil
			})
		}
		it.text = strings.TrimSpace(own.String())
		// "[x] done" that the task-list extension did not take (a
		// checkbox not at the start of the first paragraph).
		if it.checked < 0 {
			for _, p := range []struct {
				prefix string
				v      int
			}{{"[x] ", 1}, {"[X] ", 1}, {"[ ] ", 0}} {
				if strings.HasPrefix(it.text, p.prefix) {
					it.text, it.checked = strings.TrimSpace(it.text[len(p.prefix):]), p.v
				}
			}
		}
		out = append(out, it)
	}
	return out
}

// fullText is an item's text with its sub-items', for a list that is
// data (a lesson, a factor): nothing of it is left out.
func (it mdItem) fullText() string {
	parts := []string{it.text}
	for _, n := range it.nested {
		parts = append(parts, n.fullText())
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), " ")
}

// table is a Markdown table as text: its header and rows of cells, each
// with the URLs of its links.
type table struct {
	header []string
	rows   [][]string
	links  [][][]string
	offs   []int
	off    int
}

func (d *mdDoc) readTable(t *east.Table) table {
	tb := table{off: d.offset(t)}
	for r := t.FirstChild(); r != nil; r = r.NextSibling() {
		var cells []string
		var links [][]string
		for c := r.FirstChild(); c != nil; c = c.NextSibling() {
			// "\|" is the table's own escape of a pipe.
			cells = append(cells, strings.ReplaceAll(d.oneLineMarkdown(c), `\|`, "|"))
			var ls []string
			_ = ast.Walk(c, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				if entering {
					if l, ok := n.(*ast.Link); ok {
						ls = append(ls, string(l.Destination))
					} else if l, ok := n.(*ast.AutoLink); ok {
						ls = append(ls, string(l.URL(d.body)))
					}
				}
				return ast.WalkContinue, nil
			})
			links = append(links, ls)
		}
		if _, ok := r.(*east.TableHeader); ok {
			tb.header = cells
			continue
		}
		tb.rows = append(tb.rows, cells)
		tb.links = append(tb.links, links)
		tb.offs = append(tb.offs, d.rowOffset(r))
	}
	return tb
}

// rowOffset is a table row's line: rows have no lines of their own in
// goldmark's tree, their cells' text has.
func (d *mdDoc) rowOffset(r ast.Node) int {
	for c := r.FirstChild(); c != nil; c = c.NextSibling() {
		if o := blockOffset(c); o >= 0 {
			return d.base + bytes.LastIndexByte(d.body[:o], '\n') + 1
		}
	}
	return d.offset(r)
}
