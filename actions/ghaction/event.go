package ghaction

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
)

// Event is what castor reads of the webhook payload GitHub writes to
// $GITHUB_EVENT_PATH.
type Event struct {
	Name string // GITHUB_EVENT_NAME

	// pull_request
	Number  int
	BaseSHA string
	HeadSHA string
	// Fork is true when the pull request comes from another repository:
	// its token is read-only, and castor must not need more.
	Fork bool

	// push
	Before string
	After  string
	Ref    string

	DefaultBranch string
}

type payload struct {
	Number      int `json:"number"`
	PullRequest *struct {
		Number int `json:"number"`
		Base   struct {
			SHA  string `json:"sha"`
			Repo struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"base"`
		Head struct {
			SHA  string `json:"sha"`
			Repo *struct {
				FullName string `json:"full_name"`
			} `json:"repo"`
		} `json:"head"`
	} `json:"pull_request"`
	Before     string `json:"before"`
	After      string `json:"after"`
	Ref        string `json:"ref"`
	Repository struct {
		DefaultBranch string `json:"default_branch"`
	} `json:"repository"`
}

// ReadEvent reads the event of the running workflow.
func ReadEvent(name, path string) (*Event, error) {
	if name == "" {
		return nil, fmt.Errorf("GITHUB_EVENT_NAME is not set: castor action runs inside GitHub Actions (or a test that plays the runner)")
	}
	ev := &Event{Name: name}
	if path == "" {
		return ev, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read event payload: %w", err)
	}
	var p payload
	if err := json.Unmarshal(b, &p); err != nil {
		return nil, fmt.Errorf("read event payload %s: %w", path, err)
	}
	ev.Before, ev.After, ev.Ref = p.Before, p.After, p.Ref
	ev.DefaultBranch = p.Repository.DefaultBranch
	if pr := p.PullRequest; pr != nil {
		ev.Number = pr.Number
		ev.BaseSHA, ev.HeadSHA = pr.Base.SHA, pr.Head.SHA
		ev.Fork = pr.Head.Repo == nil || !strings.EqualFold(pr.Head.Repo.FullName, pr.Base.Repo.FullName)
	}
	if ev.Number == 0 {
		ev.Number = p.Number
	}
	return ev, nil
}

// OnDefaultBranch reports whether a push went to the default branch.
func (e *Event) OnDefaultBranch() bool {
	return e.DefaultBranch != "" && e.Ref == "refs/heads/"+e.DefaultBranch
}
