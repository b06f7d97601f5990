package drill

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/castor-incidents/castor/schema"
)

var day0 = time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)

func mkIncident(id, sev string, comps, tags []string) *schema.Incident {
	end := day0.Add(time.Hour)
	return &schema.Incident{
		ID: id, Title: id, Severity: sev, Status: schema.StatusResolved, Visibility: schema.VisibilityInternal,
		StartedAt: day0, ResolvedAt: &end, Components: comps, Tags: tags,
	}
}

func TestChooseReproducible(t *testing.T) {
	var incs []*schema.Incident
	for i := range 12 {
		incs = append(incs, mkIncident(fmt.Sprintf("2024-01-%02d-i", i+1), schema.Severities[i%4], nil, nil))
	}
	for seed := range uint64(50) {
		a, err := Choose(incs, PickOptions{Seed: seed, Now: day0})
		if err != nil {
			t.Fatal(err)
		}
		// The input's order does not matter.
		rev := make([]*schema.Incident, len(incs))
		for i, inc := range incs {
			rev[len(incs)-1-i] = inc
		}
		b, err := Choose(rev, PickOptions{Seed: seed, Now: day0})
		if err != nil {
			t.Fatal(err)
		}
		if a.Chosen != b.Chosen || a.Landed != b.Landed || len(a.Wheel) != WheelSize {
			t.Fatalf("seed %d: %s at %d vs %s at %d (%d slots)", seed, a.Chosen.ID, a.Landed, b.Chosen.ID, b.Landed, len(a.Wheel))
		}
		for i := range a.Wheel {
			if a.Wheel[i].Incident != b.Wheel[i].Incident {
				t.Fatalf("seed %d: wheels differ at %d", seed, i)
			}
		}
		if a.Wheel[a.Landed].Incident != a.Chosen {
			t.Fatalf("seed %d: the wheel does not land on the chosen record", seed)
		}
	}
}

// Over many seeds, a SEV1 is chosen about eight times as often as a SEV4,
// and a record drilled yesterday almost never while another is there.
func TestChooseWeights(t *testing.T) {
	sev1 := mkIncident("2024-01-01-a", "SEV1", nil, nil)
	sev4 := mkIncident("2024-01-02-b", "SEV4", nil, nil)
	count := func(opts PickOptions) map[string]int {
		n := map[string]int{}
		for seed := range uint64(3000) {
			opts.Seed = seed
			p, err := Choose([]*schema.Incident{sev1, sev4}, opts)
			if err != nil {
				t.Fatal(err)
			}
			n[p.Chosen.ID]++
		}
		return n
	}
	n := count(PickOptions{Now: day0})
	if got := float64(n[sev1.ID]) / 3000; got < 0.85 || got > 0.93 {
		t.Errorf("SEV1 chosen %.3f of the time, want about 8/9", got)
	}
	n = count(PickOptions{Now: day0, Drilled: map[string]time.Time{sev1.ID: day0.AddDate(0, 0, -1)}})
	// Weights 8 × (1−e^(−1/90)) ≈ 0.088 against 1.
	if got := float64(n[sev1.ID]) / 3000; got < 0.04 || got > 0.13 {
		t.Errorf("SEV1 drilled yesterday chosen %.3f of the time, want about 0.08", got)
	}
	if w := Weight(sev1, day0.AddDate(-1, 0, 0), day0); w < 7.8 || w > 8 {
		t.Errorf("weight of a SEV1 drilled a year ago = %v", w)
	}
	if w := Weight(sev1, day0, day0); w != 8*minRecency {
		t.Errorf("weight of a SEV1 drilled now = %v", w)
	}
}

func TestChooseFilters(t *testing.T) {
	mail := mkIncident("2024-01-01-mail", "SEV3", []string{"email"}, []string{"ovh"})
	db := mkIncident("2024-01-02-db", "SEV1", []string{"database"}, []string{"postgres"})
	api := mkIncident("2024-01-03-api", "SEV2", []string{"api", "database"}, []string{"deploy"})
	open := mkIncident("2024-01-04-open", "SEV1", []string{"email"}, nil)
	open.Status, open.ResolvedAt = schema.StatusInvestigating, nil
	all := []*schema.Incident{mail, db, api, open}

	for _, tt := range []struct {
		opts PickOptions
		want []string // the records on the wheel
	}{
		{PickOptions{}, []string{mail.ID, db.ID, api.ID}},
		{PickOptions{Components: []string{"email"}}, []string{mail.ID}},
		{PickOptions{Components: []string{"database"}}, []string{db.ID, api.ID}},
		{PickOptions{Tags: []string{"ovh", "deploy"}}, []string{mail.ID, api.ID}},
		{PickOptions{Components: []string{"database"}, Tags: []string{"deploy"}}, []string{api.ID}},
		// --record wins over the filters; the wheel is drawn around it.
		{PickOptions{Record: mail.ID, Components: []string{"database"}}, []string{mail.ID, db.ID, api.ID}},
	} {
		p, err := Choose(all, tt.opts)
		if err != nil {
			t.Fatalf("%+v: %v", tt.opts, err)
		}
		got := map[string]bool{}
		for _, s := range p.Wheel {
			got[s.Incident.ID] = true
		}
		if len(got) != len(tt.want) {
			t.Errorf("%+v: wheel %v, want %v", tt.opts, got, tt.want)
		}
		for _, id := range tt.want {
			if !got[id] {
				t.Errorf("%+v: %s is not on the wheel %v", tt.opts, id, got)
			}
		}
		if tt.opts.Record != "" && p.Chosen.ID != tt.opts.Record {
			t.Errorf("--record %s chose %s", tt.opts.Record, p.Chosen.ID)
		}
	}

	for _, tt := range []struct {
		opts PickOptions
		want string
	}{
		{PickOptions{Components: []string{"cdn"}}, "nothing to drill: no resolved incident matches --component cdn"},
		{PickOptions{Tags: []string{"x"}, Components: []string{"email"}}, "nothing to drill: no resolved incident matches --component email --tag x"},
		{PickOptions{Record: open.ID}, "nothing to drill: 2024-01-04-open is still investigating: only resolved incidents can be drilled"},
		{PickOptions{Record: "2024-09-09-nope"}, `nothing to drill: no valid record "2024-09-09-nope"`},
	} {
		_, err := Choose(all, tt.opts)
		var nc *NoCandidateError
		if !errors.As(err, &nc) || err.Error() != tt.want {
			t.Errorf("%+v: error %v, want %q", tt.opts, err, tt.want)
		}
	}
	if _, err := Choose(nil, PickOptions{}); err == nil || err.Error() != "nothing to drill: no resolved incident among the valid records" {
		t.Errorf("no records: %v", err)
	}
}
