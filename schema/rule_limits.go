package schema

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Limits of the publishers, from their documentation. Statuspage's are in
// its OpenAPI description (name "maximum limit of 255 characters", body
// "maximum limit of 25000 characters") and its help ("Statuspage has a
// limit of 1100 components"); the API counts characters, not bytes.
const (
	StatuspageMaxName       = 255
	StatuspageMaxBody       = 25000
	StatuspageMaxComponents = 1100
)

// PublishedText is a message as publishers send it: trimmed, with LF
// line endings. Limits are counted on it.
func PublishedText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// ruleLimits is the "limits" rule.
//
// Every limit of a configured publisher is checked here, at the
// line, so that a text too long for it fails review rather than the
// publish after the merge; castor never cuts text to fit. Only
// public records reach a publisher. The webhook and the site take
// text of any length.
func ruleLimits(rc *ruleContext) {
	sp := rc.cfg.Publishers.Statuspage
	if sp == nil || !rc.inc.Public() {
		return
	}
	if n := utf8.RuneCountInString(rc.inc.Title); n > StatuspageMaxName {
		rc.errorf(rc.at("title"), "title: %s characters: a Statuspage incident name takes at most %s (publishers.statuspage)", thousands(n), thousands(StatuspageMaxName))
	}
	for i, u := range rc.inc.Updates {
		if n := utf8.RuneCountInString(PublishedText(u.Message)); n > StatuspageMaxBody {
			rc.errorf(rc.at("updates", i, "message"), "updates[%d].message: %s characters: a Statuspage update body takes at most %s (publishers.statuspage)", i, thousands(n), thousands(StatuspageMaxBody))
		}
	}
}

// thousands prints n with a comma every three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
