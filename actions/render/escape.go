package render

import (
	"net/url"
	"regexp"
	"strings"
)

// htmlEscaper neutralises what GitHub would read as HTML in record text:
// tags (and with them castor's hidden markers) and entities. Markdown
// itself (emphasis, links, lists) is kept: post-mortems are written in it.
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// Block escapes a Markdown block from a record.
func Block(s string) string {
	return strings.TrimRight(htmlEscaper.Replace(s), "\n ")
}

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
