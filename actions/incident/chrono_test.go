package incident

import (
	"fmt"
	"testing"
)

// TestParseStamp: the times, dates and zones that start chronology
// entries, as people write them.
func TestParseStamp(t *testing.T) {
	for _, tc := range []struct {
		in    string
		style dateStyle
		want  string // date time[-end] zone | event; "" when not a stamp
	}{
		{in: "1h50\u00a0: premier SMS", want: "- 01:50 - | premier SMS"},
		{in: "9h05 – 9h40\u00a0: vérification", want: "- 09:05-09:40 - | vérification"},
		{in: "~15h05 : relance", want: "- 15:05 - | relance"},
		{in: "10h : café", want: "- 10:00 - | café"},
		{in: "14:30 - deploy started", want: "- 14:30 - | deploy started"},
		{in: "14:30–15:10 rollback", want: "- 14:30-15:10 - | rollback"},
		{in: "12:17-12:30 UTC: downloads broken", want: "- 12:17-12:30 UTC | downloads broken"},
		{in: "2:30 pm: paged", want: "- 14:30 - | paged"},
		{in: "1:09 PM Eastern — alert", want: "- 13:09 America/New_York | alert"},
		{in: "12:05 AM — alert", want: "- 00:05 - | alert"},
		{in: "[13:26] restarted", want: "- 13:26 - | restarted"},
		{in: "01:38: the fix is out", want: "- 01:38 - | the fix is out"},
		{in: "13:26 UTC - rollback", want: "- 13:26 UTC | rollback"},
		{in: "00:10 UTC to 01:30 UTC: pools restarted", want: "- 00:10-01:30 UTC | pools restarted"},
		{in: "2021-03-11 0h10 : encore", want: "2021-03-11 00:10 - | encore"},
		{in: "2019-12-05 06:10 | daemon sets", want: "2019-12-05 06:10 - | daemon sets"},
		{in: "2015-10-21 14:55 UTC docbrown", want: "2015-10-21 14:55 UTC | docbrown"},
		{in: "2019-02-05T13:26:00Z deploy", want: "2019-02-05 13:26 UTC | deploy"},
		{in: "10h00 à 11h40 : réinstallation", want: "- 10:00-11:40 - | réinstallation"},
		{in: "9.05 Uhr: Alarm", want: "- 09:05 - | Alarm"},
		{in: "14:05 Uhr MESZ: Alarm ausgelöst", want: "- 14:05 Europe/Berlin | Alarm ausgelöst"},
		{in: "July 2, 2019 13:00 PDT: paged", want: "2019-07-02 13:00 America/Los_Angeles | paged"},
		{in: "Tuesday, July 20", want: "0000-07-20 | "},
		{in: "2 juillet 2019 à 9h05 : alerte", want: "2019-07-02 09:05 - | alerte"},
		{in: "22.07.2026 08:15 Ausfall", want: "2026-07-22 08:15 - | Ausfall"},
		{in: "02/07/2019 10:00 down", style: dayFirst, want: "2019-07-02 10:00 - | down"},
		{in: "02/07/2019 10:00 down", style: monthFirst, want: "2019-02-07 10:00 - | down"},
		{in: "2 de julio de 2019 10:00 caída", want: "2019-07-02 10:00 - | caída"},
		{in: "2019年7月2日 10:00 障害発生", want: "2019-07-02 10:00 - | 障害発生"},
		{in: "[12-05 16:21] Crashloop bug", want: "0000-12-05 16:21 - | Crashloop bug"},
		{in: "2021-03-10 01:50 +01:00 – 2021-03-10 09:40 +01:00", want: "2021-03-10 01:50-09:40 +01:00 | "},
		{in: "### 2023-07-20", want: ""},
		{in: "2023-07-20", want: "2023-07-20 | "},
		{in: "25h00 : impossible", want: ""},
		{in: "9h61 : impossible", want: ""},
		{in: "le soir : pas d'heure", want: ""},
		{in: "2021 was a year", want: ""},
		{in: "10 nodes were added", want: ""},
	} {
		st, ok := parseStamp(tc.in, tc.style)
		got := ""
		if ok {
			got = showStamp(st)
		}
		if got != tc.want {
			t.Errorf("parseStamp(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func showStamp(st stamp) string {
	date := "-"
	if st.from.hasDate {
		date = fmt.Sprintf("%04d-%02d-%02d", st.from.date.y, st.from.date.m, st.from.date.d)
	}
	if !st.hasTime {
		return date + " | " + st.event
	}
	tm := fmt.Sprintf("%02d:%02d", st.from.min/60, st.from.min%60)
	if st.to != nil {
		tm += fmt.Sprintf("-%02d:%02d", st.to.min/60, st.to.min%60)
	}
	zone := "-"
	if st.from.zone != nil {
		zone = st.from.zone.String()
	}
	return date + " " + tm + " " + zone + " | " + st.event
}

func TestZoneStatement(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"All times are UTC.", "UTC"},
		{"All times PDT.", "America/Los_Angeles"},
		{"All times in CET.", "Europe/Berlin"},
		{"2015-10-21 (all times UTC)", "UTC"},
		{"Heure de Paris.", "Europe/Paris"},
		{"Toutes les heures sont en CEST.", "Europe/Berlin"},
		{"Alle Zeiten in MEZ.", "Europe/Berlin"},
		{"Todas las horas están en UTC.", "UTC"},
		{"全時刻は JST。", "Asia/Tokyo"},
		{"Times are in Eastern time.", "America/New_York"},
		{"We restarted all the servers at the same time.", ""},
		{"All times were hard.", ""},
	} {
		loc, _, ok := zoneStatement(tc.in)
		got := ""
		if ok {
			got = loc.String()
		}
		if got != tc.want {
			t.Errorf("zoneStatement(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"Timeline (UTC)", "UTC"},
		{"Chronologie (CEST)", "Europe/Berlin"},
		{"Date and Time in CET", "Europe/Berlin"},
		{"時刻 (JST)", "Asia/Tokyo"},
		{"Time", ""},
	} {
		loc, _, ok := headerZone(tc.in)
		got := ""
		if ok {
			got = loc.String()
		}
		if got != tc.want {
			t.Errorf("headerZone(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDatesIn(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Retour sur l’incident du 10 mars 2021 concernant l’arrêt", "2021-03-10"},
		{"On 2023-07-20 between 12:17 and 12:30 UTC all downloads broke", "2023-07-20"},
		{"# May 30th, 2019 Prow Flakiness", "2019-05-30"},
		{"Outage on July 2, 2019", "2019-07-02"},
		{"**Date** : 21/10/2015", "2015-10-21"},
		{"le 1er mars 2020, puis hier", "2020-03-01"},
		{"rien ici", ""},
		{"le 31 février 2021", ""},
	} {
		cs := datesIn(tc.in, dayFirstUnknown)
		got := ""
		if len(cs) > 0 {
			got = cs[0].String()
		}
		if got != tc.want {
			t.Errorf("datesIn(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestEventKinds(t *testing.T) {
	for _, tc := range []struct {
		event string
		want  eventKind
	}{
		{"**OUTAGE BEGINS** — Search backends start melting down", evStarted},
		{"The on-call engineer was paged", evDetected},
		{"Alerts fired for the website", evDetected},
		{"All systems verified operational", evResolved},
		{"Le service est de nouveau disponible", evResolved},
		{"Début de l’incident", evStarted},
		{"Störung beginnt", evStarted},
		{"La panne est résolue et le service rétabli", evResolved},
		{"Deployment rolled back; it works again", evMitigated},
		{"サービス復旧", evResolved},
		{"unresolved questions", 0},  // a word, not part of one
		{"the pagers were quiet", 0}, // "pagers" is not "pager"
		{"prefixed and refixed", 0},  // "fixed" only as a word
		{"Incident is resolved", evResolved},
	} {
		if got := eventKinds(normalize(tc.event)); got != tc.want {
			t.Errorf("%q: %b, want %b", tc.event, got, tc.want)
		}
	}
}

func TestZoneInHours(t *testing.T) {
	for _, tc := range []struct {
		in   string
		zone string // the offset read, "" for none
	}{
		{"20:12 -03", "-03"}, {"20:12:44 -03 – 21:00 -03", "-03"}, {"10:00 +09 · **Duration** 1h", "+09"},
		{"14:00 -10% traffic", ""}, {"14:00 -15 users", ""}, {"14:00 - 15:00", ""},
	} {
		st, ok := parseStamp(tc.in, dayFirst)
		got := ""
		if ok && st.from.zone != nil {
			got = st.from.zoneTxt
		}
		if got != tc.zone {
			t.Errorf("%q: zone %q, want %q", tc.in, got, tc.zone)
		}
	}
}
