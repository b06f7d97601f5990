// Package recordgen generates realistic incident records for benchmarks
// and tests: thousands of them, deterministic, about 2 KB each, declaring
// the components of Config.
package recordgen

import (
	"fmt"
	"strings"
)

// Config is a castor.yaml declaring the components the records use.
const Config = "components:\n  - {name: api}\n  - {name: web}\n"

// Valid reports whether the i-th record is free of errors.
func Valid(i int) bool { return i%10 != 9 }

// Record returns the path and content of the i-th generated record: a
// valid record of about 2 KB, except that every tenth one (i%10 == 9) has
// two errors (an unknown field and a bad status), so that benchmarks
// exercise the reporting path too.
func Record(i int) (path string, data []byte) {
	day := 1 + i%28
	month := 1 + (i/28)%12
	// 28 days × 12 months a year from 2000, and back to 2000 after 2025:
	// a large repository stays in the past (no future-time warnings); the
	// number in the id keeps ids unique.
	year := 2000 + i/(28*12)%26
	id := fmt.Sprintf("%04d-%02d-%02d-generated-incident-%d", year, month, day, i)
	sev := []string{"SEV1", "SEV2", "SEV3", "SEV4"}[i%4]
	var b strings.Builder
	fmt.Fprintf(&b, "id: %s\n", id)
	fmt.Fprintf(&b, "title: Generated incident number %d on the checkout path\n", i)
	fmt.Fprintf(&b, "severity: %s\n", sev)
	b.WriteString("status: resolved\nvisibility: public\nlang: en\n")
	t := fmt.Sprintf("%04d-%02d-%02dT", year, month, day)
	fmt.Fprintf(&b, "started_at: %s10:00:00+01:00\ndetected_at: %s10:05:00+01:00\nacknowledged_at: %s10:10:00+01:00\nresolved_at: %s12:00:00+01:00\n", t, t, t, t)
	b.WriteString("components: [api, web]\ncommander: octocat\n")
	b.WriteString("summary: |\n  Requests to the checkout API failed for part of the users after a deploy.\n  The deploy was rolled back and the queue drained.\n")
	b.WriteString("impact: |\n  About 3% of checkouts failed for two hours.\n")
	b.WriteString("updates:\n")
	for j, st := range []string{"investigating", "identified", "monitoring", "resolved"} {
		fmt.Fprintf(&b, "  - at: %s1%d:00:00+01:00\n    status: %s\n    message: Update %d about the checkout errors, with enough words to be realistic.\n    components: {api: %s}\n",
			t, j, st, j, map[bool]string{true: "operational", false: "partial_outage"}[st == "resolved"])
	}
	b.WriteString("timeline:\n")
	for j := range 4 {
		fmt.Fprintf(&b, "  - at: %s1%d:30:00+01:00\n    event: Timeline event %d, someone did something useful.\n", t, j, j)
	}
	b.WriteString("postmortem:\n  public: true\n  root_cause: A configuration change removed a route.\n  went_well: [Rollback was fast.]\n  went_wrong: [Alert fired late.]\n")
	b.WriteString("action_items:\n")
	for j := range 3 {
		fmt.Fprintf(&b, "  - id: item-%d\n    title: Follow-up %d to prevent it again\n    owner: octocat\n    kind: prevent\n    priority: P2\n    due: 2030-01-01\n    status: open\n", j, j)
	}
	b.WriteString("links:\n  - {title: Dashboard, url: \"https://grafana.example.org/d/checkout\"}\ntags: [checkout, deploy]\n")
	if i%10 == 9 {
		b.WriteString("severity_note: unknown field\n")
		s := strings.Replace(b.String(), "status: resolved\nvisibility", "status: resolvd\nvisibility", 1)
		b.Reset()
		b.WriteString(s)
	}
	return fmt.Sprintf("records/%04d/%s.yaml", year, id), []byte(b.String())
}

// ValidRecord returns the i-th record without its errors: the same
// record for the nine in ten that have none.
func ValidRecord(i int) (path string, data []byte) {
	path, data = Record(i)
	if Valid(i) {
		return path, data
	}
	s := strings.Replace(string(data), "severity_note: unknown field\n", "", 1)
	s = strings.Replace(s, "status: resolvd\n", "status: resolved\n", 1)
	return path, []byte(s)
}
