package report

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/castor-incidents/castor/schema"
)

// Drills is what the drill records of the range say (castor drill, game
// days played from past records): how many, per quarter, per component of
// the records played and per participant (who has practised), and the
// players' times against the real ones. Drills are not incidents: they
// count here only.
type Drills struct {
	Drills int `json:"drills"`
	// ByQuarter runs without gaps from the first drill's quarter to the
	// last one's.
	ByQuarter []Count `json:"by_quarter"`
	// ByComponent counts a drill once for each component of the record
	// it played; declared components appear even without drills.
	ByComponent []Count `json:"by_component"`
	// ByParticipant is sorted by drills, most first, then by login.
	ByParticipant []Participant `json:"by_participant"`
	// Calls compare the players' times with the real ones, call by call.
	Calls []CallComparison `json:"calls"`
	// Played lists the drills, oldest first.
	Played []PlayedDrill `json:"played"`
}

// Participant is one person's practice.
type Participant struct {
	Login  string `json:"login"`
	Drills int    `json:"drills"`
	// Last is the date of the person's last drill.
	Last string `json:"last"`
}

// CallComparison sums up one call over the drills that give both the
// players' time and the real one. Times are offsets from the start of the
// played incident.
type CallComparison struct {
	Call     string `json:"call"`
	Compared int    `json:"compared"`
	// PlayersMedian and RealMedian are nearest-rank medians; null when no
	// drill compares.
	PlayersMedian *Duration `json:"players_median"`
	RealMedian    *Duration `json:"real_median"`
	// Faster and Slower count the drills whose players were faster or
	// slower than the real responders.
	Faster int `json:"faster"`
	Slower int `json:"slower"`
}

// PlayedDrill is one drill and its times.
type PlayedDrill struct {
	ID           string      `json:"id"`
	Record       string      `json:"record"`
	Date         string      `json:"date"`
	Participants []string    `json:"participants"`
	Times        []DrillTime `json:"times"`
}

// DrillTime is one call of a drill: the players' time and the real one,
// null when the record does not give it.
type DrillTime struct {
	Call    string    `json:"call"`
	Players *Duration `json:"players"`
	Real    *Duration `json:"real"`
}

// drillCalls are the timed calls of a drill, in an incident's order.
var drillCalls = []string{"acknowledged", "identified", "mitigated", "resolved"}

// recordsByID indexes records by id, for the records drills played.
func recordsByID(recs []*schema.Incident) map[string]*schema.Incident {
	out := make(map[string]*schema.Incident, len(recs))
	for _, r := range recs {
		if r != nil {
			out[r.ID] = r
		}
	}
	return out
}

// countDrills computes the Drills of drills (in range, sorted by start).
// played finds a played record by id, for the components of a drill
// that names none.
func countDrills(drills []*schema.Incident, played map[string]*schema.Incident, declared []string, loc *time.Location) Drills {
	d := Drills{Drills: len(drills), ByQuarter: []Count{}, ByComponent: []Count{}, ByParticipant: []Participant{}, Calls: []CallComparison{}, Played: []PlayedDrill{}}
	quarter := func(t time.Time) int { t = t.In(loc); return t.Year()*4 + (int(t.Month())-1)/3 }
	if len(drills) > 0 {
		first, last := quarter(drills[0].StartedAt), quarter(drills[len(drills)-1].StartedAt)
		counts := make([]int, last-first+1)
		for _, dr := range drills {
			counts[quarter(dr.StartedAt)-first]++
		}
		for i, n := range counts {
			q := first + i
			d.ByQuarter = append(d.ByQuarter, Count{Name: fmt.Sprintf("%04d-Q%d", q/4, q%4+1), Count: n})
		}
	}

	byComp := map[string]int{}
	for _, c := range declared {
		byComp[c] = 0
	}
	people := map[string]*Participant{}
	type pair struct{ players, real []time.Duration }
	calls := map[string]*pair{}
	faster, slower := map[string]int{}, map[string]int{}
	for _, dr := range drills {
		comps := dr.Components
		if len(comps) == 0 && played[dr.Played] != nil {
			comps = played[dr.Played].Components
		}
		for _, c := range comps {
			byComp[c]++
		}
		date := dr.StartedAt.In(loc).Format(dateLayout)
		for _, p := range dr.Participants {
			if people[p] == nil {
				people[p] = &Participant{Login: p}
			}
			people[p].Drills++
			people[p].Last = max(people[p].Last, date)
		}
		pd := PlayedDrill{ID: dr.ID, Record: dr.Played, Date: date, Participants: slices.Clone(dr.Participants), Times: []DrillTime{}}
		if pd.Participants == nil {
			pd.Participants = []string{}
		}
		for _, c := range drillCalls {
			players, pok := drillDuration(dr.Times[c])
			real, rok := drillDuration(dr.Real[c])
			dt := DrillTime{Call: c}
			if pok {
				dt.Players = newDuration(players)
			}
			if rok {
				dt.Real = newDuration(real)
			}
			pd.Times = append(pd.Times, dt)
			if pok && rok {
				if calls[c] == nil {
					calls[c] = &pair{}
				}
				calls[c].players = append(calls[c].players, players)
				calls[c].real = append(calls[c].real, real)
				switch {
				case players < real:
					faster[c]++
				case players > real:
					slower[c]++
				}
			}
		}
		d.Played = append(d.Played, pd)
	}
	for _, c := range sortedKeys(byComp, strings.Compare) {
		d.ByComponent = append(d.ByComponent, Count{Name: c, Count: byComp[c]})
	}
	for _, p := range people {
		d.ByParticipant = append(d.ByParticipant, *p)
	}
	slices.SortFunc(d.ByParticipant, func(a, b Participant) int {
		return cmp.Or(cmp.Compare(b.Drills, a.Drills), strings.Compare(a.Login, b.Login))
	})
	for _, c := range drillCalls {
		cc := CallComparison{Call: c}
		if p := calls[c]; p != nil {
			slices.Sort(p.players)
			slices.Sort(p.real)
			cc.Compared = len(p.players)
			cc.PlayersMedian = newDuration(percentile(p.players, 50))
			cc.RealMedian = newDuration(percentile(p.real, 50))
			cc.Faster, cc.Slower = faster[c], slower[c]
		}
		d.Calls = append(d.Calls, cc)
	}
	return d
}

// drillDuration reads a duration of a drill record; ok is false when it
// is absent.
func drillDuration(s string) (time.Duration, bool) {
	if s == "" {
		return 0, false
	}
	d, err := schema.ParseDuration(s)
	return d, err == nil
}

// writeDrillsMarkdown writes the Drills section.
func (m *mdWriter) drills(d Drills) {
	m.printf("## Drills\n\n")
	if d.Drills == 0 {
		m.printf("No drills in this range (castor drill plays a past incident as a game day).\n\n")
		return
	}
	m.printf("**%s**: game days played from past records with castor drill. Times are offsets from the start of the played incident (T+).\n\n", plural(d.Drills, "drill", "drills"))
	var rows [][]string
	for _, q := range d.ByQuarter {
		rows = append(rows, []string{q.Name, strconv.Itoa(q.Count)})
	}
	m.table([]string{"Quarter", "Drills"}, "lr", rows)
	rows = nil
	for _, c := range d.ByComponent {
		rows = append(rows, []string{mdEscape(c.Label()), strconv.Itoa(c.Count)})
	}
	if len(rows) > 0 {
		m.table([]string{"Component", "Drills"}, "lr", rows)
	}
	rows = nil
	for _, p := range d.ByParticipant {
		rows = append(rows, []string{"@" + mdEscape(p.Login), strconv.Itoa(p.Drills), p.Last})
	}
	m.table([]string{"Participant", "Drills", "Last drill"}, "lrl", rows)
	rows = nil
	for _, c := range d.Calls {
		rows = append(rows, []string{c.Call, strconv.Itoa(c.Compared), human(c.PlayersMedian), human(c.RealMedian), strconv.Itoa(c.Faster), strconv.Itoa(c.Slower)})
	}
	m.table([]string{"Call", "Drills compared", "Players (median)", "Real (median)", "Players faster", "Players slower"}, "lrrrrr", rows)
	rows = nil
	for _, p := range d.Played {
		row := []string{"`" + p.ID + "`", "`" + p.Record + "`", p.Date}
		for _, t := range p.Times {
			row = append(row, human(t.Players)+" / "+human(t.Real))
		}
		rows = append(rows, row)
	}
	m.table([]string{"Drill", "Record played", "Date", "Acknowledged (players / real)", "Identified", "Mitigated", "Resolved"}, "lllllll", rows)
}
