package schema

import (
	"bytes"
	"slices"
	"sync"
	"sync/atomic"
)

// seen is what a Repo has read and checked, kept for its life so that
// every command of a run handed the Repo reads each file once (see Repo).
type seen struct {
	mu sync.Mutex
	// paths is the listing of the records, once listed.
	paths  []string
	listed bool
	// records are the records checked, by path: what was read there in the
	// work tree, and what was given (LoadFiles, from git).
	records map[string][]seenRecord
	// policy are the findings about the policy files and castor.yaml
	// against them, once the policies were evaluated.
	policy    []Diagnostic
	evaluated bool
	// invalid is set once a record checked with Repo.Keep has an
	// error: the incidents are no longer kept.
	invalid atomic.Bool
}

type seenRecord struct {
	// data is the content checked; nil for a work-tree file that could
	// not be read (a link: its record holds the finding).
	data []byte
	// tree is true for the work tree's content of the path.
	tree bool
	rec  *Record
}

// keeps reports whether the Repo keeps what it checks: not when it keeps
// findings only (Lean, or a Cache, whose records have no incident).
func (r *Repo) keeps() bool { return !r.Lean && r.Cache == nil }

// inTree returns the record read at p in the work tree, if it was.
func (s *seen) inTree(p string) (*Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.records[p] {
		if e.tree {
			return e.rec, true
		}
	}
	return nil, false
}

// checked returns the record checked at p with this content, if it was.
func (s *seen) checked(p string, data []byte) (*Record, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.records[p] {
		if e.data != nil && bytes.Equal(e.data, data) {
			return e.rec, true
		}
	}
	return nil, false
}

// keep remembers the records of one load: those checked in it (fresh),
// and, for a load of the work tree, which content is there.
func (s *seen) keep(paths []string, tree bool, datas [][]byte, recs []*Record, fresh []bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.records == nil {
		s.records = map[string][]seenRecord{}
	}
	for i, p := range paths {
		known := slices.IndexFunc(s.records[p], func(e seenRecord) bool { return e.rec == recs[i] })
		switch {
		case known >= 0 && tree:
			s.records[p][known].tree = true
		case known >= 0:
		case fresh[i] && (datas[i] != nil || tree):
			s.records[p] = append(s.records[p], seenRecord{data: datas[i], tree: tree, rec: recs[i]})
		}
	}
}

func (s *seen) policyFindings() ([]Diagnostic, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.policy), s.evaluated
}

func (s *seen) keepPolicyFindings(diags []Diagnostic) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.policy, s.evaluated = slices.Clone(diags), true
}
