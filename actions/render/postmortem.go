package render

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/i18n"
	"github.com/castor-incidents/castor/schema"
)

// Postmortem is a post-mortem laid out for its readers: its sections in
// the order of the SRE book's example, titled in the record's language.
// It is the one layout of a post-mortem: the status site shows it as
// HTML, status pages receive it as Markdown (PostmortemMarkdown), and
// castor render writes it below the facts, so that a reader finds the
// same sections, in the same order, with the same words, everywhere.
type Postmortem struct {
	Sections []Section
}

// Section is one part of a post-mortem: record Markdown (Body), titled
// lists, the action items, the timeline or the links.
type Section struct {
	// ID names the section in a page (the site's anchors).
	ID, Title string
	Body      string
	Lists     []List
	Items     []Item
	Timeline  []Entry
	Links     []schema.Link
}

// List is a titled list of one-line record texts (contributing factors,
// lessons).
type List struct {
	Title string
	Items []string
}

// Item is an action item as a post-mortem shows it. Kind and Status are
// the record's values, KindText and StatusText their words; Owner, Due
// and Issue (the record's date, the issue tracking it) are set only in an
// internal layout.
type Item struct {
	Title, Kind, KindText, Priority, Status, StatusText string
	Owner, Due, Issue                                   string
}

// Entry is a timeline entry: an instant, or a span when Until is set.
type Entry struct {
	At    time.Time
	Until *time.Time
	Event string
}

// Layout lays out inc's post-mortem in l's words. Without internal it is
// what a public page shows, the site's rule: nothing unless
// postmortem.public is true, and then the whole post-mortem, timeline
// included (as public post-mortems usually are), but no owner, due date
// or link (links often lead to internal tools). Internal, it is everything
// the record says, for its reviewers. Nil when there is nothing to show.
func Layout(inc *schema.Incident, l *i18n.Labels, internal bool) *Postmortem {
	pm := inc.Postmortem
	if !internal && (pm == nil || !pm.Public) {
		return nil
	}
	if pm == nil {
		pm = &schema.Postmortem{}
	}
	var out Postmortem
	add := func(s Section) {
		if strings.TrimSpace(s.Body) == "" {
			s.Body = ""
		}
		if s.Body != "" || len(s.Lists) > 0 || len(s.Items) > 0 || len(s.Timeline) > 0 || len(s.Links) > 0 {
			out.Sections = append(out.Sections, s)
		}
	}
	lists := func(ls ...List) []List {
		var out []List
		for _, li := range ls {
			if len(li.Items) > 0 {
				out = append(out, li)
			}
		}
		return out
	}
	add(Section{ID: "summary", Title: l.Summary, Body: inc.Summary})
	add(Section{ID: "impact", Title: l.Impact, Body: inc.Impact})
	add(Section{ID: "root-cause", Title: l.RootCause, Body: pm.RootCause, Lists: lists(List{l.Contributing, pm.ContributingFactors})})
	add(Section{ID: "trigger", Title: l.Trigger, Body: pm.Trigger})
	add(Section{ID: "resolution", Title: l.Resolution, Body: pm.Resolution})
	add(Section{ID: "detection", Title: l.Detection, Body: pm.Detection})
	items := Section{ID: "action-items", Title: l.ActionItems}
	for _, it := range inc.ActionItems {
		item := Item{Title: it.Title, Kind: it.Kind, KindText: l.KindWord(it.Kind), Priority: it.Priority, Status: it.Status, StatusText: l.ItemStatusWord(it.Status)}
		if internal {
			item.Owner, item.Due, item.Issue = l.Person(it.Owner), it.Due, it.Issue
		}
		items.Items = append(items.Items, item)
	}
	add(items)
	add(Section{ID: "lessons", Title: l.Lessons, Lists: lists(List{l.WentWell, pm.WentWell}, List{l.WentWrong, pm.WentWrong}, List{l.Lucky, pm.Lucky})})
	tl := Section{ID: "timeline", Title: l.Timeline}
	for _, e := range inc.Timeline {
		tl.Timeline = append(tl.Timeline, Entry{At: e.At, Until: e.Until, Event: e.Event})
	}
	add(tl)
	if internal {
		add(Section{ID: "links", Title: l.Links, Links: inc.Links})
	}
	if len(out.Sections) == 0 {
		return nil
	}
	return &out
}

// PostmortemMarkdown writes the public post-mortem of inc, as a status
// page publishes it: Layout's sections as GitHub-flavoured Markdown
// (Statuspage renders post-mortems as GFM), headed at opts.HeadingLevel,
// in the record's language (opts.Config's site.lang when it has none),
// times in opts.Location. It writes nothing and returns false when the
// post-mortem is not public.
func PostmortemMarkdown(w io.Writer, inc *schema.Incident, opts Options) (bool, error) {
	r := newRenderer(inc, Options{Location: opts.Location, HeadingLevel: opts.HeadingLevel, Config: opts.Config})
	pm := Layout(inc, r.l, false)
	if pm == nil {
		return false, nil
	}
	r.postmortem(pm, 0)
	_, err := io.WriteString(w, strings.Join(r.blocks, "\n\n")+"\n")
	return true, err
}

// postmortem writes a layout's sections, their titles level below the
// renderer's heading level.
func (r *renderer) postmortem(pm *Postmortem, level int) {
	l := r.l
	for _, s := range pm.Sections {
		r.heading(level, s.Title)
		switch {
		case s.Body == "":
		case r.opts.Internal:
			r.add(Block(s.Body))
		default:
			// For a status page: the text's own headings go below the
			// section's, as on the site.
			r.add(publicBlock(s.Body, min(r.opts.HeadingLevel+level, 6)))
		}
		for _, li := range s.Lists {
			r.heading(level+1, li.Title)
			var b strings.Builder
			for _, it := range li.Items {
				fmt.Fprintf(&b, "- %s\n", Inline(it))
			}
			r.add(b.String())
		}
		if len(s.Items) > 0 {
			r.items(s.Items)
		}
		if len(s.Timeline) > 0 {
			var t strings.Builder
			fmt.Fprintf(&t, "| %s | %s |\n|---|---|\n", l.TimelineTime, l.TimelineEvent)
			for _, e := range s.Timeline {
				from := r.in(e.At)
				when := l.Time(from)
				if e.Until != nil {
					// The site's span: the end's date only when it is
					// another day.
					when += " – " + l.Until(from, r.in(*e.Until))
				}
				fmt.Fprintf(&t, "| %s | %s |\n", when, Cell(e.Event))
			}
			r.add(t.String())
		}
		if len(s.Links) > 0 {
			var b strings.Builder
			for _, ln := range s.Links {
				fmt.Fprintf(&b, "- [%s](%s)\n", linkText(ln.Title), linkTarget(ln.URL))
			}
			r.add(b.String())
		}
	}
}

// items writes the action items' table; owners, due dates and issues
// (when an item has one: an imported post-mortem names the issue already
// tracking it) only when rendering for reviewers.
func (r *renderer) items(items []Item) {
	l := r.l
	head := []string{l.Item, l.Kind, l.Priority}
	if r.opts.Internal {
		head = append(head, l.Owner, l.Due)
	}
	head = append(head, l.ItemStatus)
	issues := r.opts.Internal && slices.ContainsFunc(items, func(it Item) bool { return it.Issue != "" })
	if issues {
		head = append(head, l.Issue)
	}
	var t strings.Builder
	t.WriteString("| " + strings.Join(head, " | ") + " |\n|" + strings.Repeat("---|", len(head)) + "\n")
	for _, it := range items {
		row := []string{Cell(it.Title), it.KindText, Cell(it.Priority)}
		if r.opts.Internal {
			row = append(row, orDash(Cell(it.Owner)), orDash(Cell(it.Due)))
		}
		row = append(row, it.StatusText)
		if issues {
			issue := "—"
			if it.Issue != "" {
				issue = linkTarget(it.Issue)
			}
			row = append(row, issue)
		}
		t.WriteString("| " + strings.Join(row, " | ") + " |\n")
	}
	r.add(t.String())
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}
