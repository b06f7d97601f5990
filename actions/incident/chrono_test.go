package incident

import (
	"testing"
	"time"
)

func TestParseChrono(t *testing.T) {
	for _, tc := range []struct {
		in       string
		ok       bool
		from, to int
		utc      bool
		date     string
		event    string
	}{
		{in: "1h50\u00a0: premier SMS", ok: true, from: 110, to: -1, event: "premier SMS"},
		{in: "9h05 – 9h40\u00a0: vérification", ok: true, from: 545, to: 580, event: "vérification"},
		{in: "10h : café", ok: true, from: 600, to: -1, event: "café"},
		{in: "14:30 - deploy started", ok: true, from: 870, to: -1, event: "deploy started"},
		{in: "14:30–15:10 rollback", ok: true, from: 870, to: 910, event: "rollback"},
		{in: "2:30 pm: paged", ok: true, from: 870, to: -1, event: "paged"},
		{in: "12:05 AM — alert", ok: true, from: 5, to: -1, event: "alert"},
		{in: "00:10 UTC to 01:30 UTC: pools restarted", ok: true, from: 10, to: 90, utc: true, event: "pools restarted"},
		{in: "17:20 UTC: outage begins", ok: true, from: 1040, to: -1, utc: true, event: "outage begins"},
		{in: "2021-03-11 0h10 : encore", ok: true, from: 10, to: -1, date: "2021-03-11", event: "encore"},
		{in: "10h00 à 11h40 : réinstallation", ok: true, from: 600, to: 700, event: "réinstallation"},
		{in: "25h00 : impossible", ok: false},
		{in: "9h61 : impossible", ok: false},
		{in: "le soir : pas d'heure", ok: false},
		{in: "14:30", ok: false},
		{in: "2021 was a year", ok: false},
	} {
		e, ok := parseChrono(tc.in)
		if ok != tc.ok {
			t.Errorf("parseChrono(%q) ok = %v", tc.in, ok)
			continue
		}
		if !ok {
			continue
		}
		if e.from != tc.from || e.to != tc.to || e.utc != tc.utc || e.date != tc.date || e.event != tc.event {
			t.Errorf("parseChrono(%q) = %+v", tc.in, e)
		}
	}
}

func TestDateIn(t *testing.T) {
	pub := time.Date(2021, 3, 11, 10, 40, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"Retour sur l’incident du 10 mars concernant l’arrêt", "2021-03-10"},
		{"Suite à l’incendie d’hier chez OVH", "2021-03-10"},
		{"le 1er mars 2020, puis hier", "2020-03-01"},
		{"On March 9th, 2021 we lost", "2021-03-09"},
		{"the outage of 8 March", "2021-03-08"},
		{"Outage on 2021-03-07 in the night", "2021-03-07"},
		{"le 30 décembre", "2020-12-30"}, // after publication: the year before
		{"avant-hier soir", "2021-03-09"},
		{"rien ici", ""},
		{"le 31 février", ""},
	} {
		d, _, ok := dateIn(tc.in, pub)
		got := ""
		if ok {
			got = d.Format("2006-01-02")
		}
		if got != tc.want {
			t.Errorf("dateIn(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
