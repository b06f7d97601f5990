package drill

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/castor-incidents/castor/internal/i18n"
)

// labels are the words of the brief, the sheet, the wheel and the
// terminal mode, in English and in French: a drill speaks its record's
// language.
type labels struct {
	Lang string

	// The players' brief.
	BriefTitle, BriefIntro, YourIncident, Severity, Components, Started   string
	WhatYouKnow, FirstUpdate, NothingYet, Withheld, PostedAt, YourCalls   string
	CallsHelp                                                             string
	SheetTitle, SheetIntro, Record, RealTimes, Call, RealTime, WallClock  string
	Detected, NotRecorded, SameAsResolved, Reveals, InBrief, PartlyBrief  string
	BeforeStart, Timeline, StatusUpdate, RootCause, Trigger, Resolution   string
	Detection, Contributing, WentWell, WentWrong, Lucky, ActionItems      string
	Item, Kind, Priority, Owner, Status, Summary, Impact, BriefEndsAt     string
	Players, Real, Difference, Clock, NextReveal, NoMoreReveals, Revealed string
	Notes, NoteLabel, Keys, Ended, WheelTitle, WheelIntro, Spin, LandsOn  string
	EndConfirm                                                            string
	WheelHelp, Incident, GameMaster                                       string

	calls    map[string]string
	weekdays [7]string
}

var english = &labels{
	Lang:           "en",
	BriefTitle:     "Players' brief",
	BriefIntro:     "This is what the responders knew when the incident started. Work it out as they had to: acknowledge, find out what is wrong, mitigate, resolve. The game master reveals what happened next.",
	YourIncident:   "The incident",
	Severity:       "Severity",
	Components:     "Affected components",
	Started:        "Started",
	WhatYouKnow:    "What you know",
	FirstUpdate:    "First status update",
	NothingYet:     "Nothing else is known yet.",
	Withheld:       "[…]",
	PostedAt:       "posted",
	YourCalls:      "Your calls",
	CallsHelp:      "Tell the game master when you acknowledge the incident, when you have identified the problem, when it is mitigated and when it is resolved: each call is timed.",
	SheetTitle:     "Game master's sheet",
	SheetIntro:     "Keep this sheet from the players. Reveal each entry when the players' investigation would have found it, or at its real offset from the start (T+0 is started_at).",
	Record:         "Record",
	RealTimes:      "Real times",
	Call:           "Call",
	RealTime:       "Real time",
	WallClock:      "At",
	Detected:       "Detected",
	NotRecorded:    "not recorded",
	SameAsResolved: "no monitoring update: taken as resolved",
	Reveals:        "Reveals",
	InBrief:        "in the brief",
	PartlyBrief:    "partly in the brief",
	BeforeStart:    "Before it started (context for the debrief)",
	Timeline:       "timeline",
	StatusUpdate:   "status update",
	RootCause:      "Root cause",
	Trigger:        "Trigger",
	Resolution:     "Resolution",
	Detection:      "Detection",
	Contributing:   "Contributing factors",
	WentWell:       "What went well",
	WentWrong:      "What went wrong",
	Lucky:          "Where they got lucky",
	ActionItems:    "Action items",
	Item:           "Action",
	Kind:           "Kind",
	Priority:       "Priority",
	Owner:          "Owner",
	Status:         "Status",
	Summary:        "Summary",
	Impact:         "Impact",
	BriefEndsAt:    "The players' brief stops at",
	Players:        "Players",
	Real:           "Real",
	Difference:     "Difference",
	Clock:          "Clock",
	NextReveal:     "Next reveal",
	NoMoreReveals:  "Everything has been revealed.",
	Revealed:       "Revealed",
	Notes:          "Calls and notes",
	NoteLabel:      "Note",
	Keys:           "n reveal next · a acknowledged · i identified · m mitigated · r resolved · t note · + went well · - went wrong · q end",
	Ended:          "The drill is over.",
	EndConfirm:     "End the drill? q or y ends it, any other key goes on.",
	WheelTitle:     "Wheel of Misfortune",
	WheelIntro:     "Incidents from our own history, the severe ones on larger slices. The wheel lands on one: play it as the responders did.",
	Spin:           "Spin the wheel",
	LandsOn:        "The wheel lands on",
	WheelHelp:      "The game master runs",
	Incident:       "Incident",
	GameMaster:     "Game master",
	calls: map[string]string{
		"acknowledged": "Acknowledged", "identified": "Identified", "mitigated": "Mitigated", "resolved": "Resolved", "note": "Note",
		"went_well": "Went well", "went_wrong": "Went wrong",
	},
	weekdays: [7]string{"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"},
}

var french = &labels{
	Lang:           "fr",
	BriefTitle:     "Brief des joueurs",
	BriefIntro:     "Voici ce que savaient les intervenants au début de l'incident. Menez-le comme eux : prendre l'incident en main, trouver ce qui ne va pas, atténuer, résoudre. Le maître du jeu révèle la suite.",
	YourIncident:   "L'incident",
	Severity:       "Gravité",
	Components:     "Composants touchés",
	Started:        "Début",
	WhatYouKnow:    "Ce que vous savez",
	FirstUpdate:    "Premier message d'état",
	NothingYet:     "Rien d'autre n'est encore connu.",
	Withheld:       "[…]",
	PostedAt:       "publié",
	YourCalls:      "Vos annonces",
	CallsHelp:      "Annoncez au maître du jeu quand vous prenez l'incident en main, quand vous avez identifié le problème, quand il est atténué et quand il est résolu : chaque annonce est chronométrée.",
	SheetTitle:     "Fiche du maître du jeu",
	SheetIntro:     "Ne montrez pas cette fiche aux joueurs. Révélez chaque entrée quand leur enquête l'aurait trouvée, ou à son décalage réel depuis le début (T+0 est started_at).",
	Record:         "Fiche",
	RealTimes:      "Temps réels",
	Call:           "Annonce",
	RealTime:       "Temps réel",
	WallClock:      "À",
	Detected:       "Détecté",
	NotRecorded:    "non renseigné",
	SameAsResolved: "pas de message « monitoring » : pris à la résolution",
	Reveals:        "Révélations",
	InBrief:        "dans le brief",
	PartlyBrief:    "en partie dans le brief",
	BeforeStart:    "Avant le début (contexte pour le débrief)",
	Timeline:       "chronologie",
	StatusUpdate:   "message d'état",
	RootCause:      "Cause racine",
	Trigger:        "Déclencheur",
	Resolution:     "Résolution",
	Detection:      "Détection",
	Contributing:   "Facteurs contributifs",
	WentWell:       "Ce qui s'est bien passé",
	WentWrong:      "Ce qui s'est moins bien passé",
	Lucky:          "Ce qui a été de la chance",
	ActionItems:    "Actions",
	Item:           "Action",
	Kind:           "Type",
	Priority:       "Priorité",
	Owner:          "Responsable",
	Status:         "État",
	Summary:        "Résumé",
	Impact:         "Impact",
	BriefEndsAt:    "Le brief des joueurs s'arrête à",
	Players:        "Joueurs",
	Real:           "Réel",
	Difference:     "Écart",
	Clock:          "Horloge",
	NextReveal:     "Prochaine révélation",
	NoMoreReveals:  "Tout a été révélé.",
	Revealed:       "Révélé",
	Notes:          "Annonces et notes",
	NoteLabel:      "Note",
	Keys:           "n révéler · a pris en main · i identifié · m atténué · r résolu · t note · + bien passé · - moins bien passé · q fin",
	Ended:          "L'exercice est terminé.",
	EndConfirm:     "Terminer l'exercice ? q ou y le termine, toute autre touche continue.",
	WheelTitle:     "Roue de l'infortune",
	WheelIntro:     "Des incidents de notre propre histoire, les plus graves sur les plus grandes parts. La roue s'arrête sur l'un d'eux : jouez-le comme les intervenants l'ont vécu.",
	Spin:           "Lancer la roue",
	LandsOn:        "La roue s'arrête sur",
	WheelHelp:      "Le maître du jeu lance",
	Incident:       "Incident",
	GameMaster:     "Maître du jeu",
	calls: map[string]string{
		"acknowledged": "Pris en main", "identified": "Identifié", "mitigated": "Atténué", "resolved": "Résolu", "note": "Note",
		"went_well": "Bien passé", "went_wrong": "Moins bien passé",
	},
	weekdays: [7]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"},
}

func labelsFor(lang string) *labels {
	if strings.HasPrefix(strings.ToLower(lang), "fr") {
		return french
	}
	return english
}

func (l *labels) call(c string) string {
	if s, ok := l.calls[c]; ok {
		return s
	}
	return c
}

// status and comp are the words of a status and of a component status:
// castor's own (internal/i18n), lowercase as they stand in a sentence.
func (l *labels) status(s string) string { return lowerFirst(i18n.For(l.Lang).StatusWord(s)) }

func (l *labels) comp(s string) string { return lowerFirst(i18n.For(l.Lang).ComponentWord(s)) }

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// clock is a time as the players see it: the weekday and the time of day
// in the record's own offset, without the date (which would only send
// them to the archives).
func (l *labels) clock(t time.Time) string {
	zone := t.Format("-07:00")
	if zone == "+00:00" {
		zone = "UTC"
	}
	return l.weekdays[t.Weekday()] + " " + t.Format("15:04") + " " + zone
}
