// Package render writes a post-mortem as Markdown, in the order of the
// Google SRE book's example post-mortem: summary, impact, root cause and
// trigger, resolution, detection, action items, lessons learned, timeline.
// The output goes to GitHub (job summaries, pull-request comments), so
// record text is escaped: it cannot open HTML, forge a castor marker or
// break a table.
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

// Options says how to render.
type Options struct {
	// Internal renders everything. Without it, the rendering is what a
	// public page may show (the site's rule): the whole post-mortem,
	// timeline included, when postmortem.public is true; only the title
	// and facts otherwise. Reviewers of a pull request see everything;
	// readers of a status page see only a public post-mortem.
	Internal bool
	// Location shows times in this zone; nil keeps each time's own offset.
	Location *time.Location
	// HeadingLevel is the level of the title (1 = "#"); sections are one
	// below.
	HeadingLevel int
	// Config names the components (their display names); nil shows ids.
	Config *schema.Config
}

// Markdown writes the incident's post-mortem.
func Markdown(w io.Writer, inc *schema.Incident, opts Options) error {
	r := &renderer{l: i18n.For(inc.Lang), opts: opts}
	if r.opts.HeadingLevel < 1 {
		r.opts.HeadingLevel = 1
	}
	r.incident(inc)
	_, err := io.WriteString(w, strings.Join(r.blocks, "\n\n")+"\n")
	return err
}

// renderer collects Markdown blocks (headings, paragraphs, lists, tables),
// separated by one blank line.
type renderer struct {
	blocks []string
	l      *i18n.Labels
	opts   Options
}

func (r *renderer) add(block string) { r.blocks = append(r.blocks, strings.TrimRight(block, "\n")) }

func (r *renderer) heading(level int, text string) {
	r.add(strings.Repeat("#", min(r.opts.HeadingLevel+level, 6)) + " " + text)
}

func (r *renderer) time(t time.Time) string {
	if r.opts.Location != nil {
		t = t.In(r.opts.Location)
	}
	if t.Second() != 0 {
		// A record's seconds are part of it (castor import reads them
		// back): "10 Mar 2021, 09:43:12 CET".
		return r.l.Date(t) + ", " + t.Format("15:04:05 MST")
	}
	return r.l.Time(t)
}

func (r *renderer) incident(inc *schema.Incident) {
	r.heading(0, Inline(inc.Title))
	l := r.l
	facts := []string{
		fmt.Sprintf("**%s** %s", l.Severity, inc.Severity),
		fmt.Sprintf("**%s** %s", l.Status, l.StatusWord(inc.Status)),
		fmt.Sprintf("**%s** %s", l.Started, r.time(inc.StartedAt)),
	}
	if inc.DetectedAt != nil {
		facts = append(facts, fmt.Sprintf("**%s** %s (%s %s)", l.Detected, r.time(*inc.DetectedAt), l.TimeToDetect, l.DurationText(inc.DetectedAt.Sub(inc.StartedAt))))
	}
	if inc.ResolvedAt != nil {
		facts = append(facts, fmt.Sprintf("**%s** %s", l.Resolved, r.time(*inc.ResolvedAt)),
			fmt.Sprintf("**%s** %s", l.Duration, l.DurationText(inc.ResolvedAt.Sub(inc.StartedAt))))
	}
	if len(inc.Components) > 0 {
		names := make([]string, len(inc.Components))
		for i, c := range inc.Components {
			names[i] = r.opts.Config.ComponentName(c)
		}
		facts = append(facts, fmt.Sprintf("**%s** %s", l.Components, Inline(strings.Join(names, ", "))))
	}
	if inc.Commander != "" {
		facts = append(facts, fmt.Sprintf("**%s** %s", l.Commander, Inline(l.Person(inc.Commander))))
	}
	r.add(strings.Join(facts, " · "))

	pm := inc.Postmortem
	if !r.opts.Internal && (pm == nil || !pm.Public) {
		// What a status page shows: the same rule as the site.
		r.add(l.PostmortemNotPublic)
		return
	}
	r.section(l.Summary, inc.Summary)
	r.section(l.Impact, inc.Impact)
	if pm != nil && (pm.Public || r.opts.Internal) {
		// The site's order: the root cause with its contributing
		// factors, then the trigger.
		if pm.RootCause != "" || len(pm.ContributingFactors) > 0 {
			r.heading(1, l.RootCause)
			if pm.RootCause != "" {
				r.add(Block(pm.RootCause))
			}
			r.list(2, l.Contributing, pm.ContributingFactors)
		}
		r.section(l.Trigger, pm.Trigger)
		r.section(l.Resolution, pm.Resolution)
		r.section(l.Detection, pm.Detection)
	} else if pm != nil {
		r.add(l.PostmortemNotPublic)
	}
	if len(inc.ActionItems) > 0 && (pm == nil || pm.Public || r.opts.Internal) {
		r.heading(1, l.ActionItems)
		// The issue column when an item has one (an imported post-mortem
		// names the issue that already tracks it).
		issues := slices.ContainsFunc(inc.ActionItems, func(it schema.ActionItem) bool { return it.Issue != "" })
		var t strings.Builder
		fmt.Fprintf(&t, "| %s | %s | %s | %s | %s | %s |", l.Item, l.Kind, l.Priority, l.Owner, l.Due, l.ItemStatus)
		if issues {
			fmt.Fprintf(&t, " %s |\n|---|---|---|---|---|---|---|\n", l.Issue)
		} else {
			t.WriteString("\n|---|---|---|---|---|---|\n")
		}
		for _, it := range inc.ActionItems {
			owner := "—"
			if it.Owner != "" {
				owner = Cell(l.Person(it.Owner))
			}
			due := "—"
			if it.Due != "" {
				due = it.Due
			}
			fmt.Fprintf(&t, "| %s | %s | %s | %s | %s | %s |", Cell(it.Title), l.KindWord(it.Kind), it.Priority, owner, due, l.ItemStatusWord(it.Status))
			if issues {
				issue := "—"
				if it.Issue != "" {
					issue = linkTarget(it.Issue)
				}
				fmt.Fprintf(&t, " %s |", issue)
			}
			t.WriteByte('\n')
		}
		r.add(t.String())
	}
	if pm != nil && (pm.Public || r.opts.Internal) && len(pm.WentWell)+len(pm.WentWrong)+len(pm.Lucky) > 0 {
		r.heading(1, l.Lessons)
		r.list(2, l.WentWell, pm.WentWell)
		r.list(2, l.WentWrong, pm.WentWrong)
		r.list(2, l.Lucky, pm.Lucky)
	}
	// The timeline is internal chronology, published with a public
	// post-mortem as public post-mortems usually are.
	if (r.opts.Internal || (pm != nil && pm.Public)) && len(inc.Timeline) > 0 {
		r.heading(1, l.Timeline)
		var t strings.Builder
		fmt.Fprintf(&t, "| %s | %s |\n|---|---|\n", l.TimelineTime, l.TimelineEvent)
		for _, e := range inc.Timeline {
			when := r.time(e.At)
			if e.Until != nil {
				when += " – " + r.time(*e.Until)
			}
			fmt.Fprintf(&t, "| %s | %s |\n", when, Cell(e.Event))
		}
		r.add(t.String())
	}
	if len(inc.Links) > 0 {
		r.heading(1, l.Links)
		var b strings.Builder
		for _, l := range inc.Links {
			fmt.Fprintf(&b, "- [%s](%s)\n", linkText(l.Title), linkTarget(l.URL))
		}
		r.add(b.String())
	}
}

func (r *renderer) section(title, body string) {
	if strings.TrimSpace(body) == "" {
		return
	}
	r.heading(1, title)
	r.add(Block(body))
}

func (r *renderer) list(level int, title string, items []string) {
	if len(items) == 0 {
		return
	}
	r.heading(level, title)
	var b strings.Builder
	for _, it := range items {
		fmt.Fprintf(&b, "- %s\n", Inline(it))
	}
	r.add(b.String())
}
