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
	// A file that is not there is compared with the ids by its name.
	id := (&Record{Path: file}).Stem()
	var near []string
	for _, p := range paths {
		stem := (&Record{Path: p}).Stem()
		if p == file || stem == target {
			return p, nil
		}
		// The same slug on another day, or a part of an id.
		if id != "" && (strings.Contains(stem, id) || len(stem) > 11 && len(id) > 11 && stem[11:] == id[11:]) {
			near = append(near, stem)
		}
	}
	slices.Sort(near)
	var msg string
	switch {
	case len(paths) == 0:
		msg = fmt.Sprintf("no record %q: there is no record under %s/ yet (castor new opens one)", target, r.Config.Records)
	case len(near) > 0 && len(near) <= 5:
		msg = fmt.Sprintf("no record %q under %s/; did you mean %s?", target, r.Config.Records, strings.Join(near, ", "))
	default:
		// The example is an id of this repository, the last one: the
		// ids of castor's own records mean nothing in a team's.
		msg = fmt.Sprintf("no record %q: give an id like %s or a file under %s/", target, (&Record{Path: paths[len(paths)-1]}).Stem(), r.Config.Records)
	}
	return "", errkind.Wrap(errkind.Usage, &NotFoundError{msg: msg})
}

// NotFoundError is a record a command line names that is not there
// (errkind.Usage).
type NotFoundError struct{ msg string }

func (e *NotFoundError) Error() string { return e.msg }
