package drill

import (
	"fmt"
	"html"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/browser"
	"github.com/castor-incidents/castor/schema"
)

// wheelIncidents are ten resolved incidents; each one's hidden texts carry
// its number, so that a page showing one is caught.
func wheelIncidents() []*schema.Incident {
	var out []*schema.Incident
	for i := range 10 {
		start := time.Date(2024, time.Month(1+i), 3, 9, 0, 0, 0, time.FixedZone("", 3600))
		inc := &schema.Incident{
			ID:         fmt.Sprintf("2024-%02d-03-incident-%d", i+1, i),
			Title:      fmt.Sprintf("TITLE-%d outage after the nightly job", i),
			Severity:   schema.Severities[i%4],
			Status:     "resolved",
			Visibility: "internal",
			StartedAt:  start,
			DetectedAt: ptr(start.Add(4 * time.Minute)),
			ResolvedAt: ptr(start.Add(3 * time.Hour)),
			Components: []string{fmt.Sprintf("service-%d", i), fmt.Sprintf("cause-%d", i)},
			Summary:    fmt.Sprintf("SUMMARY-%d everything.", i),
			Updates: []schema.StatusUpdate{
				{At: start.Add(10 * time.Minute), Status: "investigating", Message: fmt.Sprintf("Service %d answers slowly. We are investigating.", i),
					Components: map[string]string{fmt.Sprintf("service-%d", i): "degraded_performance"}},
				{At: start.Add(3 * time.Hour), Status: "resolved", Message: fmt.Sprintf("LATER-UPDATE-%d fixed.", i)},
			},
			Timeline: []schema.TimelineEntry{
				{At: start.Add(-time.Hour), Event: fmt.Sprintf("BEFORE-%d the nightly job starts.", i)},
				{At: start, Event: fmt.Sprintf("Latency of service %d doubles. The nightly job locks the orders table of cause %d.", i, i)},
				{At: start.Add(4 * time.Minute), Event: fmt.Sprintf("The latency alert of service %d fires.", i)},
				{At: start.Add(time.Hour), Event: fmt.Sprintf("LATER-ENTRY-%d the lock is found.", i)},
			},
			Postmortem: &schema.Postmortem{
				Trigger:   fmt.Sprintf("TRIGGER-%d: the nightly job locks the orders table of cause %d.", i, i),
				RootCause: fmt.Sprintf("ROOTCAUSE-%d the job ran during the day.", i),
			},
			ActionItems: []schema.ActionItem{{ID: "a", Title: fmt.Sprintf("ACTION-%d reschedule the job", i), Kind: "prevent", Priority: "P2", Status: "open"}},
		}
		out = append(out, inc)
	}
	return out
}

// hiddenTexts are what no players' view of the incident may show.
func hiddenTexts(inc *schema.Incident) []string {
	out := []string{inc.Title, inc.ID, inc.Summary, inc.Postmortem.Trigger, inc.Postmortem.RootCause,
		"nightly job locks", inc.Updates[1].Message, inc.Timeline[0].Event, inc.Timeline[3].Event, inc.Components[1]}
	for _, it := range inc.ActionItems {
		out = append(out, it.Title)
	}
	return out
}

// TestWheelBrowser opens the wheel page in headless Chromium: eight
// slices, their legend, no script; the brief is hidden until the spin;
// spun (a click on the button, as a game master would), the wheel stops
// with the chosen slice under the pointer and the brief appears; nothing
// of any incident's hidden texts is in the page. Screenshots are kept.
func TestWheelBrowser(t *testing.T) {
	b := browser.New(t)
	incs := wheelIncidents()
	pick, err := Choose(incs, PickOptions{Seed: 7, Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := WriteWheel(dir, pick, WheelOptions{Lang: "en", Reproduce: "--seed 7 --master"}); err != nil {
		t.Fatal(err)
	}
	url, err := browser.FileURL(filepath.Join(dir, WheelFile))
	if err != nil {
		t.Fatal(err)
	}
	p := b.Open(url, browser.Viewport(1000, 900))

	if n := p.Count("script"); n != 0 {
		t.Errorf("%d script elements", n)
	}
	if n := p.Count("svg .slot"); n != WheelSize {
		t.Errorf("%d slices on the wheel", n)
	}
	legend := p.Text(".legend li")
	if len(legend) != WheelSize {
		t.Fatalf("legend: %q", legend)
	}
	for i, s := range pick.Wheel {
		want := fmt.Sprintf("Incident %d: %s · %s", i+1, s.Incident.Severity, s.Incident.Components[0])
		if legend[i] != want {
			t.Errorf("legend %d = %q, want %q", i, legend[i], want)
		}
	}
	if got := p.Text("#landing"); len(got) != 1 || got[0] != fmt.Sprintf("The wheel lands on Incident %d", pick.Landed+1) {
		t.Errorf("landing heading: %q", got)
	}
	var hidden string
	p.Eval(`getComputedStyle(document.querySelector(".landing")).visibility`, &hidden)
	if hidden != "hidden" {
		t.Errorf("before the spin, the brief is %s", hidden)
	}
	p.Screenshot("wheel-before")

	// What the page holds, as the browser parsed it, has nothing of any
	// incident's hidden texts: the chosen one's or the others'.
	dom := html.UnescapeString(p.DOM())
	for _, s := range pick.Wheel {
		for _, h := range hiddenTexts(s.Incident) {
			if strings.Contains(dom, h) {
				t.Errorf("the page shows %q of %s", h, s.Incident.ID)
			}
		}
	}
	brief := NewBrief(pick.Chosen)
	known := p.Text(".known li")
	if len(known) != len(brief.Known) {
		t.Fatalf("known entries on the page: %q", known)
	}
	for i, e := range brief.Known {
		if !strings.HasSuffix(known[i], e.Text) {
			t.Errorf("entry %d: %q, want the text %q", i, known[i], e.Text)
		}
	}
	if got := p.Text(".first-update"); len(got) != 1 || got[0] != brief.FirstUpdate.Text {
		t.Errorf("first update: %q", got)
	}

	// Spin: click the button, wait for the wheel to stop.
	var ok bool
	p.Eval(`(document.querySelector("label[for=spin]").click(), document.getElementById("spin").checked)`, &ok)
	if !ok {
		t.Fatal("the click did not check the spin")
	}
	deadline := time.Now().Add(20 * time.Second)
	var state struct {
		Visibility string
		Opacity    string
		Running    int
	}
	for {
		p.Eval(`(() => { const l = getComputedStyle(document.querySelector(".landing"));
			return {Visibility: l.visibility, Opacity: l.opacity, Running: document.getAnimations().length}; })()`, &state)
		if state.Visibility == "visible" && state.Opacity == "1" && state.Running == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the wheel did not stop: %+v", state)
		}
		time.Sleep(250 * time.Millisecond)
	}
	// The chosen slice's number sits under the pointer: same x, above the
	// hub.
	var geo struct{ NumX, NumY, PtrX, PtrY, HubX, HubY float64 }
	p.Eval(fmt.Sprintf(`(() => {
		const c = e => { const r = e.getBoundingClientRect(); return [r.x + r.width/2, r.y + r.height/2]; };
		const [nx, ny] = c(document.querySelector('.slot-g[data-slot="%d"] .slot-n'));
		const [px, py] = c(document.querySelector('.pointer'));
		const [hx, hy] = c(document.querySelector('.hub'));
		return {NumX: nx, NumY: ny, PtrX: px, PtrY: py, HubX: hx, HubY: hy};
	})()`, pick.Landed+1), &geo)
	if math.Abs(geo.NumX-geo.PtrX) > 4 || geo.NumY >= geo.HubY || geo.NumY <= geo.PtrY {
		t.Errorf("the wheel stopped with slice %d at (%.0f, %.0f); pointer at (%.0f, %.0f), hub at (%.0f, %.0f)",
			pick.Landed+1, geo.NumX, geo.NumY, geo.PtrX, geo.PtrY, geo.HubX, geo.HubY)
	}
	p.Screenshot("wheel-landed")

	dark := b.Open(url, browser.ColorScheme("dark"), browser.Viewport(1000, 900))
	var bg string
	dark.Eval(`getComputedStyle(document.documentElement).backgroundColor`, &bg)
	if bg != "rgb(13, 17, 23)" {
		t.Errorf("dark background: %s", bg)
	}
	dark.Screenshot("wheel-dark")
}
