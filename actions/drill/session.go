package drill

import (
	"time"

	"github.com/castor-incidents/castor/actions/incident"
	"github.com/castor-incidents/castor/schema"
)

// Session is a drill being played: the game master's clock, what has been
// revealed, and the players' calls. It knows nothing of terminals: the
// interactive mode drives it, and tests drive it directly.
type Session struct {
	Sheet *Sheet
	// Start is when the drill began (wall clock); the players then know
	// the brief, so the incident's clock reads Sheet.Brief.Until.
	Start time.Time
	// End is when the drill ended; zero while it runs.
	End time.Time
	// Revealed counts the entries of Sheet.Reveals shown so far.
	Revealed int
	// Log holds the calls and notes, in the order they were made.
	Log []LoggedCall
}

// LoggedCall is one call or note of the players.
type LoggedCall struct {
	Call string // Acknowledged … Resolved, Note, WentWell, WentWrong
	At   time.Time
	// Offset is the incident's clock at the call: the brief's offset plus
	// the time since the drill began.
	Offset time.Duration
	Text   string
}

// NewSession starts a drill of the sheet's record at start.
func NewSession(sh *Sheet, start time.Time) *Session {
	return &Session{Sheet: sh, Start: start.Truncate(time.Second)}
}

// Clock is the incident's clock at now: T+ as in the sheet.
func (s *Session) Clock(now time.Time) time.Duration {
	if !s.End.IsZero() && now.After(s.End) {
		now = s.End
	}
	return s.Sheet.Brief.Until + max(now.Sub(s.Start), 0)
}

// Elapsed is how long the drill has been going at now.
func (s *Session) Elapsed(now time.Time) time.Duration { return s.Clock(now) - s.Sheet.Brief.Until }

// Next is the next entry to reveal, if any is left.
func (s *Session) Next() (Entry, bool) {
	if s.Revealed >= len(s.Sheet.Reveals) {
		return Entry{}, false
	}
	return s.Sheet.Reveals[s.Revealed], true
}

// Reveal shows the next entry and returns it.
func (s *Session) Reveal() (Entry, bool) {
	e, ok := s.Next()
	if ok {
		s.Revealed++
	}
	return e, ok
}

// Shown returns the entries revealed so far.
func (s *Session) Shown() []Entry { return s.Sheet.Reveals[:s.Revealed] }

// Call logs a call or a note at now.
func (s *Session) Call(call, text string, now time.Time) LoggedCall {
	// To the second: the drill's record and its results say no more.
	now = now.Truncate(time.Second)
	c := LoggedCall{Call: call, At: now, Offset: s.Clock(now), Text: text}
	s.Log = append(s.Log, c)
	return c
}

// Finish ends the drill at now.
func (s *Session) Finish(now time.Time) {
	if s.End.IsZero() {
		s.End = now.Truncate(time.Second)
	}
}

// Result is a call's players' time beside the real one.
type Result struct {
	Call string
	// Players is the offset of the players' first such call; nil when
	// they did not make it.
	Players *time.Duration
	Real    RealTime
}

// Results pairs the players' first call of each kind with the real time.
func (s *Session) Results() []Result {
	out := make([]Result, 0, len(Calls))
	for _, rt := range s.Sheet.Real {
		r := Result{Call: rt.Call, Real: rt}
		for _, c := range s.Log {
			if c.Call == rt.Call {
				off := c.Offset
				r.Players = &off
				break
			}
		}
		out = append(out, r)
	}
	return out
}

// Notes returns the texts of the logged notes of one kind.
func (s *Session) Notes(call string) []string {
	var out []string
	for _, c := range s.Log {
		if c.Call == call && c.Text != "" {
			out = append(out, c.Text)
		}
	}
	return out
}

// Record is what the drill record says of the session: who played, the
// players' first calls and the real ones, the log, what went well or
// wrong.
func (s *Session) Record(gameMaster string, players []string) incident.Drill {
	d := incident.Drill{
		Played: s.Sheet.Incident, Start: s.Start, End: s.End,
		GameMaster: gameMaster, Participants: players,
		BriefAt:   s.Sheet.Brief.Until,
		Times:     map[string]time.Duration{},
		Real:      map[string]time.Duration{},
		CallOrder: Calls,
		WentWell:  s.Notes(WentWell),
		WentWrong: s.Notes(WentWrong),
	}
	if d.End.IsZero() {
		d.End = d.Start
	}
	for _, r := range s.Results() {
		if r.Players != nil {
			d.Times[r.Call] = *r.Players
		}
		if r.Real.Known {
			d.Real[r.Call] = r.Real.Offset
		}
	}
	for _, c := range s.Log {
		d.Log = append(d.Log, schema.DrillCall{At: c.At, Call: c.Call, Note: c.Text})
	}
	return d
}
