package recordgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// VariedConfig is the castor.yaml of the i-th Varied record: its site's
// zone changes with i, among zones whose abbreviations are ambiguous
// (CST is China's and Chicago's) or numbers ("-03").
func VariedConfig(i int) string {
	zones := []string{"Europe/Paris", "Asia/Shanghai", "America/Sao_Paulo", "Asia/Kolkata", "UTC", "America/New_York"}
	return "site: {timezone: " + zones[i%len(zones)] + "}\ncomponents:\n  - {name: api}\n  - {name: web, display_name: Web site}\n  - {name: db}\n"
}

// Varied returns the path and content of the i-th of a family of valid
// records that differ from one another in what a record can hold: times
// with seconds and offsets, spans, English or French, Markdown with
// lists, code, links and characters that mean something in Markdown,
// HTML or YAML, every optional field of the post-mortem and of action
// items. Deterministic: the same i gives the same record.
func Varied(i int) (path string, data []byte) {
	r := rand.New(rand.NewPCG(uint64(i), 0x5eed))
	pick := func(xs []string) string { return xs[r.IntN(len(xs))] }
	zones := []*time.Location{time.UTC, time.FixedZone("", 3600), time.FixedZone("", -7*3600), time.FixedZone("", 9*3600), time.FixedZone("", 5*3600+1800)}
	zone := zones[r.IntN(len(zones))]
	start := time.Date(2018+r.IntN(8), time.Month(1+r.IntN(12)), 1+r.IntN(28), r.IntN(24), r.IntN(60), 0, 0, zone)
	if r.IntN(3) == 0 {
		start = start.Add(time.Duration(1+r.IntN(59)) * time.Second)
	}
	ts := func(t time.Time) string { return t.Format(time.RFC3339) }
	fr := r.IntN(3) == 0
	words := enWords
	if fr {
		words = frWords
	}
	sentence := func() string {
		n := 3 + r.IntN(9)
		var ws []string
		for range n {
			ws = append(ws, pick(words))
		}
		return capital(strings.Join(ws, " "))
	}
	text := func() string { // one line, with the characters that matter
		s := sentence()
		if r.IntN(3) == 0 {
			s += " " + pick(tricky)
		}
		return s
	}
	markdown := func() string {
		var parts []string
		for range 1 + r.IntN(3) {
			switch r.IntN(5) {
			case 0:
				var b strings.Builder
				for range 2 + r.IntN(3) {
					b.WriteString("- " + text() + "\n")
				}
				parts = append(parts, strings.TrimSuffix(b.String(), "\n"))
			case 1:
				parts = append(parts, "```\n$ "+pick([]string{"kubectl get pods", "systemctl restart postfix", "SELECT * FROM t WHERE a < 3 & b > 2;"})+"\n```")
			default:
				parts = append(parts, text()+". "+sentence()+" [the "+pick(words)+"](https://example.org/"+strconv.Itoa(r.IntN(100))+").")
			}
		}
		return strings.Join(parts, "\n\n")
	}
	var b strings.Builder
	id := fmt.Sprintf("%s-varied-record-%d", start.Format("2006-01-02"), i)
	fmt.Fprintf(&b, "id: %s\ntitle: %s\n", id, quote(capital(text())))
	fmt.Fprintf(&b, "severity: SEV%d\nstatus: resolved\nvisibility: %s\n", 1+r.IntN(4), pick([]string{"public", "internal"}))
	if fr {
		b.WriteString("lang: fr\n")
	} else if r.IntN(2) == 0 {
		b.WriteString("lang: en\n")
	}
	at := start
	next := func() time.Time {
		at = at.Add(time.Duration(1+r.IntN(180)) * time.Minute)
		if r.IntN(4) == 0 {
			at = at.Add(time.Duration(1+r.IntN(59)) * time.Second)
		}
		return at
	}
	fmt.Fprintf(&b, "started_at: %s\n", ts(start))
	detected := next()
	fmt.Fprintf(&b, "detected_at: %s\n", ts(detected))
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "components: [%s]\n", pick([]string{"api", "web", "api, db"}))
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "commander: %s\n", pick(logins))
	}
	block := func(key, indent, s string) {
		fmt.Fprintf(&b, "%s%s: |\n", indent, key)
		for _, l := range strings.Split(s, "\n") {
			if l == "" {
				b.WriteString("\n")
			} else {
				b.WriteString(indent + "  " + l + "\n")
			}
		}
	}
	block("summary", "", markdown())
	if r.IntN(3) > 0 {
		block("impact", "", markdown())
	}
	var timeline strings.Builder
	for range r.IntN(9) {
		e := next()
		fmt.Fprintf(&timeline, "  - at: %s\n", ts(e.In(zones[r.IntN(len(zones))])))
		if r.IntN(5) == 0 {
			fmt.Fprintf(&timeline, "    until: %s\n", ts(next()))
		}
		fmt.Fprintf(&timeline, "    event: %s\n", quote(text()))
	}
	resolved := next()
	fmt.Fprintf(&b, "resolved_at: %s\n", ts(resolved))
	if timeline.Len() > 0 {
		b.WriteString("timeline:\n" + timeline.String())
	}
	fmt.Fprintf(&b, "postmortem:\n  public: %v\n", r.IntN(2) == 0)
	for _, k := range []string{"trigger", "root_cause", "resolution", "detection"} {
		if r.IntN(3) > 0 {
			block(k, "  ", markdown())
		}
	}
	for _, k := range []string{"contributing_factors", "went_well", "went_wrong", "lucky"} {
		if n := r.IntN(4); n > 0 {
			fmt.Fprintf(&b, "  %s:\n", k)
			for range n {
				fmt.Fprintf(&b, "    - %s\n", quote(text()))
			}
		}
	}
	if n := r.IntN(5); n > 0 {
		b.WriteString("action_items:\n")
		for j := range n {
			fmt.Fprintf(&b, "  - id: item-%d\n    title: %s\n", j, quote(capital(text())))
			if r.IntN(2) == 0 {
				fmt.Fprintf(&b, "    owner: %s\n", pick(logins))
			}
			fmt.Fprintf(&b, "    kind: %s\n    priority: P%d\n", pick([]string{"prevent", "detect", "mitigate", "process", "document"}), r.IntN(4))
			if r.IntN(2) == 0 {
				fmt.Fprintf(&b, "    due: %q\n", resolved.AddDate(0, 0, 7+r.IntN(60)).Format("2006-01-02"))
			}
			fmt.Fprintf(&b, "    status: %s\n", pick([]string{"open", "open", "done", "wontfix"}))
			if r.IntN(3) == 0 {
				fmt.Fprintf(&b, "    issue: https://github.com/acme/%s/issues/%d\n", pick([]string{"api", "infra"}), 1+r.IntN(999))
			}
		}
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(&b, "links:\n  - title: %s\n    url: https://example.org/%s\n", quote(capital(sentence())), pick([]string{"dashboard", "status?id=4&x=y", "a_b/c-d"}))
	}
	return fmt.Sprintf("records/%s/%s.yaml", start.Format("2006"), id), []byte(b.String())
}

var (
	enWords = []string{"the", "database", "failover", "deploy", "cache", "queue", "was", "restarted", "by", "on-call", "engineer", "alert", "error", "rate", "5xx", "users", "checkout", "rolled", "back", "DNS", "certificate", "expired", "disk", "full", "latency", "spiked", "config", "change", "region", "traffic"}
	frWords = []string{"la", "base", "de", "données", "était", "indisponible", "le", "serveur", "redémarré", "courriels", "bloqués", "l’équipe", "d’astreinte", "alerte", "disque", "plein", "sauvegarde", "échouée", "réseau", "coupure", "à", "été", "rétabli", "déploiement", "annulé"}
	tricky  = []string{"(a|b)", "*not bold*", "`code`", "<admin>", "a & b", "50%", "#123", "x_y_z", "[link](https://example.org/x)", "“quoted”", "l’API", "1. not a list", "ünïcödé 日本語", "--flag", "C:\\path", "a: b", "{braces}"}
	logins  = []string{"octocat", "alice", "bob-smith", "dev42"}
)

func quote(s string) string { return strconv.Quote(s) }

func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
