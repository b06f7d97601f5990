package drill

import (
	"slices"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// Entry is one step of the story a record tells: a timeline entry or a
// status update, with its offset from the start.
type Entry struct {
	// Index is the entry's place in the story, from 0.
	Index  int
	At     time.Time
	Until  *time.Time
	Offset time.Duration
	// Update is set for a status update; Text is then its message.
	Update *schema.StatusUpdate
	Text   string
	// Brief says how much of the entry the players' brief shows.
	Brief Shown
	// Before is set for an entry before the incident's start: context
	// the post-mortem gives, revealed at the end.
	Before bool
}

// Shown says how much of an entry is in the players' brief.
type Shown int

// How much of an entry the players' brief shows.
const (
	NotShown Shown = iota
	PartlyShown
	WhollyShown
)

// story is a record's timeline and updates in time order (an update after
// the timeline entries of the same instant), and where the brief stops.
type story struct {
	inc     *schema.Incident
	entries []Entry
	// cut is the instant the brief stops: detected_at, else
	// acknowledged_at, else the first update, else started_at.
	cut time.Time
}

func newStory(inc *schema.Incident) *story {
	s := &story{inc: inc}
	for _, e := range inc.Timeline {
		s.entries = append(s.entries, Entry{At: e.At, Until: e.Until, Text: e.Event})
	}
	for i := range inc.Updates {
		u := &inc.Updates[i]
		s.entries = append(s.entries, Entry{At: u.At, Update: u, Text: u.Message})
	}
	slices.SortStableFunc(s.entries, func(a, b Entry) int { return a.At.Compare(b.At) })
	for i := range s.entries {
		e := &s.entries[i]
		e.Index = i
		e.Offset = e.At.Sub(inc.StartedAt)
		e.Before = e.At.Before(inc.StartedAt)
	}
	switch {
	case inc.DetectedAt != nil:
		s.cut = *inc.DetectedAt
	case inc.AcknowledgedAt != nil:
		s.cut = *inc.AcknowledgedAt
	case len(inc.Updates) > 0:
		s.cut = inc.Updates[0].At
	default:
		s.cut = inc.StartedAt
	}
	return s
}

// firstUpdate is the index in entries of the first status update, or -1.
func (s *story) firstUpdate() int {
	return slices.IndexFunc(s.entries, func(e Entry) bool { return e.Update != nil })
}

// known reports whether the entry is one the responders knew at the
// start: a timeline entry from the start up to detection, or the first
// status update.
func (s *story) known(i int) bool {
	e := s.entries[i]
	if e.Update != nil {
		return i == s.firstUpdate()
	}
	return !e.Before && !e.At.After(s.cut)
}
