package httppolicy

import "fmt"

// DefaultMaxPages bounds a listing: 10,000 pages of 100 is more than any
// repository or status page castor serves.
const DefaultMaxPages = 10000

// Pages guards a listing that follows "next" pages, so that a server that
// loops (a next link to a page already read) or never ends cannot keep a
// command listing for ever. The zero value allows DefaultMaxPages.
type Pages struct {
	// Max is the most pages the listing may read (DefaultMaxPages when
	// zero).
	Max  int
	n    int
	seen map[string]bool
}

// Next is told each page of the listing (its number, URL or cursor)
// before it is read; it returns an error when that page was read already
// or is one too many.
func (p *Pages) Next(next string) error {
	if p.seen == nil {
		p.seen = map[string]bool{}
	}
	max := p.Max
	if max <= 0 {
		max = DefaultMaxPages
	}
	p.n++
	if p.seen[next] {
		return fmt.Errorf("the server sent page %s again after %d pages: its listing loops", RedactURL(next), p.n-1)
	}
	if p.n > max {
		return fmt.Errorf("more than %d pages: the listing does not end", max)
	}
	p.seen[next] = true
	return nil
}
