package report

import (
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	yaml "go.yaml.in/yaml/v3"

	"github.com/castor-incidents/castor/internal/gitrepo"
	"github.com/castor-incidents/castor/schema"
)

// History is what the git history says about the action items.
type History struct {
	Observations []Observation
	// OK is false when there is no history to read (not a git
	// repository, no commit yet); Note says why, or where it comes from.
	OK   bool
	Note string
}

// historyItems is the part of a record the history needs. Old versions
// of a record may not be valid any more, so they are not validated: only
// the action items' ids and statuses are read, and a version that cannot
// be read at all leaves the previous one in force.
type historyItems struct {
	ActionItems []struct {
		ID     string `yaml:"id"`
		Status string `yaml:"status"`
	} `yaml:"action_items"`
}

// ReadHistory follows the first-parent history of HEAD (the default
// branch's own line: a pull request counts when it was merged, not when
// its branch was written) and records, for every commit that changed the
// records folder, the status of each action item it changed, at the
// commit's committer time. recordsDir is the records folder, a path
// under dir.
//
// Commits whose records folder is the same tree as their parent's are
// skipped by comparing tree hashes, so a long history of unrelated
// commits costs little. Records written in CUE are not read (their items
// then appear in the burn-down when they first appear in the work tree).
func ReadHistory(ctx context.Context, dir, recordsDir string) (History, error) {
	g, err := gitrepo.Open(dir)
	if err != nil {
		return History{Note: "the records are not in a git repository"}, nil
	}
	head, err := g.Commit("HEAD")
	if err != nil {
		return History{Note: "the git repository has no commit yet"}, nil
	}
	root := g.Root()
	if root == "" {
		return History{Note: "the git repository has no work tree"}, nil
	}
	rel, err := relPath(root, recordsDir)
	if err != nil {
		return History{}, err
	}

	// The first-parent chain, newest first, with each commit's records
	// tree (nil when the folder does not exist there).
	type step struct {
		at   time.Time
		tree *object.Tree
	}
	var chain []step
	shallow := false
	for c := head; ; {
		if err := ctx.Err(); err != nil {
			return History{}, err
		}
		t, err := recordsTree(c, rel)
		if err != nil {
			return History{}, fmt.Errorf("read the records folder at %s: %w", c.Hash, err)
		}
		chain = append(chain, step{at: c.Committer.When, tree: t})
		if c.NumParents() == 0 {
			break
		}
		p, err := c.Parent(0)
		if errors.Is(err, plumbing.ErrObjectNotFound) {
			shallow = true // a shallow clone: the history starts here
			break
		}
		if err != nil {
			return History{}, fmt.Errorf("read the parent of %s: %w", c.Hash, err)
		}
		c = p
	}

	h := History{OK: true}
	// files holds each record file's items as last read; a record's items
	// are the union of its files' (one file, unless it was moved).
	files := recordFiles{items: map[string]map[string]string{}, byID: map[string]map[string]bool{}}
	var prev *object.Tree
	commits := 0
	for i := len(chain) - 1; i >= 0; i-- {
		s := chain[i]
		if sameTree(prev, s.tree) {
			continue
		}
		commits++
		changes, err := object.DiffTreeWithOptions(ctx, prev, s.tree, nil)
		if err != nil {
			return History{}, fmt.Errorf("diff the records folder: %w", err)
		}
		touched := map[string]bool{}
		before := map[string]map[string]string{}
		for _, ch := range changes {
			for _, name := range []string{ch.From.Name, ch.To.Name} {
				if name != "" && schema.IsRecordFile(name) {
					id := recordID(name)
					if !touched[id] {
						touched[id] = true
						before[id] = files.of(id)
					}
				}
			}
		}
		for _, ch := range changes {
			if ch.From.Name != "" && ch.From.Name != ch.To.Name {
				files.remove(ch.From.Name)
			}
			if ch.To.Name == "" || !schema.IsRecordFile(ch.To.Name) {
				continue
			}
			items, ok := readItems(ch)
			if ok {
				files.set(ch.To.Name, items)
			}
		}
		for id := range touched {
			old, now := before[id], files.of(id)
			for item, st := range now {
				if old[item] != st {
					h.Observations = append(h.Observations, Observation{Record: id, Item: item, At: s.at, Status: st})
				}
			}
			for item := range old {
				if _, ok := now[item]; !ok {
					h.Observations = append(h.Observations, Observation{Record: id, Item: item, At: s.at, Status: ""})
				}
			}
		}
		prev = s.tree
	}
	first := chain[len(chain)-1].at
	h.Note = fmt.Sprintf("from the git history of %s/ (%s that changed it, since %s)", rel, plural(commits, "commit", "commits"), first.UTC().Format(dateLayout))
	if shallow {
		h.Note += "; the clone is shallow, so earlier changes are not counted (check out with fetch-depth: 0)"
	}
	return h, nil
}

func relPath(root, dir string) (string, error) {
	// Compare real paths: a temporary directory or a checkout may be
	// reached through a symbolic link.
	absRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return "", fmt.Errorf("resolve %s: %w", root, err)
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(absDir); err == nil {
		absDir = real
	}
	rel, err := filepath.Rel(absRoot, absDir)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("the records folder %s is outside the git work tree %s", dir, root)
	}
	return filepath.ToSlash(rel), nil
}

func recordsTree(c *object.Commit, rel string) (*object.Tree, error) {
	t, err := c.Tree()
	if err != nil {
		return nil, err
	}
	if rel == "." {
		return t, nil
	}
	sub, err := t.Tree(rel)
	if errors.Is(err, object.ErrDirectoryNotFound) {
		return nil, nil
	}
	return sub, err
}

func sameTree(a, b *object.Tree) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Hash == b.Hash
}

func recordID(name string) string {
	base := path.Base(name)
	return strings.TrimSuffix(base, path.Ext(base))
}

// recordFiles is the items of each record file as last read, indexed by
// record id too: a record is one file, or two for the length of a commit
// that moves it.
type recordFiles struct {
	items map[string]map[string]string // file -> item -> status
	byID  map[string]map[string]bool   // record id -> files
}

func (f recordFiles) set(name string, items map[string]string) {
	f.items[name] = items
	id := recordID(name)
	if f.byID[id] == nil {
		f.byID[id] = map[string]bool{}
	}
	f.byID[id][name] = true
}

func (f recordFiles) remove(name string) {
	delete(f.items, name)
	delete(f.byID[recordID(name)], name)
}

// of returns the items of a record: those of its files.
func (f recordFiles) of(id string) map[string]string {
	out := map[string]string{}
	for name := range f.byID[id] {
		for k, v := range f.items[name] {
			out[k] = v
		}
	}
	return out
}

// readItems reads a record version's action items; ok is false when the
// version cannot be read (CUE, too large, not YAML or JSON).
func readItems(ch *object.Change) (map[string]string, bool) {
	if strings.EqualFold(path.Ext(ch.To.Name), ".cue") {
		return nil, false
	}
	_, to, err := ch.Files()
	if err != nil || to == nil || to.Size > schema.MaxFileSize {
		return nil, false
	}
	data, err := to.Contents()
	if err != nil {
		return nil, false
	}
	var rec historyItems
	if err := yaml.Unmarshal([]byte(data), &rec); err != nil {
		return nil, false
	}
	items := map[string]string{}
	for _, it := range rec.ActionItems {
		if it.ID != "" {
			items[it.ID] = it.Status
		}
	}
	return items, true
}
