package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files of testdata/golden")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", filepath.FromSlash(name))
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it; review the diff):\n%s", name, firstDiff(string(got), string(want)))
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return "line " + strconv.Itoa(i+1) + ":\n got " + gl + "\nwant " + wl
		}
	}
	return ""
}

// TestGolden pins every output of the fixture's report, charts included:
// the numbers are checked by TestFixture, these files check how they are
// shown.
func TestGolden(t *testing.T) {
	r := compute(t, fixtureOptions())
	dir := t.TempDir()
	if err := WriteDir(dir, r); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"report.md", "report.json", "report.html", "charts/incidents-per-month.svg", "charts/time-to-resolve.svg", "charts/action-items-burndown.svg"} {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name)))
		if err != nil {
			t.Fatal(err)
		}
		golden(t, name, data)
	}
	// Standard output's Markdown has no chart links: there are no files
	// to link to.
	var md bytes.Buffer
	if err := render(&md, "markdown", r, ""); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(md.String(), "![") {
		t.Error("Markdown on stdout links charts")
	}
	empty := fixtureOptions()
	empty.Since = "2025-01-01"
	re := compute(t, empty)
	var b bytes.Buffer
	if err := render(&b, "markdown", re, ""); err != nil {
		t.Fatal(err)
	}
	golden(t, "empty.md", b.Bytes())
}

// TestJSONShape checks the JSON field names a consumer relies on, and
// durations as seconds plus a human string.
func TestJSONShape(t *testing.T) {
	r := compute(t, fixtureOptions())
	var buf bytes.Buffer
	if err := render(&buf, "json", r, ""); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"version", "title", "generated_at", "time_zone", "percentiles", "range", "incidents", "by_severity", "by_component", "without_component", "by_quarter", "by_month", "time_to_detect", "time_to_resolve", "action_items", "postmortems"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("no %q in the JSON report", k)
		}
	}
	ttr := doc["time_to_resolve"].(map[string]any)
	med := ttr["median"].(map[string]any)
	if med["seconds"] != 21600.0 || med["human"] != "6h" {
		t.Errorf("time_to_resolve.median = %v", med)
	}
	if doc["percentiles"] != "nearest-rank" || doc["version"] != 1.0 {
		t.Errorf("percentiles %v version %v", doc["percentiles"], doc["version"])
	}
	last := ttr["histogram"].([]any)[8].(map[string]any)
	if last["to_seconds"] != nil || last["from_seconds"] != 604800.0 || last["label"] != "≥ 7d" {
		t.Errorf("open-ended bucket = %v", last)
	}
}

// wellFormed parses an SVG document as XML to its end and returns its
// root element's name, the text of its title and desc, and every text
// element's content.
func wellFormed(t *testing.T, name string, data []byte) (root, title, desc string, texts []string) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	var stack []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = tok.Name.Space + " " + tok.Name.Local
			}
			stack = append(stack, tok.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 2 && stack[1] == "title" {
				title += string(tok)
			}
			if len(stack) == 2 && stack[1] == "desc" {
				desc += string(tok)
			}
			if len(stack) > 0 && stack[len(stack)-1] == "text" {
				texts = append(texts, string(tok))
			}
		case xml.ProcInst, xml.Directive:
			t.Errorf("%s: unexpected %T", name, tok)
		}
	}
	if len(stack) != 0 {
		t.Fatalf("%s: unclosed elements %v", name, stack)
	}
	return root, title, desc, texts
}

// TestChartsXML parses every chart of several reports (the fixture, an
// empty range, one record, hostile titles) as XML, and checks that each
// has a title, a description and axis labels.
func TestChartsXML(t *testing.T) {
	hostile := fixtureOptions()
	hostile.Incidents[0].Severity = `SEV<1>&"x"` // not valid, but must not break the XML
	hostile.HasHistory, hostile.HistoryNote = false, "no <history> & no \"git\""
	one := fixtureOptions()
	one.Since, one.Until = "2024-03-10", "2024-03-10"
	empty := fixtureOptions()
	empty.Since = "2030-01-01"
	axes := map[string][]string{
		ChartPerMonth: {"Incidents", "Month (started_at)"},
		ChartResolve:  {"Incidents", "Time to resolve"},
		ChartBurndown: {"Open action items", "Month (from the records' git history)"},
	}
	for label, opts := range map[string]Options{"fixture": fixtureOptions(), "hostile": hostile, "one": one, "empty": empty} {
		r := compute(t, opts)
		charts := Charts(r)
		if len(charts) != 3 {
			t.Fatalf("%d charts", len(charts))
		}
		for _, c := range charts {
			name := label + "/" + c.Name
			root, title, desc, texts := wellFormed(t, name, c.SVG)
			if root != "http://www.w3.org/2000/svg svg" {
				t.Errorf("%s: root element %q", name, root)
			}
			if title == "" || title != c.Title || len(desc) < 20 {
				t.Errorf("%s: title %q, desc %q", name, title, desc)
			}
			for _, a := range axes[c.Name] {
				if !contains(texts, a) {
					t.Errorf("%s: no axis label %q in %q", name, a, texts)
				}
			}
			if bytes.Contains(bytes.ToLower(c.SVG), []byte("<script")) || bytes.Contains(c.SVG, []byte(" onload=")) {
				t.Errorf("%s: script in a chart", name)
			}
		}
	}
	// The stacked bars: one segment per month and severity with incidents.
	// Fixture: Jan SEV1 + SEV2, Mar SEV3, Apr SEV1, Jun SEV1 (2).
	svg := string(Charts(compute(t, fixtureOptions()))[0].SVG)
	if n := strings.Count(svg, `class="ch-sev-`); n != 5+3 { // 5 segments + 3 legend swatches
		t.Errorf("%d severity rectangles, want 8", n)
	}
	for _, tip := range []string{"<title>2024-01: 1 SEV2 incident</title>", "<title>2024-06: 2 SEV1 incidents</title>"} {
		if !strings.Contains(svg, tip) {
			t.Errorf("no %s", tip)
		}
	}
	hist := string(Charts(compute(t, fixtureOptions()))[1].SVG)
	if n := strings.Count(hist, `class="ch-bar"`); n != 5 {
		t.Errorf("%d histogram bars, want 5 (the non-empty buckets)", n)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestMarkdownEscapes: record text cannot make links, tags or new cells.
func TestMarkdownEscapes(t *testing.T) {
	opts := fixtureOptions()
	opts.Incidents[0].ActionItems[1].Title = "[click](https://evil.example) <img src=x> | *bold*"
	var b bytes.Buffer
	if err := WriteMarkdown(&b, compute(t, opts), MarkdownOptions{}); err != nil {
		t.Fatal(err)
	}
	want := `\[click\]\(https://evil.example\) \<img src=x\> \| \*bold\*`
	if !strings.Contains(b.String(), want) {
		t.Errorf("Markdown does not escape record text; want %s in\n%s", want, b.String())
	}
}

// TestHTMLEscapes: record text is text in the HTML page.
func TestHTMLEscapes(t *testing.T) {
	opts := fixtureOptions()
	opts.Incidents[0].ActionItems[1].Title = `<script>alert(1)</script>`
	opts.Incidents[1].Title = `<img src=x onerror=alert(1)>`
	var b bytes.Buffer
	r := compute(t, opts)
	if err := WriteHTML(&b, r, Charts(r)); err != nil {
		t.Fatal(err)
	}
	s := b.String()
	if strings.Contains(s, "<script") || strings.Contains(s, "<img") {
		t.Error("record markup reached the page")
	}
	if !strings.Contains(s, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("record text missing from the page")
	}
}
