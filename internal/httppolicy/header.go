package httppolicy

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// ParseRetryAfter reads a Retry-After header (RFC 9110 §10.2.3): a number
// of seconds, or an HTTP date (a date past is a wait of zero). ok is
// false when there is no usable value. Seconds are capped at a day, so
// that a huge value cannot overflow.
func ParseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		return time.Duration(min(n, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// RedactURL is raw fit for a message: without user information, and with
// "…" for a query, where the secrets of a URL usually are (tokens, keys,
// signatures). A URL that does not parse keeps only what follows its
// user information, without its query.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		s := raw
		if at := strings.LastIndex(s, "@"); at >= 0 {
			scheme := ""
			if i := strings.Index(s, "://"); i >= 0 && i < at {
				scheme = s[:i+3]
			}
			s = scheme + "…" + s[at:]
		}
		if q := strings.IndexAny(s, "?#"); q >= 0 {
			s = s[:q] + "?…"
		}
		return s
	}
	u.User = nil
	if u.RawQuery != "" || u.ForceQuery {
		u.RawQuery, u.ForceQuery = "…", false
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}
