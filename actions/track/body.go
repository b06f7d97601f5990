package track

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/castor-incidents/castor/actions/render"
	"github.com/castor-incidents/castor/internal/i18n"
	"github.com/castor-incidents/castor/schema"
)

// The hidden lines castor writes. The action marker is the issue's
// identity within its records repository: one issue per
// <record-id>/<item-id>, found again by it. The sync line remembers what
// castor last made of the issue (its state and the owner it assigned), so
// that a change made by hand on GitHub can be told from a change of the
// record, and the records repository the issue belongs to (source=), so
// that several records repositories can share a tracking repository.
// castor before source= wrote the same line without it.
var (
	markerRe = regexp.MustCompile(`<!-- castor:action ([a-z0-9][a-z0-9-]*)/([a-z0-9][a-z0-9-]*) -->`)
	syncRe   = regexp.MustCompile(`(?m)^<!-- castor:sync state=(open|completed|not_planned)(?: owner=([A-Za-z0-9][A-Za-z0-9-]*))?(?: source=([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+))? -->$`)
	idRe     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	// linkRe finds the repository of the record link castor puts on the
	// body's first visible line: "Action item of the incident
	// [<title>](<server>/<owner>/<name>/blob/HEAD/<path>)". The title is
	// escaped (escapeLinkText): no unescaped bracket closes it early.
	linkRe = regexp.MustCompile(`(?m)^Action item of the incident \[(?:\\.|[^\\\[\]\n])*\]\(https?://[^\s()]*?/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/blob/HEAD/`)
)

// Marker is the hidden line that identifies the issue of an action item.
func Marker(recordID, itemID string) string {
	return "<!-- castor:action " + recordID + "/" + itemID + " -->"
}

// parseMarker returns the key (record-id/item-id) of the first marker in
// an issue body. Record text in castor's bodies is escaped, so the first
// marker is castor's own.
func parseMarker(body string) (key string, ok bool) {
	m := markerRe.FindStringSubmatch(body)
	if m == nil {
		return "", false
	}
	return m[1] + "/" + m[2], true
}

// Issue states as castor sees them: open, or closed with its reason.
const (
	stateOpen       = "open"
	stateCompleted  = "completed"
	stateNotPlanned = "not_planned"
)

// syncState is what castor last set on an issue.
type syncState struct {
	State string // open, completed, not_planned
	Owner string // the assignee castor set, "" for none
	// Source is the records repository (owner/name) whose castor keeps
	// the issue; "" in the bodies of castor before source=.
	Source string
}

func (s syncState) line() string {
	l := "<!-- castor:sync state=" + s.State
	if s.Owner != "" {
		l += " owner=" + s.Owner
	}
	if s.Source != "" {
		l += " source=" + s.Source
	}
	return l + " -->"
}

func parseSync(body string) (syncState, bool) {
	m := syncRe.FindStringSubmatch(body)
	if m == nil {
		return syncState{}, false
	}
	return syncState{State: m[1], Owner: m[2], Source: m[3]}, true
}

// linkRepository is the repository of the record link in a body castor
// wrote ("" when there is none). Before source=, castor made that link
// from the same repository it now writes as the source.
func linkRepository(body string) string {
	if m := linkRe.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// withSync replaces the sync line of a body (or adds one after the
// marker), leaving the rest as it is.
func withSync(body string, s syncState) string {
	if syncRe.MatchString(body) {
		return syncRe.ReplaceAllLiteralString(body, s.line())
	}
	if loc := markerRe.FindStringIndex(body); loc != nil {
		return body[:loc[1]] + "\n" + s.line() + body[loc[1]:]
	}
	return s.line() + "\n" + body
}

// wantState maps an item's status to the state of its issue.
func wantState(status string) string {
	switch status {
	case schema.ItemDone:
		return stateCompleted
	case schema.ItemWontfix:
		return stateNotPlanned
	}
	return stateOpen
}

// issueState reads an issue's state; a closed issue without a reason
// (closed before GitHub had reasons) counts as completed.
func issueState(is Issue) string {
	if is.State != "closed" {
		return stateOpen
	}
	if is.StateReason == stateNotPlanned {
		return stateNotPlanned
	}
	return stateCompleted
}

func closed(state string) bool { return state != stateOpen }

// describeState is a state for people.
func describeState(s string) string {
	switch s {
	case stateCompleted:
		return "closed as completed"
	case stateNotPlanned:
		return "closed as not planned"
	}
	return "open"
}

const maxTitle = 256

// issueTitle is "[<record-id>] <item title>" on one line, within
// GitHub's 256 characters. Titles are plain text on GitHub: nothing to
// escape, but control characters and line breaks go.
func issueTitle(recordID, title string) string {
	t := "[" + recordID + "] " + oneLine(title)
	if utf8.RuneCountInString(t) > maxTitle {
		r := []rune(t)
		t = strings.TrimRightFunc(string(r[:maxTitle-1]), unicode.IsSpace) + "…"
	}
	return t
}

// oneLine flattens text for a single line of output: control characters
// (line breaks, escape sequences) become spaces, runs of spaces one.
func oneLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// bodyInput is what an issue body is made of.
type bodyInput struct {
	Record    *schema.Incident
	Item      schema.ActionItem
	RecordURL string // link to the record file; "" when unknown
	Sync      syncState
}

// issueBody renders an issue's body. Record text is escaped (render.Cell
// and render.Inline): it cannot open HTML, close the table, start a
// heading, or forge a castor marker.
func issueBody(in bodyInput) string {
	inc, it := in.Record, in.Item
	var b strings.Builder
	b.WriteString(Marker(inc.ID, it.ID))
	b.WriteByte('\n')
	b.WriteString(in.Sync.line())
	b.WriteString("\n")
	incident := render.Inline(inc.Title)
	if in.RecordURL != "" {
		incident = "[" + escapeLinkText(incident) + "](" + in.RecordURL + ")"
	}
	// The item's title comes last on its line: nothing of castor's
	// follows that a stray backtick or bracket in it could pair with, and
	// it cannot start the line as a heading or a list.
	facts := "`" + inc.ID + "`"
	if inc.Severity != "" {
		facts = render.Inline(inc.Severity) + ", " + facts
	}
	// A maintenance or a drill has action items too, and no severity.
	fmt.Fprintf(&b, "Action item of the %s %s (%s): %s\n\n", inc.RecordKind(), incident, facts, render.Inline(it.Title))
	b.WriteString("| | |\n| --- | --- |\n")
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "| %s | %s |\n", k, v)
		}
	}
	// The words and labels of castor render's action items table.
	row("Item", "`"+it.ID+"`")
	row(words.Kind, render.Cell(words.KindWord(it.Kind)))
	row(words.Priority, render.Cell(it.Priority))
	if it.Owner != "" {
		// In code: the assignment notifies the owner; a mention in
		// every edited body would too.
		row(words.Owner, render.CodeCell(words.Person(it.Owner)))
	}
	row(words.Due, render.Cell(it.Due))
	row(words.ItemStatus, render.Cell(words.ItemStatusWord(it.Status)))
	b.WriteString("\n_Kept in step with its incident record by castor: change the record, not this issue; edits made here are overwritten._")
	return b.String()
}

// words are the issue body's: English, as its first line and the hidden
// lines castor reads back.
var words = i18n.For("en")

// escapeLinkText keeps already-escaped text from closing a Markdown link.
func escapeLinkText(s string) string {
	return strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(s)
}

// recordURL links to a record file on the default branch: blob/HEAD
// follows whatever the default branch is called.
func recordURL(server, repository, path string) string {
	if server == "" || repository == "" || path == "" {
		return ""
	}
	segs := strings.Split(path, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.TrimSuffix(server, "/") + "/" + repository + "/blob/HEAD/" + strings.Join(segs, "/")
}

// closingComment is the comment left on an issue closed because its item
// is gone; its hidden line makes it findable, so it is written once.
func closingComment(key, why string) (marker, body string) {
	marker = "<!-- castor:closed " + key + " -->"
	return marker, marker + "\n" + why + "\n\nClosed as not planned by castor."
}
