package site

import (
	"time"

	"github.com/castor-incidents/castor/schema"
)

// fixtureNow is the instant the fixture site is built at.
var fixtureNow = time.Date(2024, 3, 20, 12, 0, 0, 0, time.UTC)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func atp(s string) *time.Time { t := at(s); return &t }

// Words that must never reach the site: they sit in internal records,
// non-public post-mortems, and the timelines of records whose post-mortem
// is not public (missing, private, or in an internal record).
var secrets = []string{"INTERNAL-SECRET", "TIMELINE-SECRET", "PRIVATE-PM-SECRET", "internal-only-component"}

func fixtureConfig() *schema.Config {
	return &schema.Config{
		Site: schema.SiteConfig{Title: "Acme status", URL: "https://status.example.org", Timezone: "Europe/Paris", Lang: "en"},
		Components: []schema.Component{
			{Name: "api", Description: "The public REST API", Group: "Platform"},
			{Name: "web", Description: "The web application", Group: "Platform"},
			{Name: "email", Description: "Outgoing and incoming mail"},
			{Name: "dns"},
		},
	}
}

// fixture is a small site: one ongoing incident, resolved ones with a
// public post-mortem (in French), a private post-mortem, an internal
// record, a record trying every way to inject script, and maintenance
// windows under way, to come and done.
func fixture() []*schema.Incident {
	return append([]*schema.Incident{
		{
			ID: "2024-03-20-api-errors", Title: "Elevated API error rates", Severity: "SEV2", Status: "identified",
			Visibility: "public", StartedAt: at("2024-03-20T09:00:00+01:00"), Components: []string{"api", "web"},
			Updates: []schema.StatusUpdate{
				{At: at("2024-03-20T09:10:00+01:00"), Status: "investigating", Message: "We are investigating **elevated error rates** on the API.",
					Components: map[string]string{"api": "partial_outage"}},
				{At: at("2024-03-20T09:40:00+01:00"), Status: "identified", Message: "A bad deploy is the cause; rolling back.\n\n# What we know\n\n- errors since 09:00\n- the web app is slow too",
					Components: map[string]string{"api": "partial_outage", "web": "degraded_performance"}},
			},
			Timeline: []schema.TimelineEntry{{At: at("2024-03-20T09:00:00+01:00"), Event: "TIMELINE-SECRET deploy of build 1234"}},
		},
		{
			ID: "2024-03-10-mail-down", Title: "Serveur de mail indisponible", Severity: "SEV1", Status: "resolved", Lang: "fr",
			Visibility: "public", StartedAt: at("2024-03-10T01:50:00+01:00"), ResolvedAt: atp("2024-03-11T12:15:00+01:00"),
			Components: []string{"email"},
			Summary:    "Le serveur de mail a été **détruit** dans l'incendie du datacenter.",
			Impact:     "Aucun mail envoyé ni reçu pendant *34 heures*.",
			Updates: []schema.StatusUpdate{
				{At: at("2024-03-10T09:43:00+01:00"), Status: "investigating", Message: "Notre serveur de mail est indisponible.",
					Components: map[string]string{"email": "major_outage"}},
				{At: at("2024-03-11T12:15:00+01:00"), Status: "resolved", Message: "Le mail fonctionne de nouveau sur un nouveau serveur.",
					Components: map[string]string{"email": "operational"}},
			},
			// The post-mortem is public: so is its timeline.
			Timeline: []schema.TimelineEntry{
				{At: at("2024-03-10T01:50:00+01:00"), Event: "Premier SMS de la *supervision* : un serveur ne répond pas."},
				{At: at("2024-03-10T09:05:00+01:00"), Until: atp("2024-03-10T09:40:00+01:00"), Event: "Vérification des services, annonce sur [la page d'état](https://status.example.org)."},
				{At: at("2024-03-10T10:00:00+01:00"), Until: atp("2024-03-11T11:40:00+01:00"), Event: "Réinstallation du serveur et restauration de la sauvegarde."},
			},
			Postmortem: &schema.Postmortem{
				Public: true, RootCause: "Un incendie a détruit le datacenter.\n\n## Détails\n\nLe bâtiment SBG2 a brûlé.", Trigger: "Le feu.",
				Resolution: "Réinstallation sur un nouveau serveur.", Detection: "SMS de supervision.",
				ContributingFactors: []string{"Pas de sauvegarde hors site"},
				WentWell:            []string{"Procédure de *restauration* documentée"},
				WentWrong:           []string{"Détection tardive"},
				Lucky:               []string{"Les données étaient sauvegardées ailleurs"},
			},
			ActionItems: []schema.ActionItem{
				{ID: "procedure", Title: "Écrire une procédure d'incident", Kind: "process", Priority: "P1", Status: "done", Owner: "octocat"},
				{ID: "backup", Title: "Sauvegarder hors site", Kind: "prevent", Priority: "P0", Status: "open"},
			},
		},
		{
			ID: "2024-02-01-dns-slow", Title: "Slow DNS resolution", Severity: "SEV3", Status: "resolved",
			Visibility: "public", StartedAt: at("2024-02-01T10:00:00Z"), ResolvedAt: atp("2024-02-01T11:30:00Z"),
			Components: []string{"dns"},
			Summary:    "PRIVATE-PM-SECRET summary of a post-mortem that is not public.",
			Updates: []schema.StatusUpdate{
				{At: at("2024-02-01T10:05:00Z"), Status: "investigating", Message: "DNS answers are slow.", Components: map[string]string{"dns": "degraded_performance"}},
				{At: at("2024-02-01T11:30:00Z"), Status: "resolved", Message: "DNS is fast again.", Components: map[string]string{"dns": "operational"}},
			},
			// The post-mortem is not public: neither is the timeline.
			Timeline:    []schema.TimelineEntry{{At: at("2024-02-01T10:00:00Z"), Event: "TIMELINE-SECRET resolver cache flushed by hand"}},
			Postmortem:  &schema.Postmortem{Public: false, RootCause: "PRIVATE-PM-SECRET root cause"},
			ActionItems: []schema.ActionItem{{ID: "x", Title: "PRIVATE-PM-SECRET item", Kind: "prevent", Priority: "P2", Status: "open"}},
		},
		{
			ID: "2024-03-15-internal", Title: "INTERNAL-SECRET database failover", Severity: "SEV1", Status: "investigating",
			Visibility: "internal", StartedAt: at("2024-03-15T10:00:00Z"), Components: []string{"api"},
			Updates: []schema.StatusUpdate{{At: at("2024-03-15T10:05:00Z"), Status: "investigating", Message: "INTERNAL-SECRET",
				Components: map[string]string{"api": "major_outage", "internal-only-component": "major_outage"}}},
			// A public post-mortem does not make an internal record public.
			Timeline:   []schema.TimelineEntry{{At: at("2024-03-15T10:00:00Z"), Event: "TIMELINE-SECRET INTERNAL-SECRET primary lost"}},
			Postmortem: &schema.Postmortem{Public: true, RootCause: "INTERNAL-SECRET disk full"},
		},
		xssIncident(),
	}, maintenances()...)
}

// maintenances are the fixture's maintenance windows: one under way on
// dns (its updates set no component: listing dns puts it under
// maintenance), one to come on web, one completed on email.
func maintenances() []*schema.Incident {
	return []*schema.Incident{
		{
			ID: "2024-03-20-dns-upgrade", Kind: "maintenance", Title: "DNS server upgrade", Status: "in_progress", Visibility: "public",
			ScheduledFor: atp("2024-03-20T11:00:00Z"), ScheduledUntil: atp("2024-03-20T13:00:00Z"), Components: []string{"dns"},
			Updates: []schema.StatusUpdate{
				{At: at("2024-03-18T10:00:00Z"), Status: "scheduled", Message: "We will upgrade the DNS servers; resolution may be slower."},
				{At: at("2024-03-20T11:02:00Z"), Status: "in_progress", Message: "The upgrade has started."},
			},
		},
		{
			ID: "2024-03-22-web-migration", Kind: "maintenance", Title: "Web application migration", Status: "scheduled", Visibility: "public",
			ScheduledFor: atp("2024-03-22T22:00:00Z"), ScheduledUntil: atp("2024-03-23T02:00:00Z"), Components: []string{"web"},
			Updates: []schema.StatusUpdate{
				{At: at("2024-03-19T09:00:00Z"), Status: "scheduled", Message: "The web application moves to new servers."},
			},
		},
		{
			ID: "2024-03-05-mail-relay", Kind: "maintenance", Title: "Mail relay replacement", Status: "completed", Visibility: "public",
			ScheduledFor: atp("2024-03-05T21:00:00Z"), ScheduledUntil: atp("2024-03-05T23:00:00Z"), Components: []string{"email"},
			Updates: []schema.StatusUpdate{
				{At: at("2024-03-01T08:00:00Z"), Status: "scheduled", Message: "We will replace the mail relay."},
				{At: at("2024-03-05T21:02:00Z"), Status: "in_progress", Message: "Work has started."},
				{At: at("2024-03-05T22:10:00Z"), Status: "completed", Message: "The new relay is in service."},
			},
		},
	}
}

// xssIncident is a public record whose every text field tries to inject
// script or markup.
func xssIncident() *schema.Incident {
	return &schema.Incident{
		ID: "2024-01-05-xss", Title: `<script>alert("title")</script> Broken <b>bold</b>`, Severity: "SEV4", Status: "resolved",
		Visibility: "public", StartedAt: at("2024-01-05T10:00:00Z"), ResolvedAt: atp("2024-01-05T10:30:00Z"),
		Components: []string{"web"},
		Summary:    "<script>alert('summary')</script>\n\n<img src=x onerror=alert(1)>\n\n[click me](javascript:alert(1))",
		Impact:     `<a href="javascript:alert(2)" onclick="alert(3)">link</a> <svg onload=alert(4)></svg> <iframe src="https://evil.example"></iframe>`,
		Updates: []schema.StatusUpdate{
			{At: at("2024-01-05T10:00:00Z"), Status: "investigating",
				Message:    "Links: [x](javascript:alert(7)) [y](JaVaScRiPt:alert(8)) [z](<javascript:alert(9)>) [w](jav&#x09;ascript:alert(10)) ![i](javascript:alert(11)) <javascript:alert(16)> [d](data:text/html,<script>alert(17)</script>) and inline <img src=x onerror=alert(6)> <a href='javascript:alert(18)'>t</a>\n\n<script>alert(5)</script>\n\n<style>body{display:none}</style>\n\n<form action=https://evil.example><button>b</button></form>",
				Components: map[string]string{"web": "major_outage"}},
			{At: at("2024-01-05T10:30:00Z"), Status: "resolved", Message: "Fixed. [a real link](https://example.org/report)", Components: map[string]string{"web": "operational"}},
		},
		Postmortem: &schema.Postmortem{
			Public: true, RootCause: "<p onmouseover=alert(12)>hover</p>", WentWell: []string{"<script>alert(13)</script>ok"},
			ContributingFactors: []string{"[c](javascript:alert(14))"},
		},
		ActionItems: []schema.ActionItem{{ID: "a", Title: "<script>alert(15)</script>", Kind: "prevent", Priority: "P3", Status: "open"}},
		Timeline: []schema.TimelineEntry{{At: at("2024-01-05T10:00:00Z"),
			Event: "<script>alert(19)</script> [t](javascript:alert(20)) <img src=x onerror=alert(21)> <a href='javascript:alert(22)'>u</a>"}},
	}
}
