package initrepo

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/castor-incidents/castor/docs"
	"github.com/castor-incidents/castor/schema"
)

// The workflow init writes is the documented one, docs/workflow.yml, but
// for its first comment line.
func TestWorkflowIsTheDocumentedOne(t *testing.T) {
	wf := workflow()
	_, want, _ := bytes.Cut(docs.Workflow, []byte("\n"))
	_, got, _ := bytes.Cut(wf, []byte("\n"))
	if !bytes.Equal(got, want) {
		t.Errorf("init's workflow differs from docs/workflow.yml:\n%s", wf)
	}
	if bytes.Equal(wf, docs.Workflow) {
		t.Errorf("the first line still says to copy the file")
	}
}

// Every combination of flags gives a castor.yaml that validates, with
// the policy file, as schema.OpenRepo reads them.
func TestEveryCombinationValidates(t *testing.T) {
	for _, comps := range [][]string{nil, {"api"}, {"api", "web-site"}} {
		for _, site := range []bool{false, true} {
			for _, sp := range []bool{false, true} {
				for _, tracking := range []string{"", "acme/engineering"} {
					dir := t.TempDir()
					opts := Options{Dir: dir, Site: site, Statuspage: sp, Tracking: tracking, Components: comps, Out: io.Discard}
					if _, err := Run(context.Background(), opts); err != nil {
						t.Fatalf("%+v: %v", opts, err)
					}
					repo, err := schema.OpenRepo(dir)
					if err != nil {
						b, _ := os.ReadFile(filepath.Join(dir, "castor.yaml"))
						t.Fatalf("%+v: %v\n%s", opts, err, b)
					}
					if got := len(repo.Config.Components); got != len(comps) {
						t.Errorf("%+v: %d components declared, want %d", opts, got, len(comps))
					}
					if got := repo.Config.Publishers.Site != nil; got != site {
						t.Errorf("%+v: site publisher %v", opts, got)
					}
					if got := repo.Config.Publishers.Statuspage != nil; got != sp {
						t.Errorf("%+v: statuspage publisher %v", opts, got)
					}
					if repo.Config.Tracking.Repository != tracking {
						t.Errorf("%+v: tracking %q", opts, repo.Config.Tracking.Repository)
					}
				}
			}
		}
	}
}
