package docs

import (
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
)

// TestLinks checks every relative link of README.md and docs/**/*.md, as
// GitHub shows them: the file or folder it names exists, and its #anchor
// is a heading of the Markdown file it points to (or of the same file).
func TestLinks(t *testing.T) {
	docs := []string{filepath.Join("..", "README.md")}
	err := filepath.WalkDir(".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			docs = append(docs, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]map[string]bool{} // Markdown file → its heading anchors
	parsed := map[string]ast.Node{}
	source := map[string][]byte{}
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	parse := func(p string) (ast.Node, []byte, error) {
		if n, ok := parsed[p]; ok {
			return n, source[p], nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, nil, err
		}
		n := md.Parser().Parse(text.NewReader(b))
		parsed[p], source[p] = n, b
		return n, b, nil
	}
	anchorsOf := func(p string) (map[string]bool, error) {
		if a, ok := anchors[p]; ok {
			return a, nil
		}
		n, b, err := parse(p)
		if err != nil {
			return nil, err
		}
		a := headingAnchors(n, b)
		anchors[p] = a
		return a, nil
	}
	links := 0
	for _, doc := range docs {
		n, b, err := parse(doc)
		if err != nil {
			t.Fatal(err)
		}
		err = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			var dest string
			switch l := n.(type) {
			case *ast.Link:
				dest = string(l.Destination)
			case *ast.Image:
				dest = string(l.Destination)
			default:
				return ast.WalkContinue, nil
			}
			u, err := url.Parse(dest)
			if err != nil {
				t.Errorf("%s: link %q: %v", doc, dest, err)
				return ast.WalkContinue, nil
			}
			if u.Scheme != "" || u.Host != "" {
				return ast.WalkContinue, nil // not checked: no network in tests
			}
			links++
			line := lineOf(n, b)
			target := doc
			if u.Path != "" {
				target = filepath.Join(filepath.Dir(doc), filepath.FromSlash(u.Path))
				if _, err := os.Stat(target); err != nil {
					t.Errorf("%s:%d: link %q: %s does not exist", doc, line, dest, u.Path)
					return ast.WalkContinue, nil
				}
			}
			if u.Fragment == "" {
				return ast.WalkContinue, nil
			}
			if !strings.HasSuffix(target, ".md") {
				t.Errorf("%s:%d: link %q: an anchor in a file that is not Markdown", doc, line, dest)
				return ast.WalkContinue, nil
			}
			a, err := anchorsOf(target)
			if err != nil {
				t.Fatal(err)
			}
			if !a[u.Fragment] {
				t.Errorf("%s:%d: link %q: %s has no heading #%s", doc, line, dest, target, u.Fragment)
			}
			return ast.WalkContinue, nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(docs) < 10 || links < 50 {
		t.Fatalf("checked %d links in %d files: the walk missed the docs", links, len(docs))
	}
}

// headingAnchors gives the anchors GitHub makes of a Markdown file's
// headings: the text lowercased, without punctuation, spaces as dashes;
// a repeated anchor gets -1, -2….
func headingAnchors(doc ast.Node, src []byte) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		s := githubSlug(plainText(h, src))
		if k := seen[s]; k > 0 {
			out[s+"-"+strconv.Itoa(k)] = true
		} else {
			out[s] = true
		}
		seen[s]++
		return ast.WalkSkipChildren, nil
	})
	return out
}

func githubSlug(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// plainText is the text of a node's inlines, code spans and links included.
func plainText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.Text:
			b.Write(t.Segment.Value(src))
			if t.SoftLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			b.Write(t.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// lineOf is the line of a link: that of the first text it holds or follows.
func lineOf(n ast.Node, src []byte) int {
	for p := n; p != nil; p = p.Parent() {
		for c := p; c != nil; c = c.FirstChild() {
			if t, ok := c.(*ast.Text); ok {
				return 1 + strings.Count(string(src[:t.Segment.Start]), "\n")
			}
		}
		if l := p.Lines(); l != nil && l.Len() > 0 {
			return 1 + strings.Count(string(src[:l.At(0).Start]), "\n")
		}
	}
	return 0
}
