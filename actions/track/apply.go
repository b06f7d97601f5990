package track

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/httppolicy"
)

// Result is what a run did.
type Result struct {
	Adopted       int `json:"adopted,omitempty"`
	Created       int `json:"created"`
	Updated       int `json:"updated"`
	Closed        int `json:"closed"`
	Unchanged     int `json:"unchanged"`
	Drift         int `json:"drift"`
	LabelsCreated int `json:"labels_created"`
	// Failed lists the changes GitHub refused (4xx); the others went on.
	Failed []Failure `json:"failed,omitempty"`
	// Notes are things left undone on purpose (owners who cannot be
	// assigned).
	Notes []Note `json:"notes,omitempty"`
}

// Failure is a change GitHub refused.
type Failure struct {
	Key   string `json:"key"`
	Issue int    `json:"issue,omitempty"`
	Error string `json:"error"`
}

// Summary is the last line of a run: "created 3, updated 1, closed 2,
// unchanged 40", with drift and failures when there are any.
func (r *Result) Summary() string {
	s := fmt.Sprintf("created %d, updated %d, closed %d, unchanged %d", r.Created, r.Updated, r.Closed, r.Unchanged)
	if r.Adopted > 0 {
		s = fmt.Sprintf("adopted %d, ", r.Adopted) + s
	}
	if r.Drift > 0 {
		s += fmt.Sprintf(", drift %d", r.Drift)
	}
	if len(r.Failed) > 0 {
		s += fmt.Sprintf(", failed %d", len(r.Failed))
	}
	return s
}

// StoppedError ends a run that could not go on: a rate limit, GitHub
// failing, the run cancelled. Everything done so far is done; a new run
// picks up what remains.
type StoppedError struct {
	Reason    string
	Err       error
	Result    *Result
	Remaining []Change
}

func (e *StoppedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "stopped: %s\ndone: %s", e.Reason, e.Result.Summary())
	if n := len(e.Remaining); n > 0 {
		counts := map[Action]int{}
		for _, c := range e.Remaining {
			counts[c.Action]++
		}
		var parts []string
		for _, a := range []Action{ActionAdopt, ActionCreate, ActionUpdate, ActionClose} {
			if counts[a] > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", a, counts[a]))
			}
		}
		fmt.Fprintf(&b, "\nremaining: %s", strings.Join(parts, ", "))
	}
	b.WriteString("\nrun castor track again to finish: it picks up where this run stopped")
	return b.String()
}

func (e *StoppedError) Unwrap() error { return e.Err }

// FailedError ends a run in which GitHub refused some changes.
type FailedError struct{ Failed []Failure }

func (e *FailedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "GitHub refused %d change(s):", len(e.Failed))
	for _, f := range e.Failed {
		fmt.Fprintf(&b, "\n  %s: %s", f.Key, f.Error)
	}
	return b.String()
}

// ApplyOptions configures Apply.
type ApplyOptions struct {
	// Progress receives a line per write (and per drift); nil for none.
	Progress io.Writer
	// Terminal redraws one progress line instead of printing one per
	// write.
	Terminal bool
	// Sleep waits between attempts to create something whose creation
	// got no answer. Default: the real clock's (httppolicy.RealClock).
	Sleep func(ctx context.Context, d time.Duration) error
}

// attempts bounds the tries of a creation whose answer was lost.
const attempts = 4

// Apply makes the plan's changes, in order: labels, then issues. It stops
// at a rate limit, a failing GitHub or a cancelled context (with a
// *StoppedError saying what remains), and goes on past changes GitHub
// refuses (a *FailedError at the end). It is safe to run again after any
// stop: every step looks before it writes.
func (p *Plan) Apply(ctx context.Context, g GitHub, opts ApplyOptions) (*Result, error) {
	if opts.Sleep == nil {
		opts.Sleep = httppolicy.RealClock{}.Sleep
	}
	a := &applier{plan: p, g: g, opts: opts, res: &Result{Unchanged: p.Unchanged, Notes: append([]Note(nil), p.Notes...)}}
	a.total = p.Writes()
	err := a.run(ctx)
	if err == nil {
		err = a.converge(ctx)
	}
	a.endProgress()
	if err != nil {
		return a.res, err
	}
	if len(a.res.Failed) > 0 {
		return a.res, errkind.Wrap(errkind.Partial, &FailedError{Failed: a.res.Failed})
	}
	return a.res, nil
}

type applier struct {
	plan    *Plan
	g       GitHub
	opts    ApplyOptions
	res     *Result
	total   int
	n       int  // writes attempted
	drawn   bool // a progress line is on the terminal
	created []*Change
}

func (a *applier) run(ctx context.Context) error {
	for _, l := range a.plan.Labels {
		a.n++
		err := a.createLabel(ctx, l)
		if stop, serr := a.failed(ctx, err, Change{Key: "label " + l.Name}, a.plan.Changes); stop {
			return serr
		} else if err == nil {
			a.res.LabelsCreated++
			a.progress("label %s created", l.Name)
		}
	}
	changes := a.plan.Changes
	for i := range changes {
		c := &changes[i]
		if c.Action == ActionDrift {
			a.res.Drift++
			a.line("drift: #%d %s", c.Issue, c.Reason)
			continue
		}
		a.n++
		var err error
		switch c.Action {
		case ActionCreate:
			err = a.create(ctx, c)
		default:
			err = a.edit(ctx, c)
		}
		if stop, serr := a.failed(ctx, err, *c, changes[i:]); stop {
			return serr
		}
	}
	return nil
}

// failed sorts out an error: a refusal of one change is noted and the
// run goes on; anything else stops it.
func (a *applier) failed(ctx context.Context, err error, c Change, remaining []Change) (stop bool, _ error) {
	if err == nil {
		return false, nil
	}
	var ae *APIError
	isAPI := errors.As(err, &ae)
	reason := ""
	switch {
	case ctx.Err() != nil:
		reason = "interrupted"
	case isAPI && ae.RateLimited:
		reason = rateLimitReason(ae)
	case isAPI && (ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden || ae.Status == http.StatusGone):
		reason = fmt.Sprintf("GitHub refuses to write (%d): check the token's permissions (issues: write) and that issues are enabled", ae.Status)
	case isAPI && ae.Status >= 400 && ae.Status < 500:
		a.res.Failed = append(a.res.Failed, Failure{Key: c.Key, Issue: c.Issue, Error: err.Error()})
		a.line("failed: %s: %v", c.Key, err)
		return false, nil
	default:
		reason = "GitHub did not answer"
	}
	var rest []Change
	for _, r := range remaining {
		if r.Action != ActionDrift {
			rest = append(rest, r)
		}
	}
	return true, errkind.Wrap(errkind.Partial, &StoppedError{Reason: reason + ": " + err.Error(), Err: err, Result: a.res, Remaining: rest})
}

// createLabel makes a label. Labels are unique by name, so sending the
// creation again after a lost answer is safe: "already exists" is as good.
func (a *applier) createLabel(ctx context.Context, l Label) error {
	for try := 1; ; try++ {
		err := a.g.CreateLabel(ctx, l)
		var ae *APIError
		if err == nil || (errors.As(err, &ae) && ae.Exists) {
			return nil
		}
		if !errors.As(err, &ae) || !ae.Uncertain || ctx.Err() != nil || try >= attempts {
			return err
		}
		if err := a.opts.Sleep(ctx, time.Duration(try)*2*time.Second); err != nil {
			return err
		}
	}
}

func rateLimitReason(ae *APIError) string {
	reason := "the hourly API quota is used up"
	if ae.Secondary {
		reason = "GitHub's secondary rate limit was hit and the wait is too long"
	}
	if !ae.Reset.IsZero() {
		reason += " until " + ae.Reset.UTC().Format("2006-01-02 15:04:05 UTC")
	}
	return reason
}

func (a *applier) note(c *Change, msg string) {
	a.res.Notes = append(a.res.Notes, Note{Key: c.Key, Issue: c.Issue, Message: msg})
}

// create makes an issue. When GitHub refuses the owner as assignee, the
// issue is made without. When the answer is lost (5xx, no answer), the
// issue may exist: castor looks for its marker among the newest issues
// before trying again, so that it never makes two.
func (a *applier) create(ctx context.Context, c *Change) error {
	req := c.req
	var is Issue
	for try := 1; ; try++ {
		var err error
		is, err = a.g.CreateIssue(ctx, req)
		if err == nil {
			break
		}
		var ae *APIError
		if errors.As(err, &ae) && ae.AssigneeRefused && req.Assignees != nil {
			a.note(c, fmt.Sprintf("GitHub refused %s as assignee (422 Validation Failed: not a collaborator?): the issue was created without", c.Assignee))
			req.Assignees = nil
			try--
			continue
		}
		if !errors.As(err, &ae) || !ae.Uncertain || ctx.Err() != nil || try >= attempts {
			return err
		}
		found, ok, ferr := a.find(ctx, c.Key)
		if ferr != nil {
			return ferr
		}
		if ok {
			is = found
			break
		}
		if err := a.opts.Sleep(ctx, time.Duration(try)*2*time.Second); err != nil {
			return err
		}
	}
	c.Issue, c.URL = is.Number, is.URL
	a.res.Created++
	a.created = append(a.created, c)
	if c.closeAfter == nil {
		a.progress("#%d created: %s", is.Number, c.Title)
		return nil
	}
	if _, err := a.g.EditIssue(ctx, is.Number, *c.closeAfter); err != nil {
		a.progress("#%d created: %s", is.Number, c.Title)
		return fmt.Errorf("close #%d: %w", is.Number, err)
	}
	a.progress("#%d created, %s: %s", is.Number, describeState(c.State), c.Title)
	return nil
}

// converge closes the issues this run made that another run made too.
// Two runs at once (a push and a manual run, two workflows) both plan
// "create" for a new item, and both create: GitHub has no conditional
// creation to stop the second. Issue numbers tell the order: once its
// creations are done, a run lists the tracking issues again, and each of
// its issues that has an older twin of the same key and source is closed
// as a duplicate of it, with a comment. The run that created second lists
// after both creations, so it always sees the twin and closes its own; the
// other keeps its issue, and each duplicate is closed by one run only.
// What a run leaves (it was stopped first) the next run's plan closes the
// same way.
func (a *applier) converge(ctx context.Context) error {
	if len(a.created) == 0 {
		return nil
	}
	list, err := a.g.ListIssues(ctx, a.plan.Label)
	if err != nil {
		return a.stopConverging(ctx, err)
	}
	oldest := map[string]Issue{}
	byNumber := map[int]Issue{}
	for _, is := range list {
		key, ok := parseMarker(is.Body)
		s, _ := parseSync(is.Body)
		if !ok || !strings.EqualFold(s.Source, a.plan.Source) {
			continue
		}
		byNumber[is.Number] = is
		if cur, seen := oldest[key]; !seen || is.Number < cur.Number {
			oldest[key] = is
		}
	}
	for _, c := range a.created {
		first, mine := oldest[c.Key], byNumber[c.Issue]
		if first.Number == 0 || first.Number >= c.Issue || mine.Number == 0 || (mine.State == "closed" && mine.StateReason == stateNotPlanned) {
			continue
		}
		dup := closeOrphan(mine, c.Key, c.Path, a.plan.Source,
			fmt.Sprintf("duplicate of #%d, the issue of action item `%s` of record `%s` (two runs of castor track made one each at the same time)", first.Number, c.Item, c.Record))
		a.n++
		a.total++
		if stop, serr := a.failed(ctx, a.edit(ctx, &dup), dup, nil); stop {
			return serr
		}
	}
	return nil
}

func (a *applier) stopConverging(ctx context.Context, err error) error {
	_, serr := a.failed(ctx, err, Change{Key: "duplicates"}, nil)
	return serr
}

// find looks for the issue of key among the newest tracking issues: one
// of this source (another records repository may have the same key).
func (a *applier) find(ctx context.Context, key string) (Issue, bool, error) {
	list, err := a.g.RecentIssues(ctx, a.plan.Label)
	if err != nil {
		return Issue{}, false, err
	}
	for _, is := range list {
		s, _ := parseSync(is.Body)
		if k, ok := parseMarker(is.Body); ok && k == key && strings.EqualFold(s.Source, a.plan.Source) {
			return is, true, nil
		}
	}
	return Issue{}, false, nil
}

// edit updates or closes an issue; a close for a gone item first leaves
// its comment (once: an existing castor comment is found by its marker).
func (a *applier) edit(ctx context.Context, c *Change) error {
	if c.Comment {
		if err := a.comment(ctx, c); err != nil {
			return err
		}
	}
	req := c.req
	for {
		_, err := a.g.EditIssue(ctx, c.Issue, req)
		var ae *APIError
		if errors.As(err, &ae) && ae.AssigneeRefused && req.Assignees != nil {
			a.note(c, fmt.Sprintf("GitHub refused %s as assignee (422 Validation Failed: not a collaborator?)", c.Assignee))
			req.Assignees = nil
			if req == (IssueRequest{}) {
				break
			}
			continue
		}
		if err != nil {
			return err
		}
		break
	}
	switch c.Action {
	case ActionAdopt:
		a.res.Adopted++
		a.progress("#%d adopted (%s): %s", c.Issue, strings.Join(c.Fields, ", "), c.Title)
	case ActionClose:
		a.res.Closed++
		what := describeState(c.State)
		if c.Comment {
			what += ", with a comment (" + strings.TrimSuffix(c.Reason, ".") + ")"
		}
		a.progress("#%d %s: %s", c.Issue, what, c.Title)
	default:
		a.res.Updated++
		a.progress("#%d updated (%s): %s", c.Issue, strings.Join(c.Fields, ", "), c.Title)
	}
	return nil
}

func (a *applier) comment(ctx context.Context, c *Change) error {
	has := func() (bool, error) {
		list, err := a.g.ListComments(ctx, c.Issue)
		if err != nil {
			return false, err
		}
		for _, cm := range list {
			if strings.Contains(cm.Body, c.commentMarker) {
				return true, nil
			}
		}
		return false, nil
	}
	// The listing counted comments: none means none of castor's.
	if a.plan.issues[c.Issue].Comments > 0 {
		if ok, err := has(); err != nil || ok {
			return err
		}
	}
	for try := 1; ; try++ {
		err := a.g.CreateComment(ctx, c.Issue, c.commentBody)
		var ae *APIError
		if err == nil || !errors.As(err, &ae) || !ae.Uncertain || ctx.Err() != nil || try >= attempts {
			return err
		}
		if ok, herr := has(); herr != nil || ok {
			return herr
		}
		if err := a.opts.Sleep(ctx, time.Duration(try)*2*time.Second); err != nil {
			return err
		}
	}
}

// progress reports a write: a line each in a log, one redrawn line on a
// terminal.
func (a *applier) progress(format string, args ...any) {
	if a.opts.Progress == nil {
		return
	}
	msg := oneLine(fmt.Sprintf(format, args...))
	if a.opts.Terminal {
		fmt.Fprintf(a.opts.Progress, "\r\x1b[K[%d/%d] %s", a.n, a.total, msg)
		a.drawn = true
		return
	}
	fmt.Fprintln(a.opts.Progress, msg)
}

// line prints a line that stays on a terminal too (drift, failures).
func (a *applier) line(format string, args ...any) {
	if a.opts.Progress == nil {
		return
	}
	a.endProgress()
	fmt.Fprintln(a.opts.Progress, oneLine(fmt.Sprintf(format, args...)))
}

func (a *applier) endProgress() {
	if a.drawn {
		fmt.Fprint(a.opts.Progress, "\r\x1b[K")
		a.drawn = false
	}
}
