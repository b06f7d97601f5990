package render

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// htmlEscaper neutralises what GitHub would read as HTML in record text:
// tags (and with them castor's hidden markers) and entities. Markdown
// itself (emphasis, links, lists) is kept: post-mortems are written in it.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Block escapes a Markdown block from a record.
func Block(s string) string {
	return strings.TrimRight(htmlEscaper.Replace(s), "\n ")
}

// publicBlock is Block for a status page, where the text must read as on
// the site: its headings go below a heading of level under (see
// shiftHeadings), and an autolink (<https://…>), which Block would escape
// into text, becomes a link written out, [https://…](https://…).
// castor render keeps the record's text as it is (castor import reads it
// back).
func publicBlock(s string, under int) string {
	s = autolinkRe.ReplaceAllStringFunc(s, func(m string) string {
		u := m[1 : len(m)-1]
		return "[" + linkText(u) + "](" + linkTarget(u) + ")"
	})
	return Block(shiftHeadings(s, under))
}

// autolinkRe is a CommonMark autolink to a web page (links may only be
// http and https).
var autolinkRe = regexp.MustCompile(`<(?i:https?)://[^\s<>]*>`)

// Inline escapes record text for one line: newlines become spaces, and a
// start that would open a block ("1. ", "# ", "- ", "> ") is escaped, so
// the text cannot start a heading or a list of its own (a list item's
// text would).
func Inline(s string) string {
	s = strings.Join(strings.Fields(htmlEscaper.Replace(s)), " ")
	if m := blockStart.FindStringSubmatchIndex(s); m != nil {
		// Before the marker: "1\. ", "\# ", "\* ".
		at := 0
		if m[2] >= 0 {
			at = m[3]
		}
		s = s[:at] + `\` + s[at:]
	}
	return s
}

// blockStart is what opens a block at the start of a line: an ordered
// list's number (its dot or parenthesis is escaped), a heading, a bullet,
// a quote, a setext underline.
var blockStart = regexp.MustCompile(`^(\d{1,9})[.)](?:\s|$)|^()(?:#{1,6}|[-+*]|>|=+)(?:\s|$)`)

// Cell escapes record text for a table cell.
func Cell(s string) string {
	return strings.ReplaceAll(Inline(s), "|", `\|`)
}

// linkTarget keeps only http(s) links (the schema requires them; this is
// the last line of defence against javascript: URLs) and escapes what
// would end the Markdown link.
func linkTarget(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return "#"
	}
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(u.String())
}

// linkText escapes a link's title so that it cannot close the link early.
func linkText(s string) string {
	return strings.NewReplacer("[", `\[`, "]", `\]`).Replace(Inline(s))
}

// shiftHeadings moves the headings of record Markdown below a heading of
// level under, the record's highest becoming under+1 (at most 6), as the
// site does with the same text: a post-mortem written with "#" or "###"
// keeps its outline inside a section. ATX headings keep their line (only
// the run of # changes); a setext heading at the top level becomes ATX.
func shiftHeadings(src string, under int) string {
	source := []byte(src)
	doc := goldmark.DefaultParser().Parse(text.NewReader(source))
	var hs []*ast.Heading
	top := 7
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering && h.Lines().Len() > 0 {
			hs = append(hs, h)
			top = min(top, h.Level)
		}
		return ast.WalkContinue, nil
	})
	type edit struct {
		from, to int
		with     string
	}
	var edits []edit
	for _, h := range hs {
		level := min(h.Level-top+under+1, 6)
		lines := h.Lines()
		start := lines.At(0).Start
		i := start
		for i > 0 && (source[i-1] == ' ' || source[i-1] == '\t') {
			i--
		}
		j := i
		for j > 0 && source[j-1] == '#' {
			j--
		}
		if j < i {
			edits = append(edits, edit{j, i, strings.Repeat("#", level)})
			continue
		}
		if h.Parent() != doc {
			continue
		}
		// Setext: its text lines, then the underline.
		var words []string
		for k := range lines.Len() {
			seg := lines.At(k)
			words = append(words, strings.TrimSpace(string(seg.Value(source))))
		}
		lineStart := strings.LastIndexByte(src[:start], '\n') + 1
		// The end of the underline: the end of the line after the last
		// text line.
		end, last := len(src), lines.At(lines.Len()-1)
		if nl := strings.IndexByte(src[last.Start:], '\n'); nl >= 0 {
			under := last.Start + nl + 1
			if nl := strings.IndexByte(src[under:], '\n'); nl >= 0 {
				end = under + nl
			}
		}
		edits = append(edits, edit{lineStart, end, strings.Repeat("#", level) + " " + strings.Join(words, " ")})
	}
	for k := len(edits) - 1; k >= 0; k-- {
		e := edits[k]
		src = src[:e.from] + e.with + src[e.to:]
	}
	return src
}
