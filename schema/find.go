package schema

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/castor-incidents/castor/internal/errkind"
)

// FindRecord returns the path of the record a command line names: its id
// (2021-03-10-mail-server-down) or its file (records/2021/….yaml, relative
// to the repository's root, or absolute). Every command that takes a
// record takes both.
func (r *Repo) FindRecord(target string) (string, error) {
	paths, err := r.RecordPaths()
	if err != nil {
		return "", err
	}
	file := filepath.Clean(target)
	if filepath.IsAbs(file) {
		if root, err := filepath.Abs(r.Root); err == nil {
			if rel, err := filepath.Rel(root, file); err == nil {
				file = rel
			}
		}
	}
	file = filepath.ToSlash(file)
	var near []string
	for _, p := range paths {
		stem := (&Record{Path: p}).Stem()
		if p == file || stem == target {
			return p, nil
		}
		// The same slug on another day, or a part of an id.
		if target != "" && (strings.Contains(stem, target) || len(stem) > 11 && len(target) > 11 && stem[11:] == target[11:]) {
			near = append(near, stem)
		}
	}
	msg := fmt.Sprintf("no record %q: give an id like 2021-03-10-mail-server-down or a file under %s/", target, r.Config.Records)
	slices.Sort(near)
	if len(near) > 0 && len(near) <= 5 {
		msg += " (did you mean " + strings.Join(near, ", ") + "?)"
	}
	return "", errkind.Wrap(errkind.Usage, &NotFoundError{msg: msg})
}

// NotFoundError is a record a command line names that is not there
// (errkind.Usage).
type NotFoundError struct{ msg string }

func (e *NotFoundError) Error() string { return e.msg }
