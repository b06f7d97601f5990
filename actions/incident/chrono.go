package incident

import (
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/castor-incidents/castor/internal/lazyre"
)

// Times, dates and time zones as people write them in post-mortems, in
// English, French, German, Spanish and Japanese. Everything is matched on
// folded text (lowercase, no accents), with a map back to the original so
// that the event keeps its own spelling.

// fold lowercases s and strips its accents; at[i] is the offset in s of
// the rune that gave byte i of the result (at[len] = len(s)).
func fold(s string) (string, []int) { return foldAt(s, true) }

// folded is fold's text alone, without the map back.
func folded(s string) string {
	f, _ := foldAt(s, false)
	return f
}

func foldAt(s string, keep bool) (string, []int) {
	var b strings.Builder
	b.Grow(len(s))
	var at []int
	if keep {
		at = make([]int, 0, len(s)+1)
	}
	for i, r := range s {
		switch r {
		case '\u00a0', '\u202f', '\u2009', '\u3000':
			r = ' '
		case '’', 'ʼ', '‘':
			r = '\''
		case '：':
			r = ':'
		case '（':
			r = '('
		case '）':
			r = ')'
		}
		f := foldRune(r)
		if keep {
			for range len(f) {
				at = append(at, i)
			}
		}
		b.WriteString(f)
	}
	if keep {
		at = append(at, len(s))
	}
	return b.String(), at
}

var foldCache sync.Map // rune → string

// foldRune is one rune lowercased without its accents ("É" → "e", "Ｊ"
// → "j"), cached: stripMarks is too slow to call for every rune of a
// large file.
func foldRune(r rune) string {
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return string(r)
	}
	if v, ok := foldCache.Load(r); ok {
		return v.(string)
	}
	f := strings.ToLower(stripMarks(string(unicode.ToLower(r))))
	if f == "" || !utf8.ValidString(f) {
		f = string(r)
	}
	foldCache.Store(r, f)
	return f
}

// civil is a calendar date; year 0 when the text gave none.
type civil struct {
	y int
	m time.Month
	d int
}

func (c civil) valid() bool {
	if c.m < 1 || c.m > 12 || c.d < 1 || c.d > 31 {
		return false
	}
	// "0001/01/01" in a post is a value shown in code, not a day of the
	// incident: dates are of the computer age.
	if c.y != 0 && (c.y < 1970 || c.y >= 2100) {
		return false
	}
	y := c.y
	if y == 0 {
		y = 2000 // a leap year: 29 February is possible
	}
	t := time.Date(y, c.m, c.d, 0, 0, 0, 0, time.UTC)
	return t.Day() == c.d
}

func (c civil) String() string {
	return time.Date(c.y, c.m, c.d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

func civilOf(t time.Time) civil { return civil{t.Year(), t.Month(), t.Day()} }

// clockTime is a time of day and the zone written with it, if any.
type clockTime struct {
	date    civil // zero when not given
	hasDate bool
	min     int // minutes since midnight
	sec     int
	zone    *time.Location
	zoneTxt string
}

// stamp is what starts a chronology entry: a date, a time, or both, an
// optional end (a span) and the event.
type stamp struct {
	from    clockTime
	hasTime bool
	to      *clockTime
	// typo is the year as written when it had a digit too many ("20202",
	// read as 2020).
	typo string
	// ambiguous is set when a numeric date could be day/month or
	// month/day and the document's language decided.
	ambiguous string
	event     string
}

var monthNames = map[string]time.Month{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
	"september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
	"janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7, "aout": 8,
	"septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12, "janv": 1, "fevr": 2, "fev": 2, "avr": 4, "juil": 7,
	"januar": 1, "jaenner": 1, "janner": 1, "februar": 2, "marz": 3, "maerz": 3, "juni": 6, "juli": 7,
	"oktober": 10, "dezember": 12, "okt": 10, "dez": 12,
	"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7, "agosto": 8,
	"septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12, "ene": 1, "abr": 4, "ago": 8, "dic": 12,
}

// monthRE matches a month's name, longest names first: "julio" is not
// "juli" followed by "o".
var monthRE = func() string {
	names := make([]string, 0, len(monthNames))
	for n := range monthNames {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) > len(names[j])
		}
		return names[i] < names[j]
	})
	return `(` + strings.Join(names, "|") + `)(?:\.|\b)`
}()

const weekdayRE = `(?:(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|` +
	`lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|` +
	`lunes|martes|miercoles|jueves|viernes|sabado|domingo)\.?,?\s+(?:(?:le|the|den|el)\s+)?)`

var (
	reLead         = lazyre.New(`^[\s\[(~≈*_>]*(?:(?:approx\.?|approximately|about|around|circa|ca\.|vers|environ|gegen|etwa|um|hacia|sobre|a las|at|on|le|el|am|de)\s+)?[\s~≈]*`)
	reWeekday      = lazyre.New(`^` + weekdayRE)
	reISO          = lazyre.New(`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})`)
	reYearTypo     = lazyre.New(`^(\d{4})(\d)[-/.](\d{1,2})[-/.](\d{1,2})\b`)
	reJA           = lazyre.New(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*\(.\))?`)
	reJAmd         = lazyre.New(`^(\d{1,2})\s*月\s*(\d{1,2})\s*日(?:\s*\(.\))?`)
	reMonthDayTime = lazyre.New(`^(\d{1,2})-(\d{1,2})\s+\d{1,2}:\d{2}`)
	reNumDayMonth  = lazyre.New(`^(\d{1,2})/(\d{1,2})(?:$|[^/\d])`)
	reClockJA      = lazyre.New(`^(午前|午後)?\s*(\d{1,2})\s*時(?:\s*(\d{1,2})\s*分)?(?:\s*(\d{1,2})\s*秒)?`)
	reNumDate      = lazyre.New(`^(\d{1,2})([/.])(\d{1,2})[/.](\d{4}|\d{2})\b`)
	reMonthDay     = lazyre.New(`^` + monthRE + `\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4})\b)?`)
	reDayMonth     = lazyre.New(`^(\d{1,2})(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?` + monthRE + `(?:,?\s+(?:de\s+)?(\d{4})\b)?`)
	reDateJoin     = lazyre.New(`^(?:\s*,?\s*(?:at|a|um|a las|a la|t)\s+|\s*[,t]\s*|\s*-\s+(?:\d)|\s+)`)
	reClock        = lazyre.New(`^(\d{1,2})(?:\s*[:h]\s*(\d{2})(?::(\d{2}))?|\.(\d{2})(?:\s*uhr)|h|\s*uhr)?(?:\s*([ap])\.?\s?m\.?\b)?(?:\s*uhr)?`)
	reZone         = lazyre.New(`^(?:\s+([+-]\d{2}:?\d{2})\b|\s*\(?\s*((?:utc|gmt)\s*[+-]\s*\d{1,2}(?::?\d{2})?|z\b|(?:eastern|pacific|central|mountain|[a-z]{2,5})\b(?:\s+time\b)?)\s*\)?)`)
	reSpan         = lazyre.New(`^\s*(?:-|–|—|~|〜|->|→|to|until|till|a|jusqu'a|jusqu'au|bis|hasta|las)\s*`)
	reSep          = lazyre.New(`^[\s\])*_]*(?:[:|–—-]+|->|→|-->|=>)?\s*`)
	reParenWeekday = lazyre.New(`^\(\s*` + weekdayRE + `?\)\s*`)
	// reYear keeps "2019" alone from reading as a time.
	reOnlyNum = lazyre.New(`^\d{3,}`)
)

// zoneNames resolves the zone names and abbreviations people write to
// IANA zones, so that the offset is right for the date (PDT and PST are
// both America/Los_Angeles).
var zoneNames = map[string]string{
	"utc": "UTC", "gmt": "UTC", "z": "UTC", "ut": "UTC", "zulu": "UTC",
	"pst": "America/Los_Angeles", "pdt": "America/Los_Angeles", "pt": "America/Los_Angeles", "pacific": "America/Los_Angeles",
	"mst": "America/Denver", "mdt": "America/Denver", "mountain": "America/Denver",
	"cst": "America/Chicago", "cdt": "America/Chicago", "central": "America/Chicago",
	"est": "America/New_York", "edt": "America/New_York", "et": "America/New_York", "eastern": "America/New_York",
	"akst": "America/Anchorage", "akdt": "America/Anchorage", "hst": "Pacific/Honolulu",
	"bst": "Europe/London", "wet": "Europe/Lisbon", "west": "Europe/Lisbon",
	"cet": "Europe/Berlin", "cest": "Europe/Berlin", "mez": "Europe/Berlin", "mesz": "Europe/Berlin",
	"eet": "Europe/Athens", "eest": "Europe/Athens", "msk": "Europe/Moscow",
	"ist": "Asia/Kolkata", "sgt": "Asia/Singapore", "hkt": "Asia/Hong_Kong", "jst": "Asia/Tokyo", "kst": "Asia/Seoul",
	"aest": "Australia/Sydney", "aedt": "Australia/Sydney", "acst": "Australia/Adelaide", "acdt": "Australia/Adelaide",
	"awst": "Australia/Perth", "nzst": "Pacific/Auckland", "nzdt": "Pacific/Auckland", "brt": "America/Sao_Paulo",
	"paris": "Europe/Paris", "berlin": "Europe/Berlin", "london": "Europe/London", "tokyo": "Asia/Tokyo", "madrid": "Europe/Madrid",
	"francaise": "Europe/Paris", "france": "Europe/Paris",
}

// zoneFor resolves a zone name as written: "PDT", "utc+2", "+01:00",
// "Eastern time".
func zoneFor(name string) (*time.Location, bool) {
	n := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(name), " time"))
	if n == "" {
		return nil, false
	}
	if id, ok := zoneNames[n]; ok {
		if id == "UTC" {
			return time.UTC, true
		}
		loc, err := time.LoadLocation(id)
		return loc, err == nil
	}
	// Offsets: "+01:00", "-0700", "utc+2", "gmt-05:30".
	s := strings.TrimPrefix(strings.TrimPrefix(n, "utc"), "gmt")
	s = strings.ReplaceAll(s, " ", "")
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return nil, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	digits := strings.ReplaceAll(s[1:], ":", "")
	var h, m int
	switch len(digits) {
	case 1, 2:
		h, _ = strconv.Atoi(digits)
	case 3, 4:
		h, _ = strconv.Atoi(digits[:len(digits)-2])
		m, _ = strconv.Atoi(digits[len(digits)-2:])
	default:
		return nil, false
	}
	if h > 14 || m > 59 {
		return nil, false
	}
	off := sign * (h*3600 + m*60)
	if off == 0 {
		return time.UTC, true
	}
	return time.FixedZone(strings.ToUpper(name), off), true
}

// dateStyle says how to read 02/07/2019: day first (most of the world)
// or month first (American English).
type dateStyle int

const (
	dayFirstUnknown dateStyle = iota // guess day first and say so
	dayFirst
	monthFirst
)

// parseDateAt reads a date at the start of folded text; n is its length.
func parseDateAt(f string, style dateStyle) (c civil, n int, ambiguous string, ok bool) {
	// Every date starts with a digit or a month's name: the patterns of
	// the other kind are not tried (they are tried for every line).
	switch {
	case f == "":
	case f[0] >= '0' && f[0] <= '9':
		return parseNumericDate(f, style)
	case f[0] >= 'a' && f[0] <= 'z':
		return parseNamedDate(f)
	}
	return civil{}, 0, "", false
}

// parseNumericDate reads a date that starts with a digit: "2019-10-21",
// "21/10/2019", "2019年10月21日", "21 octobre 2019".
func parseNumericDate(f string, style dateStyle) (c civil, n int, ambiguous string, ok bool) {
	if m := reISO.FindStringSubmatch(f); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		c = civil{y, time.Month(mo), d}
		return c, len(m[0]), "", c.valid()
	}
	if m := reJA.FindStringSubmatch(f); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		c = civil{y, time.Month(mo), d}
		return c, len(m[0]), "", c.valid()
	}
	if m := reJAmd.FindStringSubmatch(f); m != nil {
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		c = civil{0, time.Month(mo), d}
		return c, len(m[0]), "", c.valid()
	}
	if m := reMonthDayTime.FindStringSubmatch(f); m != nil {
		// "[12-05 16:21]": month and day, in a log's style.
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		c = civil{0, time.Month(mo), d}
		return c, len(m[1]) + 1 + len(m[2]), "", c.valid()
	}
	if m := reNumDayMonth.FindStringSubmatch(f); m != nil {
		// "11/25": a day of the year the post is about, in the order
		// the document's language writes it.
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[2])
		d, mo := a, b
		switch {
		case a > 12:
		case b > 12 || style == monthFirst:
			d, mo = b, a
		case a == b:
		case style == dayFirst:
			ambiguous = "day first, as the document's language writes dates"
		default:
			ambiguous = "day first: the document's language does not say"
		}
		if style == monthFirst && a <= 12 && b <= 12 && a != b {
			ambiguous = "month first, as the document's language writes dates"
		}
		c = civil{0, time.Month(mo), d}
		return c, len(m[1]) + 1 + len(m[2]), ambiguous, c.valid()
	}
	if m := reNumDate.FindStringSubmatch(f); m != nil {
		a, _ := strconv.Atoi(m[1])
		b, _ := strconv.Atoi(m[3])
		y, _ := strconv.Atoi(m[4])
		if len(m[4]) == 2 {
			y += 2000
		}
		d, mo := a, b
		switch {
		case m[2] == ".": // 22.07.2026: always day first
		case a > 12:
		case b > 12:
			d, mo = b, a
		case a == b:
		case style == monthFirst:
			d, mo = b, a
			ambiguous = "month first, as in American English"
		case style == dayFirst:
			ambiguous = "day first, as the document's language writes dates"
		default:
			ambiguous = "day first: the document's language does not say"
		}
		c = civil{y, time.Month(mo), d}
		return c, len(m[0]), ambiguous, c.valid()
	}
	if m := reDayMonth.FindStringSubmatch(f); m != nil {
		d, _ := strconv.Atoi(m[1])
		y, _ := strconv.Atoi(m[3])
		c = civil{y, monthNames[strings.TrimSuffix(m[2], ".")], d}
		return c, len(m[0]), "", c.valid()
	}
	return civil{}, 0, "", false
}

// parseNamedDate reads a date that starts with a month: "July 2, 2019".
func parseNamedDate(f string) (c civil, n int, ambiguous string, ok bool) {
	if m := reMonthDay.FindStringSubmatch(f); m != nil {
		d, _ := strconv.Atoi(m[2])
		y, _ := strconv.Atoi(m[3])
		c = civil{y, monthNames[strings.TrimSuffix(m[1], ".")], d}
		return c, len(m[0]), "", c.valid()
	}
	return civil{}, 0, "", false
}

// parseClockAt reads a time of day, with its zone, at the start of folded
// text.
func parseClockAt(f string) (ct clockTime, n int, ok bool) {
	if m := reClockJA.FindStringSubmatch(f); m != nil && !strings.HasPrefix(f[len(m[0]):], "間") {
		// "午後3時", "10時47分": "3時間" is three hours, no time.
		h, _ := strconv.Atoi(m[2])
		mm, _ := strconv.Atoi(m[3])
		ct.sec, _ = strconv.Atoi(m[4])
		switch {
		case m[1] == "午後" && h < 12:
			h += 12
		case m[1] == "午前" && h == 12:
			h = 0
		}
		if h > 23 || mm > 59 || ct.sec > 59 {
			return clockTime{}, 0, false
		}
		ct.min = h*60 + mm
		return ct, len(m[0]), true
	}
	if reOnlyNum.MatchString(f) {
		return ct, 0, false
	}
	m := reClock.FindStringSubmatch(f)
	if m == nil || m[0] == m[1] {
		return ct, 0, false // a bare number is no time
	}
	h, _ := strconv.Atoi(m[1])
	mm := 0
	if m[2] != "" {
		mm, _ = strconv.Atoi(m[2])
	} else if m[4] != "" {
		mm, _ = strconv.Atoi(m[4])
	}
	if m[3] != "" {
		ct.sec, _ = strconv.Atoi(m[3])
	}
	switch m[5] {
	case "a":
		if h == 12 {
			h = 0
		} else if h > 12 {
			return ct, 0, false
		}
	case "p":
		if h < 12 {
			h += 12
		} else if h > 12 {
			return ct, 0, false
		}
	}
	if h > 23 || mm > 59 || ct.sec > 59 {
		return ct, 0, false
	}
	// "10h" alone or "3 uhr" need the mark; "10" does not pass above.
	ct.min = h*60 + mm
	n = len(m[0])
	if z := reZone.FindStringSubmatch(f[n:]); z != nil {
		if loc, ok := zoneFor(z[1] + z[2]); ok {
			ct.zone, ct.zoneTxt = loc, z[1]+z[2]
			n += len(z[0])
		}
	} else if z := reZoneHours.FindStringSubmatchIndex(f[n:]); z != nil {
		if loc, ok := zoneFor(f[n+z[2] : n+z[3]]); ok {
			ct.zone, ct.zoneTxt = loc, f[n+z[2]:n+z[3]]
			n += z[3]
		}
	}
	return ct, n, true
}

// reZoneHours is an offset in whole hours, as Go writes a zone without
// an abbreviation ("20:12 -03"): taken only at the end or before a span's
// dash or a separator, where "-03" cannot be the start of something else.
var reZoneHours = lazyre.New(`^\s+([+-]\d{2})(?:\s*$|\s+[–—·|)]|\s+-\s)`)

// parseStamp reads the date and time that start a chronology entry.
// A date alone (a heading, a line above the times) has hasTime false.
func parseStamp(s string, style dateStyle) (st stamp, ok bool) {
	f, at := fold(s)
	pos := 0
	// An emphasis opened before the time ("**21:17 UTC: published**")
	// is opened again before the event.
	delim := ""
	if m := reLead.FindString(f); m != "" {
		pos = len(m)
		if t := strings.TrimLeft(m, " \t[(~≈>"); strings.HasPrefix(t, "**") || strings.HasPrefix(t, "__") {
			delim = t[:2]
		} else if strings.HasPrefix(t, "*") || strings.HasPrefix(t, "_") {
			delim = t[:1]
		}
	}
	if m := reWeekday.FindString(f[pos:]); m != "" {
		pos += len(m)
	}
	// "20202-01-16": a year typed with a digit too many. Read as the
	// year its first four digits make, and said (typo).
	if m := reYearTypo.FindStringSubmatch(f[pos:]); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[3])
		d, _ := strconv.Atoi(m[4])
		if c := (civil{y, time.Month(mo), d}); c.valid() {
			st.typo = m[1] + m[2]
			s = s[:at[pos]] + m[1] + s[at[pos]+len(m[1])+len(m[2]):]
			f, at = fold(s)
		}
	}
	if c, n, amb, ok := parseDateAt(f[pos:], style); ok {
		st.from.date, st.from.hasDate, st.ambiguous = c, true, amb
		pos += n
		if j := reDateJoin.FindString(f[pos:]); j != "" {
			// "- 1" is a separator followed by a digit: keep the digit.
			if strings.HasSuffix(j, "-") || !strings.ContainsAny(j[len(j)-1:], "0123456789") {
				pos += len(j)
			} else {
				pos += len(j) - 1
			}
		}
		if m := reParenWeekday.FindString(f[pos:]); m != "" {
			pos += len(m)
		}
	}
	if ct, n, ok := parseClockAt(f[pos:]); ok {
		ct.date, ct.hasDate = st.from.date, st.from.hasDate
		st.from, st.hasTime = ct, true
		pos += n
		// A span: "9h05 – 9h40", "12:17-12:30 UTC", "2021-03-10 01:50 +01:00 – 2021-03-10 09:40 +01:00".
		if sp := reSpan.FindString(f[pos:]); sp != "" {
			q := pos + len(sp)
			var end clockTime
			if c, n, _, ok := parseDateAt(f[q:], style); ok {
				end.date, end.hasDate = c, true
				q += n
				if j := reDateJoin.FindString(f[q:]); j != "" {
					q += len(j)
				}
			}
			if ct2, n2, ok := parseClockAt(f[q:]); ok {
				ct2.date, ct2.hasDate = end.date, end.hasDate
				st.to = &ct2
				pos = q + n2
				if st.from.zone == nil && ct2.zone != nil {
					st.from.zone, st.from.zoneTxt = ct2.zone, ct2.zoneTxt
				}
			}
		}
	} else if !st.from.hasDate {
		return st, false
	}
	pos += len(reSep.FindString(f[pos:]))
	st.event = strings.TrimSpace(s[at[min(pos, len(f))]:])
	st.event = strings.TrimLeft(st.event, ":|-–— ")
	if delim != "" && strings.HasSuffix(st.event, delim) && !strings.HasPrefix(st.event, delim) {
		st.event = delim + st.event
	}
	return st, true
}

// Document-wide time zone statements: "All times are UTC", "All times
// PDT", "Heure de Paris", "Zeiten in MEZ", "全時刻は JST", "(CEST)".
var zoneStatements = []*lazyre.Regexp{
	lazyre.New(`\ball (?:the )?(?:times?|timestamps|hours)\b(?: (?:below|above|here|listed|shown|given|mentioned|are|is|were|in this (?:document|post|report)))*(?: (?:in|at|as))?(?: the)? ([a-z][a-z0-9+:\- ]{0,20})`),
	lazyre.New(`\b(?:times?|timestamps)(?: below| above)? (?:are |were )?(?:in|shown in|given in|expressed in|listed in) (?:the )?([a-z][a-z0-9+:\- ]{0,20})`),
	lazyre.New(`\btime ?zone\s*:\s*([a-z][a-z0-9+:/_\- ]{0,25})`),
	lazyre.New(`\b(?:toutes les |les )?(?:heures|horaires)(?: indiquees| mentionnees| donnees)? (?:sont |en |exprimees |donnees |a )+(?:l'heure de |heure de |l'heure |en )?([a-z][a-z0-9+:\- ]{0,20})`),
	lazyre.New(`\b(heure de paris|heure francaise|heure de france)\b`),
	lazyre.New(`\bfuseau(?: horaire)?\s*:\s*([a-z][a-z0-9+:/_\- ]{0,25})`),
	lazyre.New(`\b(?:alle )?(?:zeiten|zeitangaben|uhrzeiten)(?: sind| verstehen sich| in diesem dokument)*(?: in)? ([a-z][a-z0-9+:\- ]{0,20})`),
	lazyre.New(`\bzeitzone\s*:\s*([a-z][a-z0-9+:/_\- ]{0,25})`),
	lazyre.New(`\b(?:todas las )?(?:horas|marcas de tiempo)(?: estan| son| se indican| indicadas)*(?: en)?(?: hora| horario)?(?: de| del)? ([a-z][a-z0-9+:\- ]{0,20})`),
	lazyre.New(`\bzona horaria\s*:\s*([a-z][a-z0-9+:/_\- ]{0,25})`),
	lazyre.New(`(?:全(?:て|ての)?)?時刻(?:は|:)\s*([a-z]{2,5}|日本時間)`),
	lazyre.New(`(日本時間)`),
}

// Statements of the day of every entry: "all events happened on
// 2019-10-21", "tous les événements ont eu lieu le 2 juillet 2019",
// "alle Ereignisse fanden am 22.07.2026 statt", "todos los eventos
// ocurrieron el 2 de julio de 2019", "すべての時刻は2019年7月2日".
var dateStatements = lazyre.New(`\b(?:all (?:the )?(?:events|times|entries|timestamps)(?: (?:below|above|listed|shown))?(?: (?:happened|occurred|took place|are|were|is))? on|tous les (?:evenements|horaires|faits) (?:ont eu lieu|se sont produits|sont|datent) (?:le|du)|alle (?:ereignisse|zeiten|zeitangaben|eintrage|eintraege) (?:fanden|sind|beziehen sich auf|erfolgten) (?:am|den)|todos los (?:eventos|hechos|horarios) (?:ocurrieron|sucedieron|son|tuvieron lugar) (?:el|del))\s+(?:` + weekdayRE + `)?|(?:すべて|全て)の(?:イベント|事象|時刻|出来事)は\s*`)

// dateStatement finds a statement of the day of every chronology entry.
func dateStatement(text string, style dateStyle) (civil, bool) {
	return dateStatementFolded(folded(text), style)
}

func dateStatementFolded(f string, style dateStyle) (civil, bool) {
	for _, m := range dateStatements.FindAllStringIndex(f, -1) {
		if c, _, _, ok := parseDateAt(f[m[1]:], style); ok && c.y != 0 {
			return c, true
		}
	}
	return civil{}, false
}

var reParenZone = lazyre.New(`\(\s*(?:in\s+|en\s+|in\s+)?((?:utc|gmt)\s*[+-]\s*\d{1,2}(?::?\d{2})?|[a-z]{2,5})\s*\)|\b(?:in|en)\s+([a-z]{2,5})\s*$`)

// zoneStatement finds a statement of the zone of every time in text.
func zoneStatement(text string) (*time.Location, string, bool) {
	return zoneStatementFolded(folded(text))
}

func zoneStatementFolded(f string) (*time.Location, string, bool) {
	for _, re := range zoneStatements {
		for _, m := range re.FindAllStringSubmatch(f, -1) {
			w := m[1]
			if w == "日本時間" {
				loc, _ := zoneFor("jst")
				return loc, "JST", true
			}
			if strings.HasPrefix(w, "heure de paris") || strings.HasPrefix(w, "heure francaise") || strings.HasPrefix(w, "heure de france") {
				loc, _ := zoneFor("paris")
				return loc, "heure de Paris", true
			}
			if loc, name, ok := zoneWords(w); ok {
				return loc, name, true
			}
		}
	}
	return nil, "", false
}

// headerZone finds a zone in a heading or a table header: "Timeline
// (UTC)", "Date and Time in CET", "時刻 (JST)".
func headerZone(text string) (*time.Location, string, bool) {
	f := folded(text)
	for _, m := range reParenZone.FindAllStringSubmatch(f, -1) {
		w := m[1] + m[2]
		if loc, ok := zoneFor(w); ok {
			return loc, strings.ToUpper(w), true
		}
	}
	return zoneStatement(text)
}

// zoneWords resolves the first words of a statement: "utc.", "pacific
// time", "paris time", "utc+2".
func zoneWords(w string) (*time.Location, string, bool) {
	fields := strings.FieldsFunc(w, func(r rune) bool { return r == ' ' || r == '.' || r == ',' || r == ')' || r == ';' })
	if len(fields) == 0 {
		return nil, "", false
	}
	first := fields[0]
	if first == "the" && len(fields) > 1 {
		first = fields[1]
	}
	if loc, ok := zoneFor(first); ok {
		return loc, strings.ToUpper(first), true
	}
	if len(fields) > 1 {
		if loc, ok := zoneFor(first + fields[1]); ok { // "utc +2"
			return loc, first + fields[1], true
		}
	}
	return nil, "", false
}

// Dates in running text: the first one of a sentence like "On
// 2023-07-20 between 12:17 and 12:30 UTC" or "le 2 juillet 2019".
var reDateAnywhere = lazyre.New(`\b(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}[/.]\d{1,2}[/.]\d{4}|` + monthRE + `\s+\d{1,2}(?:st|nd|rd|th)?(?:,?\s+\d{4})?|\d{1,2}(?:st|nd|rd|th|er|\.)?\s+(?:of\s+|de\s+)?` + monthRE + `(?:,?\s+(?:de\s+)?\d{4})?)`)

// datesIn returns the dates written in text, in order.
func datesIn(text string, style dateStyle) []civil {
	f := folded(text)
	var out []civil
	for _, loc := range reDateAnywhere.FindAllStringIndex(f, -1) {
		if c, _, _, ok := parseDateAt(f[loc[0]:], style); ok {
			out = append(out, c)
		}
	}
	return out
}

// Relative days, anchored on the publication date.
var reRelativeDay = lazyre.New(`\b(avant-hier|hier|yesterday|the day before yesterday|aujourd'hui|today|ce matin|this morning|cette nuit|last night|gestern|heute|ayer|hoy)\b|(昨日|本日|今日)`)

func relativeDay(text string) (days int, ok bool) {
	f := folded(text)
	m := reRelativeDay.FindStringSubmatch(f)
	if m == nil {
		return 0, false
	}
	switch m[1] + m[2] {
	case "hier", "yesterday", "gestern", "ayer", "昨日":
		return -1, true
	case "avant-hier", "the day before yesterday":
		return -2, true
	}
	return 0, true
}

// parseFrontDate reads a front matter date: "2021-03-11 10:40",
// "2021-03-11", RFC 3339... Times without an offset are in loc.
func parseFrontDate(s string, loc *time.Location) (time.Time, bool) {
	s = strings.Trim(strings.TrimSpace(s), `"'`)
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05 -07:00",
		"2006-01-02 15:04:05", "2006-01-02 15:04 -0700", "2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// reClockIn finds the times of day in running text: "01:52", "9h05".
var reClockIn = lazyre.New(`\b\d{1,2}(?::\d{2}|h\d{2})\b`)

// sentenceStamp reads the instant a sentence of running text gives: one
// time of day and one date, in any order ("At 01:52 UTC, 2022-10-28",
// "at 17:22 UTC on August 18, 2023"). A sentence with more than one
// time, or no date, gives none.
func sentenceStamp(sentence string, style dateStyle) (stamp, bool) {
	f := folded(sentence)
	locs := reClockIn.FindAllStringIndex(f, -1)
	if len(locs) != 1 {
		return stamp{}, false
	}
	ct, _, ok := parseClockAt(f[locs[0][0]:])
	if !ok {
		return stamp{}, false
	}
	// The date, with the time taken out ("2019-10-21 01:38" reads as a
	// date once).
	rest := f[:locs[0][0]] + " " + f[locs[0][1]:]
	dates := datesIn(rest, style)
	if len(dates) != 1 {
		return stamp{}, false
	}
	ct.date, ct.hasDate = dates[0], true
	return stamp{from: ct, hasTime: true, event: sentence}, true
}

// zonedClock reads a clause of running text that gives one time of day
// with its zone and no date ("At 15:23 UTC we received a report").
func zonedClock(clause string, style dateStyle) (stamp, bool) {
	f := folded(clause)
	locs := reClockIn.FindAllStringIndex(f, -1)
	if len(locs) != 1 {
		return stamp{}, false
	}
	ct, _, ok := parseClockAt(f[locs[0][0]:])
	if !ok || (ct.zone == nil && ct.zoneTxt == "") {
		return stamp{}, false
	}
	if len(datesIn(f[:locs[0][0]]+" "+f[locs[0][1]:], style)) > 0 {
		return stamp{}, false
	}
	return stamp{from: ct, hasTime: true, event: clause}, true
}

// clauseBreaks are where a sentence telling several moments is cut, the
// strongest first: "…the cause of the problem, and while we worked on a
// fix, we reverted … by 15:56 UTC".
var clauseBreaks = []string{"; ", ", and ", ", et ", ", und ", ", y ", ", then ", " and ", " et ", " und ", " y ", " then ", ", "}

// reSpanJoin is what joins the two ends of a span: "12:17-12:30",
// "from 9:05 to 9:40", "14h bis 15h".
var reSpanJoin = lazyre.New(`^\s*(?:[a-z]{2,5}\s*)?(?:-|–|—|to|until|till|and|a|à|au|bis|und|et|y|hasta|〜|~|から)\s*$`)

// clausesByTime cuts a sentence that gives several times of day (not a
// span) into clauses of one time each, at the strongest break between
// two times; a sentence with one time or a span is one clause.
func clausesByTime(sentence string) []string {
	f, at := fold(sentence)
	locs := reClockIn.FindAllStringIndex(f, -1)
	if len(locs) < 2 {
		return []string{sentence}
	}
	var out []string
	start := 0 // in f
	for i := 1; i < len(locs); i++ {
		between := f[locs[i-1][1]:locs[i][0]]
		if reSpanJoin.MatchString(between) || reBetween.MatchString(f[max(0, locs[i-1][0]-12):locs[i][1]]) {
			return []string{sentence}
		}
		cut := -1
		var brk string
		for _, b := range clauseBreaks {
			if j := strings.Index(between, b); j >= 0 {
				cut, brk = locs[i-1][1]+j, b
				break
			}
		}
		if cut < 0 {
			return []string{sentence}
		}
		out = append(out, strings.TrimSpace(sentence[at[start]:at[cut]]))
		start = cut + len(brk)
	}
	out = append(out, strings.TrimSpace(sentence[at[start]:]))
	return out
}

var weekdayNames = map[string]time.Weekday{
	"monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday, "thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday, "sunday": time.Sunday,
	"lundi": time.Monday, "mardi": time.Tuesday, "mercredi": time.Wednesday, "jeudi": time.Thursday, "vendredi": time.Friday, "samedi": time.Saturday, "dimanche": time.Sunday,
	"montag": time.Monday, "dienstag": time.Tuesday, "mittwoch": time.Wednesday, "donnerstag": time.Thursday, "freitag": time.Friday, "samstag": time.Saturday, "sonntag": time.Sunday,
	"lunes": time.Monday, "martes": time.Tuesday, "miercoles": time.Wednesday, "jueves": time.Thursday, "viernes": time.Friday, "sabado": time.Saturday, "domingo": time.Sunday,
}

// reOnWeekday is "on Monday", "le lundi", "am Montag", "el lunes" not
// followed by a date ("on Monday, 2 July" is a date).
var reOnWeekday = lazyre.New(`\b(?:on|le|am|el|this|last|ce)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|lunes|martes|miercoles|jueves|viernes|sabado|domingo)\b`)

// weekdayIn finds the day of the week the text names for the incident.
func weekdayIn(text string) (time.Weekday, bool) {
	f := folded(text)
	m := reOnWeekday.FindStringSubmatchIndex(f)
	if m == nil {
		return 0, false
	}
	if _, _, _, ok := parseDateAt(strings.TrimLeft(f[m[1]:], " ,"), dayFirstUnknown); ok {
		return 0, false
	}
	return weekdayNames[f[m[2]:m[3]]], true
}
