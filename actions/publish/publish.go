// Package publish posts the status updates a merge added to the records
// to the publishers of castor.yaml — Atlassian Statuspage, a signed
// webhook, the static status site — each exactly once and in the record's
// order, even when the job is re-run or died half-way.
//
// What to publish comes from git (MakePlan): for each public record
// changed between two commits, the updates present after and absent
// before, matched by at + status so that an edited message is an edit.
// Each publisher then makes the outside world agree with that, checking
// what it already shows where it can (Statuspage), or relying on the
// receiver's idempotency where it cannot (the webhook's Idempotency-Key).
// Publishers run independently: one failing does not stop the others,
// and the summary and the exit status say exactly what reached where.
package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/statuspage"
	"github.com/castor-incidents/castor/internal/webhook"
	"github.com/castor-incidents/castor/schema"
)

// StatuspageAPI is what the Statuspage publisher needs of the API
// (*statuspage.Client).
type StatuspageAPI interface {
	ListIncidents(ctx context.Context, pageID, q string) ([]statuspage.Incident, error)
	CreateIncidentOnce(ctx context.Context, pageID string, req statuspage.IncidentRequest, mine func(*statuspage.Incident) bool) (*statuspage.Incident, error)
	AddUpdateOnce(ctx context.Context, pageID string, inc *statuspage.Incident, req statuspage.IncidentRequest) (*statuspage.Incident, error)
	UpdateIncident(ctx context.Context, pageID, id string, req statuspage.IncidentRequest) (*statuspage.Incident, error)
	EditUpdate(ctx context.Context, pageID, incidentID, updateID string, edit statuspage.UpdateEdit) (*statuspage.IncidentUpdate, error)
	SetPostmortemDraft(ctx context.Context, pageID, incidentID, body string) (*statuspage.Postmortem, error)
	PublishPostmortem(ctx context.Context, pageID, incidentID, body string, notify bool) (*statuspage.Postmortem, error)
	DeleteIncident(ctx context.Context, pageID, id string) error
	GetIncident(ctx context.Context, pageID, id string) (*statuspage.Incident, error)
}

// WebhookSender is what the webhook publisher needs (*webhook.Sender).
type WebhookSender interface {
	Send(ctx context.Context, key string, p *webhook.Payload) error
	URL() string
}

// SiteBuilder builds the static status page from every public record of
// repo (actions/site, wired by the command line) as its castor.yaml says.
// With dryRun it builds nothing. It returns the output directory.
type SiteBuilder func(ctx context.Context, repo *schema.Repo, dryRun bool, log io.Writer) (dir string, err error)

// NoCredentials is the error of a publisher's constructor when the
// environment holds no credentials for it: a dry run goes on without the
// publisher, a run with something to publish stops before any write.
type NoCredentials struct {
	// Env names the variable that holds them.
	Env string
}

func (e *NoCredentials) Error() string { return e.Env + " is not set" }

// Options configure Run.
type Options struct {
	PlanOptions
	// DryRun prints what would be posted and writes nothing. Publishers
	// that can read their state without writing (Statuspage, when a
	// client is given) say which updates they already show.
	DryRun bool

	// Statuspage and Webhook construct the clients of the publishers
	// that castor.yaml configures, when a run needs them (the webhook's
	// from its castor.yaml address); Site builds the site. A constructor's
	// *NoCredentials, or no constructor, is a publisher that cannot run:
	// an error when there is something to publish, except in a dry run;
	// its other errors are a configuration that cannot work (a bad URL).
	Statuspage func() (StatuspageAPI, error)
	Webhook    func(cfg *schema.WebhookConfig) (WebhookSender, error)
	Site       SiteBuilder

	// Out receives the log of each write and the summary; ErrOut the
	// findings of invalid records.
	Out    io.Writer
	ErrOut io.Writer
}

// Actions an outcome reports.
const (
	Created = "created" // Statuspage: the incident, with this update
	Posted  = "posted"  // Statuspage: the update added to the incident
	Sent    = "sent"    // webhook
	Edited  = "edited"  // the published message replaced
	Dated   = "dated"   // Statuspage: the update's display time set to its real time
	// PostmortemPublished: the post-mortem was published (Item is
	// empty); a dry run says WouldPublishPostmortem.
	PostmortemPublished    = "post-mortem published"
	WouldPublishPostmortem = Would + "publish post-mortem"
	Present                = "present" // already there: nothing written
	Failed                 = "failed"
	Skipped                = "skipped" // not attempted: an earlier update failed
	// Deleted: Statuspage, a duplicate incident two runs made at once.
	Deleted = "deleted"
	// Left: Statuspage, not attempted: the run that made the record's
	// incident at the same time publishes it.
	Left  = "left to the other run"
	Would = "would " // prefix of a dry run's actions
)

// Outcome is what became of one item at one publisher.
type Outcome struct {
	Publisher string
	Record    string
	Item      Item
	Action    string
	Detail    string
	Err       error
}

// Result is what a run did.
type Result struct {
	Plan     *Plan
	Outcomes []Outcome
	// Published counts the writes that reached a publisher (created,
	// posted, sent, edited).
	Published int
	// Failed counts the items that did not reach a publisher (failed or
	// skipped), and failed site builds.
	Failed  int
	SiteDir string
}

// FailedError is returned (errkind.Partial) when some item did not reach
// some publisher; the log says which.
type FailedError struct{ Failed, Published int }

func (e *FailedError) Error() string {
	return fmt.Sprintf("%s did not reach every publisher (%s succeeded); re-run the same command to finish: what was published is not posted again", plural(e.Failed, "update", "updates"), plural(e.Published, "write", "writes"))
}

// ErrInvalid is returned when records that should be published have
// errors: they were printed, and nothing was published.
var ErrInvalid = errkind.New(errkind.Invalid, "invalid records: nothing was published")

// ConfigError is a configured publisher that cannot run (no credentials):
// found before anything is written (errkind.Usage).
type ConfigError struct{ Msg string }

func (e *ConfigError) Error() string { return e.Msg }

// Publishers lists the publishers castor.yaml configures, in the order
// they run.
func Publishers(cfg *schema.Config) []string {
	var out []string
	if cfg == nil {
		return nil
	}
	if cfg.Publishers.Statuspage != nil {
		out = append(out, "statuspage")
	}
	if cfg.Publishers.Webhook != nil {
		out = append(out, "webhook")
	}
	if cfg.Publishers.Site != nil {
		out = append(out, "site")
	}
	return out
}

// construct calls a publisher's constructor: its client, or why there is
// none (no credentials, no constructor), or a configuration error.
func construct[T any](name string, build func() (T, error), none bool) (c T, why string, err error) {
	if none {
		return c, "no " + name + " client", nil
	}
	c, err = build()
	var nc *NoCredentials
	switch {
	case errors.As(err, &nc):
		return c, nc.Error(), nil
	case err != nil:
		return c, "", errkind.Wrap(errkind.Usage, &ConfigError{Msg: "publishers." + name + ": " + err.Error()})
	}
	return c, "", nil
}

// publisher posts items to one place.
type publisher interface {
	name() string
	// record publishes one record's items in order, reporting each. An
	// error stops this publisher (the rest is reported as skipped).
	record(ctx context.Context, rp *RecordPlan, dry bool, report func(Outcome)) error
}

// Run plans, then publishes the plan to every configured publisher.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Out == nil {
		opts.Out = io.Discard
	}
	if opts.ErrOut == nil {
		opts.ErrOut = opts.Out
	}
	// One repository for the plan and the site: read once.
	repo, err := opts.open()
	if err != nil {
		return nil, err
	}
	po := opts.PlanOptions
	po.Records = func() (*schema.Repo, error) { return repo, nil }
	plan, err := MakePlan(ctx, po)
	if err != nil {
		return nil, err
	}
	res := &Result{Plan: plan}
	if len(plan.Invalid) > 0 {
		for _, d := range plan.Invalid {
			fmt.Fprintln(opts.ErrOut, d.String())
		}
		return res, ErrInvalid
	}
	cfg := plan.Config
	var missing []string
	var pubs []publisher
	if c := cfg.Publishers.Statuspage; c != nil {
		api, why, err := construct("statuspage", func() (StatuspageAPI, error) { return opts.Statuspage() }, opts.Statuspage == nil)
		switch {
		case err != nil:
			return res, err
		case why == "":
			pubs = append(pubs, newStatuspage(api, c, opts.Out))
		case opts.DryRun:
			pubs = append(pubs, &offline{n: "statuspage", why: why + ": the page was not consulted"})
		default:
			missing = append(missing, "publishers.statuspage is configured but "+why)
		}
	}
	if c := cfg.Publishers.Webhook; c != nil {
		s, why, err := construct("webhook", func() (WebhookSender, error) { return opts.Webhook(c) }, opts.Webhook == nil)
		switch {
		case err != nil:
			return res, err
		case why == "":
			pubs = append(pubs, &webhookPublisher{s: s, siteURL: cfg.Site.URL})
		case opts.DryRun:
			pubs = append(pubs, &offline{n: "webhook", why: why})
		default:
			missing = append(missing, "publishers.webhook is configured but "+why)
		}
	}
	if cfg.Publishers.Site != nil && opts.Site == nil {
		return res, errkind.Wrap(errkind.Usage, &ConfigError{Msg: "publishers.site is configured but no site builder is available"})
	}
	// Credentials are needed only when there is something to publish: a
	// push that changed no public record succeeds without them.
	if len(missing) > 0 && len(plan.Records) > 0 {
		return res, errkind.Wrap(errkind.Usage, &ConfigError{Msg: strings.Join(missing, "; ") + " (nothing was published)"})
	}

	if opts.DryRun {
		plan.WriteText(opts.Out)
	}
	report := func(o Outcome) {
		res.Outcomes = append(res.Outcomes, o)
		switch {
		case o.Action == Created || o.Action == Posted || o.Action == Sent || o.Action == Edited || o.Action == Dated || o.Action == PostmortemPublished:
			res.Published++
		case o.Action == Failed || o.Action == Skipped:
			res.Failed++
		}
		fmt.Fprintln(opts.Out, o.line())
	}
	for _, p := range pubs {
		runPublisher(ctx, p, plan, opts.DryRun, report)
		if ctx.Err() != nil {
			return res, ctx.Err()
		}
	}
	if cfg.Publishers.Site != nil && (opts.All || len(plan.Records) > 0 || len(plan.Notes) > 0) {
		dir, err := opts.Site(ctx, repo, opts.DryRun, opts.Out)
		res.SiteDir = dir
		if err != nil {
			res.Failed++
			fmt.Fprintf(opts.Out, "site: failed: %v\n", err)
		}
	}
	writeSummary(opts.Out, res, pubs, cfg, opts.DryRun)
	if res.Failed > 0 {
		return res, errkind.Wrap(errkind.Partial, &FailedError{Failed: res.Failed, Published: res.Published})
	}
	return res, nil
}

// runPublisher gives one publisher every record; after an error that
// stops it, the remaining items are reported as skipped.
func runPublisher(ctx context.Context, p publisher, plan *Plan, dry bool, report func(Outcome)) {
	var stopped error
	for _, rp := range plan.Records {
		if stopped != nil {
			for _, it := range rp.Items {
				report(Outcome{Publisher: p.name(), Record: rp.ID, Item: it, Action: Skipped, Detail: "not attempted: " + p.name() + " stopped after an error"})
			}
			continue
		}
		if err := p.record(ctx, rp, dry, report); err != nil {
			stopped = err
		}
		if ctx.Err() != nil {
			return
		}
	}
}

func (o Outcome) line() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s", o.Publisher, o.Record)
	if o.Item.Update.Status != "" {
		fmt.Fprintf(&b, " #%d %s", o.Item.Index+1, o.Item.Update.Status)
	}
	fmt.Fprintf(&b, ": %s", o.Action)
	if o.Detail != "" {
		fmt.Fprintf(&b, " (%s)", o.Detail)
	}
	if o.Err != nil {
		fmt.Fprintf(&b, ": %v", o.Err)
	}
	return b.String()
}

// writeSummary says per publisher what reached it.
func writeSummary(w io.Writer, res *Result, pubs []publisher, cfg *schema.Config, dry bool) {
	if len(pubs) == 0 && cfg.Publishers.Site == nil {
		fmt.Fprintf(w, "publish: %s planned; no publisher configured in castor.yaml\n", plural(res.Plan.Updates(), "update", "updates"))
		return
	}
	var parts []string
	for _, p := range pubs {
		counts := map[string]int{}
		for _, o := range res.Outcomes {
			if o.Publisher == p.name() && (o.Item.Update.Status != "" || o.Action == PostmortemPublished || o.Action == WouldPublishPostmortem) {
				counts[o.Action]++
			}
		}
		var c []string
		for _, a := range []string{Created, Posted, Edited, Dated, Sent, Present, PostmortemPublished, Would + "create", Would + "post", Would + "edit", Would + "date", Would + "send", WouldPublishPostmortem, Left, Failed, Skipped} {
			if counts[a] > 0 {
				c = append(c, fmt.Sprintf("%d %s", counts[a], a))
			}
		}
		if len(c) == 0 {
			c = append(c, "nothing to do")
		}
		parts = append(parts, p.name()+" "+strings.Join(c, ", "))
	}
	if cfg.Publishers.Site != nil {
		switch {
		case res.SiteDir == "" && !res.Plan.All && len(res.Plan.Records) == 0 && len(res.Plan.Notes) == 0:
			parts = append(parts, "site unchanged")
		case dry:
			parts = append(parts, "site would be rebuilt in "+res.SiteDir)
		case res.Failed > 0 && res.SiteDir == "":
			parts = append(parts, "site failed")
		default:
			parts = append(parts, "site built in "+res.SiteDir)
		}
	}
	prefix := "publish"
	if dry {
		prefix = "publish (dry run)"
	}
	fmt.Fprintf(w, "%s: %s\n", prefix, strings.Join(parts, "; "))
}

// offline stands for a publisher that a dry run cannot consult.
type offline struct{ n, why string }

func (o *offline) name() string { return o.n }

func (o *offline) record(ctx context.Context, rp *RecordPlan, dry bool, report func(Outcome)) error {
	for _, it := range rp.Items {
		act := "post"
		if it.Kind == Edit {
			act = "edit"
		}
		report(Outcome{Publisher: o.n, Record: rp.ID, Item: it, Action: Would + act, Detail: o.why})
	}
	return nil
}

// Publisher is `castor publish` for `castor action` (actions/ghaction's
// Publisher interface): the same Run with the Action's revisions.
type Publisher struct {
	// Options is the template of each run; revisions, All, DryRun and
	// Out are set per call.
	Options Options
}

// PlanMarkdown writes what merging would publish, from git alone.
func (p *Publisher) PlanMarkdown(ctx context.Context, before, after string, all bool, w io.Writer) error {
	po := p.Options.PlanOptions
	po.Before, po.After, po.All = before, after, all
	plan, err := MakePlan(ctx, po)
	if err != nil {
		return err
	}
	if len(plan.Invalid) > 0 {
		fmt.Fprintf(w, "Not planned: %s in records to publish (see the validation above).\n", plural(len(plan.Invalid), "error", "errors"))
		return nil
	}
	plan.WriteMarkdown(w, Publishers(plan.Config))
	return nil
}

// Apply publishes and returns how many writes reached a publisher and the
// site's directory.
func (p *Publisher) Apply(ctx context.Context, before, after string, all bool, log io.Writer) (int, string, error) {
	o := p.Options
	o.Before, o.After, o.All, o.DryRun, o.Out = before, after, all, false, log
	if o.ErrOut == nil {
		o.ErrOut = log
	}
	res, err := Run(ctx, o)
	if res == nil {
		return 0, "", err
	}
	return res.Published, res.SiteDir, err
}
