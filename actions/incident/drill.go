package incident

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/schema"
)

// Drill is a drill that ended (castor drill), to be written as a record
// of kind drill.
type Drill struct {
	// Played is the record the drill played.
	Played *schema.Incident
	// Start and End are when the drill began and ended.
	Start, End   time.Time
	GameMaster   string
	Participants []string
	// BriefAt is the played incident's clock when the drill began.
	BriefAt time.Duration
	// Times are the players' first calls, Real the played incident's, by
	// call (acknowledged, identified, mitigated, resolved): offsets from
	// the played incident's start. Calls lists the order they are
	// written in.
	Times, Real map[string]time.Duration
	CallOrder   []string
	// Log is every call and note, in order.
	Log                 []schema.DrillCall
	WentWell, WentWrong []string
}

// DrillOptions configures the writing of a drill record.
type DrillOptions struct {
	Dir   string
	Drill Drill
	// PR commits the record on a branch drill/<id> and opens a draft pull
	// request, as castor new --pr does for an incident.
	PR      bool
	Publish PublishOptions
	Out     io.Writer
	ErrOut  io.Writer
}

// NewDrill writes the record of a drill, records/<YYYY>/<date>-drill-<slug
// of the played record>.yaml, valid as it is, with the action items to
// fill in during its review; with PR, on its own branch and pull request
// instead. When the pull request cannot be made, the record is written to
// the work tree, so that the drill is not lost.
func NewDrill(ctx context.Context, opts DrillOptions) (*NewResult, error) {
	d := opts.Drill
	if d.Played == nil {
		return nil, usagef("which record did the drill play?")
	}
	for _, p := range append([]string{d.GameMaster}, d.Participants...) {
		if p != "" && !loginRE.MatchString(p) {
			return nil, usagef("%q is not a GitHub login", p)
		}
	}
	if len(d.Participants) == 0 {
		return nil, usagef("a drill record names its players: give --player LOGIN (repeatable)")
	}
	for _, s := range append(append([]string{}, d.WentWell...), d.WentWrong...) {
		if err := checkText("a note", s); err != nil {
			return nil, errkind.Wrap(errkind.Usage, err)
		}
	}
	for _, c := range d.Log {
		if err := checkText("a note", c.Note); err != nil {
			return nil, errkind.Wrap(errkind.Usage, err)
		}
	}
	ws, err := openWorkspace(opts.Dir, "")
	if err != nil {
		return nil, err
	}
	played := d.Played.ID
	slug := played
	if len(played) > 11 {
		slug = played[11:] // the id without its date
	}
	baseID := d.Start.In(ws.loc).Format("2006-01-02") + "-drill-" + slug
	content := func(id string) ([]byte, *schema.Incident, error) {
		data := d.render(id, ws.loc)
		warnings, inc, err := ws.check(ctx, ws.recordPath(id), data)
		if err != nil {
			return nil, nil, err
		}
		warningsTo(opts.ErrOut, warnings)
		return data, inc, nil
	}
	res, err := ws.open(ctx, schema.KindDrill, baseID, content, opts.PR, opts.Publish, opts.Out, opts.ErrOut)
	if err != nil && opts.PR {
		var invalid *InvalidError
		if !errors.As(err, &invalid) {
			// Keep the drill: the pull request can be made by hand.
			if saved, serr := ws.open(ctx, schema.KindDrill, baseID, content, false, opts.Publish, io.Discard, opts.ErrOut); serr == nil {
				return nil, fmt.Errorf("%w; the drill record is saved in the work tree at %s", err, saved.Path)
			}
		}
	}
	return res, err
}

// render writes the drill record.
func (d *Drill) render(id string, loc *time.Location) []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	t := func(x time.Time) string { return formatTime(x.In(loc)) }
	inc := d.Played
	w("# Drill record, written by castor drill at the end of the game.\n")
	w("# It never reaches a status page. Fill in what went well or wrong and\n")
	w("# the action items: on merge, each action item gets a tracking issue.\n")
	w("kind: drill\n")
	w("id: %s\n", id)
	w("title:%s\n", yamlValue("Drill: "+inc.Title, 0))
	w("visibility: internal # a drill is always internal\n")
	if inc.Lang != "" {
		w("lang: %s\n", quote(inc.Lang))
	}
	w("played: %s # the record the drill played\n", inc.ID)
	w("started_at: %s\n", t(d.Start))
	w("ended_at: %s\n", t(d.End))
	if d.GameMaster != "" {
		w("game_master: %s\n", d.GameMaster)
	}
	w("participants: [%s]\n", strings.Join(d.Participants, ", "))
	if len(inc.Components) > 0 {
		w("components: [%s] # the played record's\n", flowList(inc.Components))
	}
	w("# Offsets from the start of the played incident (T+), as on the game\n")
	w("# master's sheet: the clock stood at brief_at when the drill began.\n")
	w("brief_at: %s\n", formatDuration(d.BriefAt))
	times := func(key string, m map[string]time.Duration) {
		var parts []string
		for _, c := range d.CallOrder {
			if v, ok := m[c]; ok && v >= 0 {
				parts = append(parts, c+": "+formatDuration(v))
			}
		}
		if len(parts) > 0 {
			w("%s: {%s}\n", key, strings.Join(parts, ", "))
		}
	}
	times("times", d.Times)
	times("real", d.Real)
	if len(d.Log) > 0 {
		w("calls:\n")
		for _, c := range d.Log {
			w("  - at: %s\n    call: %s\n", t(c.At), c.Call)
			if c.Note != "" {
				w("    note:%s\n", yamlValue(c.Note, 4))
			}
		}
	}
	list := func(key string, xs []string) {
		if len(xs) == 0 {
			w("%s: []\n", key)
			return
		}
		w("%s:\n", key)
		for _, x := range xs {
			w("  -%s\n", yamlValue(x, 4))
		}
	}
	list("went_well", d.WentWell)
	list("went_wrong", d.WentWrong)
	w("# action_items:\n")
	w("#   - id: short-name # unique in this record\n")
	w("#     title: What to do\n")
	w("#     owner: octocat # becomes the issue's assignee\n")
	w("#     kind: process # prevent | detect | mitigate | process | document\n")
	w("#     priority: P2 # P0 .. P3\n")
	w("#     due: %s\n", d.End.In(loc).AddDate(0, 0, 14).Format("2006-01-02"))
	w("#     status: open # open | done | wontfix\n")
	return []byte(b.String())
}

// formatDuration writes a duration as the drill record keeps them: 0s,
// 45s, 7m, 1h5m, 26h5m30s.
func formatDuration(d time.Duration) string {
	d = d.Truncate(time.Second)
	if d <= 0 {
		return "0s"
	}
	h, m, s := int64(d/time.Hour), int64(d/time.Minute)%60, int64(d/time.Second)%60
	var b strings.Builder
	if h > 0 {
		fmt.Fprintf(&b, "%dh", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dm", m)
	}
	if s > 0 {
		fmt.Fprintf(&b, "%ds", s)
	}
	return b.String()
}
