package report

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/castor-incidents/castor/internal/browser"
)

// TestBrowser opens the HTML report and the standalone charts in
// headless Chromium, as readers and the status site's internal build
// will: the charts are laid out at a visible size, carry their accessible
// names, the page runs no script and follows the colour scheme. A
// screenshot of the page is kept as a test artefact.
func TestBrowser(t *testing.T) {
	b := browser.New(t)
	dir := t.TempDir()
	if err := WriteDir(dir, compute(t, fixtureOptions())); err != nil {
		t.Fatal(err)
	}
	url, err := browser.FileURL(filepath.Join(dir, HTMLFile))
	if err != nil {
		t.Fatal(err)
	}
	p := b.Open(url, browser.Viewport(1000, 900))

	var title string
	p.Eval(`document.title`, &title)
	if title != "Incident report: Acme" {
		t.Errorf("title = %q", title)
	}
	if n := p.Count("script"); n != 0 {
		t.Errorf("%d script elements", n)
	}
	type chart struct {
		Label         string
		Width, Height float64
		Bars          int
	}
	var charts []chart
	p.Eval(`Array.from(document.querySelectorAll("figure svg"), s => {
		const r = s.getBoundingClientRect();
		const ids = s.getAttribute("aria-labelledby").split(" ");
		return {Label: document.getElementById(ids[0]).textContent, Width: r.width, Height: r.height,
			Bars: s.querySelectorAll("rect[class*=ch-sev-], rect.ch-bar").length};
	})`, &charts)
	want := []string{"Incidents per month, by severity", "Time to resolve (resolved_at − started_at)", "Open action items at the end of each month"}
	if len(charts) != len(want) {
		t.Fatalf("charts on the page: %+v", charts)
	}
	for i, c := range charts {
		if c.Label != want[i] {
			t.Errorf("chart %d is labelled %q, want %q", i, c.Label, want[i])
		}
		if c.Width < 600 || c.Height < 250 {
			t.Errorf("chart %q is %vx%v px", c.Label, c.Width, c.Height)
		}
	}
	// Per month: 5 segments + 3 legend swatches; histogram: 5 bars.
	if charts[0].Bars != 8 || charts[1].Bars != 5 {
		t.Errorf("drawn bars: %d and %d, want 8 and 5", charts[0].Bars, charts[1].Bars)
	}
	// A bar is painted in a severity colour, not black (styles applied).
	var fill string
	p.Eval(`getComputedStyle(document.querySelector("#time-to-resolve ~ figure rect.ch-bar")).fill`, &fill)
	if fill != "rgb(9, 105, 218)" {
		t.Errorf("histogram bar fill = %s", fill)
	}
	// Tables have captions and header cells for each row.
	if got := p.Text("table caption"); len(got) < 8 {
		t.Errorf("captions: %q", got)
	}
	if got := p.Text("#action-items ~ table tbody tr:first-child td:nth-child(3)"); len(got) == 0 || got[0] != "@bob" {
		t.Errorf("first overdue owner: %q", got)
	}
	p.Screenshot("report-light")

	dark := b.Open(url, browser.ColorScheme("dark"), browser.Viewport(1000, 900))
	var bg, chartBg, barFill string
	dark.Eval(`getComputedStyle(document.documentElement).backgroundColor`, &bg)
	dark.Eval(`getComputedStyle(document.querySelector("svg .ch-bg")).fill`, &chartBg)
	dark.Eval(`getComputedStyle(document.querySelector("#time-to-resolve ~ figure rect.ch-bar")).fill`, &barFill)
	if bg != "rgb(13, 17, 23)" || chartBg != "rgb(13, 17, 23)" || barFill != "rgb(88, 166, 255)" {
		t.Errorf("dark: page %s, chart background %s, bar %s", bg, chartBg, barFill)
	}
	dark.Screenshot("report-dark")

	// A chart file on its own, as the status site links it.
	for _, name := range []string{ChartPerMonth, ChartResolve, ChartBurndown} {
		file := filepath.Join(dir, ChartDir, name+".svg")
		if _, err := os.Stat(file); err != nil {
			t.Fatal(err)
		}
		u, err := browser.FileURL(file)
		if err != nil {
			t.Fatal(err)
		}
		s := b.Open(u)
		var root struct {
			Tag   string
			Title string
			Width float64
		}
		s.Eval(`(() => { const r = document.documentElement; return {Tag: r.tagName, Title: r.querySelector("title").textContent, Width: r.getBoundingClientRect().width}; })()`, &root)
		if root.Tag != "svg" || root.Title == "" || root.Width != chartW {
			t.Errorf("%s opened alone: %+v", name, root)
		}
		if name == ChartBurndown {
			s.Screenshot("burndown-standalone")
		}
	}
}
