package site

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/feeds"
)

// feedEntries is how many incidents the Atom feed carries: the most
// recently updated ones, as Statuspage's history feed does. The history
// page has them all.
const feedEntries = 50

// feed writes history.atom: one entry per incident, updated at its last
// update, whose content is every update, newest first. A reader sees the
// incident again each time it moves on.
//
// gorilla/feeds provides the Atom document types and their XML encoding;
// the AtomFeed is filled in directly rather than through feeds.Feed so
// that ids do not depend on links (which change with site.url) and times
// are the records' own.
func (r *renderer) feed() ([]byte, error) {
	m := r.m
	l := r.l
	f := &feeds.AtomFeed{
		Xmlns:   "http://www.w3.org/2005/Atom",
		Title:   r.site.Title + " – " + l.History,
		Id:      feedID(r.site, "feed"),
		Updated: m.updatedAt.Format(time.RFC3339),
		Link:    &feeds.AtomLink{Href: r.link(IndexFile), Rel: "alternate", Type: "text/html"},
		Author:  &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: r.site.Title, Uri: r.site.URL}},
	}
	incs := slices.Clone(m.incidents)
	slices.SortStableFunc(incs, func(a, b *incident) int { return b.lastAt.Compare(a.lastAt) })
	for _, inc := range incs[:min(len(incs), feedEntries)] {
		il := labelsFor(cmp.Or(inc.Lang, m.cfg.Site.Lang))
		var content bytes.Buffer
		for i := len(inc.Updates) - 1; i >= 0; i-- {
			u := r.update(inc, i, il, 1)
			fmt.Fprintf(&content, "<p><strong>%s</strong> – %s</p>\n%s\n", template.HTMLEscapeString(u.StatusText), template.HTMLEscapeString(u.At.Text), u.Message)
		}
		if content.Len() == 0 {
			content.WriteString("<p>" + template.HTMLEscapeString(il.StatusWord(inc.Status)) + "</p>")
		}
		first := inc.StartedAt
		if len(inc.Updates) > 0 {
			first = inc.Updates[0].At
		}
		f.Entries = append(f.Entries, &feeds.AtomEntry{
			Title:     inc.Title,
			Id:        feedID(r.site, "incident/"+inc.ID),
			Updated:   inc.lastAt.In(m.loc).Format(time.RFC3339),
			Published: first.In(m.loc).Format(time.RFC3339),
			Links:     []feeds.AtomLink{{Href: r.link(IncidentPath(inc.ID)), Rel: "alternate", Type: "text/html"}},
			Content:   &feeds.AtomContent{Content: content.String(), Type: "html"},
		})
	}
	s, err := feeds.ToXML(f)
	if err != nil {
		return nil, err
	}
	return []byte(s + "\n"), nil
}

// feedID is a stable Atom id: a name-based UUID of the site and the
// thing, unchanged when a title changes.
func feedID(s siteInfo, thing string) string {
	return "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte(s.URL+"#castor/"+thing)).String()
}
