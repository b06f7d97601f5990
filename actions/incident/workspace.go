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
	"github.com/castor-incidents/castor/internal/repofs"
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

// read returns a record file's content, through the repository's
// repofs: never a link, never a file outside.
func (w *workspace) read(p string) ([]byte, error) {
	return w.repo.FS.ReadFile(p, schema.MaxFileSize)
}

// write replaces a record file atomically (repofs.FS.WriteFile): a reader,
// or a crash, never sees half a record.
func (w *workspace) write(p string, data []byte) error {
	if err := w.repo.FS.MkdirAll(path.Dir(p)); err != nil {
		return err
	}
	return w.repo.FS.WriteFile(p, data, 0o644)
}

// create writes a new record file, refusing to replace one that exists.
func (w *workspace) create(p string, data []byte) error {
	if err := w.repo.FS.MkdirAll(path.Dir(p)); err != nil {
		return err
	}
	return createIn(w.repo.FS, p, data)
}

// createOutside writes a new file where the user asked (--output), with
// the same guarantees: atomic, never replacing a file, never through a
// link in that folder.
func createOutside(name string, data []byte) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	fsys, err := repofs.Open(dir)
	if err != nil {
		return err
	}
	defer fsys.Close()
	return createIn(fsys, filepath.Base(name), data)
}

func createIn(fsys *repofs.FS, p string, data []byte) error {
	err := fsys.CreateFile(p, data, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists", p)
	}
	return err
}

// formatTime writes a record time: RFC 3339 with the zone's offset,
// to the second.
func formatTime(t time.Time) string { return t.Truncate(time.Second).Format(time.RFC3339) }

func warningsTo(w io.Writer, ds []schema.Diagnostic) {
	for _, d := range ds {
		fmt.Fprintln(w, d.String())
	}
}
