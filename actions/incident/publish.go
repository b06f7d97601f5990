package incident

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/gitrepo"
	"github.com/castor-incidents/castor/internal/gitwrite"
	"github.com/castor-incidents/castor/schema"
)

// PublishOptions configures the git and GitHub side of new and update.
type PublishOptions struct {
	// Remote is where branches are pushed; default "origin".
	Remote string
	// Repository is the GitHub repository, owner/name: default
	// $GITHUB_REPOSITORY, else the remote's URL when it is on GitHub.
	Repository string
	// ServerURL is GitHub's web root for links ($GITHUB_SERVER_URL);
	// default https://github.com.
	ServerURL string
	// Token authenticates git over HTTPS ($GITHUB_TOKEN).
	Token string
	// Pulls talks to GitHub. Nil when it cannot be made: PullsErr says
	// why, and --pr fails with it before anything is written.
	Pulls    PullRequests
	PullsErr error
	// Author signs commits; default git's configuration.
	Author gitwrite.Identity
	Now    func() time.Time
}

// PublishResult says where a record went.
type PublishResult struct {
	Branch string
	Commit string
	Pull   *PullRequest
	// Switched is true when the work tree was switched to Branch.
	Switched bool
}

// AlreadyStartedError is returned by `castor new --pr` for an incident
// whose pull request exists: running it again changes nothing.
type AlreadyStartedError struct {
	ID     string
	Branch string
	Pull   *PullRequest
}

func (e *AlreadyStartedError) Error() string {
	return fmt.Sprintf("incident %s is already open: pull request #%d (%s) on branch %s. Add to it with castor update %s …; a different incident needs another title or --slug",
		e.ID, e.Pull.Number, e.Pull.URL, e.Branch, e.ID)
}

// asPublishError marks a failure once castor has begun to write outside
// the work tree (push, GitHub) as errkind.Partial, running the command
// again finishes the job, unless it has a kind of its own.
func asPublishError(err error) error {
	if err == nil || errkind.Of(err) != errkind.Internal {
		return err
	}
	return errkind.Wrap(errkind.Partial, err)
}

type publisher struct {
	opts   PublishOptions
	ws     *workspace
	git    *gitwrite.Repo
	prefix string // the records' root inside the git work tree: "" or "sub/dir/"
	remote string
	branch string // the branch the commit goes to
	base   string // the remote's default branch
	errOut io.Writer
}

func newPublisher(ctx context.Context, ws *workspace, opts PublishOptions, pr bool, errOut io.Writer) (*publisher, error) {
	if pr && opts.Pulls == nil {
		if opts.PullsErr != nil {
			return nil, opts.PullsErr
		}
		return nil, errors.New("--pr needs GitHub: set GITHUB_TOKEN")
	}
	g, err := gitwrite.Open(ws.root)
	if err != nil {
		return nil, err
	}
	g.Token, g.Author, g.Now = opts.Token, opts.Author, opts.Now
	p := &publisher{opts: opts, ws: ws, git: g, remote: opts.Remote, errOut: errOut}
	if p.remote == "" {
		p.remote = "origin"
	}
	// castor.yaml may sit in a folder of the repository (a monorepo):
	// git paths are then longer than the records' own.
	if p.prefix, err = subdir(g.Root(), ws.root); err != nil {
		return nil, err
	}
	if !pr {
		return p, nil
	}
	u, err := g.RemoteURL(p.remote)
	if err != nil {
		return nil, err
	}
	if p.opts.Repository == "" {
		p.opts.Repository = gitwrite.GitHubRepo(u, "")
	}
	if p.opts.Repository == "" {
		return nil, fmt.Errorf("which GitHub repository? %s is not on github.com: set GITHUB_REPOSITORY=owner/name", p.remote)
	}
	if p.opts.ServerURL == "" {
		p.opts.ServerURL = "https://github.com"
	}
	if err := g.Fetch(ctx, p.remote); err != nil {
		return nil, err
	}
	if p.base, err = g.DefaultBranch(ctx, p.remote); err != nil {
		return nil, err
	}
	return p, nil
}

// subdir returns dir's slash path inside root, "" or ending in "/".
func subdir(root, dir string) (string, error) {
	r, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", err
	}
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if d, err = filepath.EvalSymlinks(d); err != nil {
		return "", err
	}
	rel, err := filepath.Rel(r, d)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("%s is not inside the git work tree %s", dir, root)
	}
	if rel == "." {
		return "", nil
	}
	return filepath.ToSlash(rel) + "/", nil
}

// gitPath is a record path as git sees it, from the work tree's top.
func (p *publisher) gitPath(file string) string { return p.prefix + file }

func (p *publisher) remoteRef(branch string) plumbing.ReferenceName {
	return plumbing.NewRemoteReferenceName(p.remote, branch)
}

// recordURL links a record on a branch.
func (p *publisher) recordURL(branch, file string) string {
	return strings.TrimSuffix(p.opts.ServerURL, "/") + "/" + p.opts.Repository + "/blob/" + branch + "/" + p.gitPath(file)
}

func (p *publisher) labels(inc *schema.Incident) []string {
	if inc.IsDrill() {
		return []string{"drill"}
	}
	if inc.IsMaintenance() {
		return []string{"maintenance"}
	}
	return []string{"incident", "severity/" + inc.Severity}
}

// branchFor is the branch a new record goes to: incident/<id>, or
// drill/<id> for a drill.
func branchFor(kind, id string) string {
	if kind == schema.KindDrill {
		return "drill/" + id
	}
	return "incident/" + id
}

// pullTitle and commitMessage name a new record's pull request and commit.
func pullTitle(inc *schema.Incident) string {
	if inc.IsDrill() {
		return inc.Title
	}
	if inc.IsMaintenance() {
		return "Maintenance: " + inc.Title
	}
	return fmt.Sprintf("Incident %s: %s", inc.Severity, inc.Title)
}

func commitMessage(inc *schema.Incident) string {
	if inc.IsDrill() {
		return fmt.Sprintf("%s: drill of %s\n\n%s", inc.ID, inc.Played, inc.Title)
	}
	if inc.IsMaintenance() {
		return fmt.Sprintf("%s: schedule maintenance\n\n%s", inc.ID, inc.Title)
	}
	return fmt.Sprintf("%s: open incident (%s)\n\n%s", inc.ID, inc.Severity, inc.Title)
}

func (p *publisher) pullBody(inc *schema.Incident, branch, file string) string {
	var b strings.Builder
	if inc.IsDrill() {
		fmt.Fprintf(&b, "Drill record: [`%s`](%s)\n\n", p.gitPath(file), p.recordURL(branch, file))
		fmt.Fprintf(&b, "A drill of `%s`, played %s.\n\n", inc.Played, formatTime(inc.StartedAt))
		b.WriteString("Write what went well or wrong and the action items in the record; when this pull request is merged, castor opens a tracking issue for each action item. A drill never reaches a status page.\n\n")
		fmt.Fprintf(&b, "<!-- castor:drill %s -->\n", inc.ID)
		return b.String()
	}
	fmt.Fprintf(&b, "Incident record: [`%s`](%s)\n\n", p.gitPath(file), p.recordURL(branch, file))
	if inc.IsMaintenance() {
		fmt.Fprintf(&b, "**Maintenance**, %s, from %s to %s.\n\n", inc.Status, formatTime(*inc.ScheduledFor), formatTime(*inc.ScheduledUntil))
	} else {
		fmt.Fprintf(&b, "**%s**, %s, started %s.\n\n", inc.Severity, inc.Status, formatTime(inc.StartedAt))
	}
	fmt.Fprintf(&b, "Add status updates with `castor update %s --status identified --message \"…\" --pr`; when this pull request is merged, castor posts each new public update to the status page once, in order. Write the post-mortem in the same file.\n\n", inc.ID)
	fmt.Fprintf(&b, "<!-- castor:incident %s -->\n", inc.ID)
	return b.String()
}

// openPull finds the branch's pull request or opens a draft one, and
// labels it.
func (p *publisher) openPull(ctx context.Context, inc *schema.Incident, branch, file string) (*PullRequest, error) {
	pr, err := p.opts.Pulls.FindPull(ctx, p.opts.Repository, branch)
	if err != nil {
		return nil, err
	}
	if pr == nil || pr.State != "open" {
		if pr, err = p.opts.Pulls.CreatePull(ctx, p.opts.Repository, NewPull{Title: pullTitle(inc), Body: p.pullBody(inc, branch, file), Head: branch, Base: p.base, Draft: true}); err != nil {
			return nil, err
		}
	}
	if err := p.opts.Pulls.AddLabels(ctx, p.opts.Repository, pr.Number, p.labels(inc)); err != nil {
		return pr, err
	}
	return pr, nil
}

// takenIDs returns the ids of the records on the remote's default
// branch, and of those in the work tree too: a new incident takes none.
func (p *publisher) takenIDs(baseHash plumbing.Hash) (onBase, taken map[string]bool, err error) {
	onBase, taken = map[string]bool{}, map[string]bool{}
	ids, err := p.ws.ids()
	if err != nil {
		return nil, nil, err
	}
	for id := range ids {
		taken[id] = true
	}
	rd, err := gitrepo.Open(p.ws.root)
	if err != nil {
		return nil, nil, err
	}
	files, err := rd.ListFiles(baseHash.String(), p.gitPath(p.ws.repo.Config.Records))
	if err != nil {
		return nil, nil, err
	}
	for _, f := range files {
		if schema.IsRecordFile(f) {
			id := (&schema.Record{Path: f}).Stem()
			onBase[id], taken[id] = true, true
		}
	}
	return onBase, taken, nil
}

// startNew commits a new record on incident/<id>, from the remote's
// default branch, pushes it and opens its draft pull request. It picks
// the id: the first of base, base-2, … that no record has. An id whose
// branch exists (and whose record is not merged) is the same incident
// started before and maybe cut short: that run is finished, not
// repeated; an id whose pull request is open is refused; one whose pull
// request was merged or closed is taken.
func (p *publisher) startNew(ctx context.Context, kind, baseID string, content func(id string) ([]byte, *schema.Incident, error)) (string, *PublishResult, error) {
	baseHash, ok, err := p.git.Ref(p.remoteRef(p.base))
	if err != nil {
		return "", nil, err
	}
	if !ok {
		return "", nil, fmt.Errorf("%s/%s not found after fetching", p.remote, p.base)
	}
	onBase, taken, err := p.takenIDs(baseHash)
	if err != nil {
		return "", nil, err
	}
	for n := 1; ; n++ {
		id := baseID
		if n > 1 {
			id = fmt.Sprintf("%s-%d", baseID, n)
		}
		branch := branchFor(kind, id)
		file := p.ws.recordPath(id)
		pr, err := p.opts.Pulls.FindPull(ctx, p.opts.Repository, branch)
		if err != nil {
			return "", nil, err
		}
		local, hasLocal, err := p.git.Ref(plumbing.NewBranchReferenceName(branch))
		if err != nil {
			return "", nil, err
		}
		remote, hasRemote, err := p.git.Ref(p.remoteRef(branch))
		if err != nil {
			return "", nil, err
		}
		switch {
		case pr != nil && pr.State != "open":
			// That incident's pull request was merged or closed: this
			// is another incident.
			continue
		case kind == schema.KindDrill && (pr != nil || hasLocal || hasRemote || taken[id]):
			// Each drill is a new one: a drill of the same record on
			// the same day, even cut short, takes the next id.
			continue
		case pr != nil, (hasLocal || hasRemote) && !onBase[id]:
			res, err := p.resumeNew(ctx, id, branch, file, pr, local, hasLocal, remote, hasRemote)
			return id, res, err
		case taken[id]:
			continue
		}
		data, inc, err := content(id)
		if err != nil {
			return "", nil, err
		}
		commit, err := p.git.CommitFile(baseHash, p.gitPath(file), data, commitMessage(inc))
		if err != nil {
			return "", nil, err
		}
		if err := p.git.SetBranch(branch, commit, true); err != nil {
			return "", nil, err
		}
		res, err := p.finishNew(ctx, inc, branch, file, commit)
		return id, res, err
	}
}

// resumeNew finishes an incident whose branch exists: push, pull request,
// labels. When its pull request exists, the incident is already open.
func (p *publisher) resumeNew(ctx context.Context, id, branch, file string, pr *PullRequest, local plumbing.Hash, hasLocal bool, remote plumbing.Hash, hasRemote bool) (*PublishResult, error) {
	tip := local
	switch {
	case hasLocal && hasRemote && local != remote:
		if ok, err := p.git.IsAncestor(remote, local); err != nil || !ok {
			if ok, err := p.git.IsAncestor(local, remote); err == nil && ok {
				tip = remote
				if err := p.git.SetBranch(branch, remote, false); err != nil {
					return nil, err
				}
			} else {
				return nil, fmt.Errorf("branch %s and %s/%s have diverged: reconcile them by hand", branch, p.remote, branch)
			}
		}
	case !hasLocal && hasRemote:
		tip = remote
		if err := p.git.SetBranch(branch, remote, true); err != nil {
			return nil, err
		}
	case !hasLocal && !hasRemote:
		// Only the pull request is left (its branch was deleted).
		return nil, errkind.Wrap(errkind.Invalid, &AlreadyStartedError{ID: id, Branch: branch, Pull: pr})
	}
	data, ok, err := p.git.FileAt(tip, p.gitPath(file))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("branch %s exists but has no %s: delete the branch, or give another --slug", branch, file)
	}
	_, inc, err := p.ws.check(ctx, file, data)
	if err != nil {
		return nil, fmt.Errorf("branch %s: %w", branch, err)
	}
	if pr != nil && pr.State == "open" {
		// Finish what a run cut short may have left out, then refuse.
		if err := p.git.Push(ctx, p.remote, branch); err != nil {
			return nil, err
		}
		if err := p.opts.Pulls.AddLabels(ctx, p.opts.Repository, pr.Number, p.labels(inc)); err != nil {
			return nil, err
		}
		return nil, errkind.Wrap(errkind.Invalid, &AlreadyStartedError{ID: id, Branch: branch, Pull: pr})
	}
	fmt.Fprintf(p.errOut, "castor: branch %s exists (an earlier run stopped before the end): finishing it\n", branch)
	return p.finishNew(ctx, inc, branch, file, tip)
}

func (p *publisher) finishNew(ctx context.Context, inc *schema.Incident, branch, file string, commit plumbing.Hash) (*PublishResult, error) {
	if err := p.git.Push(ctx, p.remote, branch); err != nil {
		return nil, err
	}
	pr, err := p.openPull(ctx, inc, branch, file)
	if err != nil {
		return nil, err
	}
	res := &PublishResult{Branch: branch, Commit: commit.String(), Pull: pr}
	// Leave the work tree on the incident's branch, ready for updates,
	// unless that could touch someone's changes.
	if err := p.git.Switch(branch); err != nil {
		var dirty *gitwrite.ErrDirty
		if !errors.As(err, &dirty) {
			return res, err
		}
		fmt.Fprintf(p.errOut, "castor: the work tree has changes, so it stays where it is; git switch %s to edit the record\n", branch)
	} else {
		res.Switched = true
	}
	return res, nil
}

// prepareUpdate runs before an update writes anything: the work tree
// must be clean, and with pr the branch must be able to reach its remote
// (not behind it). On the default branch, with pr, the update goes to a
// new branch incident/<id>, switched to.
func (p *publisher) prepareUpdate(ctx context.Context, id string, pr bool) error {
	if err := p.git.CheckClean(); err != nil {
		return err
	}
	branch, err := p.git.Branch()
	if err != nil {
		return err
	}
	if branch == "" {
		return errors.New("HEAD is detached: check out a branch first")
	}
	p.branch = branch
	if !pr {
		return nil
	}
	if branch == p.base {
		p.branch = "incident/" + id
		_, hasLocal, err := p.git.Ref(plumbing.NewBranchReferenceName(p.branch))
		if err != nil {
			return err
		}
		_, hasRemote, err := p.git.Ref(p.remoteRef(p.branch))
		if err != nil {
			return err
		}
		if hasLocal || hasRemote {
			return fmt.Errorf("you are on %s, and branch %s exists: git switch %s, then run again", branch, p.branch, p.branch)
		}
		head, err := p.git.Head()
		if err != nil {
			return err
		}
		if err := p.git.SetBranch(p.branch, head, true); err != nil {
			return err
		}
		return p.git.Switch(p.branch)
	}
	remote, hasRemote, err := p.git.Ref(p.remoteRef(branch))
	if err != nil || !hasRemote {
		return err
	}
	head, err := p.git.Head()
	if err != nil {
		return err
	}
	if ok, err := p.git.IsAncestor(remote, head); err != nil || !ok {
		return fmt.Errorf("%s/%s has commits that %s lacks (the push would be rejected as not a fast-forward): pull them first (git pull --rebase), then run again", p.remote, branch, branch)
	}
	return nil
}

// publishUpdate commits the record and, with pr, pushes it and makes sure
// the branch has a pull request.
func (p *publisher) publishUpdate(ctx context.Context, inc *schema.Incident, file, what string, pr bool) (*PublishResult, error) {
	head, err := p.git.Head()
	if err != nil {
		return nil, err
	}
	res := &PublishResult{Branch: p.branch, Commit: head.String()}
	if old, ok, err := p.git.FileAt(head, p.gitPath(file)); err != nil {
		return nil, err
	} else if data, rerr := p.ws.read(file); rerr != nil {
		return nil, rerr
	} else if !ok || string(old) != string(data) {
		c, err := p.git.CommitPaths(fmt.Sprintf("%s: %s", inc.ID, what), p.gitPath(file))
		if err != nil {
			return nil, err
		}
		res.Commit = c.String()
	}
	if !pr {
		return res, nil
	}
	if err := p.git.Push(ctx, p.remote, p.branch); err != nil {
		return res, fmt.Errorf("%w (the commit %s stays on %s)", err, res.Commit[:12], p.branch)
	}
	if res.Pull, err = p.openPull(ctx, inc, p.branch, file); err != nil {
		return res, err
	}
	return res, nil
}
