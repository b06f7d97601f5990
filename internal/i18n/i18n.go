// Package i18n is castor's one voice: the words, durations, dates and
// numbers every output shows people (castor render, the status site, the
// report, the command line), in English and in French. A page or a
// document picks its Labels with For(lang) once and uses them for every
// value it shows, so that a status, a duration or a date reads the same
// everywhere.
package i18n

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Labels are the words of castor's outputs, in one language.
type Labels struct {
	Lang string // "en" or "fr": the html lang attribute of the labels
	// Colon separates a label from its value: ": ", or " : " with a
	// no-break space in French.
	Colon string

	SkipToContent, CurrentStatus, ActiveIncidents, Components, PastIncidents string
	History, AllIncidents, NoIncidents, NoPastIncidents                      string
	Updates, Postmortem, Summary, Impact, RootCause, Trigger, Contributing   string
	Resolution, Detection, ActionItems, Lessons, WentWell, WentWrong, Lucky  string
	Item, Kind, Priority, ItemStatus                                         string
	Timeline, TimelineTime, TimelineEvent                                    string
	Severity, ImpactLabel, Started, Resolved, Duration, Affected, Ongoing    string
	DaysAgo, Today, Legend, Feed, JSON, TimesIn, LastUpdate                  string
	PostmortemNotPublic                                                      string
	// Maintenances heads the index's scheduled maintenance; Window and
	// Completed label a maintenance's planned window and its end.
	Maintenances, Window, Completed string
	// Status, Detected, TimeToDetect, Commander, Owner, Due, Issue, Links:
	// the facts and columns of a written post-mortem.
	Status, Detected, TimeToDetect, Commander, Owner, Due, Issue, Links string
	// NoUpdates stands under the updates heading of an incident without
	// any; AtWorst before the worst status a resolved incident's
	// component went through.
	NoUpdates, AtWorst string

	// Uptime is "%s uptime", the uptime over the 90 days of the bars
	// (Percent formats the figure).
	Uptime string
	// Bars is the accessible name of a component's 90-day bars: "%s, last 90 days".
	Bars string

	statuses   map[string]string // investigating .. resolved
	components map[string]string // operational .. under_maintenance
	indicators map[string]string // none .. critical, maintenance
	impacts    map[string]string // none .. critical
	kinds      map[string]string
	items      map[string]string
	months     [12]string
	monthsLong [12]string
	// Formats of durations: days and hours, hours and minutes, minutes;
	// whole days, whole hours.
	durDays, durHours, durMinutes, durWholeDays, durWholeHours string
	// units are the suffixes of days, hours, minutes and seconds in
	// Elapsed, the same as in the formats above.
	units [4]string
}

var english = &Labels{
	Lang:                "en",
	Colon:               ": ",
	SkipToContent:       "Skip to content",
	CurrentStatus:       "Current status",
	ActiveIncidents:     "Active incidents",
	Components:          "Components",
	PastIncidents:       "Past incidents",
	History:             "Incident history",
	AllIncidents:        "All past incidents",
	NoIncidents:         "No incidents reported.",
	NoPastIncidents:     "No past incidents.",
	Updates:             "Updates",
	Postmortem:          "Post-mortem",
	Summary:             "Summary",
	Impact:              "Impact",
	RootCause:           "Root cause",
	Trigger:             "Trigger",
	Contributing:        "Contributing factors",
	Resolution:          "Resolution",
	Detection:           "Detection",
	ActionItems:         "Action items",
	Lessons:             "Lessons learned",
	WentWell:            "What went well",
	WentWrong:           "What went wrong",
	Lucky:               "Where we got lucky",
	Item:                "Action",
	Kind:                "Kind",
	Priority:            "Priority",
	ItemStatus:          "Status",
	Timeline:            "Timeline",
	TimelineTime:        "Time",
	TimelineEvent:       "Event",
	Severity:            "Severity",
	ImpactLabel:         "Impact",
	Started:             "Started",
	Resolved:            "Resolved",
	Duration:            "Duration",
	Affected:            "Affected components",
	Ongoing:             "ongoing",
	DaysAgo:             "90 days ago",
	Today:               "Today",
	Uptime:              "%s uptime",
	Bars:                "%s, last 90 days",
	Legend:              "Legend",
	Feed:                "Atom feed",
	JSON:                "status.json",
	TimesIn:             "Times are shown in %s.",
	LastUpdate:          "Last update",
	PostmortemNotPublic: "The post-mortem of this incident is not public.",
	Maintenances:        "Scheduled maintenance",
	Window:              "Planned",
	Completed:           "Completed",
	Status:              "Status",
	Detected:            "Detected",
	TimeToDetect:        "time to detect",
	Commander:           "Commander",
	Owner:               "Owner",
	Due:                 "Due",
	Issue:               "Issue",
	Links:               "Links",
	NoUpdates:           "No status update was posted.",
	AtWorst:             "at worst",
	statuses: map[string]string{
		"investigating": "Investigating", "identified": "Identified", "monitoring": "Monitoring", "resolved": "Resolved",
		"scheduled": "Scheduled", "in_progress": "In progress", "verifying": "Verifying", "completed": "Completed",
	},
	components: map[string]string{
		"operational": "Operational", "degraded_performance": "Degraded performance", "partial_outage": "Partial outage",
		"major_outage": "Major outage", "under_maintenance": "Under maintenance",
	},
	indicators: map[string]string{
		"none": "All systems operational", "minor": "Minor service outage", "major": "Partial system outage",
		"critical": "Major system outage", "maintenance": "Service under maintenance",
	},
	impacts: map[string]string{"none": "None", "minor": "Minor", "major": "Major", "critical": "Critical", "maintenance": "Maintenance"},
	kinds: map[string]string{
		"prevent": "Prevent", "detect": "Detect", "mitigate": "Mitigate", "process": "Process", "document": "Document",
	},
	items:      map[string]string{"open": "Open", "done": "Done", "wontfix": "Won't fix"},
	months:     [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	monthsLong: [12]string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
	durDays:    "%dd %dh", durHours: "%dh %02dm", durMinutes: "%dm", durWholeDays: "%dd", durWholeHours: "%dh",
	units: [4]string{"d", "h", "m", "s"},
}

var french = &Labels{
	Lang:                "fr",
	Colon:               "\u00a0: ",
	SkipToContent:       "Aller au contenu",
	CurrentStatus:       "État actuel",
	ActiveIncidents:     "Incidents en cours",
	Components:          "Composants",
	PastIncidents:       "Incidents passés",
	History:             "Historique des incidents",
	AllIncidents:        "Tous les incidents passés",
	NoIncidents:         "Aucun incident signalé.",
	NoPastIncidents:     "Aucun incident passé.",
	Updates:             "Mises à jour",
	Postmortem:          "Post-mortem",
	Summary:             "Résumé",
	Impact:              "Impact",
	RootCause:           "Cause racine",
	Trigger:             "Déclencheur",
	Contributing:        "Facteurs contributifs",
	Resolution:          "Résolution",
	Detection:           "Détection",
	ActionItems:         "Actions",
	Lessons:             "Leçons",
	WentWell:            "Ce qui s'est bien passé",
	WentWrong:           "Ce qui s'est moins bien passé",
	Lucky:               "Ce qui a été de la chance",
	Item:                "Action",
	Kind:                "Type",
	Priority:            "Priorité",
	ItemStatus:          "État",
	Timeline:            "Chronologie",
	TimelineTime:        "Heure",
	TimelineEvent:       "Événement",
	Severity:            "Gravité",
	ImpactLabel:         "Impact",
	Started:             "Début",
	Resolved:            "Résolution",
	Duration:            "Durée",
	Affected:            "Composants touchés",
	Ongoing:             "en cours",
	DaysAgo:             "il y a 90 jours",
	Today:               "Aujourd'hui",
	Uptime:              "%s de disponibilité",
	Bars:                "%s, 90 derniers jours",
	Legend:              "Légende",
	Feed:                "Flux Atom",
	JSON:                "status.json",
	TimesIn:             "Heures affichées dans le fuseau %s.",
	LastUpdate:          "Dernière mise à jour",
	PostmortemNotPublic: "Le post-mortem de cet incident n'est pas public.",
	Maintenances:        "Maintenances planifiées",
	Window:              "Prévue",
	Completed:           "Terminée",
	Status:              "État",
	Detected:            "Détection",
	TimeToDetect:        "délai de détection",
	Commander:           "Responsable",
	Owner:               "Responsable",
	Due:                 "Échéance",
	Issue:               "Ticket",
	Links:               "Liens",
	NoUpdates:           "Aucune mise à jour n'a été publiée.",
	AtWorst:             "au pire",
	statuses: map[string]string{
		"investigating": "Analyse en cours", "identified": "Cause identifiée", "monitoring": "Sous surveillance", "resolved": "Résolu",
		"scheduled": "Planifiée", "in_progress": "En cours", "verifying": "Vérification", "completed": "Terminée",
	},
	components: map[string]string{
		"operational": "Opérationnel", "degraded_performance": "Performances dégradées", "partial_outage": "Panne partielle",
		"major_outage": "Panne majeure", "under_maintenance": "En maintenance",
	},
	indicators: map[string]string{
		"none": "Tous les systèmes sont opérationnels", "minor": "Perturbation mineure", "major": "Panne partielle",
		"critical": "Panne majeure", "maintenance": "Maintenance en cours",
	},
	impacts: map[string]string{"none": "Aucun", "minor": "Mineur", "major": "Majeur", "critical": "Critique", "maintenance": "Maintenance"},
	kinds: map[string]string{
		"prevent": "Prévenir", "detect": "Détecter", "mitigate": "Atténuer", "process": "Processus", "document": "Documenter",
	},
	items:      map[string]string{"open": "Ouverte", "done": "Faite", "wontfix": "Abandonnée"},
	months:     [12]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
	monthsLong: [12]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"},
	durDays:    "%d j %d h", durHours: "%d h %02d min", durMinutes: "%d min", durWholeDays: "%d j", durWholeHours: "%d h",
	units: [4]string{" j", " h", " min", " s"},
}

// For picks the labels for a BCP 47 tag: French for fr, fr-CA...,
// English otherwise.
func For(lang string) *Labels {
	primary, _, _ := strings.Cut(strings.ToLower(lang), "-")
	if primary == "fr" {
		return french
	}
	return english
}

// word returns the label of an enumerated value, or the value itself
// when it has none (a value the schema allows but the labels lack must
// still show).
func word(m map[string]string, v string) string {
	if s, ok := m[v]; ok {
		return s
	}
	return v
}

func (l *Labels) StatusWord(s string) string     { return word(l.statuses, s) }
func (l *Labels) ComponentWord(s string) string  { return word(l.components, s) }
func (l *Labels) IndicatorWord(s string) string  { return word(l.indicators, s) }
func (l *Labels) ImpactWord(s string) string     { return word(l.impacts, s) }
func (l *Labels) KindWord(s string) string       { return word(l.kinds, s) }
func (l *Labels) ItemStatusWord(s string) string { return word(l.items, s) }

// Time shows an instant to people: "10 Mar 2021, 09:43 CET" or
// "10 mars 2021, 09:43 CET" (seconds as Clock shows them). The zone
// abbreviation says which clock.
func (l *Labels) Time(t time.Time) string {
	return fmt.Sprintf("%s, %s", l.Date(t), l.Clock(t))
}

// Until shows the end of a span that starts at from: only the clock when
// both fall on the same day ("09:40 CET"), the whole time otherwise. Give
// both in the zone they are shown in.
func (l *Labels) Until(from, to time.Time) string {
	if from.Year() == to.Year() && from.YearDay() == to.YearDay() {
		return l.Clock(to)
	}
	return l.Time(to)
}

// Clock shows the time of day of an instant, with its zone: "09:43 CET";
// with its seconds when it has some ("09:43:12 CET"): a record's seconds
// are part of it (castor import reads castor render's back).
func (l *Labels) Clock(t time.Time) string {
	if t.Second() != 0 {
		return t.Format("15:04:05 MST")
	}
	return t.Format("15:04 MST")
}

// Date shows a calendar day: "10 Mar 2021", "10 mars 2021".
func (l *Labels) Date(t time.Time) string {
	return fmt.Sprintf("%d %s %d", t.Day(), l.months[t.Month()-1], t.Year())
}

// Month names a month: "March 2021", "mars 2021".
func (l *Labels) Month(t time.Time) string {
	return fmt.Sprintf("%s %d", l.monthsLong[t.Month()-1], t.Year())
}

// Percent shows an uptime figure with two decimals: "99.87%", "99,87 %"
// (a narrow no-break space before the sign in French). Round it down first
// (schema.FloorPercent), so that any downtime shows.
func (l *Labels) Percent(p float64) string {
	s := strconv.FormatFloat(p, 'f', 2, 64)
	if l.Lang == "fr" {
		return strings.Replace(s, ".", ",", 1) + "\u202f%"
	}
	return s + "%"
}

// Person names someone by their GitHub login, the same way everywhere:
// "@octocat".
func (l *Labels) Person(login string) string {
	if login == "" {
		return ""
	}
	return "@" + login
}

// DurationText says how long something lasted, the same way in every
// output: "2h 25m", "6h", "3d 4h", "0m" ("2 h 25 min", "6 h", "3 j 4 h",
// "0 min" in French), rounded to the minute.
func (l *Labels) DurationText(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	d = d.Round(time.Minute)
	days, hours, minutes := int(d.Hours())/24, int(d.Hours())%24, int(d.Minutes())%60
	switch {
	case days > 0 && hours == 0:
		return fmt.Sprintf(l.durWholeDays, days)
	case days > 0:
		return fmt.Sprintf(l.durDays, days, hours)
	case hours > 0 && minutes == 0:
		return fmt.Sprintf(l.durWholeHours, hours)
	case hours > 0:
		return fmt.Sprintf(l.durHours, hours, minutes)
	}
	return fmt.Sprintf(l.durMinutes, minutes)
}

// Elapsed says how long something took to the second, in DurationText's
// units from the largest to the smallest that is not zero: "45s", "7m",
// "1h", "1h 05m", "1h 00m 30s", "1d 2h 05m" ("45 s", "1 h 05 min 30 s",
// "1 j 2 h 05 min" in French), "0m" for nothing; below a day and to the
// minute, what DurationText says. A drill times the players' calls with it.
func (l *Labels) Elapsed(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	d = d.Truncate(time.Second)
	n := [4]int64{int64(d / (24 * time.Hour)), int64(d/time.Hour) % 24, int64(d/time.Minute) % 60, int64(d/time.Second) % 60}
	first, last := -1, -1
	for i, v := range n {
		if v != 0 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return l.DurationText(0)
	}
	parts := make([]string, 0, last-first+1)
	for i := first; i <= last; i++ {
		format := "%d%s"
		if i > first && i >= 2 {
			// After a larger unit, minutes and seconds take two digits,
			// as in DurationText's "1h 05m".
			format = "%02d%s"
		}
		parts = append(parts, fmt.Sprintf(format, n[i], l.units[i]))
	}
	return strings.Join(parts, " ")
}
