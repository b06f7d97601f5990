package render

import (
	"net/url"
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

// Inline escapes record text for one line: newlines become spaces, so the
// text cannot start a heading or a list of its own.
func Inline(s string) string {
	return strings.Join(strings.Fields(htmlEscaper.Replace(s)), " ")
}

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
