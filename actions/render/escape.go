package render

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"unicode"
)

// htmlEscaper neutralises what GitHub would read as HTML in record text:
// tags (and with them castor's hidden markers) and entities. Markdown
// itself (emphasis, links, lists) is kept: post-mortems are written in it.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Block escapes a Markdown block from a record.
func Block(s string) string {
	return strings.TrimRight(neutralize(htmlEscaper.Replace(s)), "\n ")
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
	return neutralize(s)
}

// Code writes text (a path, a label, an id) as an inline code span on one
// line, however many backticks it holds: nothing in it is read as
// Markdown, HTML or a mention.
func Code(s string) string {
	s = strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsControl(r)
	}), " ")
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || s == "" {
		s = " " + s + " "
	}
	return fence + s + fence
}

// CodeCell is Code for a table cell: a pipe would end the cell even in
// code, so it is escaped (GitHub shows it as a pipe).
func CodeCell(s string) string {
	return strings.ReplaceAll(Code(s), "|", `\|`)
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
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
	// A link to an issue or pull request would add a "mentioned this"
	// event to its timeline: GitHub's redirect host leads to the same page
	// without it (see neutralize).
	target := issueURLRe.ReplaceAllString(u.String(), "https://redirect.github.com/${2}")
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace(target)
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

// zwsp is U+200B ZERO WIDTH SPACE: invisible, and enough to break the
// patterns GitHub links and notifies by.
const zwsp = "\u200b"

// neutralize keeps record text that castor posts to GitHub (comments,
// issue bodies, job summaries) from pinging anyone or linking anything,
// while it reads the same. GitHub turns these into links, with effects
// (https://docs.github.com/en/get-started/writing-on-github/working-with-advanced-formatting/autolinked-references-and-urls
// and basic-writing-and-formatting-syntax#mentioning-people-and-teams):
//
//   - @login and @org/team mention, and notify, people and teams;
//   - #26, GH-26 and owner/repo#26 link an issue or pull request and add a
//     "mentioned this" event to it, as does its URL on github.com;
//   - ![alt](url) loads an image from anywhere (through GitHub's camo
//     proxy, still a request the image's host sees each time: a tracking
//     pixel).
//
// A zero-width space after the @, the # or GH- breaks the first two (the
// technique of Dependabot, dependabot/dependabot-core#3157, and Renovate,
// renovatebot/renovate#30842; a backslash does not: markdown drops it,
// and the reference is found in the text that remains, as
// dbaron/wgmeeting-github-ircbot#11 found). github.com links to issues
// become redirect.github.com ones, which GitHub documents as the way to
// link without a backlink ("Avoiding backlinks to linked references").
// An image becomes a link to it ("!" then a link). Code spans and fenced
// code are left alone: GitHub links nothing there, and a reader copies
// them. The owner castor assigns an issue to is notified by the
// assignment, not by text.
func neutralize(s string) string {
	if !strings.ContainsAny(s, "@#!gG") {
		return s
	}
	var b strings.Builder
	fence := ""
	for _, line := range strings.SplitAfter(s, "\n") {
		trimmed := strings.TrimLeft(line, " ")
		switch {
		case fence != "":
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			b.WriteString(line)
			continue
		case len(line)-len(trimmed) <= 3 && (strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~")):
			fence = trimmed[:3]
			b.WriteString(line)
			continue
		}
		neutralizeLine(&b, line)
	}
	return b.String()
}

// neutralizeLine writes one line outside fenced code, leaving its code
// spans as they are.
func neutralizeLine(b *strings.Builder, line string) {
	for line != "" {
		i := strings.IndexByte(line, '`')
		if i < 0 {
			b.WriteString(neutralizeText(line))
			return
		}
		b.WriteString(neutralizeText(line[:i]))
		n := 1
		for i+n < len(line) && line[i+n] == '`' {
			n++
		}
		fence := line[i : i+n]
		end := strings.Index(line[i+n:], fence)
		for end >= 0 && i+n+end+n < len(line) && line[i+n+end+n] == '`' {
			// a longer run is not this span's end
			next := strings.Index(line[i+n+end+n:], fence)
			if next < 0 {
				end = -1
				break
			}
			end += n + next
		}
		if end < 0 {
			// No closing run: the backticks are text.
			b.WriteString(fence)
			line = line[i+n:]
			continue
		}
		b.WriteString(line[i : i+n+end+n])
		line = line[i+n+end+n:]
	}
}

var (
	// A mention: @ after a non-word character (or at the start), then a
	// login's first character.
	mentionRe = regexp.MustCompile(`(^|[^A-Za-z0-9_\x60])@([A-Za-z0-9])`)
	// An issue number: #, or GH-, before a digit.
	issueRe = regexp.MustCompile(`(#|\b[Gg][Hh]-)([0-9])`)
	// A link to an issue, pull request, discussion or commit on github.com,
	// in the text (GitHub autolinks it) or as a link's target.
	issueURLRe = regexp.MustCompile(`(?i)\bhttps?://(www\.)?github\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/(issues|pull|discussions|commit)/)`)
)

func neutralizeText(s string) string {
	if !strings.ContainsAny(s, "@#!gG") {
		return s
	}
	s = mentionRe.ReplaceAllString(s, "${1}@"+zwsp+"${2}")
	s = issueRe.ReplaceAllString(s, "${1}"+zwsp+"${2}")
	s = issueURLRe.ReplaceAllString(s, "https://redirect.github.com/${2}")
	return strings.ReplaceAll(s, "![", "!"+zwsp+"[")
}

// What neutralizeText writes, for Unneutralize.
var (
	zwspAfterRe   = regexp.MustCompile(`(@|#|\b[Gg][Hh]-|!)\x{200B}`)
	redirectURLRe = regexp.MustCompile(`(?i)\bhttps://redirect\.github\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/(issues|pull|discussions|commit)/)`)
)

// Unneutralize undoes neutralize for a reader of castor's own Markdown
// (castor import reading castor render): the zero-width spaces after @,
// #, GH- and ! go, and redirect.github.com links to issues lead to
// github.com again.
func Unneutralize(s string) string {
	if !strings.Contains(s, zwsp) && !strings.Contains(s, "redirect.github.com") {
		return s
	}
	s = zwspAfterRe.ReplaceAllString(s, "${1}")
	return redirectURLRe.ReplaceAllString(s, "https://github.com/${1}")
}
