package report

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
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
		if err := ctx.Err(); err != nil {
			return History{}, err
		}
		// One pass over what differs: the items of every record touched,
		// before and after the commit.
		touched := map[string]bool{}
		before := map[string]map[string]string{}
		type write struct {
			name  string
			items map[string]string
			ok    bool
		}
		var removed []string
		var writes []write
		err := diffTrees(prev, s.tree, "", func(name string, inTo bool, tree *object.Tree, e *object.TreeEntry) {
			id := recordID(name)
			if !touched[id] {
				touched[id] = true
				before[id] = files.of(id)
			}
			if !inTo {
				removed = append(removed, name)
				return
			}
			items, ok := readItems(tree, e)
			writes = append(writes, write{name, items, ok})
		})
		if err != nil {
			return History{}, fmt.Errorf("compare the records folder of two commits: %w", err)
		}
		for _, name := range removed {
			files.remove(name)
		}
		for _, w := range writes {
			if w.ok {
				files.set(w.name, w.items)
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

// diffTrees calls fn for every record file that differs between two
// trees (either may be nil): with inTo false for a file only in a, else
// with the tree and entry of its version in b. Subtrees with the same hash
// are not opened, and each tree is decoded once: a commit that changes
// one record costs two small trees per level.
func diffTrees(a, b *object.Tree, prefix string, fn func(name string, inTo bool, tree *object.Tree, e *object.TreeEntry)) error {
	old := map[string]*object.TreeEntry{}
	if a != nil {
		for i := range a.Entries {
			old[a.Entries[i].Name] = &a.Entries[i]
		}
	}
	seen := map[string]bool{}
	if b != nil {
		for i := range b.Entries {
			e := &b.Entries[i]
			seen[e.Name] = true
			o := old[e.Name]
			if o != nil && o.Hash == e.Hash && o.Mode == e.Mode {
				continue
			}
			name := prefix + e.Name
			if e.Mode == filemode.Dir {
				sub, err := b.Tree(e.Name)
				if err != nil {
					return fmt.Errorf("read %s: %w", name, err)
				}
				var subOld *object.Tree
				if o != nil && o.Mode == filemode.Dir {
					if subOld, err = a.Tree(o.Name); err != nil {
						return fmt.Errorf("read %s: %w", name, err)
					}
				} else if o != nil && schema.IsRecordFile(o.Name) {
					fn(name, false, nil, nil) // a file became a folder
				}
				if err := diffTrees(subOld, sub, name+"/", fn); err != nil {
					return err
				}
				continue
			}
			if o != nil && o.Mode == filemode.Dir {
				if err := removedTree(a, o, name, fn); err != nil {
					return err
				}
			}
			if e.Mode.IsFile() && schema.IsRecordFile(e.Name) {
				fn(name, true, b, e)
			}
		}
	}
	for n, o := range old {
		if seen[n] {
			continue
		}
		name := prefix + n
		if o.Mode == filemode.Dir {
			if err := removedTree(a, o, name, fn); err != nil {
				return err
			}
		} else if schema.IsRecordFile(n) {
			fn(name, false, nil, nil)
		}
	}
	return nil
}

func removedTree(parent *object.Tree, e *object.TreeEntry, name string, fn func(string, bool, *object.Tree, *object.TreeEntry)) error {
	sub, err := parent.Tree(e.Name)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return diffTrees(sub, nil, name+"/", fn)
}

// readItems reads a record version's action items; ok is false when the
// version cannot be read (CUE, too large, not YAML or JSON).
func readItems(tree *object.Tree, e *object.TreeEntry) (map[string]string, bool) {
	if strings.EqualFold(path.Ext(e.Name), ".cue") {
		return nil, false
	}
	f, err := tree.TreeEntryFile(e)
	if err != nil || f.Size > schema.MaxFileSize {
		return nil, false
	}
	data, err := f.Contents()
	if err != nil {
		return nil, false
	}
	rec, ok := decodeItems([]byte(data))
	if !ok {
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

var actionItemsKey = []byte("action_items")

// decodeItems reads the action items of a record version. A first
// version of a repository holds every record, so this is the history's
// hot path: in the usual block-style YAML only the action_items section
// is parsed, a fraction of the file; anything else (JSON, flow style, a
// section that does not parse alone) falls back to the whole document.
func decodeItems(data []byte) (historyItems, bool) {
	var rec historyItems
	if !bytes.Contains(data, actionItemsKey) {
		return rec, true
	}
	if section := itemsSection(data); section != nil {
		if err := yaml.Unmarshal(section, &rec); err == nil {
			return rec, true
		}
		rec = historyItems{}
	}
	if err := yaml.Unmarshal(data, &rec); err != nil {
		return rec, false
	}
	return rec, true
}

// itemsSection returns the lines from a top-level "action_items:" key to
// the next top-level key, or nil when there is no such key line.
func itemsSection(data []byte) []byte {
	start := -1
	for i := 0; i < len(data); {
		end := bytes.IndexByte(data[i:], '\n')
		if end < 0 {
			end = len(data)
		} else {
			end += i + 1
		}
		line := data[i:end]
		if start < 0 {
			if bytes.HasPrefix(line, []byte("action_items:")) {
				start = i
			}
		} else if len(line) > 0 && line[0] != ' ' && line[0] != '\t' && line[0] != '-' && line[0] != '#' && line[0] != '\n' && line[0] != '\r' {
			return data[start:i]
		}
		i = end
	}
	if start < 0 {
		return nil
	}
	return data[start:]
}
