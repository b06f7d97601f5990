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

	"github.com/castor-incidents/castor/internal/i18n"
	"github.com/castor-incidents/castor/schema"
)

// Options says how to render.
type Options struct {
	// Internal renders everything. Without it, the rendering is what a
	// public page may show (Layout: the site's rule): the title and facts,
	// and the post-mortem only when postmortem.public is true. Reviewers
	// of a pull request see everything; readers of a status page see only
	// a public post-mortem.
	Internal bool
	// Location shows times in this zone (site.timezone: schema's
	// SiteConfig.Location); nil keeps each time's own offset.
	Location *time.Location
	// HeadingLevel is the level of the title (1 = "#"); sections are one
	// below.
	HeadingLevel int
	// Config names the components (their display names) and gives the
	// language of a record without lang (site.lang); nil shows ids, in
	// English.
	Config *schema.Config
}

// Markdown writes the incident's post-mortem: its title and facts, then
// its Layout.
func Markdown(w io.Writer, inc *schema.Incident, opts Options) error {
	r := newRenderer(inc, opts)
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

// newRenderer speaks the record's language (site.lang when it has none).
func newRenderer(inc *schema.Incident, opts Options) *renderer {
	r := &renderer{l: i18n.For(opts.Config.RecordLang(inc)), opts: opts}
	if r.opts.HeadingLevel < 1 {
		r.opts.HeadingLevel = 1
	}
	return r
}

func (r *renderer) add(block string) { r.blocks = append(r.blocks, strings.TrimRight(block, "\n")) }

func (r *renderer) heading(level int, text string) {
	r.add(strings.Repeat("#", min(r.opts.HeadingLevel+level, 6)) + " " + text)
}

// in is t in the zone times are shown in.
func (r *renderer) in(t time.Time) time.Time {
	if r.opts.Location != nil {
		return t.In(r.opts.Location)
	}
	return t
}

func (r *renderer) time(t time.Time) string { return r.l.Time(r.in(t)) }

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
	if pm := Layout(inc, l, r.opts.Internal); pm != nil {
		r.postmortem(pm, 1)
	} else if !r.opts.Internal && inc.Postmortem != nil {
		// What a status page shows: the same rule as the site.
		r.add(l.PostmortemNotPublic)
	}
}
