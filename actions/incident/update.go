package incident

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/lazyre"
	"github.com/castor-incidents/castor/schema"
)

// UpdateOptions configures `castor update`.
type UpdateOptions struct {
	Dir string
	ID  string

	// A status update: Status (default: the record's) and Message.
	Status     string
	Message    string
	HasMessage bool // --message was given, even empty
	// Components are "name=status" pairs for the status update.
	Components []string
	// At is when, for every entry added; default now.
	At string

	// Timeline adds an entry to the internal chronology.
	Timeline    string
	HasTimeline bool

	// Action adds an action item.
	Action   string
	Owner    string
	Kind     string
	Priority string
	Due      string

	// Commit commits the record on the current branch; PR also pushes it
	// and opens (or finds) the incident's draft pull request.
	Commit, PR bool
	Publish    PublishOptions

	Now    func() time.Time
	Out    io.Writer
	ErrOut io.Writer
}

var loginRE = lazyre.New(`^[A-Za-z0-9](-?[A-Za-z0-9]){0,38}$`)

// usagef is errkind.New(errkind.Usage, …), the importer's shorthand.
func usagef(format string, args ...any) error {
	return errkind.New(errkind.Usage, format, args...)
}

// oneOf checks the value of --flag against its choices, worded like
// every flag's bad value: --severity "2": want one of SEV1|SEV2|SEV3|SEV4.
func oneOf(flag, v string, allowed []string) error {
	if slices.Contains(allowed, v) {
		return nil
	}
	return errkind.New(errkind.Usage, "--%s %q: want one of %s%s", flag, v, strings.Join(allowed, "|"), schema.DidYouMean(v, allowed))
}

// componentStatuses parses "name=status" pairs.
// componentStatuses reads --component flags: NAME[=STATUS], each a
// component castor.yaml declares (when it declares any).
func componentStatuses(pairs []string, def string, cfg *schema.Config) (map[string]string, []string, error) {
	out := map[string]string{}
	var order []string
	for _, p := range pairs {
		name, status, ok := strings.Cut(p, "=")
		if !ok {
			if def == "" {
				return nil, nil, errkind.New(errkind.Usage, "--component %q: want NAME=STATUS (STATUS one of %s)", p, strings.Join(schema.ComponentStatuses, ", "))
			}
			status = def
		}
		name = strings.TrimSpace(name)
		if Slug(name, 0) != name || name == "" {
			return nil, nil, errkind.New(errkind.Usage, "--component %q: a component name is lowercase letters, digits and hyphens", p)
		}
		if !slices.Contains(schema.ComponentStatuses, status) {
			return nil, nil, errkind.New(errkind.Usage, "--component %q: want NAME=STATUS, STATUS one of %s%s", p, strings.Join(schema.ComponentStatuses, "|"), schema.DidYouMean(status, schema.ComponentStatuses))
		}
		if _, dup := out[name]; dup {
			return nil, nil, errkind.New(errkind.Usage, "--component %s given twice", name)
		}
		if err := Declared(cfg, name); err != nil {
			return nil, nil, err
		}
		out[name] = status
		order = append(order, name)
	}
	return out, order, nil
}

// Declared refuses a component castor.yaml does not declare, as a flag
// error (new, update and drill word it the same): the file it would be
// written to may not exist yet.
func Declared(cfg *schema.Config, name string) error {
	if len(cfg.Components) == 0 {
		return nil
	}
	names := make([]string, len(cfg.Components))
	for i, c := range cfg.Components {
		if c.Name == name {
			return nil
		}
		names[i] = c.Name
	}
	return usagef("--component %s: not declared in castor.yaml (declared: %s)%s", name, strings.Join(names, ", "), schema.DidYouMean(name, names))
}

func (o *UpdateOptions) check() error {
	if !o.HasMessage && o.Status == "" && !o.HasTimeline && o.Action == "" {
		return errkind.New(errkind.Usage, "nothing to add: give --status and --message, --timeline or --action")
	}
	if o.Status != "" {
		// Which statuses the record takes depends on its kind: checked
		// once it is read (addStatusUpdate), before anything is written,
		// so that a mistake is told the statuses of that kind only.
		if !o.HasMessage {
			return errkind.New(errkind.Usage, "a status update needs --message: what readers of the status page should know")
		}
	}
	if len(o.Components) > 0 && !o.HasMessage {
		return errkind.New(errkind.Usage, "--component belongs to a status update: give --message too")
	}
	if o.HasMessage {
		if strings.TrimSpace(o.Message) == "" {
			return errkind.New(errkind.Usage, "the message is empty: a status update tells readers what is going on")
		}
		if err := checkText("the message", o.Message); err != nil {
			return errkind.Wrap(errkind.Usage, err)
		}
	}
	if o.HasTimeline {
		if strings.TrimSpace(o.Timeline) == "" {
			return errkind.New(errkind.Usage, "the timeline entry is empty")
		}
		if err := checkText("the timeline entry", o.Timeline); err != nil {
			return errkind.Wrap(errkind.Usage, err)
		}
	}
	if o.Action == "" {
		if o.Owner != "" || o.Due != "" || o.Kind != "" || o.Priority != "" {
			return errkind.New(errkind.Usage, "--owner, --due, --kind and --priority describe an --action")
		}
	} else {
		if strings.TrimSpace(o.Action) == "" {
			return errkind.New(errkind.Usage, "the action item's title is empty")
		}
		if err := checkText("the action item's title", o.Action); err != nil {
			return errkind.Wrap(errkind.Usage, err)
		}
		if o.Owner != "" && !loginRE.MatchString(o.Owner) {
			return errkind.New(errkind.Usage, "--owner %q is not a GitHub login", o.Owner)
		}
		if o.Kind == "" {
			o.Kind = "prevent"
		}
		if o.Priority == "" {
			o.Priority = "P2"
		}
		if err := oneOf("kind", o.Kind, schema.ItemKinds); err != nil {
			return err
		}
		if err := oneOf("priority", o.Priority, schema.Priorities); err != nil {
			return err
		}
		if o.Due != "" {
			if _, err := time.Parse("2006-01-02", o.Due); err != nil {
				return errkind.New(errkind.Usage, "--due %q: want a date, YYYY-MM-DD", o.Due)
			}
		}
	}
	if o.Commit && o.PR {
		return errkind.New(errkind.Usage, "--commit and --pr: choose one (--pr commits too)")
	}
	return nil
}

// UpdateResult says what Update did.
type UpdateResult struct {
	Path   string
	Before []byte
	After  []byte
	PR     *PublishResult
}

// Update amends a record in place and validates it before writing.
//
// Re-running an update is harmless: an entry that the record already ends
// with (the same status, message and components; the same timeline event;
// an action item with the same title) is not added twice, so a run cut
// short after writing can be repeated to finish the commit and the push.
func Update(ctx context.Context, opts UpdateOptions) (*UpdateResult, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	ws, err := openWorkspace(opts.Dir, "")
	if err != nil {
		return nil, err
	}
	p, err := ws.find(opts.ID)
	if err != nil {
		return nil, err
	}
	before, err := ws.read(p)
	if err != nil {
		return nil, err
	}
	// The new content is made in memory first: a refused update leaves
	// no trace, not even a branch.
	after, inc, sum, err := editRecord(ctx, ws, p, before, &opts)
	if err != nil {
		return nil, err
	}
	var pub *publisher
	if opts.Commit || opts.PR {
		// Before anything is written: a dirty work tree (the record
		// included) or a branch behind its remote is refused.
		if pub, err = newPublisher(ctx, ws, opts.Publish, opts.PR, opts.ErrOut); err != nil {
			return nil, err
		}
		if err := pub.prepareUpdate(ctx, opts.ID, opts.PR); err != nil {
			return nil, err
		}
	}
	for _, n := range sum.notes {
		fmt.Fprintf(opts.ErrOut, "castor: %s\n", n)
	}
	res := &UpdateResult{Path: p, Before: before, After: after}
	if string(after) != string(before) {
		if err := ws.write(p, after); err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
	}
	// Say what was done, not only where.
	if len(sum.added) > 0 {
		fmt.Fprintf(opts.Out, "%s: added %s\n", p, strings.Join(sum.added, ", "))
	} else {
		fmt.Fprintf(opts.Out, "%s: nothing added (the record has it already)\n", p)
	}
	if pub != nil {
		res.PR, err = pub.publishUpdate(ctx, inc, p, summarize(&opts), opts.PR)
		if res.PR != nil && res.PR.Pull != nil {
			fmt.Fprintln(opts.Out, res.PR.Pull.URL)
		}
		if err != nil {
			return res, asPublishError(err)
		}
	}
	return res, nil
}

func summarize(o *UpdateOptions) string {
	var parts []string
	if o.HasMessage {
		st := o.Status
		if st == "" {
			st = "update"
		}
		parts = append(parts, st)
	}
	if o.HasTimeline {
		parts = append(parts, "timeline")
	}
	if o.Action != "" {
		parts = append(parts, "action item")
	}
	return strings.Join(parts, ", ")
}

// editSummary says what an edit added, and notes about the entries that
// were there already.
type editSummary struct{ notes, added []string }

// editRecord returns the record's new content, the incident it holds,
// and what it added.
func editRecord(ctx context.Context, ws *workspace, p string, src []byte, o *UpdateOptions) (_ []byte, _ *schema.Incident, _ editSummary, err error) {
	var added []string
	set, err := ws.repo.LoadFiles(ctx, map[string][]byte{p: src})
	if err != nil {
		return nil, nil, editSummary{}, err
	}
	rec := set.Records[0]
	if set.HasErrors() || rec.Incident == nil {
		var msgs []string
		for _, d := range set.Diagnostics {
			if d.Severity == schema.Error {
				msgs = append(msgs, "  "+d.String())
			}
		}
		return nil, nil, editSummary{}, fmt.Errorf("%s is not valid now; fix it first (castor validate):\n%s", p, strings.Join(msgs, "\n"))
	}
	inc := rec.Incident
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	at := now().In(ws.loc).Truncate(time.Second)
	if o.At != "" {
		if at, err = parseAt(o.At, now(), ws.loc); err != nil {
			return nil, nil, editSummary{}, err
		}
	}
	doc, err := openYAML(src)
	if err != nil {
		return nil, nil, editSummary{}, fmt.Errorf("read %s: %w", p, err)
	}
	defer func() {
		if errors.Is(err, errLayout) {
			err = fmt.Errorf("%w; edit it by hand", err)
		}
	}()
	var notes []string
	if o.HasMessage {
		note, err := addStatusUpdate(doc, rec, at, o, ws.repo.Config)
		if err != nil {
			return nil, nil, editSummary{}, err
		}
		if len(note) == 0 {
			added = append(added, fmt.Sprintf("update #%d (%s)", len(inc.Updates)+1, cmp.Or(o.Status, inc.Status)))
		}
		notes = append(notes, note...)
	}
	if o.HasTimeline {
		event := strings.TrimSpace(o.Timeline)
		if i := slices.IndexFunc(inc.Timeline, func(e schema.TimelineEntry) bool { return e.Event == event }); i >= 0 {
			notes = append(notes, fmt.Sprintf("the timeline has this entry already (%s): not added again", rec.Pos("timeline", i, "event")))
		} else {
			if at.Before(inc.StartedAt) {
				notes = append(notes, fmt.Sprintf("this timeline entry (%s) is before started_at (%s): move started_at if the incident began earlier", formatTime(at), rec.Pos("started_at")))
			}
			pos := len(inc.Timeline)
			for pos > 0 && inc.Timeline[pos-1].At.After(at) {
				pos--
			}
			err := doc.addItem("timeline", pos, func(dash, content int) string {
				return strings.Repeat(" ", dash) + "- " + strings.Repeat(" ", content-dash-2) + "at: " + formatTime(at) + "\n" +
					strings.Repeat(" ", content) + "event:" + yamlValue(event, content) + "\n"
			}, map[string]any{"at": formatTime(at), "event": event})
			if err != nil {
				return nil, nil, editSummary{}, fmt.Errorf("%s: %w", p, err)
			}
			added = append(added, "a timeline entry")
		}
	}
	if o.Action != "" {
		title := strings.Join(strings.Fields(o.Action), " ")
		if i := slices.IndexFunc(inc.ActionItems, func(it schema.ActionItem) bool { return it.Title == title }); i >= 0 {
			notes = append(notes, fmt.Sprintf("action item %q exists already (%s): not added again", inc.ActionItems[i].ID, rec.Pos("action_items", i, "title")))
		} else if err := addActionItem(doc, inc, title, o); err != nil {
			return nil, nil, editSummary{}, fmt.Errorf("%s: %w", p, err)
		} else {
			added = append(added, fmt.Sprintf("action item %q", title))
		}
	}
	if len(doc.edits) == 0 {
		return src, inc, editSummary{notes: notes}, nil
	}
	out, err := doc.apply()
	if err != nil {
		return nil, nil, editSummary{}, fmt.Errorf("%s: %w", p, err)
	}
	_, after, err := ws.check(ctx, p, out)
	if err != nil {
		return nil, nil, editSummary{}, err
	}
	return out, after, editSummary{notes: notes, added: added}, nil
}

func addStatusUpdate(doc *yamlDoc, rec *schema.Record, at time.Time, o *UpdateOptions, cfg *schema.Config) ([]string, error) {
	inc := rec.Incident
	status := o.Status
	if status == "" {
		status = inc.Status
	}
	if inc.IsMaintenance() {
		if err := oneOf("status", status, schema.MaintenanceStatuses); err != nil {
			return nil, err
		}
	} else if err := oneOf("status", status, schema.Statuses); err != nil {
		return nil, err
	}
	comps, order, err := componentStatuses(o.Components, "", cfg)
	if err != nil {
		return nil, err
	}
	message := strings.TrimSpace(o.Message)
	if n := len(inc.Updates); n > 0 {
		last := inc.Updates[n-1]
		if last.Status == status && last.Message == message && maps.Equal(last.Components, comps) {
			return []string{fmt.Sprintf("the last update says this already (%s): not added again", rec.Pos("updates", n-1))}, nil
		}
		if at.Before(last.At) {
			return nil, errkind.New(errkind.Usage, "this update (%s) is older than the last one (%s, %s): updates are posted in file order, so they must be in time order",
				formatTime(at), formatTime(last.At), rec.Pos("updates", n-1, "at"))
		}
		if at.Equal(last.At) && status == last.Status {
			return nil, errkind.New(errkind.Usage, "the last update (%s) has the same time and status; give another --at", rec.Pos("updates", n-1, "at"))
		}
	}
	if at.Before(inc.StartedAt) {
		return nil, errkind.New(errkind.Usage, "this update (%s) is before the incident started (started_at %s, %s)", formatTime(at), formatTime(inc.StartedAt), rec.Pos("started_at"))
	}
	value := map[string]any{"at": formatTime(at), "status": status, "message": message}
	var flow []string
	if len(comps) > 0 {
		cm := map[string]any{}
		for _, name := range order {
			cm[name] = comps[name]
			flow = append(flow, quoteFlow(name)+": "+comps[name])
		}
		value["components"] = cm
	}
	err = doc.addItem("updates", len(inc.Updates), func(dash, content int) string {
		s := strings.Repeat(" ", dash) + "- " + strings.Repeat(" ", content-dash-2) + "at: " + formatTime(at) + "\n" +
			strings.Repeat(" ", content) + "status: " + status + "\n" +
			strings.Repeat(" ", content) + "message:" + yamlValue(message, content) + "\n"
		if len(flow) > 0 {
			s += strings.Repeat(" ", content) + "components: {" + strings.Join(flow, ", ") + "}\n"
		}
		return s
	}, value)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", rec.Path, err)
	}
	for _, name := range order {
		if !slices.Contains(inc.Components, name) {
			if err := doc.addScalar("components", name); err != nil {
				return nil, fmt.Errorf("%s: %w", rec.Path, err)
			}
		}
	}
	if status != inc.Status {
		if err := doc.set("status", status, status); err != nil {
			return nil, fmt.Errorf("%s: %w", rec.Path, err)
		}
	}
	switch {
	case inc.IsMaintenance():
		// A maintenance's updates say when it ended: no resolved_at.
	case status == schema.StatusResolved && inc.ResolvedAt == nil:
		if err := doc.set("resolved_at", formatTime(at), formatTime(at)); err != nil {
			return nil, fmt.Errorf("%s: %w", rec.Path, err)
		}
	case status != schema.StatusResolved && inc.ResolvedAt != nil:
		// Reopened: it is not resolved any more.
		if err := doc.remove("resolved_at"); err != nil {
			return nil, fmt.Errorf("%s: %w", rec.Path, err)
		}
	}
	return nil, nil
}

func addActionItem(doc *yamlDoc, inc *schema.Incident, title string, o *UpdateOptions) error {
	id := Slug(title, 40)
	if id == "" {
		id = "item"
	}
	taken := map[string]bool{}
	for _, it := range inc.ActionItems {
		taken[it.ID] = true
	}
	base := id
	for n := 2; taken[id]; n++ {
		id = fmt.Sprintf("%s-%d", base, n)
	}
	value := map[string]any{"id": id, "title": title, "kind": o.Kind, "priority": o.Priority, "status": schema.ItemOpen}
	if o.Owner != "" {
		value["owner"] = o.Owner
	}
	if o.Due != "" {
		// Unquoted, as people write it; YAML readers see a timestamp.
		due, _ := time.Parse("2006-01-02", o.Due)
		value["due"] = due.Format(time.RFC3339Nano)
	}
	return doc.addItem("action_items", len(inc.ActionItems), func(dash, content int) string {
		pad := strings.Repeat(" ", content)
		s := strings.Repeat(" ", dash) + "- " + strings.Repeat(" ", content-dash-2) + "id: " + quote(id) + "\n" +
			pad + "title:" + yamlValue(title, content) + "\n"
		if o.Owner != "" {
			s += pad + "owner: " + quote(o.Owner) + "\n"
		}
		s += pad + "kind: " + o.Kind + "\n" + pad + "priority: " + o.Priority + "\n"
		if o.Due != "" {
			s += pad + "due: " + o.Due + "\n"
		}
		return s + pad + "status: open\n"
	}, value)
}

// parseAt reads a time given on the command line: RFC 3339, or a local
// date and time ("2024-03-10 14:05", "2024-03-10T14:05"), or a time of
// day today ("14:05", "14h05"), in the site's time zone.
func parseAt(s string, now time.Time, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.In(loc), nil
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	if f := folded(s); f != "" {
		if ct, n, ok := parseClockAt(f); ok && n == len(f) && ct.zone == nil && ct.sec == 0 {
			t := now.In(loc)
			return time.Date(t.Year(), t.Month(), t.Day(), 0, ct.min, 0, 0, loc), nil
		}
	}
	return time.Time{}, errkind.New(errkind.Usage, "--at %q: want RFC 3339 (2024-03-10T14:05:00+01:00), a local date and time (2024-03-10 14:05) or a time today (14:05)", s)
}
