package incident

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Times and dates as people write them in post-mortems.

// clock is a time of day, as written: "1h50", "10h", "14:30", "2:30 pm".
const clock = `(\d{1,2})(?:[hH](\d{2})?|:(\d{2}))(?:\s*([aApP])\.?[mM]\.?)?`

// space includes the no-break spaces of French typography.
const space = `[\s\x{00A0}\x{202F}]`

// chronoLine is a chronology item: an optional ISO date, a time or a span,
// an optional UTC marker, a separator and the event.
var chronoLine = regexp.MustCompile(`^(?:(\d{4}-\d{2}-\d{2})(?:` + space + `+|T))?` + clock + utcMark +
	`(?:` + space + `*(?:–|—|-|->|→|to|until|à|a|jusqu'à)` + space + `*` + clock + utcMark + `)?` +
	space + `*(?:[:：|–—-]|-->|->|→)?` + space + `*(.*)$`)

const utcMark = `(?:` + space + `*(UTC|GMT|Z)\b)?`

// chronoEntry is a parsed chronology item.
type chronoEntry struct {
	date     string // YYYY-MM-DD when the item gives one
	from, to int    // minutes since midnight; to < 0 without a span
	utc      bool
	event    string
}

// parseChrono reads the time at the start of a chronology item; ok is
// false when the item does not start with one.
func parseChrono(s string) (e chronoEntry, ok bool) {
	m := chronoLine.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return e, false
	}
	from, ok := minutes(m[2], m[3], m[4], m[5])
	if !ok {
		return e, false
	}
	e = chronoEntry{date: m[1], from: from, to: -1, utc: m[6] != "" || m[11] != "", event: strings.TrimSpace(m[12])}
	if m[7] != "" {
		to, ok := minutes(m[7], m[8], m[9], m[10])
		if !ok {
			return e, false
		}
		e.to = to
	}
	if e.event == "" {
		return e, false
	}
	return e, true
}

func minutes(h, m1, m2, ampm string) (int, bool) {
	hh, _ := strconv.Atoi(h)
	mm := 0
	if m := m1 + m2; m != "" {
		mm, _ = strconv.Atoi(m)
	}
	switch strings.ToLower(ampm) {
	case "a":
		if hh == 12 {
			hh = 0
		}
	case "p":
		if hh < 12 {
			hh += 12
		}
	}
	if hh > 23 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

var months = map[string]time.Month{
	"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
	"aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

const monthNames = `(janvier|fevrier|mars|avril|mai|juin|juillet|aout|septembre|octobre|novembre|decembre|january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept|sep|oct|nov|dec)\.?`

// Dates in running text, matched on normalised text (lowercase, no
// accents): "10 mars", "le 1er avril 2021", "March 10, 2021", "10th of
// March", "2021-03-10".
var (
	dateISO      = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	dateDayMonth = regexp.MustCompile(`\b(\d{1,2})(?:er|st|nd|rd|th)?(?: of)? ` + monthNames + `(?:,? (\d{4}))?\b`)
	dateMonthDay = regexp.MustCompile(`\b` + monthNames + ` (\d{1,2})(?:st|nd|rd|th)?(?:,? (\d{4}))?\b`)
	dateRelative = regexp.MustCompile(`\b(avant-hier|hier|yesterday|the day before yesterday|aujourd'hui|today|ce matin|this morning|cette nuit|last night)\b`)
)

// dateIn finds the incident's date in running text. published gives the
// year when the text does not, and anchors words like "hier"; a date
// without a year that would fall after publication is the year before.
// what says which rule matched.
func dateIn(s string, published time.Time) (d time.Time, what string, ok bool) {
	n := normalize(s)
	type found struct {
		at   int
		d    time.Time
		what string
	}
	var best *found
	take := func(at int, d time.Time, what string) {
		if best == nil || at < best.at {
			best = &found{at, d, what}
		}
	}
	mk := func(y int, m time.Month, day int) (time.Time, bool) {
		if y == 0 {
			if published.IsZero() {
				return time.Time{}, false
			}
			y = published.Year()
			if t := time.Date(y, m, day, 0, 0, 0, 0, time.UTC); t.After(dateOnly(published)) {
				y--
			}
		}
		t := time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
		return t, t.Day() == day && t.Month() == m
	}
	if m := dateISO.FindStringSubmatchIndex(n); m != nil {
		y, _ := strconv.Atoi(n[m[2]:m[3]])
		mo, _ := strconv.Atoi(n[m[4]:m[5]])
		day, _ := strconv.Atoi(n[m[6]:m[7]])
		if t, ok := mk(y, time.Month(mo), day); ok {
			take(m[0], t, fmt.Sprintf("%q", n[m[0]:m[1]]))
		}
	}
	if m := dateDayMonth.FindStringSubmatchIndex(n); m != nil {
		day, _ := strconv.Atoi(n[m[2]:m[3]])
		y := 0
		if m[6] >= 0 {
			y, _ = strconv.Atoi(n[m[6]:m[7]])
		}
		if t, ok := mk(y, months[n[m[4]:m[5]]], day); ok {
			take(m[0], t, fmt.Sprintf("%q", n[m[0]:m[1]]))
		}
	}
	if m := dateMonthDay.FindStringSubmatchIndex(n); m != nil {
		day, _ := strconv.Atoi(n[m[4]:m[5]])
		y := 0
		if m[6] >= 0 {
			y, _ = strconv.Atoi(n[m[6]:m[7]])
		}
		if t, ok := mk(y, months[n[m[2]:m[3]]], day); ok {
			take(m[0], t, fmt.Sprintf("%q", n[m[0]:m[1]]))
		}
	}
	if best == nil && !published.IsZero() {
		if m := dateRelative.FindStringSubmatchIndex(n); m != nil {
			word := n[m[2]:m[3]]
			days := 0
			switch word {
			case "hier", "yesterday":
				days = -1
			case "avant-hier", "the day before yesterday":
				days = -2
			}
			take(m[0], dateOnly(published).AddDate(0, 0, days), fmt.Sprintf("%q and the publication date", word))
		}
	}
	if best == nil {
		return time.Time{}, "", false
	}
	return best.d, best.what, true
}

func dateOnly(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// parseFrontDate reads a front matter date: "2021-03-11 10:40",
// "2021-03-11", RFC 3339... Times without an offset are in loc.
func parseFrontDate(s string, loc *time.Location) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 -07:00",
		"2006-01-02 15:04:05", "2006-01-02 15:04 -0700", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
