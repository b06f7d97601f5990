package track

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/schema"
)

// Action is what a plan does to one issue.
type Action string

// The actions of a plan. Drift writes nothing: it reports an issue whose
// state was changed by hand against the record.
const (
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
	ActionClose  Action = "close"
	ActionDrift  Action = "drift"
	// ActionAdopt takes over the issue an action item names (its issue
	// field): castor's marker, labels and fields are added to it, its
	// own text is kept below castor's, and it is kept in step from then
	// on, instead of a second issue being opened.
	ActionAdopt Action = "adopt"
)

// Plan is what tracking would do: the issues to create, update and close,
// the labels to create, and the drift to report. It is computed from the
// records and one listing of the tracking issues, without writing.
type Plan struct {
	Repository string `json:"repository"`
	// Source is the records repository: issues carry it (source= in
	// their sync line), and castor touches only the issues of its own
	// source. SourceGuessed: GITHUB_REPOSITORY was not set, and the
	// source is taken to be the tracking repository.
	Source        string `json:"source"`
	SourceGuessed bool   `json:"source_guessed,omitempty"`
	// Label is castor's tracking label, the first of tracking.labels: it
	// is on every issue castor makes, and the listing filters by it.
	Label string `json:"label"`
	// Items counts the action items of the records; Found the issues
	// of this source carrying a castor marker; Others those of other
	// records repositories (or of none that can be told), left alone.
	Items  int `json:"action_items"`
	Found  int `json:"issues_found"`
	Others int `json:"issues_of_other_repositories,omitempty"`
	// Labels are the labels to create before the issues.
	Labels    []Label  `json:"labels_to_create"`
	Changes   []Change `json:"changes"`
	Unchanged int      `json:"unchanged"`
	// Notes explain what castor will not do, such as an owner who cannot
	// be assigned.
	Notes []Note `json:"notes,omitempty"`

	tracking   []string      // tracking.labels
	wantLabels []string      // every label the items need
	seenLabels []string      // labels on the listed issues
	issues     map[int]Issue // the listed issues, by number
}

// Change is one issue to create, update or close, or a drift to report.
type Change struct {
	Action Action `json:"action"`
	// Key is <record-id>/<item-id>, the issue's identity.
	Key    string `json:"key"`
	Record string `json:"record"`
	Item   string `json:"item"`
	// Path is the record's file ("" when the record is gone).
	Path string `json:"path,omitempty"`
	// Issue is the issue's number (0 for a creation, until it is made).
	Issue int    `json:"issue,omitempty"`
	URL   string `json:"url,omitempty"`
	// Title is the issue's title after the change.
	Title string `json:"title"`
	// Fields lists what an update or a close changes: title, body,
	// labels, assignees, state.
	Fields []string `json:"fields,omitempty"`
	// State is the issue's state after the change: open, completed or
	// not_planned (closed with that reason).
	State string `json:"state,omitempty"`
	// Assignee is the owner the issue is (or will be) assigned to.
	Assignee string `json:"assignee,omitempty"`
	// Comment: the issue is closed with a comment saying why.
	Comment bool `json:"comment,omitempty"`
	// Reason says why an issue is closed (removed item, deleted record,
	// duplicate) or what the drift is.
	Reason string `json:"reason,omitempty"`
	// Position is, for drift, where the record says otherwise
	// (file:line:col of the item's status).
	Position string `json:"position,omitempty"`

	req           IssueRequest  // what to send: the creation, or the edit
	closeAfter    *IssueRequest // a creation closed at once (a done item)
	commentMarker string
	commentBody   string
	addsOwner     bool // the edit assigns the owner: check that it may be
}

// Note is something castor leaves undone, and why.
type Note struct {
	Key     string `json:"key"`
	Issue   int    `json:"issue,omitempty"`
	Message string `json:"message"`
}

// Counts sums up a plan (adoptions apart: Adoptions).
func (p *Plan) Counts() (creates, updates, closes, drifts int) {
	for _, c := range p.Changes {
		switch c.Action {
		case ActionCreate:
			creates++
		case ActionUpdate:
			updates++
		case ActionClose:
			closes++
		case ActionDrift:
			drifts++
		}
	}
	return
}

// Adoptions counts the issues named by action items that castor takes
// over.
func (p *Plan) Adoptions() int {
	n := 0
	for _, c := range p.Changes {
		if c.Action == ActionAdopt {
			n++
		}
	}
	return n
}

// Writes is how many changes write to GitHub (labels included).
func (p *Plan) Writes() int {
	n := len(p.Labels)
	for _, c := range p.Changes {
		if c.Action != ActionDrift {
			n++
		}
	}
	return n
}

// planInput is what a plan is computed from.
type planInput struct {
	Records    []*schema.Record
	Issues     []Issue
	Labels     []string // tracking.labels; the first is the tracking label
	Repository string
	// Source is the repository of the records (GITHUB_REPOSITORY, else
	// the tracking repository: SourceGuessed). The links to record files
	// point into it (<LinkServer>/<Source>/blob/HEAD/<path>), and every
	// issue castor writes carries it as source= in its sync line.
	Source        string
	SourceGuessed bool
	LinkServer    string
	// PublicRepo is true when the issues' repository is public: the
	// action items of internal records are then not tracked there.
	PublicRepo bool
	// Named are the issues of the tracking repository that action items
	// name (their issue field) and the listing did not return, by
	// number; NamedMissing those GitHub does not know.
	Named        map[int]Issue
	NamedMissing map[int]bool
}

// computePlan matches items to issues by their marker and decides, for
// each, what to do. It makes no call.
func computePlan(in planInput) (*Plan, error) {
	p := &Plan{Repository: in.Repository, Source: in.Source, SourceGuessed: in.SourceGuessed,
		Label: in.Labels[0], tracking: in.Labels, issues: map[int]Issue{}}
	if p.Source == "" {
		p.Source, p.SourceGuessed = in.Repository, true
	}
	ours := ourKeys(in.Records)
	byKey := map[string][]Issue{}   // our issues, by key
	unknown := map[string][]Issue{} // issues whose source cannot be told
	foreign := map[string][]Issue{} // other sources' issues, by key
	claimed := map[int]bool{}       // unknown issues taken as ours
	seen := map[string]string{}
	for _, is := range in.Issues {
		p.issues[is.Number] = is
		for _, l := range is.Labels {
			seen[strings.ToLower(l)] = l
		}
		key, ok := parseMarker(is.Body)
		if !ok {
			continue
		}
		switch p.owner(is) {
		case ownerUs:
			byKey[key] = append(byKey[key], is)
		case ownerUnknown:
			unknown[key] = append(unknown[key], is)
		default:
			foreign[key] = append(foreign[key], is)
			p.Others++
		}
	}
	for _, l := range seen {
		p.seenLabels = append(p.seenLabels, l)
	}
	// An issue whose source cannot be told is ours when one of our items
	// has its key and none of our issues does: it is kept in step, and
	// claimed (source= written once). Any other is left alone: never
	// updated, closed, or closed as a duplicate.
	var unknownKeys []string
	for key := range unknown {
		unknownKeys = append(unknownKeys, key)
	}
	sort.Strings(unknownKeys)
	for _, key := range unknownKeys {
		list := unknown[key]
		slices.SortFunc(list, func(a, b Issue) int { return a.Number - b.Number })
		if ours[key] && len(byKey[key]) == 0 {
			byKey[key] = []Issue{list[0]}
			claimed[list[0].Number] = true
			list = list[1:]
		}
		for _, is := range list {
			p.Others++
			if is.State == "open" {
				p.Notes = append(p.Notes, Note{Key: key, Issue: is.Number, Message: "left as it is: made by an older castor, its records repository cannot be told " +
					"(its record link is missing or points into the tracking repository); if it is one of " + p.Source + "'s, close it by hand once its item is gone, or add source=" +
					p.Source + " to its castor:sync line"})
			}
		}
	}
	for _, list := range byKey {
		p.Found += len(list)
		slices.SortFunc(list, func(a, b Issue) int { return a.Number - b.Number })
	}
	if p.SourceGuessed {
		if err := p.checkGuess(ours, foreign); err != nil {
			return nil, err
		}
	}

	records := map[string]bool{}
	adopted := map[int]string{} // issues taken over in this plan, and by which key
	wanted := map[string]bool{}
	want := map[string]bool{}
	longTags := map[string]bool{} // record and tag, noted once
	for _, rec := range in.Records {
		inc := rec.Incident
		if inc == nil {
			return nil, fmt.Errorf("%s: the record could not be read", rec.Path)
		}
		if !idRe.MatchString(inc.ID) {
			return nil, fmt.Errorf("%s: record id %q is not a valid id", rec.Path, inc.ID)
		}
		records[inc.ID] = true
		link := recordURL(in.LinkServer, p.Source, rec.Path)
		for i, it := range inc.ActionItems {
			if !idRe.MatchString(it.ID) {
				return nil, fmt.Errorf("%s: action item id %q is not a valid id", rec.Pos("action_items", i, "id"), it.ID)
			}
			key := inc.ID + "/" + it.ID
			if wanted[key] {
				return nil, fmt.Errorf("%s: action item %q appears twice in record %s", rec.Pos("action_items", i, "id"), it.ID, inc.ID)
			}
			wanted[key] = true
			if in.PublicRepo && !inc.Public() {
				// An issue would publish what the record keeps internal.
				// An issue made earlier (the record was public) is left
				// as it is: neither updated nor closed.
				msg := fmt.Sprintf("%s: not tracked: the record is internal and %s is public (set tracking.repository to a private repository)", rec.Pos("action_items", i), in.Repository)
				if list := byKey[key]; len(list) > 0 {
					p.Notes = append(p.Notes, Note{Key: key, Issue: list[0].Number, Message: msg + "; its issue is left as it is"})
				} else {
					p.Notes = append(p.Notes, Note{Key: key, Message: msg})
				}
				continue
			}
			p.Items++
			labels, long := itemLabels(in.Labels, inc, it)
			for _, t := range long {
				if longTags[inc.ID+"\x00"+t] {
					continue
				}
				longTags[inc.ID+"\x00"+t] = true
				p.Notes = append(p.Notes, Note{Key: key, Message: fmt.Sprintf("tag %q makes a label over GitHub's %d characters: its issue gets no tag/ label", t, maxLabel)})
			}
			for _, l := range labels {
				if !want[strings.ToLower(l)] {
					want[strings.ToLower(l)] = true
					p.wantLabels = append(p.wantLabels, l)
				}
			}
			d := desired{rec: rec, index: i, item: it, key: key, link: link, labels: labels, source: p.Source}
			list := byKey[key]
			if len(list) == 0 && it.Issue != "" && p.planNamed(d, in, adopted) {
				continue
			}
			if len(list) == 0 {
				p.Changes = append(p.Changes, d.create())
				continue
			}
			if repo, num, ok := namedIssue(it.Issue, in.LinkServer); ok && strings.EqualFold(repo, p.Repository) && num != list[0].Number {
				p.Notes = append(p.Notes, Note{Key: key, Issue: list[0].Number, Message: fmt.Sprintf(
					"the item names #%d, but castor keeps #%d for it: #%d is left as it is (set the item's issue to #%d's URL, or close one)", num, list[0].Number, num, list[0].Number)})
			}
			p.planExisting(d, list[0], claimed[list[0].Number])
			for _, dup := range list[1:] {
				if dup.State == "open" {
					p.Changes = append(p.Changes, closeOrphan(dup, key, rec.Path, p.Source,
						fmt.Sprintf("duplicate of #%d, the issue of action item `%s` of record `%s`", list[0].Number, it.ID, inc.ID)))
				}
			}
		}
	}

	var gone []string
	for key := range byKey {
		if !wanted[key] {
			gone = append(gone, key)
		}
	}
	sort.Strings(gone)
	for _, key := range gone {
		recID, itemID, _ := strings.Cut(key, "/")
		why := fmt.Sprintf("The record `%s` was deleted.", recID)
		if records[recID] {
			why = fmt.Sprintf("The action item `%s` was removed from the record `%s`.", itemID, recID)
		}
		for _, is := range byKey[key] {
			if is.State == "open" {
				p.Changes = append(p.Changes, closeOrphan(is, key, "", p.Source, why))
			}
		}
	}
	return p, nil
}

// owner is whose an issue is: this records repository's, another's, or
// one that cannot be told.
type owner int

const (
	ownerUs owner = iota
	ownerOther
	ownerUnknown
)

// owner tells whose an issue with a castor marker is.
//
// An issue with source= in its sync line belongs to that records
// repository (names compare case-insensitively, as on GitHub).
//
// An issue without (made by castor before source=) is told by its record
// link: castor made that link from GITHUB_REPOSITORY, the very value it
// now writes as the source, so a link into our source is ours, and a
// link into any other repository but the tracking one is another
// repository's. A link into the tracking repository while our source is
// not the tracking repository proves nothing: castor fell back to the
// tracking repository when GITHUB_REPOSITORY was not set (a laptop), so
// any records repository may have made it. That issue, and one without
// a link (edited by hand), cannot be told. The rule errs on the side
// that loses nothing: such an issue is only ever taken for ours when one
// of our items has its key (castor before source= would have updated it
// too; taking it writes the source, so the question never comes back),
// and never closed, since closing another team's issue "as not planned:
// the record was deleted" is the data loss this rule exists to prevent.
// A wrong guess the other way costs at most one issue left open, with a
// note saying why, on every run.
func (p *Plan) owner(is Issue) owner {
	if s, ok := parseSync(is.Body); ok && s.Source != "" {
		if strings.EqualFold(s.Source, p.Source) {
			return ownerUs
		}
		return ownerOther
	}
	switch link := linkRepository(is.Body); {
	case link == "":
		return ownerUnknown
	case strings.EqualFold(link, p.Source):
		return ownerUs
	case strings.EqualFold(link, p.Repository):
		return ownerUnknown
	default:
		return ownerOther
	}
}

// checkGuess refuses a guessed source when another source's issues have
// the keys of our items: run where GITHUB_REPOSITORY is not set (a
// laptop) for records whose issues the Action made, castor would
// otherwise open a second issue for every item.
func (p *Plan) checkGuess(ours map[string]bool, foreign map[string][]Issue) error {
	var nums []int
	sources := map[string]bool{}
	for key, list := range foreign {
		if !ours[key] {
			continue
		}
		for _, is := range list {
			nums = append(nums, is.Number)
			src := linkRepository(is.Body)
			if s, ok := parseSync(is.Body); ok && s.Source != "" {
				src = s.Source
			}
			sources[src] = true
		}
	}
	if len(nums) == 0 {
		return nil
	}
	slices.Sort(nums)
	var names []string
	for s := range sources {
		names = append(names, s)
	}
	sort.Strings(names)
	refs := fmt.Sprintf("#%d", nums[0])
	if len(nums) > 1 {
		refs = fmt.Sprintf("#%d and %d more", nums[0], len(nums)-1)
	}
	return errkind.New(errkind.Usage, "GITHUB_REPOSITORY is not set, so castor takes %s for the repository of these records, "+
		"but issues %s for the same action items belong to %s: set GITHUB_REPOSITORY to the repository of these records (owner/name) and run again",
		p.Source, refs, strings.Join(names, ", "))
}

// ourKeys are the keys of the records' action items.
func ourKeys(records []*schema.Record) map[string]bool {
	keys := map[string]bool{}
	for _, rec := range records {
		if rec.Incident == nil {
			continue
		}
		for _, it := range rec.Incident.ActionItems {
			keys[rec.Incident.ID+"/"+it.ID] = true
		}
	}
	return keys
}

// desired is an action item and what its issue should be.
type desired struct {
	rec    *schema.Record
	index  int
	item   schema.ActionItem
	key    string
	link   string
	labels []string
	source string
}

// body is the issue's body; the sync line carries the source.
func (d desired) body(s syncState) string {
	s.Source = d.source
	return issueBody(bodyInput{Record: d.rec.Incident, Item: d.item, RecordURL: d.link, Sync: s})
}

func (d desired) change(a Action) Change {
	return Change{
		Action: a, Key: d.key, Record: d.rec.Incident.ID, Item: d.item.ID, Path: d.rec.Path,
		Title: issueTitle(d.rec.Incident.ID, d.item.Title), Assignee: d.item.Owner,
	}
}

// create makes a new issue: open, with its labels and owner. An item
// already done or dropped gets its issue closed right after (GitHub
// creates issues open); the body records each state castor sets, so a
// run killed in between finishes the job.
func (d desired) create() Change {
	c := d.change(ActionCreate)
	want := wantState(d.item.Status)
	c.State = want
	body := d.body(syncState{State: stateOpen, Owner: d.item.Owner})
	labels := slices.Clone(d.labels)
	c.req = IssueRequest{Title: &c.Title, Body: &body, Labels: &labels}
	if d.item.Owner != "" {
		c.req.Assignees = &[]string{d.item.Owner}
	}
	if closed(want) {
		closedBody := d.body(syncState{State: want, Owner: d.item.Owner})
		c.closeAfter = &IssueRequest{Body: &closedBody, State: ptr("closed"), StateReason: ptr(want)}
	}
	return c
}

func ptr[T any](v T) *T { return &v }

// planNamed plans the issue an action item names. An issue of the
// tracking repository that castor does not keep for another item is
// adopted; an issue elsewhere is left to whoever tracks it there (no
// second issue is opened). It returns false when the item is to get an
// issue of its own after all (the named one is missing, a pull request,
// or another item's), with a note saying why.
func (p *Plan) planNamed(d desired, in planInput, adopted map[int]string) bool {
	it := d.item
	note := func(num int, msg string) { p.Notes = append(p.Notes, Note{Key: d.key, Issue: num, Message: msg}) }
	repo, num, ok := namedIssue(it.Issue, in.LinkServer)
	if !ok || !strings.EqualFold(repo, p.Repository) {
		note(0, fmt.Sprintf("tracked by %s, outside %s: castor opens no issue for it", it.Issue, p.Repository))
		return true
	}
	is, listed := p.issues[num]
	if !listed {
		is, listed = in.Named[num]
	}
	switch {
	case in.NamedMissing[num] || !listed:
		note(num, fmt.Sprintf("the item names issue #%d, which %s does not have: castor opens an issue of its own", num, p.Repository))
		return false
	case is.PullRequest:
		note(num, fmt.Sprintf("the item names #%d, a pull request: castor opens an issue of its own", num))
		return false
	case adopted[num] != "":
		note(num, fmt.Sprintf("the item names #%d, which castor takes for %s: castor opens an issue of its own", num, adopted[num]))
		return false
	}
	if key, ok := parseMarker(is.Body); ok && key != d.key {
		note(num, fmt.Sprintf("the item names #%d, castor's issue of %s: castor opens an issue of its own", num, key))
		return false
	}
	adopted[num] = d.key
	p.issues[num] = is
	// The issue's text until now is kept below castor's.
	own := is
	own.Body = adoptedSeparator + "\n" + neutralize(is.Body)
	n := len(p.Changes)
	p.planExisting(d, own, true)
	for i := n; i < len(p.Changes); i++ {
		if c := &p.Changes[i]; c.Action != ActionDrift {
			c.Action = ActionAdopt
		}
	}
	return true
}

// adoptedSeparator separates castor's part of an adopted issue's body
// from the text the issue had (and may still be given): castor rewrites
// what is above it, never what is below.
const adoptedSeparator = "<!-- castor:adopted: the issue's own text follows; castor keeps it as it is -->"

// keptText is the text of an adopted issue below castor's part, with the
// separator; "" for an issue castor made.
func keptText(body string) string {
	if i := strings.Index(body, adoptedSeparator); i >= 0 {
		return body[i:]
	}
	return ""
}

// neutralize keeps a person's text from passing for castor's hidden
// lines (a marker or a sync line would be read as castor's).
func neutralize(s string) string {
	return strings.ReplaceAll(s, "<!-- castor:", "<!-- (castor) ")
}

// namedIssue reads a GitHub issue URL on the server castor links to:
// its repository and number.
func namedIssue(raw, server string) (repo string, num int, ok bool) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "", 0, false
	}
	if server == "" {
		server = "https://github.com"
	}
	if s, err := url.Parse(server); err != nil || !strings.EqualFold(s.Host, u.Host) {
		return "", 0, false
	}
	m := namedIssueRe.FindStringSubmatch(u.Path)
	if m == nil {
		return "", 0, false
	}
	num, err = strconv.Atoi(m[2])
	return m[1], num, err == nil && num > 0
}

var namedIssueRe = regexp.MustCompile(`^/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/issues/(\d{1,9})/?$`)

// planExisting compares an item with its issue. claim: the issue's
// source could not be told, and it is taken as ours (its body is written
// with the source).
func (p *Plan) planExisting(d desired, is Issue, claim bool) {
	cur := issueState(is)
	want := wantState(d.item.Status)
	prev, prevOK := parseSync(is.Body)
	target, drift := cur, false
	switch {
	case cur == want:
	case closed(cur) && closed(want):
		// Closed either way; the reason follows the record.
		target = want
	case prevOK && closed(prev.State) == closed(cur):
		// The issue is as castor left it: the record changed.
		target = want
	case !prevOK && closed(want):
		target = want
	default:
		// Closed or reopened by hand against the record: report, do not
		// undo a person's decision.
		drift = true
	}
	s := syncState{State: target, Owner: d.item.Owner}
	if drift {
		// Keep what castor set, so that the drift stays visible until
		// the record or the issue changes.
		s.State = want
		if prevOK {
			s.State = prev.State
		}
	}

	c := d.change(ActionUpdate)
	c.Issue, c.URL, c.State = is.Number, is.URL, target
	if c.Title != is.Title {
		c.Fields = append(c.Fields, "title")
		c.req.Title = &c.Title
	}
	body := d.body(s)
	if kept := keptText(is.Body); kept != "" {
		body += "\n\n" + kept
	}
	if body != is.Body && (claim || !legacyInStep(d, s, is, prevOK, prev)) {
		c.Fields = append(c.Fields, "body")
		c.req.Body = &body
	}
	if labels, changed := mergeLabels(is.Labels, d.labels); changed {
		c.Fields = append(c.Fields, "labels")
		c.req.Labels = &labels
	}
	prevOwner := ""
	if prevOK {
		prevOwner = prev.Owner
	}
	if assignees, changed := mergeAssignees(is.Assignees, prevOwner, d.item.Owner); changed {
		c.Fields = append(c.Fields, "assignees")
		c.req.Assignees = &assignees
		c.addsOwner = d.item.Owner != "" && !containsFold(is.Assignees, d.item.Owner)
	}
	if target != cur {
		c.Fields = append(c.Fields, "state")
		if closed(target) {
			c.req.State, c.req.StateReason = ptr("closed"), ptr(target)
		} else {
			c.req.State = ptr("open")
		}
	}
	switch {
	case closed(target) && !closed(cur):
		c.Action = ActionClose
		p.Changes = append(p.Changes, c)
	case len(c.Fields) > 0:
		p.Changes = append(p.Changes, c)
	case !drift:
		p.Unchanged++
	}
	if drift {
		dc := d.change(ActionDrift)
		dc.Issue, dc.URL, dc.State = is.Number, is.URL, cur
		dc.Position = d.rec.Pos("action_items", d.index, "status").String()
		if closed(cur) {
			dc.Reason = fmt.Sprintf("%s on GitHub while the record says the item is %s: reopen the issue, or set the item's status to done or wontfix at %s",
				describeState(cur), d.item.Status, dc.Position)
		} else {
			dc.Reason = fmt.Sprintf("reopened on GitHub while the record says the item is %s: close the issue, or set the item's status to open at %s",
				d.item.Status, dc.Position)
		}
		p.Changes = append(p.Changes, dc)
	}
}

// legacyInStep: the body, made by castor before source=, differs from
// the wanted one by the source alone. It is not written for that: its
// record link already names the source (or it would not be ours), so the
// source is added with the next edit the record calls for, and upgrading
// castor costs no write (a write per issue would take an hour of paced
// writes for 1,000 issues).
func legacyInStep(d desired, s syncState, is Issue, prevOK bool, prev syncState) bool {
	if prevOK && prev.Source != "" {
		return false
	}
	legacy := d
	legacy.source = ""
	return legacy.body(s) == is.Body
}

// closeOrphan closes an issue whose item is gone (or a duplicate) as not
// planned, with a comment saying why; its body gets the source.
func closeOrphan(is Issue, key, path, source, why string) Change {
	recID, itemID, _ := strings.Cut(key, "/")
	c := Change{
		Action: ActionClose, Key: key, Record: recID, Item: itemID, Path: path, Issue: is.Number, URL: is.URL,
		Title: is.Title, Fields: []string{"state", "body"}, State: stateNotPlanned, Comment: true, Reason: why,
	}
	if strings.HasPrefix(why, "duplicate") {
		why = "This issue is a " + why + "."
	}
	c.commentMarker, c.commentBody = closingComment(key, why)
	prev, _ := parseSync(is.Body)
	body := withSync(is.Body, syncState{State: stateNotPlanned, Owner: prev.Owner, Source: source})
	c.req = IssueRequest{Body: &body, State: ptr("closed"), StateReason: ptr(stateNotPlanned)}
	return c
}

// managedPrefixes are the label families castor sets from the record; a
// label of these families that the record no longer asks for is removed.
// Other labels (set by people) stay.
var managedPrefixes = []string{"severity/", "priority/", "kind/", "tag/"}

func managed(label string) bool {
	l := strings.ToLower(label)
	for _, p := range managedPrefixes {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// itemLabels are the labels an item's issue carries: tracking.labels,
// then severity/, priority/ and kind/ from the record and item, then a
// tag/ label per tag of the incident. A tag too long for a GitHub label
// (50 characters with its prefix) gets none: it is returned in long.
func itemLabels(tracking []string, inc *schema.Incident, it schema.ActionItem) (labels, long []string) {
	out := slices.Clone(tracking)
	fam := []string{prefixed("severity/", inc.Severity), prefixed("priority/", it.Priority), prefixed("kind/", it.Kind)}
	for _, t := range inc.Tags {
		l := prefixed("tag/", t)
		if utf8.RuneCountInString(l) > maxLabel {
			long = append(long, t)
			continue
		}
		fam = append(fam, l)
	}
	for _, l := range fam {
		if l != "" && !containsFold(out, l) {
			out = append(out, l)
		}
	}
	return out, long
}

// maxLabel is GitHub's limit on a label's name, in characters ("name is
// too long (maximum is 50 characters)").
const maxLabel = 50

func prefixed(p, v string) string {
	if v == "" {
		return ""
	}
	return p + v
}

// mergeLabels keeps an issue's labels, drops castor's families the
// record no longer asks for, and adds the missing ones. Names compare
// case-insensitively, as on GitHub.
func mergeLabels(have, want []string) ([]string, bool) {
	var out []string
	changed := false
	for _, l := range have {
		if managed(l) && !containsFold(want, l) {
			changed = true
			continue
		}
		out = append(out, l)
	}
	for _, l := range want {
		if !containsFold(out, l) {
			out = append(out, l)
			changed = true
		}
	}
	return out, changed
}

// mergeAssignees makes the record's owner an assignee, in place of the
// owner castor assigned before; people assigned by hand stay.
func mergeAssignees(have []string, prevOwner, owner string) ([]string, bool) {
	var out []string
	changed := false
	for _, a := range have {
		if prevOwner != "" && strings.EqualFold(a, prevOwner) && !strings.EqualFold(a, owner) {
			changed = true
			continue
		}
		out = append(out, a)
	}
	if owner != "" && !containsFold(out, owner) {
		out = append(out, owner)
		changed = true
	}
	if out == nil {
		out = []string{}
	}
	return out, changed
}

func containsFold(list []string, s string) bool {
	return slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, s) })
}

// resolve asks GitHub what the plan cannot know from the listing: which
// labels exist (only when an item needs one that no listed issue
// carries), and whether owners to assign may be (only when an issue
// lacks its owner).
func (p *Plan) resolve(ctx context.Context, g GitHub) error {
	var missing []string
	for _, l := range p.wantLabels {
		if !containsFold(p.seenLabels, l) {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		existing, err := g.ListLabels(ctx)
		if err != nil {
			return err
		}
		for _, l := range missing {
			if !slices.ContainsFunc(existing, func(e Label) bool { return strings.EqualFold(e.Name, l) }) {
				p.Labels = append(p.Labels, labelSpec(l, p.tracking))
			}
		}
	}

	assignable := map[string]bool{}
	kept := p.Changes[:0]
	for _, c := range p.Changes {
		if c.addsOwner {
			owner := strings.ToLower(c.Assignee)
			ok, known := assignable[owner]
			if !known {
				var err error
				if ok, err = g.IsAssignable(ctx, c.Assignee); err != nil {
					return err
				}
				assignable[owner] = ok
			}
			if !ok {
				p.Notes = append(p.Notes, Note{Key: c.Key, Issue: c.Issue, Message: fmt.Sprintf(
					"%s cannot be assigned issues in %s (not a collaborator?): the issue stays without its owner as assignee", c.Assignee, p.Repository)})
				c = dropOwner(c, p.issues[c.Issue])
				if len(c.Fields) == 0 {
					p.Unchanged++
					continue
				}
			}
		}
		kept = append(kept, c)
	}
	p.Changes = kept
	return nil
}

// dropOwner removes the owner from an edit's assignees.
func dropOwner(c Change, is Issue) Change {
	var rest []string
	for _, a := range *c.req.Assignees {
		if !strings.EqualFold(a, c.Assignee) {
			rest = append(rest, a)
		}
	}
	c.addsOwner = false
	if slices.Equal(rest, is.Assignees) || (len(rest) == 0 && len(is.Assignees) == 0) {
		c.req.Assignees = nil
		c.Fields = slices.DeleteFunc(slices.Clone(c.Fields), func(f string) bool { return f == "assignees" })
		return c
	}
	if rest == nil {
		rest = []string{}
	}
	c.req.Assignees = &rest
	return c
}

// labelSpec gives a label castor creates its colour and description.
func labelSpec(name string, tracking []string) Label {
	l := strings.ToLower(name)
	colors := map[string]string{
		"severity/sev1": "b60205", "severity/sev2": "d93f0b", "severity/sev3": "fbca04", "severity/sev4": "0e8a16",
		"priority/p0": "b60205", "priority/p1": "d93f0b", "priority/p2": "fbca04", "priority/p3": "c5def5",
	}
	switch c, ok := colors[l]; {
	case ok && strings.HasPrefix(l, "severity/"):
		return Label{Name: name, Color: c, Description: "Incident severity " + name[len("severity/"):] + " (castor)"}
	case ok:
		return Label{Name: name, Color: c, Description: "Action item priority " + name[len("priority/"):] + " (castor)"}
	case strings.HasPrefix(l, "kind/"):
		return Label{Name: name, Color: "1d76db", Description: "Action item kind: " + name[len("kind/"):] + " (castor)"}
	case strings.HasPrefix(l, "tag/"):
		return Label{Name: name, Color: "c2e0c6", Description: "Incident tag: " + name[len("tag/"):] + " (castor)"}
	case containsFold(tracking, name):
		return Label{Name: name, Color: "5319e7", Description: "Follow-up of an incident, tracked by castor"}
	}
	return Label{Name: name, Color: "ededed", Description: "castor"}
}
