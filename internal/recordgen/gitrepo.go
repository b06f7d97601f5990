package recordgen

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// PullRequest makes the repository of a pull request for benchmarks: in
// dir, castor.yaml (config) and the first n records committed (base),
// then the record edit changed by one line and committed (head). It
// returns both commits and the edited record's path.
func PullRequest(tb testing.TB, dir, config string, n, edit int) (base, head, changed string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, "castor.yaml"), []byte(config), 0o644); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		p, data := Record(i)
		if i == edit {
			changed = p
		}
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(full, data, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	base = commitAll(tb, dir, "records")
	full := filepath.Join(dir, filepath.FromSlash(changed))
	data, err := os.ReadFile(full)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(full, append(data, "# edited\n"...), 0o644); err != nil {
		tb.Fatal(err)
	}
	head = commitAll(tb, dir, "edit one record")
	return base, head, changed
}

func commitAll(tb testing.TB, dir, msg string) string {
	tb.Helper()
	repo, err := git.PlainOpen(dir)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		repo, err = git.PlainInit(dir, false)
	}
	if err != nil {
		tb.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		tb.Fatal(err)
	}
	if err := wt.AddWithOptions(&git.AddOptions{All: true}); err != nil {
		tb.Fatal(err)
	}
	h, err := wt.Commit(msg, &git.CommitOptions{Author: &object.Signature{Name: "bench", Email: "bench@example.org", When: time.Now()}})
	if err != nil {
		tb.Fatal(err)
	}
	return h.String()
}
