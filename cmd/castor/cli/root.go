// Package cli wires castor's commands: flags, environment and I/O streams
// are turned into an options struct and handed to the matching package
// under actions/. It holds no business logic.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"
	"syscall"

	"github.com/mattn/go-isatty"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/internal/version"
	"github.com/castor-incidents/castor/schema"
)

// Factory carries what every command needs from the outside world, so
// that tests can run commands in process with their own streams and
// environment.
type Factory struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment; secrets come only from here.
	Getenv func(string) string
	// IsTerminal reports whether Stdout is a terminal (progress lines).
	IsTerminal bool
}

// Main runs castor with the process's arguments, streams and environment.
func Main() int {
	ctx, stop := notifySignals(context.Background(), os.Stderr)
	defer stop()
	f := &Factory{
		Stdin:      os.Stdin,
		Stdout:     os.Stdout,
		Stderr:     os.Stderr,
		Getenv:     os.Getenv,
		IsTerminal: isTerminal(os.Stdout),
	}
	return Run(ctx, f, os.Args[1:])
}

// Run executes one castor command line and returns its exit code.
func Run(ctx context.Context, f *Factory, args []string) int {
	root := NewRootCmd(f)
	root.SetArgs(args)
	root.SetIn(f.Stdin)
	root.SetOut(f.Stdout)
	root.SetErr(f.Stderr)
	err := stoppedBySignal(ctx, root.ExecuteContext(ctx))
	if err != nil && !errors.As(err, new(reportedError)) {
		fmt.Fprintf(f.Stderr, "castor: %v\n", err)
	}
	return exitCode(err)
}

// NewRootCmd builds the command tree.
func NewRootCmd(f *Factory) *cobra.Command {
	root := &cobra.Command{
		Use:   "castor",
		Short: "Incidents and post-mortems as code",
		Long: `castor keeps incidents and post-mortems as files in a git repository.
It validates the records, turns action items into GitHub issues and posts
status updates to status pages.

Every command works on the folder it runs in (-C DIR for another):
castor.yaml there, the records under its records: folder (default
records/), the team's .cue policies.

` + wrap(exitHelp(), 72) + `

Secrets and endpoints come from the environment only (GITHUB_TOKEN,
STATUSPAGE_API_KEY, CASTOR_WEBHOOK_SECRET…): each command's help names
those it reads.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version.Get().String(),
	}
	root.SetVersionTemplate("{{.Version}}\n")
	root.PersistentFlags().StringP("chdir", "C", "", "run as if castor was started in `DIR`")
	root.Flags().BoolP("version", "v", false, "print castor's version, commit and Go version")
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		if dir, _ := cmd.Flags().GetString("chdir"); dir != "" {
			if err := chdir(cmd, dir, f.Stderr); err != nil {
				return err
			}
		}
		if fl := cmd.Flags().Lookup("out"); fl != nil && fl.Changed {
			fmt.Fprintln(f.Stderr, "castor: --out is deprecated: use -o/--output")
		}
		if cmd.Annotations[noRepo] == "" && cmd.Name() != "help" && cmd.Parent() != nil && cmd.Parent().Name() != "completion" {
			return checkRepo()
		}
		return nil
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		// A flag's value is quoted like the commands' own value errors:
		// --format "xml": want one of text|github|json.
		var ive *pflag.InvalidValueError
		if errors.As(err, &ive) {
			return errkind.New(errkind.Usage, "--%s %q: %w", ive.GetFlag().Name, ive.GetValue(), ive.Unwrap())
		}
		return errkind.Wrap(errkind.Usage, err)
	})
	root.AddCommand(
		newInitCmd(f),
		newValidateCmd(f),
		newRenderCmd(f),
		newActionCmd(f),
		newSiteCmd(f),
		newTrackCmd(f),
		newReportCmd(f),
		newPublishCmd(f),
		newPlanCmd(f),
		newNewCmd(f),
		newUpdateCmd(f),
		newImportCmd(f),
		newSchemaCmd(f),
		newVersionCmd(f),
		newDrillCmd(f),
		newGenDocsCmd(f),
	)
	arrange(root)
	return root
}

// commandGroups orders the help's list of commands: setting up, then an
// incident's life, then the rest, the Action's entry point last. A command
// missing here is listed with the other commands.
var commandGroups = []struct {
	id, title string
	names     []string
}{
	{"setup", "Set up a repository of records:", []string{"init"}},
	{"incident", "An incident's life:", []string{"new", "update", "validate", "render", "plan", "track", "publish", "site", "report", "import", "drill"}},
	{"other", "Other commands:", []string{"version", "schema"}},
	{"ci", "In GitHub Actions:", []string{"action"}},
}

// arrange puts the commands in their groups, in commandGroups' order.
func arrange(root *cobra.Command) {
	cobra.EnableCommandSorting = false
	rank := map[string]int{}
	group := map[string]string{}
	for _, g := range commandGroups {
		root.AddGroup(&cobra.Group{ID: g.id, Title: g.title})
		for _, n := range g.names {
			rank[n], group[n] = len(rank), g.id
		}
	}
	root.SetHelpCommandGroupID("other")
	root.SetCompletionCommandGroupID("other")
	cmds := root.Commands()
	slices.SortStableFunc(cmds, func(a, b *cobra.Command) int {
		ra, oka := rank[a.Name()]
		rb, okb := rank[b.Name()]
		if !oka {
			ra = rank["version"]
		}
		if !okb {
			rb = rank["version"]
		}
		return ra - rb
	})
	root.RemoveCommand(cmds...)
	for _, c := range cmds {
		if c.GroupID = group[c.Name()]; c.GroupID == "" && !c.Hidden {
			c.GroupID = "other"
		}
	}
	root.AddCommand(cmds...)
}

// makesDir annotates the commands for which -C names a folder to make
// when it is not there (init, like git init DIR).
const makesDir = "castor/makes-dir"

// chdir is -C: a folder that is not there is a usage error, worded like a
// bad flag value, except for init, which makes it and says so.
func chdir(cmd *cobra.Command, dir string, stderr io.Writer) error {
	err := os.Chdir(dir)
	if errors.Is(err, fs.ErrNotExist) && cmd.Annotations[makesDir] != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return errkind.New(errkind.Usage, "-C %q: %w", dir, err)
		}
		fmt.Fprintf(stderr, "castor: created %s\n", dir)
		err = os.Chdir(dir)
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return errkind.New(errkind.Usage, "-C %q: no such folder", dir)
	case errors.Is(err, syscall.ENOTDIR):
		return errkind.New(errkind.Usage, "-C %q: not a folder", dir)
	}
	return errkind.New(errkind.Usage, "-C %q: %w", dir, err)
}

// noRepo annotates the commands that do not work on a repository of
// records (init, version…): the others refuse to run where there is none.
const noRepo = "castor/no-repository"

// checkRepo refuses to run where there is neither castor.yaml nor a
// records folder: most likely castor runs in the wrong folder (a
// subfolder, a misconfigured CI step), and passing there in silence would
// keep a broken setup green.
func checkRepo() error {
	for _, name := range []string{schema.ConfigFile, "records"} {
		if _, err := os.Stat(name); err == nil {
			return nil
		}
	}
	dir, err := os.Getwd()
	if err != nil {
		dir = "."
	}
	return errkind.New(errkind.Usage, "no castor.yaml and no records/ in %s: run castor in the repository of your records, give -C DIR, or set this folder up with castor init", dir)
}

func isTerminal(f *os.File) bool {
	// Not any character device: /dev/null is one.
	return isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())
}
