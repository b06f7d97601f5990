package drill

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/castor-incidents/castor/actions/render"
	"github.com/castor-incidents/castor/schema"
)

// Brief is the players' view of a record: what the responders knew when
// the incident started. It holds no title, id, summary, impact,
// post-mortem, action item, link, later entry or later update: only what
// is listed here, every quoted sentence checked by hindsight.
type Brief struct {
	Lang     string
	Severity string
	// Started is started_at, in the record's own offset.
	Started time.Time
	// Components are the components of the first status update with
	// their status, or the record's components (status "") when that
	// update names none: the record's list is what the post-mortem
	// found affected, and may name the cause.
	Components []ComponentState
	// Until is the offset at which the brief stops (detection).
	Until time.Duration
	// Known are the timeline entries from the start up to detection.
	Known []BriefEntry
	// FirstUpdate is the first status update, or nil.
	FirstUpdate *BriefEntry
	// Withheld counts the sentences withheld because they tell what the
	// post-mortem found.
	Withheld int

	l *labels
}

// ComponentState is a component and, when known, its status. Display is
// the name people read (castor.yaml's display_name), when WithNames gave
// one.
type ComponentState struct {
	Name    string
	Status  string
	Display string
}

// WithNames shows the components by the names castor.yaml gives them
// (schema.Config.ComponentName), as render and the site do.
func (b *Brief) WithNames(name func(string) string) *Brief {
	for i := range b.Components {
		b.Components[i].Display = name(b.Components[i].Name)
	}
	return b
}

// BriefEntry is one quoted entry of the brief.
type BriefEntry struct {
	Offset time.Duration
	At     time.Time
	Until  *time.Time
	Status string // status updates only
	Text   string
	// Withheld counts the sentences of Text replaced by "[…]".
	Withheld int
}

// NewBrief builds the players' brief of a record.
func NewBrief(inc *schema.Incident) *Brief {
	b, _ := newBrief(inc)
	return b
}

// newBrief builds the brief and returns the story with each entry marked
// with how much of it the brief shows.
func newBrief(inc *schema.Incident) (*Brief, *story) {
	s := newStory(inc)
	h := newHindsight(inc)
	l := labelsFor(inc.Lang)
	b := &Brief{Lang: l.Lang, Severity: inc.Severity, Started: inc.StartedAt, Until: s.cut.Sub(inc.StartedAt), l: l}
	first := s.firstUpdate()
	for i := range s.entries {
		if !s.known(i) {
			continue
		}
		e := &s.entries[i]
		text, withheld := h.filter(e.Text, l.Withheld)
		b.Withheld += withheld
		switch {
		case withheld == 0:
			e.Brief = WhollyShown
		case text != l.Withheld:
			e.Brief = PartlyShown
		}
		be := BriefEntry{Offset: e.Offset, At: e.At, Until: e.Until, Text: text, Withheld: withheld}
		if i == first {
			be.Status = e.Update.Status
			b.FirstUpdate = &be
			continue
		}
		b.Known = append(b.Known, be)
	}
	if first >= 0 && len(s.entries[first].Update.Components) > 0 {
		u := s.entries[first].Update
		// In the record's order when it lists them, then the others.
		for _, c := range inc.Components {
			if st, ok := u.Components[c]; ok {
				b.Components = append(b.Components, ComponentState{Name: c, Status: st})
			}
		}
		for _, c := range slices.Sorted(maps.Keys(u.Components)) {
			if !containsState(b.Components, c) {
				b.Components = append(b.Components, ComponentState{Name: c, Status: u.Components[c]})
			}
		}
	} else {
		for _, c := range inc.Components {
			b.Components = append(b.Components, ComponentState{Name: c})
		}
	}
	return b, s
}

func containsState(cs []ComponentState, name string) bool {
	for _, c := range cs {
		if c.Name == name {
			return true
		}
	}
	return false
}

// Markdown writes the brief, to print or to share with the players.
func (b *Brief) Markdown(w io.Writer) error {
	l := b.l
	var blocks []string
	add := func(s string) { blocks = append(blocks, strings.TrimRight(s, "\n")) }
	add("# " + l.BriefTitle)
	add(l.BriefIntro)
	add("## " + l.YourIncident)
	facts := fmt.Sprintf("- **%s** %s\n- **%s** %s\n", l.Severity, b.Severity, l.Started, l.clock(b.Started))
	if len(b.Components) > 0 {
		facts += fmt.Sprintf("- **%s** %s\n", l.Components, b.componentList())
	}
	add(facts)
	add("## " + l.WhatYouKnow)
	if len(b.Known) == 0 {
		add(l.NothingYet)
	} else {
		var list strings.Builder
		for _, e := range b.Known {
			fmt.Fprintf(&list, "- **%s** (%s) %s\n", l.formatOffset(e.Offset), b.when(e), render.Inline(e.Text))
		}
		add(list.String())
	}
	if u := b.FirstUpdate; u != nil {
		add("## " + l.FirstUpdate)
		add(fmt.Sprintf("*%s*, %s %s (%s):", l.status(u.Status), l.PostedAt, l.formatOffset(u.Offset), l.clock(u.At)))
		add(quote(render.Block(u.Text)))
	}
	add("## " + l.YourCalls)
	add(l.CallsHelp)
	_, err := io.WriteString(w, strings.Join(blocks, "\n\n")+"\n")
	return err
}

// componentList writes the components with their statuses.
func (b *Brief) componentList() string {
	parts := make([]string, len(b.Components))
	for i, c := range b.Components {
		parts[i] = render.Inline(cmp.Or(c.Display, c.Name))
		if c.Status != "" {
			parts[i] += " (" + b.l.comp(c.Status) + ")"
		}
	}
	return strings.Join(parts, ", ")
}

func (b *Brief) when(e BriefEntry) string {
	s := b.l.clock(e.At)
	if e.Until != nil {
		s += " – " + e.Until.Format("15:04")
	}
	return s
}

// Text is every piece of record text the brief shows, for tests and for
// the checks of what reaches the players.
func (b *Brief) Text() []string {
	var out []string
	for _, e := range b.Known {
		out = append(out, e.Text)
	}
	if b.FirstUpdate != nil {
		out = append(out, b.FirstUpdate.Text)
	}
	return out
}

// quote makes a Markdown block quote of a block.
func quote(block string) string {
	lines := strings.Split(block, "\n")
	for i, line := range lines {
		if line == "" {
			lines[i] = ">"
		} else {
			lines[i] = "> " + line
		}
	}
	return strings.Join(lines, "\n")
}
