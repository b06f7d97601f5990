package drill

import (
	"cmp"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/schema"
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func ptr[T any](v T) *T { return &v }

// story is a record whose timeline starts before the incident, and whose
// entries before detection say what the post-mortem found.
func storyIncident() *schema.Incident {
	return &schema.Incident{
		ID: "2024-03-01-api", Title: "API errors after the cache migration", Severity: "SEV2", Status: "resolved",
		Visibility: "internal", Lang: "en",
		StartedAt:      at("2024-03-01T10:00:00+01:00"),
		DetectedAt:     ptr(at("2024-03-01T10:07:00+01:00")),
		AcknowledgedAt: ptr(at("2024-03-01T10:12:00+01:00")),
		ResolvedAt:     ptr(at("2024-03-02T12:05:00+01:00")),
		Components:     []string{"api", "cache"},
		Summary:        "SUMMARY-TEXT the cache migration broke the API.",
		Updates: []schema.StatusUpdate{
			{At: at("2024-03-01T10:20:00+01:00"), Status: "investigating", Message: "Some API calls fail with 502 errors. We are looking into it.", Components: map[string]string{"api": "partial_outage"}},
			{At: at("2024-03-01T11:45:30+01:00"), Status: "monitoring", Message: "LATER-UPDATE a fix is in place."},
			{At: at("2024-03-02T12:05:00+01:00"), Status: "resolved", Message: "LATER-RESOLVED all good."},
		},
		Timeline: []schema.TimelineEntry{
			{At: at("2024-03-01T09:30:00+01:00"), Event: "BEFORE-START the migration script runs on the cache cluster."},
			{At: at("2024-03-01T10:00:00+01:00"), Event: "The error rate of the API rises above 5%. The migration script flushed the session keys of the cache cluster."},
			{At: at("2024-03-01T10:07:00+01:00"), Event: "The 5xx alert pages the on-call engineer."},
			{At: at("2024-03-01T10:30:00+01:00"), Event: "AFTER-DETECTION the on-call engineer finds the flushed keys."},
		},
		Postmortem: &schema.Postmortem{
			Trigger:    "TRIGGER-TEXT The migration script flushed the session keys of the cache cluster.",
			RootCause:  "ROOT-CAUSE-TEXT Sessions were only stored in the cache.",
			Resolution: "RESOLUTION-TEXT Sessions were rebuilt from the database.",
		},
		ActionItems: []schema.ActionItem{{ID: "x", Title: "ACTION-ITEM-TEXT keep sessions in the database", Kind: "prevent", Priority: "P1", Status: "open"}},
	}
}

func TestBrief(t *testing.T) {
	inc := storyIncident()
	b := NewBrief(inc)
	if b.Until != 7*time.Minute {
		t.Errorf("the brief stops at %v, want detection (7m)", b.Until)
	}
	if len(b.Known) != 2 {
		t.Fatalf("known entries: %+v", b.Known)
	}
	if got := b.Known[0].Text; got != "The error rate of the API rises above 5%. […]" {
		t.Errorf("first entry: %q", got)
	}
	if b.Known[0].Withheld != 1 || b.Withheld != 1 {
		t.Errorf("withheld: %d in the entry, %d in all", b.Known[0].Withheld, b.Withheld)
	}
	if b.FirstUpdate == nil || b.FirstUpdate.Offset != 20*time.Minute || b.FirstUpdate.Status != "investigating" {
		t.Errorf("first update: %+v", b.FirstUpdate)
	}
	// The first update names only the API: the record's list names the
	// cache, which is the cause.
	if len(b.Components) != 1 || b.Components[0] != (ComponentState{Name: "api", Status: "partial_outage"}) {
		t.Errorf("components: %+v", b.Components)
	}
	var md strings.Builder
	if err := b.Markdown(&md); err != nil {
		t.Fatal(err)
	}
	out := md.String()
	for _, hidden := range []string{"BEFORE-START", "AFTER-DETECTION", "LATER-", "TRIGGER-TEXT", "ROOT-CAUSE-TEXT", "RESOLUTION-TEXT",
		"SUMMARY-TEXT", "ACTION-ITEM-TEXT", inc.Title, inc.ID, "flushed", "cache"} {
		if strings.Contains(out, hidden) {
			t.Errorf("the brief shows %q:\n%s", hidden, out)
		}
	}
	for _, want := range []string{
		"- **Severity** SEV2\n- **Started** Friday 10:00 +01:00\n- **Affected components** api (partial outage)\n",
		"- **T+0** (Friday 10:00 +01:00) The error rate of the API rises above 5%. […]\n- **T+7m** (Friday 10:07 +01:00) The 5xx alert pages the on-call engineer.\n",
		"*investigating*, posted T+20m (Friday 10:20 +01:00):\n\n> Some API calls fail with 502 errors. We are looking into it.\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the brief lacks %q:\n%s", want, out)
		}
	}
	// With castor.yaml's display names, as render and the site show them.
	md.Reset()
	names := map[string]string{"api": "Public API"}
	if err := b.WithNames(func(c string) string { return cmp.Or(names[c], c) }).Markdown(&md); err != nil {
		t.Fatal(err)
	}
	if want := "- **Affected components** Public API (partial outage)\n"; !strings.Contains(md.String(), want) {
		t.Errorf("the brief lacks %q:\n%s", want, md.String())
	}
}

// Without detected_at, the brief stops at acknowledged_at, else at the
// first update, else at the start; with no update naming components, the
// record's components are listed without a status.
func TestBriefCut(t *testing.T) {
	inc := storyIncident()
	inc.DetectedAt = nil
	if b := NewBrief(inc); b.Until != 12*time.Minute {
		t.Errorf("without detected_at: %v", b.Until)
	}
	inc.AcknowledgedAt = nil
	if b := NewBrief(inc); b.Until != 20*time.Minute || len(b.Known) != 2 {
		t.Errorf("without acknowledged_at: %v, %d entries", b.Until, len(b.Known))
	}
	inc.Updates = nil
	b := NewBrief(inc)
	if b.Until != 0 || len(b.Known) != 1 || b.FirstUpdate != nil {
		t.Errorf("without updates: %v, %+v, %+v", b.Until, b.Known, b.FirstUpdate)
	}
	if len(b.Components) != 2 || b.Components[1] != (ComponentState{Name: "cache"}) {
		t.Errorf("components: %+v", b.Components)
	}
}

func TestHindsight(t *testing.T) {
	for _, tt := range []struct {
		name     string
		pm       schema.Postmortem
		sentence string
		tells    bool
	}{
		{"shared phrase", schema.Postmortem{RootCause: "The DNS servers withdraw their routes when they cannot reach the data centers."},
			"Its servers, no longer able to reach the data centers, went away.", true},
		{"symptom", schema.Postmortem{RootCause: "The DNS servers withdraw their routes when they cannot reach the data centers."},
			"facebook.com stops resolving; resolvers answer SERVFAIL.", false},
		{"mostly its words", schema.Postmortem{Trigger: "A configuration change reached the spines of the MCP locations during the rollout."},
			"The rollout reaches the MCP-enabled locations and the change is deployed to their spines.", true},
		{"two words are not enough", schema.Postmortem{Trigger: "Internal tooling of Cloudflare."},
			"Internal Cloudflare incident declared.", false},
		{"French", schema.Postmortem{Trigger: "L'incendie chez OVH à Strasbourg."},
			"Le serveur est hors-service suite à l'incendie chez OVH.", true},
		{"French, other words", schema.Postmortem{Trigger: "L'incendie chez OVH à Strasbourg."},
			"Premier SMS du service de monitoring indiquant qu'un serveur ne répond pas.", false},
		{"Japanese", schema.Postmortem{RootCause: "設定変更によりルーターが停止した。"},
			"設定変更によりルーターが停止しました。", true},
		{"Japanese symptom", schema.Postmortem{RootCause: "設定変更によりルーターが停止した。"},
			"ウェブサイトにアクセスできません。", false},
		{"no post-mortem", schema.Postmortem{}, "The migration script flushed the keys.", false},
	} {
		inc := &schema.Incident{Postmortem: &tt.pm}
		if got := newHindsight(inc).tells(tt.sentence); got != tt.tells {
			t.Errorf("%s: tells(%q) = %v", tt.name, tt.sentence, got)
		}
	}
}

func TestSentences(t *testing.T) {
	got := sentences("facebook.com resolves on 1.1.1.1. It took 4.5 GB!\nNew line? Yes… 設定変更。完了")
	want := []string{"facebook.com resolves on 1.1.1.1.", "It took 4.5 GB!", "New line?", "Yes…", "設定変更。", "完了"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sentences = %q", got)
	}
}

func TestFormatOffset(t *testing.T) {
	en, fr := labelsFor("en"), labelsFor("fr-CA")
	for _, tt := range []struct {
		d      time.Duration
		en, fr string
	}{
		{0, "T+0", "T+0"},
		{38 * time.Second, "T+38s", "T+38 s"},
		{7 * time.Minute, "T+7m", "T+7 min"},
		{27*time.Minute + 50*time.Second, "T+27m 50s", "T+27 min 50 s"},
		{65 * time.Minute, "T+1h 05m", "T+1 h 05 min"},
		{6*time.Hour + 53*time.Minute + 59*time.Second, "T+6h 53m 59s", "T+6 h 53 min 59 s"},
		{26*time.Hour + 5*time.Minute, "T+1d 2h 05m", "T+1 j 2 h 05 min"},
		{-(6*time.Hour + 7*time.Minute), "T−6h 07m", "T−6 h 07 min"},
	} {
		if got := en.formatOffset(tt.d); got != tt.en {
			t.Errorf("en %v: %q, want %q", tt.d, got, tt.en)
		}
		if got := fr.formatOffset(tt.d); got != tt.fr {
			t.Errorf("fr %v: %q, want %q", tt.d, got, tt.fr)
		}
	}
}

func TestRealTimes(t *testing.T) {
	inc := storyIncident()
	got := RealTimes(inc)
	want := []RealTime{
		{Call: Acknowledged, Offset: 12 * time.Minute, Known: true},
		// The first update past identified is the monitoring one.
		{Call: Identified, Offset: time.Hour + 45*time.Minute + 30*time.Second, Known: true},
		{Call: Mitigated, Offset: time.Hour + 45*time.Minute + 30*time.Second, Known: true},
		{Call: Resolved, Offset: 26*time.Hour + 5*time.Minute, Known: true},
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("%s: %+v, want %+v", want[i].Call, got[i], want[i])
		}
	}
	// Without a monitoring update, the mitigation is the resolution; a
	// resolving update later than resolved_at is dated by resolved_at.
	inc.AcknowledgedAt = nil
	inc.Updates = []schema.StatusUpdate{
		{At: at("2024-03-01T10:20:00+01:00"), Status: "identified", Message: "x"},
		{At: at("2024-03-02T12:30:00+01:00"), Status: "resolved", Message: "y"},
	}
	got = RealTimes(inc)
	if got[0].Known || got[1].Offset != 20*time.Minute || got[2].Offset != 26*time.Hour+5*time.Minute || !got[2].FromResolved {
		t.Errorf("%+v", got)
	}
}
