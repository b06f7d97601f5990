package track

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/castor-incidents/castor/actions/render"
	"github.com/castor-incidents/castor/internal/errkind"
)

// Write renders the plan as text, markdown or json.
func (p *Plan) Write(w io.Writer, format string) error {
	switch format {
	case "", "text":
		return p.writeText(w)
	case "markdown":
		return p.writeMarkdown(w)
	case "json":
		return p.writeJSON(w)
	}
	return errkind.New(errkind.Usage, "format %q: want text, markdown or json", format)
}

// Summary is the plan's last line: "create 3, update 1, close 2,
// unchanged 40", with drift when there is any.
func (p *Plan) Summary() string {
	creates, updates, closes, drifts := p.Counts()
	s := fmt.Sprintf("create %d, update %d, close %d, unchanged %d", creates, updates, closes, p.Unchanged)
	if n := p.Adoptions(); n > 0 {
		s = fmt.Sprintf("adopt %d, ", n) + s
	}
	if drifts > 0 {
		s += fmt.Sprintf(", drift %d", drifts)
	}
	return s
}

func issueRef(c Change) string {
	if c.Issue == 0 {
		return "new"
	}
	return fmt.Sprintf("#%d", c.Issue)
}

// details says what a change does, in a few words.
func (c Change) details() string {
	var parts []string
	switch c.Action {
	case ActionCreate:
		if c.Assignee != "" {
			parts = append(parts, "assignee "+c.Assignee)
		}
		if closed(c.State) {
			parts = append(parts, "then "+describeState(c.State))
		}
	case ActionUpdate:
		parts = append(parts, strings.Join(c.Fields, ", "))
		if containsFold(c.Fields, "state") {
			parts = append(parts, "reopened")
		}
	case ActionClose:
		s := describeState(c.State)
		if c.Comment {
			s += ", with a comment: " + c.Reason
		} else if others := otherFields(c.Fields); len(others) > 0 {
			s += "; also " + strings.Join(others, ", ")
		}
		parts = append(parts, s)
	case ActionAdopt:
		parts = append(parts, "castor's marker, "+strings.Join(c.Fields, ", ")+"; its text kept")
		if closed(c.State) {
			parts = append(parts, describeState(c.State))
		}
	case ActionDrift:
		parts = append(parts, c.Reason)
	}
	return strings.Join(parts, "; ")
}

func otherFields(fields []string) []string {
	var out []string
	for _, f := range fields {
		if f != "state" && f != "body" {
			out = append(out, f)
		}
	}
	return out
}

func noteLine(n Note) string {
	if n.Issue > 0 {
		return fmt.Sprintf("note: #%d %s: %s", n.Issue, n.Key, n.Message)
	}
	return fmt.Sprintf("note: %s: %s", n.Key, n.Message)
}

// writeText prints one line per change. Record text is flattened to one
// line: no line of the output can start with anything but castor's own
// words (a workflow command, for instance).
func (p *Plan) writeText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "tracking issues in %s (label %s%s): %s\n", p.Repository, p.Label, p.records(false), p.found())
	for _, l := range p.Labels {
		fmt.Fprintf(&b, "label   create %s\n", oneLine(l.Name))
	}
	for _, c := range p.Changes {
		fmt.Fprintf(&b, "%-7s %s %s (%s)", c.Action, issueRef(c), c.Key, oneLine(c.Title))
		if d := oneLine(c.details()); d != "" {
			b.WriteString(": " + d)
		}
		b.WriteByte('\n')
	}
	for _, n := range p.Notes {
		b.WriteString(oneLine(noteLine(n)))
		b.WriteByte('\n')
	}
	fmt.Fprintf(&b, "plan: %s\n", p.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMarkdown renders the plan for a pull-request comment or a job
// summary. Record text goes through render.Cell: no HTML, no marker, no
// broken table.
func (p *Plan) writeMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Tracking issues in %s (label %s%s): %s.\n\n", render.Code(p.Repository), render.Code(p.Label), p.records(true), p.found())
	if len(p.Changes) == 0 && len(p.Labels) == 0 {
		fmt.Fprintf(&b, "Nothing to do: every issue is in step with its action item.\n\n")
	}
	if len(p.Changes) > 0 {
		b.WriteString("| | Issue | Action item | What |\n| --- | --- | --- | --- |\n")
		for _, c := range p.Changes {
			ref := issueRef(c)
			if c.URL != "" && strings.HasPrefix(c.URL, "https://") {
				ref = "[" + ref + "](" + c.URL + ")"
			}
			fmt.Fprintf(&b, "| %s | %s | %s<br>%s | %s |\n", c.Action, ref, render.Cell(c.Title), render.CodeCell(c.Key), render.Cell(c.details()))
		}
		b.WriteString("\n")
	}
	if len(p.Labels) > 0 {
		var names []string
		for _, l := range p.Labels {
			names = append(names, render.Code(l.Name))
		}
		fmt.Fprintf(&b, "Labels to create: %s.\n\n", strings.Join(names, ", "))
	}
	for _, n := range p.Notes {
		fmt.Fprintf(&b, "- %s\n", render.Inline(noteLine(n)))
	}
	if len(p.Notes) > 0 {
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "**Plan:** %s.\n", p.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

func (p *Plan) writeJSON(w io.Writer) error {
	creates, updates, closes, drifts := p.Counts()
	out := struct {
		*Plan
		Summary map[string]int `json:"summary"`
	}{p, map[string]int{"adopt": p.Adoptions(), "create": creates, "update": updates, "close": closes, "unchanged": p.Unchanged, "drift": drifts, "labels": len(p.Labels)}}
	if out.Plan.Changes == nil {
		out.Plan.Changes = []Change{}
	}
	if out.Plan.Labels == nil {
		out.Plan.Labels = []Label{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// found is "N action items, M issues found", in the singular where due,
// and how many issues of other records repositories are left alone.
func (p *Plan) found() string {
	items, issues := "action items", "issues"
	if p.Items == 1 {
		items = "action item"
	}
	if p.Found == 1 {
		issues = "issue"
	}
	s := fmt.Sprintf("%d %s, %d %s found", p.Items, items, p.Found, issues)
	if p.Others > 0 {
		s += fmt.Sprintf(", %d of other records repositories left alone", p.Others)
	}
	return s
}

// records names the records repository when it is not the tracking
// repository: ", records of owner/name" (in code for Markdown).
func (p *Plan) records(markdown bool) string {
	switch {
	case strings.EqualFold(p.Source, p.Repository):
		return ""
	case markdown:
		return ", records of `" + p.Source + "`"
	}
	return ", records of " + p.Source
}
