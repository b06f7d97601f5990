package incident

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/schema"
)

// workspace is the repository a command works in: its configuration,
// its records and its time zone.
type workspace struct {
	root string
	repo *schema.Repo
	loc  *time.Location
}

func openWorkspace(dir, timezone string) (*workspace, error) {
	if dir == "" {
		dir = "."
	}
	repo, err := schema.OpenRepo(dir)
	if err != nil {
		return nil, err
	}
	w := &workspace{root: dir, repo: repo, loc: time.Local}
	if timezone == "" {
		timezone = repo.Config.Site.Timezone
	}
	if timezone != "" {
		if w.loc, err = time.LoadLocation(timezone); err != nil {
			return nil, fmt.Errorf("time zone %q: %w", timezone, err)
		}
	}
	return w, nil
}

// recordPath is where a new record with this id goes: records/<YYYY>/<id>.yaml.
func (w *workspace) recordPath(id string) string {
	return path.Join(w.repo.Config.Records, id[:4], id+".yaml")
}

// abs turns a slash path relative to the root into a file name.
func (w *workspace) abs(p string) string { return filepath.Join(w.root, filepath.FromSlash(p)) }

// ids returns the ids (file stems) of the records in the work tree.
func (w *workspace) ids() (map[string]string, error) {
	paths, err := w.repo.RecordPaths()
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(paths))
	for _, p := range paths {
		out[(&schema.Record{Path: p}).Stem()] = p
	}
	return out, nil
}

// find returns the path of the record a command line names: its id or
// its file.
func (w *workspace) find(target string) (string, error) {
	p, err := w.repo.FindRecord(target)
	if err != nil {
		return "", err
	}
	if ext := path.Ext(p); ext != ".yaml" && ext != ".yml" {
		return "", fmt.Errorf("record %s is a %s file: castor edits YAML records only", p, ext)
	}
	return p, nil
}

// InvalidError is returned when what a command would write does not
// validate; nothing has been written.
type InvalidError struct {
	Path        string
	Diagnostics []schema.Diagnostic
}

func (e *InvalidError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s would not be valid; nothing was written:", e.Path)
	for _, d := range e.Diagnostics {
		if d.Severity == schema.Error {
			b.WriteString("\n  " + d.String())
		}
	}
	return b.String()
}

// check validates a record's new content with the repository's schema,
// rules and policies, as if it were written at p. It returns the warnings
// and the decoded record.
func (w *workspace) check(ctx context.Context, p string, data []byte) ([]schema.Diagnostic, *schema.Incident, error) {
	set, err := w.repo.LoadFiles(ctx, map[string][]byte{p: data})
	if err != nil {
		return nil, nil, fmt.Errorf("validate %s: %w", p, err)
	}
	if set.HasErrors() || len(set.Records) != 1 || set.Records[0].Incident == nil {
		return nil, nil, errkind.Wrap(errkind.Invalid, &InvalidError{Path: p, Diagnostics: set.Diagnostics})
	}
	return set.Diagnostics, set.Records[0].Incident, nil
}

// writeAtomic replaces a file's content all at once: the content goes to
// a temporary file in the same folder, then is renamed over the file, so
// a reader (or a crash) never sees half a record. The mode of an existing
// file is kept.
func writeAtomic(name string, data []byte) error {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(name); err == nil {
		mode = fi.Mode().Perm()
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), mode); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// createAtomic writes a new file, refusing to replace one that exists.
func createAtomic(name string, data []byte) error {
	if _, err := os.Lstat(name); err == nil {
		return fmt.Errorf("%s already exists", name)
	}
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// A hard link fails if the name was taken meanwhile, where a rename
	// would replace it.
	err = os.Link(tmp.Name(), name)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists", name)
	}
	if err != nil {
		// No hard links on this file system: check, then rename.
		if _, err := os.Lstat(name); err == nil {
			return fmt.Errorf("%s already exists", name)
		}
		return os.Rename(tmp.Name(), name)
	}
	return nil
}

// formatTime writes a record time: RFC 3339 with the zone's offset,
// to the second.
func formatTime(t time.Time) string { return t.Truncate(time.Second).Format(time.RFC3339) }

func warningsTo(w io.Writer, ds []schema.Diagnostic) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}
