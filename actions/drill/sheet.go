package drill

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/castor-incidents/castor/actions/render"
	"github.com/castor-incidents/castor/internal/i18n"
	"github.com/castor-incidents/castor/schema"
)

// Sheet is the game master's view of a record: the whole story as a
// sequence of reveals, the real times and the post-mortem.
type Sheet struct {
	Incident *schema.Incident
	Brief    *Brief
	// Reveals are the entries not wholly in the brief, from the start on,
	// in time order, then those from before the start.
	Reveals []Entry
	// Entries is the whole story in time order, brief included.
	Entries []Entry
	Real    []RealTime

	l *labels
}

// NewSheet builds the game master's sheet of a record.
func NewSheet(inc *schema.Incident) *Sheet {
	b, s := newBrief(inc)
	sh := &Sheet{Incident: inc, Brief: b, Entries: s.entries, Real: RealTimes(inc), l: b.l}
	var before []Entry
	for _, e := range s.entries {
		switch {
		case e.Brief == WhollyShown:
		case e.Before:
			before = append(before, e)
		default:
			sh.Reveals = append(sh.Reveals, e)
		}
	}
	sh.Reveals = append(sh.Reveals, before...)
	return sh
}

// Markdown writes the sheet, to print or to share with other game masters.
func (sh *Sheet) Markdown(w io.Writer) error {
	inc, l := sh.Incident, sh.l
	var blocks []string
	add := func(s string) { blocks = append(blocks, strings.TrimRight(s, "\n")) }
	add(fmt.Sprintf("# %s: %s", l.SheetTitle, render.Inline(inc.Title)))
	add(l.SheetIntro)
	facts := []string{
		fmt.Sprintf("**%s** `%s`", l.Record, inc.ID),
		fmt.Sprintf("**%s** %s", l.Severity, inc.Severity),
		fmt.Sprintf("**%s** %s", l.Started, inc.StartedAt.Format("2006-01-02 15:04 -07:00")),
	}
	if len(inc.Components) > 0 {
		facts = append(facts, fmt.Sprintf("**%s** %s", l.Components, render.Inline(strings.Join(inc.Components, ", "))))
	}
	add(strings.Join(facts, " · "))
	add(fmt.Sprintf("%s **%s** (%s).", l.BriefEndsAt, l.formatOffset(sh.Brief.Until), inc.StartedAt.Add(sh.Brief.Until).Format("15:04")))

	add("## " + l.RealTimes)
	var t strings.Builder
	fmt.Fprintf(&t, "| %s | %s | %s |\n|---|---|---|\n", l.Call, l.RealTime, l.WallClock)
	if inc.DetectedAt != nil {
		d := inc.DetectedAt.Sub(inc.StartedAt)
		fmt.Fprintf(&t, "| %s | %s | %s |\n", l.Detected, l.formatOffset(d), inc.DetectedAt.Format("15:04"))
	}
	for _, rt := range sh.Real {
		if !rt.Known {
			fmt.Fprintf(&t, "| %s | %s | — |\n", l.call(rt.Call), l.NotRecorded)
			continue
		}
		off := l.formatOffset(rt.Offset)
		if rt.FromResolved {
			off += " (" + l.SameAsResolved + ")"
		}
		fmt.Fprintf(&t, "| %s | %s | %s |\n", l.call(rt.Call), off, inc.StartedAt.Add(rt.Offset).Format("15:04"))
	}
	add(t.String())

	add("## " + l.Reveals)
	var list strings.Builder
	n := 0
	for _, e := range sh.Entries {
		if e.Before {
			continue
		}
		n++
		fmt.Fprintf(&list, "%d. %s\n", n, sh.entryLine(e))
	}
	if n > 0 {
		add(list.String())
	}
	list.Reset()
	n = 0
	for _, e := range sh.Entries {
		if !e.Before {
			continue
		}
		n++
		fmt.Fprintf(&list, "%d. %s\n", n, sh.entryLine(e))
	}
	if n > 0 {
		add("### " + l.BeforeStart)
		add(list.String())
	}

	if pm := inc.Postmortem; pm != nil {
		section := func(title, body string) {
			if strings.TrimSpace(body) != "" {
				add("## " + title)
				add(render.Block(body))
			}
		}
		items := func(title string, xs []string) {
			if len(xs) == 0 {
				return
			}
			add("## " + title)
			var b strings.Builder
			for _, x := range xs {
				fmt.Fprintf(&b, "- %s\n", render.Inline(x))
			}
			add(b.String())
		}
		section(l.Trigger, pm.Trigger)
		section(l.RootCause, pm.RootCause)
		items(l.Contributing, pm.ContributingFactors)
		section(l.Resolution, pm.Resolution)
		section(l.Detection, pm.Detection)
		items(l.WentWell, pm.WentWell)
		items(l.WentWrong, pm.WentWrong)
		items(l.Lucky, pm.Lucky)
	}
	if len(inc.ActionItems) > 0 {
		add("## " + l.ActionItems)
		var b strings.Builder
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n|---|---|---|---|---|\n", l.Item, l.Kind, l.Priority, l.Owner, l.Status)
		// Kinds, states and owners in the words castor render uses.
		words := i18n.For(l.Lang)
		for _, it := range inc.ActionItems {
			owner := "—"
			if it.Owner != "" {
				owner = render.Cell(words.Person(it.Owner))
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |\n", render.Cell(it.Title), words.KindWord(it.Kind), it.Priority, owner, words.ItemStatusWord(it.Status))
		}
		add(b.String())
	}
	_, err := io.WriteString(w, strings.Join(blocks, "\n\n")+"\n")
	return err
}

// entryLine is one reveal: offset, wall-clock time, what it is, its text.
func (sh *Sheet) entryLine(e Entry) string {
	l := sh.l
	when := e.At.Format("15:04")
	if e.Until != nil {
		when += "–" + e.Until.Format("15:04")
	}
	what := l.Timeline
	if e.Update != nil {
		what = l.StatusUpdate + ", " + l.status(e.Update.Status)
	}
	line := fmt.Sprintf("**%s** (%s, %s) %s", l.formatOffset(e.Offset), when, what, render.Inline(e.Text))
	switch e.Brief {
	case WhollyShown:
		line += " *(" + l.InBrief + ")*"
	case PartlyShown:
		line += " *(" + l.PartlyBrief + ")*"
	}
	return line
}

// At is the wall-clock time of an offset in the record's own zone.
func (sh *Sheet) At(d time.Duration) time.Time { return sh.Incident.StartedAt.Add(d) }
