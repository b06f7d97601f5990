package incident

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/schema"
)

// NewOptions configures `castor new`.
type NewOptions struct {
	Dir      string
	Title    string
	Severity string
	// Components are names, or "name=status" for the first update
	// (default major_outage).
	Components []string
	Commander  string
	// At is when it started; default now.
	At string
	// Slug replaces the one made from the title.
	Slug string
	// Message is the first public update; default a sentence from the
	// title.
	Message string
	// Internal keeps the record off status pages.
	Internal bool
	// Maintenance opens a planned maintenance rather than an incident:
	// At and Until are its window (both required), there is no
	// severity, and its first update says it is scheduled.
	Maintenance bool
	Until       string

	// PR commits the record on a new branch incident/<id>, pushes it and
	// opens a draft pull request.
	PR      bool
	Publish PublishOptions

	Now    func() time.Time
	Out    io.Writer
	ErrOut io.Writer
}

// NewResult says what New made.
type NewResult struct {
	ID   string
	Path string
	PR   *PublishResult
}

func (o *NewOptions) check() error {
	o.Title = strings.Join(strings.Fields(o.Title), " ")
	if o.Title == "" {
		return errkind.New(errkind.Usage, "the title is empty")
	}
	if err := checkText("the title", o.Title); err != nil {
		return errkind.Wrap(errkind.Usage, err)
	}
	switch {
	case o.Maintenance && o.Severity != "":
		return errkind.New(errkind.Usage, "--severity: a maintenance has no severity")
	case o.Maintenance && (o.At == "" || o.Until == ""):
		return errkind.New(errkind.Usage, "--maintenance needs its window: --at (when it starts) and --until (when it ends)")
	case !o.Maintenance && o.Until != "":
		return errkind.New(errkind.Usage, "--until is the end of a maintenance window: use it with --maintenance")
	case o.Maintenance:
	case o.Severity == "":
		return errkind.New(errkind.Usage, "--severity is required: one of %s", strings.Join(schema.Severities, ", "))
	default:
		if err := oneOf("severity", o.Severity, schema.Severities); err != nil {
			return err
		}
	}
	if o.Commander != "" && !loginRE.MatchString(o.Commander) {
		return errkind.New(errkind.Usage, "--commander %q is not a GitHub login", o.Commander)
	}
	if o.Slug != "" && Slug(o.Slug, 0) != o.Slug {
		return errkind.New(errkind.Usage, "--slug %q: use lowercase letters, digits and hyphens", o.Slug)
	}
	if o.Message != "" {
		if err := checkText("the message", o.Message); err != nil {
			return errkind.Wrap(errkind.Usage, err)
		}
	}
	return nil
}

// New writes a record for a new incident from a commented template, valid
// as it is; with PR it goes to a branch and a draft pull request instead.
func New(ctx context.Context, opts NewOptions) (*NewResult, error) {
	if err := opts.check(); err != nil {
		return nil, err
	}
	ws, err := openWorkspace(opts.Dir, "")
	if err != nil {
		return nil, err
	}
	defaultStatus := "major_outage"
	if opts.Maintenance {
		defaultStatus = "under_maintenance"
	}
	comps, order, err := componentStatuses(opts.Components, defaultStatus, ws.repo.Config)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	at := now().In(ws.loc).Truncate(time.Second)
	if opts.At != "" {
		if at, err = parseAt(opts.At, now(), ws.loc); err != nil {
			return nil, err
		}
	}
	var until time.Time
	if opts.Maintenance {
		if until, err = parseAt(opts.Until, now(), ws.loc); err != nil {
			return nil, err
		}
		if !until.After(at) {
			return nil, errkind.New(errkind.Usage, "--until %s is not after --at %s", formatTime(until), formatTime(at))
		}
	}
	slug := opts.Slug
	if slug == "" {
		slug = idSlug(opts.Title)
	}
	if slug == "" {
		return nil, errkind.New(errkind.Usage, "the title %q has no letter or digit to make an id from: give --slug", opts.Title)
	}
	baseID := at.Format("2006-01-02") + "-" + slug
	tv := templateValues{
		title: opts.Title, severity: opts.Severity, at: at, loc: ws.loc, lang: ws.repo.Config.Site.Lang,
		commander: opts.Commander, comps: comps, order: order, message: strings.TrimSpace(opts.Message), internal: opts.Internal,
		maintenance: opts.Maintenance, until: until, announced: now().In(ws.loc).Truncate(time.Second),
	}
	// content makes and validates the record for an id.
	content := func(id string) ([]byte, *schema.Incident, error) {
		tv.id = id
		data := tv.render()
		warnings, inc, err := ws.check(ctx, ws.recordPath(id), data)
		if err != nil {
			return nil, nil, err
		}
		warningsTo(opts.ErrOut, warnings)
		return data, inc, nil
	}
	return ws.open(ctx, schema.KindIncident, baseID, content, opts.PR, opts.Publish, opts.Out, opts.ErrOut)
}

// open writes a new record: with pr, on a branch of its own with a draft
// pull request (the flow of castor new --pr); else in the work tree. The
// id is the first of baseID, baseID-2, … that no record takes; content
// makes and validates the record for an id. It prints what it did
// ("PATH: opened incident (SEV2, investigating)"), and the pull request's
// URL.
func (ws *workspace) open(ctx context.Context, kind, baseID string, content func(id string) ([]byte, *schema.Incident, error), pr bool, publish PublishOptions, out, errOut io.Writer) (*NewResult, error) {
	// made is the record content last made, for the line that says what
	// was done.
	var made *schema.Incident
	makeRecord := content
	content = func(id string) ([]byte, *schema.Incident, error) {
		data, inc, err := makeRecord(id)
		made = inc
		return data, inc, err
	}
	if pr {
		pub, err := newPublisher(ctx, ws, publish, true, errOut)
		if err != nil {
			return nil, err
		}
		id, res, err := pub.startNew(ctx, kind, baseID, content)
		if err != nil {
			return nil, asPublishError(err)
		}
		r := &NewResult{ID: id, Path: ws.recordPath(id), PR: res}
		fmt.Fprintf(out, "%s: %s, on branch %s\n", r.Path, opened(made), res.Branch)
		fmt.Fprintln(out, res.Pull.URL)
		return r, nil
	}
	ids, err := ws.ids()
	if err != nil {
		return nil, err
	}
	id := baseID
	for n := 2; ids[id] != ""; n++ {
		id = fmt.Sprintf("%s-%d", baseID, n)
	}
	data, _, err := content(id)
	if err != nil {
		return nil, err
	}
	p := ws.recordPath(id)
	if err := ws.create(p, data); err != nil {
		return nil, fmt.Errorf("new %s: %w", id, err)
	}
	fmt.Fprintf(out, "%s: %s\n", p, opened(made))
	return &NewResult{ID: id, Path: p}, nil
}

// opened says what a new record is: "opened incident (SEV2,
// investigating)", "opened maintenance (scheduled)", "wrote the drill
// record".
func opened(inc *schema.Incident) string {
	switch {
	case inc == nil:
		return "wrote the record"
	case inc.IsDrill():
		return "wrote the drill record"
	}
	facts := []string{inc.Status}
	if inc.Severity != "" {
		facts = append([]string{inc.Severity}, facts...)
	}
	if !inc.Public() {
		facts = append(facts, inc.Visibility)
	}
	return fmt.Sprintf("opened %s (%s)", inc.RecordKind(), strings.Join(facts, ", "))
}

type templateValues struct {
	id, title, severity string
	at                  time.Time
	loc                 *time.Location
	lang                string
	commander           string
	comps               map[string]string
	order               []string
	message             string
	internal            bool
	// A maintenance's window is at..until; it is announced now.
	maintenance      bool
	until, announced time.Time
}

// firstMessage is the first public update when --message is not given.
func (tv *templateValues) firstMessage() string {
	if tv.message != "" {
		return tv.message
	}
	if strings.HasPrefix(strings.ToLower(tv.lang), "fr") {
		return "Nous analysons un incident : " + tv.title + "."
	}
	return "We are investigating an incident: " + tv.title + "."
}

// render writes the record: the values castor knows, and the rest of the
// format as comments to fill in.
func (tv *templateValues) render() []byte {
	if tv.maintenance {
		return tv.renderMaintenance()
	}
	t := formatTime(tv.at)
	visibility := "public # public | internal: an internal record never reaches a status page"
	if tv.internal {
		visibility = "internal # public | internal: an internal record never reaches a status page"
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	if line := schema.EditorSchemaComment(schema.DefIncident); line != "" {
		w("%s\n", line)
	}
	w("# Incident record, opened with castor new on %s (%s).\n", tv.at.Format("2006-01-02 15:04"), tv.loc)
	w("# The updates below are posted to the status page when this file is\n")
	w("# merged, each once and in order; the rest is for the post-mortem.\n")
	w("# castor validate checks this file; castor update adds to it.\n")
	w("id: %s\n", tv.id)
	w("title:%s\n", yamlValue(tv.title, 0))
	w("severity: %s # SEV1 (worst) .. SEV4\n", tv.severity)
	w("status: investigating # investigating | identified | monitoring | resolved\n")
	w("visibility: %s\n", visibility)
	if tv.lang != "" {
		w("lang: %s\n", quote(tv.lang))
	}
	w("started_at: %s # move it earlier if it began before anyone noticed\n", t)
	w("detected_at: %s # the first alert\n", t)
	w("acknowledged_at: %s # a human took it up\n", t)
	w("# resolved_at: required once the status is resolved (castor update sets it)\n")
	if len(tv.order) > 0 {
		w("components: [%s] # declared in castor.yaml\n", flowList(tv.order))
	}
	if tv.commander != "" {
		w("commander: %s # the incident commander's GitHub login\n", tv.commander)
	} else {
		w("# commander: octocat # the incident commander's GitHub login\n")
	}
	w("# summary: |\n#   What happened and how it was fixed, in a few sentences (Markdown).\n")
	w("# impact: |\n#   Who was affected, how, and for how long (Markdown).\n")
	w("updates: # PUBLIC, oldest first\n")
	w("  - at: %s\n    status: investigating\n    message:%s\n", t, yamlValue(tv.firstMessage(), 4))
	if len(tv.order) > 0 {
		w("    components: {%s} # operational | degraded_performance | partial_outage | major_outage | under_maintenance\n", flowMap(tv.order, tv.comps))
	}
	w("timeline: # internal chronology, never published unless postmortem.public\n")
	w("  - at: %s\n    event: Incident opened.\n", t)
	w("# postmortem:\n")
	w("#   public: false # may the post-mortem appear on the status page?\n")
	w("#   root_cause: Markdown.\n")
	w("#   contributing_factors: []\n#   went_well: []\n#   went_wrong: []\n#   lucky: []\n")
	w("# action_items:\n")
	w("#   - id: short-name # unique in this record\n")
	w("#     title: What to do\n")
	w("#     owner: octocat # becomes the issue's assignee\n")
	w("#     kind: prevent # prevent | detect | mitigate | process | document\n")
	w("#     priority: P2 # P0 .. P3\n")
	w("#     due: %s\n", tv.at.AddDate(0, 0, 14).Format("2006-01-02"))
	w("#     status: open # open | done | wontfix\n")
	w("# links:\n#   - {title: Dashboard, url: \"https://…\"}\n")
	return []byte(b.String())
}

// renderMaintenance writes a maintenance record: its window, the
// components it takes down, and a first update that announces it.
func (tv *templateValues) renderMaintenance() []byte {
	visibility := "public # public | internal: an internal record never reaches a status page"
	if tv.internal {
		visibility = "internal # public | internal: an internal record never reaches a status page"
	}
	from, until := formatTime(tv.at), formatTime(tv.until)
	message := tv.message
	if message == "" {
		when := tv.at.Format("2006-01-02 15:04") + " – " + tv.until.Format("15:04")
		if tv.until.Format("2006-01-02") != tv.at.Format("2006-01-02") {
			when = tv.at.Format("2006-01-02 15:04") + " – " + tv.until.Format("2006-01-02 15:04")
		}
		message = "Scheduled maintenance: " + tv.title + ", " + when + " (" + tv.loc.String() + ")."
		if strings.HasPrefix(strings.ToLower(tv.lang), "fr") {
			message = "Maintenance planifiée : " + tv.title + ", " + when + " (" + tv.loc.String() + ")."
		}
	}
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("# Maintenance record, opened with castor new --maintenance on %s (%s).\n", tv.announced.Format("2006-01-02 15:04"), tv.loc)
	w("# Its updates are posted to the status page when this file is merged,\n")
	w("# each once and in order: scheduled, then in_progress, verifying and\n")
	w("# completed (castor update adds them).\n")
	w("id: %s\n", tv.id)
	w("kind: maintenance\n")
	w("title:%s\n", yamlValue(tv.title, 0))
	w("status: scheduled # scheduled | in_progress | verifying | completed\n")
	w("visibility: %s\n", visibility)
	if tv.lang != "" {
		w("lang: %s\n", quote(tv.lang))
	}
	w("scheduled_for: %s # the planned window\n", from)
	w("scheduled_until: %s\n", until)
	if len(tv.order) > 0 {
		w("components: [%s] # under maintenance; declared in castor.yaml\n", flowList(tv.order))
	}
	if tv.commander != "" {
		w("commander: %s # who runs it, a GitHub login\n", tv.commander)
	} else {
		w("# commander: octocat # who runs it, a GitHub login\n")
	}
	w("# summary: |\n#   What is done and why (Markdown).\n")
	w("# impact: |\n#   What users will notice during the window (Markdown).\n")
	w("updates: # PUBLIC, oldest first\n")
	w("  - at: %s\n    status: scheduled\n    message:%s\n", formatTime(tv.announced), yamlValue(message, 4))
	if len(tv.order) > 0 {
		w("# When it starts, an in_progress update sets them, and completed sets\n")
		w("# them back to operational:\n")
		w("#   components: {%s}\n", flowMap(tv.order, tv.comps))
	}
	w("# timeline:\n#   - {at: %s, event: Maintenance started.}\n", from)
	w("# action_items: follow-ups, as in an incident record\n")
	return []byte(b.String())
}
