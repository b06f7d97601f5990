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
	"strings"
	"time"

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
}

// labels are the section names, in English and in French.
type labels struct {
	severity, status, started, detected, resolved, duration, components, commander        string
	summary, impact, rootCause, trigger, contributing, resolution, detection, actionItems string
	item, kind, priority, owner, due, itemStatus, lessons, wentWell, wentWrong, lucky     string
	timeline, time, event, links, notPublic, none, timeToDetect                           string
}

var english = labels{
	"Severity", "Status", "Started", "Detected", "Resolved", "Duration", "Components", "Commander",
	"Summary", "Impact", "Root cause and trigger", "Trigger", "Contributing factors", "Resolution", "Detection", "Action items",
	"Item", "Kind", "Priority", "Owner", "Due", "Status", "Lessons learned", "What went well", "What went wrong", "Where we got lucky",
	"Timeline", "Time", "Event", "Links", "The post-mortem of this incident is not public.", "none", "time to detect",
}

var french = labels{
	"Gravité", "État", "Début", "Détection", "Résolution", "Durée", "Composants", "Responsable",
	"Résumé", "Impact", "Cause racine et déclencheur", "Déclencheur", "Facteurs contributifs", "Résolution", "Détection", "Actions",
	"Action", "Type", "Priorité", "Responsable", "Échéance", "État", "Leçons", "Ce qui s'est bien passé", "Ce qui s'est moins bien passé", "Ce qui a été de la chance",
	"Chronologie", "Heure", "Événement", "Liens", "Le post-mortem de cet incident n'est pas public.", "aucun", "délai de détection",
}

func labelsFor(lang string) labels {
	if strings.HasPrefix(strings.ToLower(lang), "fr") {
		return french
	}
	return english
}

// Markdown writes the incident's post-mortem.
func Markdown(w io.Writer, inc *schema.Incident, opts Options) error {
	r := &renderer{l: labelsFor(inc.Lang), opts: opts}
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
	l      labels
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
	return t.Format("2006-01-02 15:04 -07:00")
}

func (r *renderer) incident(inc *schema.Incident) {
	r.heading(0, Inline(inc.Title))
	facts := []string{
		fmt.Sprintf("**%s** %s", r.l.severity, inc.Severity),
		fmt.Sprintf("**%s** %s", r.l.status, inc.Status),
		fmt.Sprintf("**%s** %s", r.l.started, r.time(inc.StartedAt)),
	}
	if inc.DetectedAt != nil {
		facts = append(facts, fmt.Sprintf("**%s** %s (%s %s)", r.l.detected, r.time(*inc.DetectedAt), r.l.timeToDetect, Duration(inc.DetectedAt.Sub(inc.StartedAt))))
	}
	if inc.ResolvedAt != nil {
		facts = append(facts, fmt.Sprintf("**%s** %s", r.l.resolved, r.time(*inc.ResolvedAt)),
			fmt.Sprintf("**%s** %s", r.l.duration, Duration(inc.ResolvedAt.Sub(inc.StartedAt))))
	}
	if len(inc.Components) > 0 {
		facts = append(facts, fmt.Sprintf("**%s** %s", r.l.components, Inline(strings.Join(inc.Components, ", "))))
	}
	if inc.Commander != "" {
		facts = append(facts, fmt.Sprintf("**%s** %s", r.l.commander, Inline(inc.Commander)))
	}
	r.add(strings.Join(facts, " · "))

	pm := inc.Postmortem
	if !r.opts.Internal && (pm == nil || !pm.Public) {
		// What a status page shows: the same rule as the site.
		r.add(r.l.notPublic)
		return
	}
	r.section(r.l.summary, inc.Summary)
	r.section(r.l.impact, inc.Impact)
	if pm != nil && (pm.Public || r.opts.Internal) {
		if pm.Trigger != "" || pm.RootCause != "" || len(pm.ContributingFactors) > 0 {
			r.heading(1, r.l.rootCause)
			if pm.RootCause != "" {
				r.add(Block(pm.RootCause))
			}
			if pm.Trigger != "" {
				r.heading(2, r.l.trigger)
				r.add(Block(pm.Trigger))
			}
			r.list(2, r.l.contributing, pm.ContributingFactors)
		}
		r.section(r.l.resolution, pm.Resolution)
		r.section(r.l.detection, pm.Detection)
	} else if pm != nil {
		r.add(r.l.notPublic)
	}
	if len(inc.ActionItems) > 0 && (pm == nil || pm.Public || r.opts.Internal) {
		r.heading(1, r.l.actionItems)
		var t strings.Builder
		fmt.Fprintf(&t, "| %s | %s | %s | %s | %s | %s |\n|---|---|---|---|---|---|\n", r.l.item, r.l.kind, r.l.priority, r.l.owner, r.l.due, r.l.itemStatus)
		for _, it := range inc.ActionItems {
			owner := "—"
			if it.Owner != "" {
				owner = "@" + Cell(it.Owner)
			}
			due := "—"
			if it.Due != "" {
				due = it.Due
			}
			fmt.Fprintf(&t, "| %s | %s | %s | %s | %s | %s |\n", Cell(it.Title), it.Kind, it.Priority, owner, due, it.Status)
		}
		r.add(t.String())
	}
	if pm != nil && (pm.Public || r.opts.Internal) && len(pm.WentWell)+len(pm.WentWrong)+len(pm.Lucky) > 0 {
		r.heading(1, r.l.lessons)
		r.list(2, r.l.wentWell, pm.WentWell)
		r.list(2, r.l.wentWrong, pm.WentWrong)
		r.list(2, r.l.lucky, pm.Lucky)
	}
	// The timeline is internal chronology, published with a public
	// post-mortem as public post-mortems usually are.
	if (r.opts.Internal || (pm != nil && pm.Public)) && len(inc.Timeline) > 0 {
		r.heading(1, r.l.timeline)
		var t strings.Builder
		fmt.Fprintf(&t, "| %s | %s |\n|---|---|\n", r.l.time, r.l.event)
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
		r.heading(1, r.l.links)
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

// Duration prints a duration the way people say it: 2h25m, 45m, 3d4h.
func Duration(d time.Duration) string {
	if d < 0 {
		return "-" + Duration(-d)
	}
	d = d.Round(time.Minute)
	days, hours, minutes := int(d.Hours())/24, int(d.Hours())%24, int(d.Minutes())%60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd%dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh%02dm", hours, minutes)
	}
	return fmt.Sprintf("%dm", minutes)
}
