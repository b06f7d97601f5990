package site

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"html/template"
	"time"

	"github.com/google/uuid"
	"github.com/gorilla/feeds"
)

// feedEntries is how many incidents the Atom feed carries: the most
// recently updated ones, as Statuspage's history feed does. The history
// page has them all.
const feedEntries = 50

// feed writes history.atom: one entry per incident or maintenance, updated
// at its last update, whose content is every update, newest first (a
// maintenance's planned window before them). A reader sees the record
// again each time it moves on.
//
// gorilla/feeds provides the Atom element types and their XML encoding;
// the document is filled in directly rather than through feeds.Feed so
// that ids do not depend on links, the feed links to itself (rel="self",
// RFC 4287 §4.2.7.2, which feeds.AtomFeed's single link cannot hold next
// to the page's) and times are the records' own.
func (r *renderer) feed() ([]byte, error) {
	m := r.m
	l := r.l
	f := &atomDoc{
		Xmlns:   "http://www.w3.org/2005/Atom",
		Title:   r.site.Title + " – " + l.History,
		ID:      r.feedID("feed"),
		Updated: m.updatedAt.Format(time.RFC3339),
		Links: []feeds.AtomLink{
			{Href: r.link(FeedFile), Rel: "self", Type: "application/atom+xml"},
			{Href: r.link(IndexFile), Rel: "alternate", Type: "text/html"},
		},
		Author: &feeds.AtomAuthor{AtomPerson: feeds.AtomPerson{Name: r.site.Title, Uri: r.site.URL}},
	}
	for _, inc := range m.feed {
		il := labelsFor(m.cfg.RecordLang(inc.Incident))
		var content bytes.Buffer
		if inc.maint && inc.ScheduledFor != nil && inc.ScheduledUntil != nil {
			// A maintenance says when it is planned first: readers see
			// the entry before the window.
			fmt.Fprintf(&content, "<p><strong>%s</strong> – %s – %s</p>\n", template.HTMLEscapeString(il.Window),
				template.HTMLEscapeString(r.when(il, *inc.ScheduledFor).Text), template.HTMLEscapeString(r.until(il, *inc.ScheduledFor, *inc.ScheduledUntil).Text))
		}
		for i := len(inc.Updates) - 1; i >= 0; i-- {
			u := r.update(inc, i, il, 1)
			fmt.Fprintf(&content, "<p><strong>%s</strong> – %s</p>\n%s\n", template.HTMLEscapeString(u.StatusText), template.HTMLEscapeString(u.At.Text), u.Message)
		}
		if content.Len() == 0 {
			content.WriteString("<p>" + template.HTMLEscapeString(il.StatusWord(inc.Status)) + "</p>")
		}
		first := inc.Start()
		if len(inc.Updates) > 0 {
			first = inc.Updates[0].At
		}
		f.Entries = append(f.Entries, &feeds.AtomEntry{
			Title:     inc.Title,
			Id:        r.feedID("incident/" + inc.ID),
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

// atomDoc is an Atom feed document.
type atomDoc struct {
	XMLName xml.Name `xml:"feed"`
	Xmlns   string   `xml:"xmlns,attr"`
	Title   string   `xml:"title"`
	ID      string   `xml:"id"`
	Updated string   `xml:"updated"`
	Links   []feeds.AtomLink
	Author  *feeds.AtomAuthor
	Entries []*feeds.AtomEntry `xml:"entry"`
}

func (d *atomDoc) FeedXml() any { return d }

// feedNamespace is the name space of the Atom ids of pages with a
// site.id (RFC 4122 name-based UUIDs): a random UUID, castor's own.
var feedNamespace = uuid.MustParse("5f1c2a4e-8d3b-4c6f-9a7e-2b0d4e6f8a1c")

// feedID is the Atom id of a thing of the page (the feed, an incident): a
// name-based UUID that never changes for it. RFC 4287 §4.2.6 requires an
// entry's id not to change when the feed moves; with site.id it derives
// from that id and the thing alone, so a new site.url or title keeps
// every id. Without site.id it derives from site.url, as it always did
// before site.id existed: feeds already read keep their ids, and moving
// the site changes them (castor site says so).
func (r *renderer) feedID(thing string) string {
	if id := r.m.cfg.Site.ID; id != "" {
		return "urn:uuid:" + uuid.NewSHA1(feedNamespace, []byte(id+"/"+thing)).String()
	}
	return "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, []byte(r.site.URL+"#castor/"+thing)).String()
}
