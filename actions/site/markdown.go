package site

import (
	"bytes"
	"html/template"
	"net/url"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	gmrenderer "github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// md renders record Markdown. HTML written in a record is shown as text,
// tags and all, rather than dropped: the reader loses nothing and nothing
// runs. goldmark also empties dangerous link targets (javascript: and
// the like), and its output is sanitised again with bluemonday's
// user-generated-content policy, so that a mistake in either cannot let
// record text run script on the status page. Both are safe for
// concurrent use once built.
var (
	md = goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify),
		goldmark.WithRendererOptions(gmrenderer.WithNodeRenderers(util.Prioritized(htmlAsText{}, 100))),
	)
	sanitizer = newSanitizer()
)

// htmlAsText renders raw HTML, blocks and inline, as escaped text. Its
// priority (100) comes before goldmark's own HTML renderer (1000).
type htmlAsText struct{}

func (htmlAsText) RegisterFuncs(reg gmrenderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindHTMLBlock, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		b := n.(*ast.HTMLBlock)
		if entering {
			w.WriteString("<p>")
			lines := b.Lines()
			for i := range lines.Len() {
				line := lines.At(i)
				w.WriteString(template.HTMLEscapeString(string(line.Value(source))))
			}
			return ast.WalkContinue, nil
		}
		if b.HasClosure() {
			w.WriteString(template.HTMLEscapeString(string(b.ClosureLine.Value(source))))
		}
		w.WriteString("</p>\n")
		return ast.WalkContinue, nil
	})
	reg.Register(ast.KindRawHTML, func(w util.BufWriter, source []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			segs := n.(*ast.RawHTML).Segments
			for i := range segs.Len() {
				seg := segs.At(i)
				w.WriteString(template.HTMLEscapeString(string(seg.Value(source))))
			}
		}
		return ast.WalkSkipChildren, nil
	})
}

// allowedURL tells whether the sanitiser keeps a URL: a relative one, or
// one of the schemes newSanitizer allows.
func allowedURL(u string) bool {
	parsed, err := url.Parse(u)
	if err != nil {
		return false
	}
	switch strings.ToLower(parsed.Scheme) {
	case "", "http", "https", "mailto":
		return true
	}
	return false
}

func newSanitizer() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// Links leave the status page without telling the target where the
	// reader came from, and open no window that could script this one.
	p.RequireNoReferrerOnLinks(true)
	p.RequireNoFollowOnLinks(true)
	p.AllowURLSchemes("http", "https", "mailto")
	return p
}

// Markdown renders a block of record Markdown to sanitised HTML. under
// is the level of the page heading the text sits under: headings written
// in the text are moved below it, the text's highest becoming
// h<under+1>, so that the page's outline stays whole whether the author
// started at "#" or "###".
func Markdown(src string, under int) template.HTML {
	if strings.TrimSpace(src) == "" {
		return ""
	}
	source := []byte(src)
	doc := md.Parser().Parse(text.NewReader(source))
	var headings []*ast.Heading
	var unsafe []*ast.Image
	top := 6
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			headings = append(headings, h)
			top = min(top, h.Level)
		}
		if img, ok := n.(*ast.Image); ok && entering && !allowedURL(string(img.Destination)) {
			unsafe = append(unsafe, img)
		}
		return ast.WalkContinue, nil
	})
	for _, h := range headings {
		h.Level = min(h.Level-top+under+1, 6)
	}
	// The sanitiser drops a src it refuses but keeps the img, which is
	// then no valid HTML (an img needs a src): an image the sanitiser
	// would refuse is its alt text instead, as a refused link is its
	// text.
	for _, img := range unsafe {
		parent := img.Parent()
		for c := img.FirstChild(); c != nil; c = img.FirstChild() {
			parent.InsertBefore(parent, img, c)
		}
		parent.RemoveChild(parent, img)
	}
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, source, doc); err != nil {
		// goldmark's HTML renderer only fails when writing fails, which a
		// bytes.Buffer does not; show the text escaped rather than nothing.
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	return template.HTML(sanitizer.SanitizeBytes(buf.Bytes()))
}

// InlineMarkdown renders a one-line item (a lesson, a contributing
// factor): Markdown without the paragraph around it.
func InlineMarkdown(src string) template.HTML {
	h := string(Markdown(src, 5))
	inner, ok := strings.CutPrefix(strings.TrimSuffix(h, "\n"), "<p>")
	if ok {
		if inner, ok = strings.CutSuffix(inner, "</p>"); ok && !strings.Contains(inner, "<p>") {
			return template.HTML(inner)
		}
	}
	return template.HTML(h)
}
