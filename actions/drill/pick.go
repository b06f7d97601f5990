package drill

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/schema"
)

// WheelSize is the number of incidents on the wheel.
const WheelSize = 8

// severityWeight makes a SEV1 eight times as likely to be drilled as a
// SEV4: the severe incidents are the ones worth practising.
var severityWeight = map[string]float64{"SEV1": 8, "SEV2": 4, "SEV3": 2, "SEV4": 1}

// recentDays is the time scale of "drilled recently": a record drilled d
// days ago weighs 1 − e^(−d/recentDays) of its weight (about 0.28 after a
// month, 0.63 after three, 0.98 after a year), so a team does not play
// the same story twice in a row, yet any record can come back.
const recentDays = 90

// minRecency keeps a record drilled today on the wheel when nothing else
// is left.
const minRecency = 0.01

// PickOptions says which records may be drilled and how to choose.
type PickOptions struct {
	// Components and Tags keep the records on any of the components and
	// with any of the tags (both when both are given).
	Components []string
	Tags       []string
	// Record picks this record, whatever the filters say; the wheel is
	// drawn around it.
	Record string
	// Seed makes the pick reproducible: the same records, drills and day
	// give the same pick.
	Seed uint64
	// Now is the day the recency of drills is measured at.
	Now time.Time
	// Drilled is when each record was last drilled.
	Drilled map[string]time.Time
}

// Slot is an incident on the wheel and its weight.
type Slot struct {
	Incident *schema.Incident
	Weight   float64
}

// Pick is the result: the record to play and the wheel it was drawn from.
type Pick struct {
	Chosen *schema.Incident
	// Wheel holds up to WheelSize incidents, the chosen one among them,
	// in the order they sit on the wheel.
	Wheel []Slot
	// Landed is the index of the chosen incident on the wheel.
	Landed int
	// Eligible counts the records the pick was made among.
	Eligible int
	Seed     uint64
}

// NoCandidateError says why nothing could be picked.
type NoCandidateError struct{ Why string }

func (e *NoCandidateError) Error() string { return "nothing to drill: " + e.Why }

// Weight is how likely a record is to be drawn: its severity's weight,
// lowered when it was drilled recently.
func Weight(inc *schema.Incident, lastDrilled time.Time, now time.Time) float64 {
	w, ok := severityWeight[inc.Severity]
	if !ok {
		w = 1
	}
	if !lastDrilled.IsZero() {
		days := max(now.Sub(lastDrilled).Hours()/24, 0)
		w *= max(1-math.Exp(-days/recentDays), minRecency)
	}
	return w
}

// Drillable reports whether a record can be played: a resolved incident
// (an ongoing one has no end to play towards; a maintenance or a drill is
// not an incident).
func Drillable(inc *schema.Incident) bool {
	return inc.RecordKind() == schema.KindIncident && inc.Status == schema.StatusResolved
}

// LastDrilled returns, for each record drilled, when its last drill began.
func LastDrilled(incs []*schema.Incident) map[string]time.Time {
	out := map[string]time.Time{}
	for _, inc := range incs {
		if inc.IsDrill() && inc.StartedAt.After(out[inc.Played]) {
			out[inc.Played] = inc.StartedAt
		}
	}
	return out
}

// Choose picks the record to drill among incs and draws the wheel: a
// weighted sample without replacement (each record's key is u^(1/w), u
// uniform in (0,1), and the highest keys win), whose first draw is the
// record played, shuffled onto the wheel.
func Choose(incs []*schema.Incident, opts PickOptions) (*Pick, error) {
	sorted := slices.Clone(incs)
	slices.SortFunc(sorted, func(a, b *schema.Incident) int { return strings.Compare(a.ID, b.ID) })
	var forced *schema.Incident
	var pool []*schema.Incident
	for _, inc := range sorted {
		if inc.ID == opts.Record {
			forced = inc
		}
		if Drillable(inc) && matches(inc, opts) {
			pool = append(pool, inc)
		}
	}
	if opts.Record != "" {
		switch {
		case forced == nil:
			return nil, errkind.Wrap(errkind.Invalid, &NoCandidateError{Why: fmt.Sprintf("no valid record %q", opts.Record)})
		case forced.RecordKind() != schema.KindIncident:
			return nil, errkind.Wrap(errkind.Invalid, &NoCandidateError{Why: fmt.Sprintf("%s is a %s: only incidents can be drilled", forced.ID, forced.RecordKind())})
		case !Drillable(forced):
			return nil, errkind.Wrap(errkind.Invalid, &NoCandidateError{Why: fmt.Sprintf("%s is still %s: only resolved incidents can be drilled", forced.ID, forced.Status)})
		}
	}
	if len(pool) == 0 && forced == nil {
		return nil, errkind.Wrap(errkind.Invalid, &NoCandidateError{Why: noneWhy(opts)})
	}
	rng := rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15))
	type keyed struct {
		slot Slot
		key  float64
	}
	keys := make([]keyed, 0, len(pool))
	for _, inc := range pool {
		w := Weight(inc, opts.Drilled[inc.ID], opts.Now)
		u := 1 - rng.Float64() // in (0, 1]
		keys = append(keys, keyed{Slot{inc, w}, math.Log(u) / w})
	}
	// Highest key first; the ids break ties, so the order is total.
	slices.SortStableFunc(keys, func(a, b keyed) int {
		switch {
		case a.key > b.key:
			return -1
		case a.key < b.key:
			return 1
		}
		return strings.Compare(a.slot.Incident.ID, b.slot.Incident.ID)
	})
	p := &Pick{Eligible: len(pool), Seed: opts.Seed}
	if forced != nil {
		p.Chosen = forced
		p.Wheel = append(p.Wheel, Slot{forced, Weight(forced, opts.Drilled[forced.ID], opts.Now)})
	}
	for _, k := range keys {
		if len(p.Wheel) == WheelSize {
			break
		}
		if k.slot.Incident != forced {
			p.Wheel = append(p.Wheel, k.slot)
		}
	}
	if p.Chosen == nil {
		p.Chosen = p.Wheel[0].Incident
	}
	rng.Shuffle(len(p.Wheel), func(i, j int) { p.Wheel[i], p.Wheel[j] = p.Wheel[j], p.Wheel[i] })
	p.Landed = slices.IndexFunc(p.Wheel, func(s Slot) bool { return s.Incident == p.Chosen })
	return p, nil
}

func matches(inc *schema.Incident, opts PickOptions) bool {
	if len(opts.Components) > 0 && !anyIn(inc.Components, opts.Components) {
		return false
	}
	if len(opts.Tags) > 0 && !anyIn(inc.Tags, opts.Tags) {
		return false
	}
	return true
}

func anyIn(have, want []string) bool {
	for _, w := range want {
		if slices.Contains(have, w) {
			return true
		}
	}
	return false
}

func noneWhy(opts PickOptions) string {
	var conds []string
	for _, c := range opts.Components {
		conds = append(conds, "--component "+c)
	}
	for _, t := range opts.Tags {
		conds = append(conds, "--tag "+t)
	}
	if len(conds) == 0 {
		return "no resolved incident among the valid records"
	}
	return "no resolved incident matches " + strings.Join(conds, " ")
}
