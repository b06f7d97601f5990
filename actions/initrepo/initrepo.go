// Package initrepo is `castor init`: it makes a repository, empty or not,
// a castor repository of records — a commented castor.yaml, the records
// folder, the documented GitHub workflow, an example policy and an editor
// setting — without overwriting anything, valid as it is written.
package initrepo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/castor-incidents/castor/docs"
	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/repofs"
	"github.com/castor-incidents/castor/schema"
)

// Options configures `castor init`.
type Options struct {
	Dir string
	// Site adds the static status page publisher.
	Site bool
	// Statuspage adds the Statuspage publisher, with placeholders to fill.
	Statuspage bool
	// Tracking is the owner/name of the repository of the tracking
	// issues; "" leaves the default (the records repository) commented.
	Tracking string
	// Components are the names of the components incidents may affect;
	// none leaves a commented example.
	Components []string
	Out        io.Writer
}

// Result lists what init wrote and what it found already there.
type Result struct {
	Written []string
	Kept    []string
}

// The files init writes. Required ones make init refuse to run when they
// exist; the others are left as they are when they exist.
const (
	workflowPath = ".github/workflows/castor.yml"
	policyPath   = "policies/team.cue"
	recordsNote  = "records/README.md"
	editorPath   = ".editorconfig"
)

// The shapes #Config accepts, checked here so that a bad flag is named as
// a flag, not as a line of a file that was never written.
var (
	slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	repoRE = regexp.MustCompile(`^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$`)
)

type file struct {
	path     string
	data     []byte
	required bool
}

// Run writes the files, all or none of the required ones.
func Run(ctx context.Context, opts Options) (*Result, error) {
	if opts.Tracking != "" && !repoRE.MatchString(opts.Tracking) {
		return nil, errkind.New(errkind.Usage, "--tracking %q: want a repository as owner/name", opts.Tracking)
	}
	seen := map[string]bool{}
	for _, c := range opts.Components {
		if !slugRE.MatchString(c) {
			return nil, errkind.New(errkind.Usage, "--component %q: want lowercase letters, digits and single dashes, like mail-server", c)
		}
		if seen[c] {
			return nil, errkind.New(errkind.Usage, "--component %q is given twice", c)
		}
		seen[c] = true
	}
	files := []file{
		{path: schema.ConfigFile, data: configYAML(opts), required: true},
		{path: workflowPath, data: workflow(), required: true},
		{path: recordsNote, data: []byte(recordsReadme)},
		{path: policyPath, data: []byte(teamPolicy)},
		{path: editorPath, data: []byte(editorConfig)},
	}
	if opts.Site {
		// The site is built on merge, by the workflow: what castor site
		// writes locally is not to be committed.
		files = append(files, file{path: ".gitignore", data: []byte("# castor site's output (publishers.site.dir), built by the workflow\n/_site/\n")})
	}
	fsys, err := repofs.Open(opts.Dir)
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	defer fsys.Close()
	var exist []string
	res := &Result{}
	for _, f := range files {
		_, err := fsys.Lstat(f.path)
		switch {
		case err == nil && f.required:
			exist = append(exist, f.path)
		case err == nil:
			res.Kept = append(res.Kept, f.path)
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("init: %w", err)
		}
	}
	if len(exist) > 0 {
		return nil, errkind.New(errkind.Usage, "%s already there: castor init writes nothing over existing files (move them away, or edit them by hand: see docs/config.md)", strings.Join(exist, " and "))
	}
	skip := map[string]bool{}
	for _, p := range res.Kept {
		skip[p] = true
	}
	if _, err := fsys.Lstat("records"); err == nil {
		// A folder of records is there already: leave it as it is.
		skip[recordsNote] = true
		res.Kept = append(res.Kept, "records/")
	}
	for _, f := range files {
		if skip[f.path] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if err := create(fsys, f.path, f.data); err != nil {
			return res, fmt.Errorf("init: %w", err)
		}
		res.Written = append(res.Written, f.path)
	}
	inGit, sub := gitFolder(opts.Dir)
	report(opts, res, inGit, sub)
	return res, nil
}

// gitFolder says whether dir is in a git work tree, and if so where in it:
// "" at its root, else the slash path from the root. Like git, it looks
// for .git in dir and then in each folder above it.
func gitFolder(dir string) (inGit bool, sub string) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return false, ""
	}
	for d := abs; ; d = filepath.Dir(d) {
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			rel, err := filepath.Rel(d, abs)
			if err != nil || rel == "." {
				return true, ""
			}
			return true, filepath.ToSlash(rel)
		}
		if filepath.Dir(d) == d {
			return false, ""
		}
	}
}

// create writes a new file; it fails rather than replace one that
// appeared since it was looked for, and writes through no link.
func create(fsys *repofs.FS, name string, data []byte) error {
	if err := fsys.MkdirAll(path.Dir(name)); err != nil {
		return err
	}
	return fsys.CreateFile(name, data, 0o644)
}

func report(opts Options, res *Result, inGit bool, sub string) {
	w := opts.Out
	fmt.Fprintln(w, "castor init wrote:")
	for _, p := range res.Written {
		fmt.Fprintf(w, "  %s\n", p)
	}
	if len(res.Kept) > 0 {
		fmt.Fprintln(w, "and left as they were:")
		for _, p := range res.Kept {
			fmt.Fprintf(w, "  %s\n", p)
		}
	}
	fmt.Fprintln(w, "\nNext steps:")
	n := 0
	step := func(format string, args ...any) {
		n++
		fmt.Fprintf(w, "  %d. %s\n", n, fmt.Sprintf(format, args...))
	}
	if len(opts.Components) == 0 {
		step("Declare the components your incidents affect in castor.yaml (components:).")
	}
	if opts.Statuspage {
		step("Set publishers.statuspage.page_id (and its components) in castor.yaml, and add the")
		fmt.Fprintln(w, "     repository secret STATUSPAGE_API_KEY.")
	}
	if opts.Site {
		step("Publish the status page: Settings → Pages → Source: GitHub Actions.")
	}
	if !inGit {
		step("Make this folder a git repository: git init")
	}
	if sub != "" && slices.Contains(res.Written, workflowPath) {
		// GitHub runs only the workflows of the repository's root, and
		// the Action looks for castor.yaml there unless told.
		step("GitHub runs only the workflows at the repository's root: move %s/%s", sub, workflowPath)
		fmt.Fprintf(w, "     to %s, prefix its paths with %s/ and give the castor step\n", workflowPath, sub)
		fmt.Fprintf(w, "     config: %s/%s (see docs/action.md).\n", sub, schema.ConfigFile)
	}
	step("Commit these files and push them to GitHub; castor then checks every pull request.")
	step("Open your first incident: castor new \"Something is broken\" --severity SEV3")
	fmt.Fprintln(w, "\nThe record format and every setting: https://github.com/castor-incidents/castor/tree/main/docs")
}

// workflow is the documented workflow, docs/workflow.yml, with its first
// line telling where it came from.
func workflow() []byte {
	wf := string(docs.Workflow)
	if first, rest, ok := strings.Cut(wf, "\n"); ok && strings.HasPrefix(first, "# ") {
		wf = "# Written by castor init, from castor's docs/workflow.yml (see docs/action.md).\n" + rest
	}
	return []byte(wf)
}

const recordsReadme = `# Incident records

One file per incident, records/<YYYY>/<id>.yaml, checked by castor against its
schema and the team's policies. Open one with:

    castor new "Something is broken" --severity SEV3

then add to it with castor update, and review it in a pull request.
`

const teamPolicy = `package castor

// The team's own rules: every .cue file at the root of the repository and
// under policies/ is unified with castor's schema, so a constraint written
// here is checked like a built-in one, and its findings are named after
// this file. Remove the // of a rule to use it.

// Every incident has a commander.
// #Incident: commander!: string

// Every action item has an owner.
// #ActionItem: owner!: string

// We do not use SEV4.
// #Incident: severity: "SEV1" | "SEV2" | "SEV3"
`

// editorConfig keeps editors from putting tabs in YAML, where they are a
// syntax error.
const editorConfig = `# Written by castor init: YAML files (castor.yaml, the records) are indented
# with spaces, never tabs, and saved as UTF-8.
[*.{yaml,yml}]
indent_style = space
indent_size = 2
charset = utf-8
end_of_line = lf
insert_final_newline = true
`

// configYAML is a commented castor.yaml with what the flags asked for and
// the rest as commented examples.
func configYAML(opts Options) []byte {
	var b strings.Builder
	w := func(s string, args ...any) { fmt.Fprintf(&b, s, args...) }
	if line := schema.EditorSchemaComment(schema.DefConfig); line != "" {
		w("%s\n", line)
	}
	w("# castor.yaml: how castor works in this repository (written by castor init).\n")
	w("# Every key: https://github.com/castor-incidents/castor/blob/main/docs/config.md\n\n")
	w("# Where the records live: one file per incident, records/<YYYY>/<id>.yaml.\n")
	w("records: records\n\n")
	w("# The status page's title and address, the time zone in which castor shows\n")
	w("# and reads times (an IANA name), and the language of its labels (en, fr).\n")
	w("site:\n")
	w("  title: %s\n", yamlString(siteTitle(opts.Dir)))
	w("  timezone: UTC\n")
	w("  # url: https://status.example.org\n")
	w("  # lang: en\n\n")
	w("# The components incidents affect: records and status updates may name only\n")
	w("# these. group gathers them on the status page.\n")
	if len(opts.Components) == 0 {
		w("# components:\n")
		w("#   - {name: api, description: The public API, group: Platform}\n")
		w("#   - {name: website, description: www.example.org, group: Platform}\n\n")
	} else {
		w("components:\n")
		for _, c := range opts.Components {
			w("  - {name: %s}\n", c)
		}
		w("\n")
	}
	w("# Action items become GitHub issues, kept in step with the records. The\n")
	w("# first label is how castor finds its issues: keep it on them.\n")
	if opts.Tracking != "" {
		w("tracking:\n")
		w("  repository: %s\n", opts.Tracking)
		w("  labels: [incident-follow-up]\n\n")
	} else {
		w("# tracking:\n")
		w("#   repository: acme/incidents   # default: this repository\n")
		w("#   labels: [incident-follow-up]\n\n")
	}
	w("# Where the status updates of a merged pull request go, each once, in order.\n")
	if opts.Site || opts.Statuspage {
		w("publishers:\n")
	} else {
		w("# publishers:\n")
	}
	comment := func(on bool) string {
		if on {
			return ""
		}
		return "# "
	}
	c := comment(opts.Statuspage)
	w("%s  statuspage:                     # API key from the STATUSPAGE_API_KEY secret\n", c)
	w("%s    page_id: your-page-id         # the id in your page's manage.statuspage.io address\n", c)
	// castor component -> Statuspage component id: commented until the
	// ids are filled in, since a wrong id would be posted to.
	example := []string{"api"}
	if len(opts.Components) > 0 {
		example = opts.Components
	}
	w("%s    # components:                 # castor component -> Statuspage component id\n", c)
	for _, name := range example {
		w("%s    #   %s: statuspage-component-id\n", c, name)
	}
	w("#   webhook:                        # signed with the CASTOR_WEBHOOK_SECRET secret\n")
	w("#     url: https://hooks.example.org/castor\n")
	c = comment(opts.Site)
	w("%s  site: {dir: _site}              # the static status page, for GitHub Pages\n\n", c)
	w("# Follow-up policies, reported as warnings (level: error to fail the check).\n")
	w("policies:\n")
	w("  postmortem_due_days: {SEV1: 5, SEV2: 10}   # a root cause and an action item within N days\n")
	w("  require_owner: true                        # open action items have an owner and a due date\n")
	w("  level: warning\n")
	return []byte(b.String())
}

// siteTitle names the status page after the repository's folder.
func siteTitle(dir string) string {
	abs, err := filepath.Abs(dir)
	name := filepath.Base(abs)
	if err != nil || name == "/" || name == "." || name == "" {
		return "Status"
	}
	return name + " status"
}

// yamlString quotes a plain scalar when YAML would read it otherwise.
func yamlString(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9 ._-]*$`).MatchString(s) && !strings.HasSuffix(s, " ") {
		return s
	}
	return fmt.Sprintf("%q", s)
}
