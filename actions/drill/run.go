package drill

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/castor-incidents/castor/actions/incident"
	"github.com/castor-incidents/castor/internal/errkind"
	"github.com/castor-incidents/castor/schema"
)

// Options configures `castor drill`.
type Options struct {
	// Dir is the repository root.
	Dir string
	// Components, Tags and Record choose the record (see PickOptions).
	Components []string
	Tags       []string
	Record     string
	// Seed makes the pick reproducible; a random one is drawn (and
	// printed) when HasSeed is false.
	Seed    uint64
	HasSeed bool

	// Master prints the game master's sheet instead of the players'
	// brief (non-interactive use).
	Master bool
	// WheelDir, when set, receives the wheel page instead.
	WheelDir string
	// Interactive runs the game master's terminal on In and Out.
	Interactive bool
	// Players and GameMaster are the GitHub logins the drill record
	// names; the interactive mode needs a player unless NoRecord.
	Players    []string
	GameMaster string
	// NoRecord plays without writing a drill record at the end.
	NoRecord bool
	// PR sends the drill record through a pull request (castor new's
	// flow), with Publish's git and GitHub side.
	PR      bool
	Publish incident.PublishOptions

	// Now is the clock; time.Now when nil.
	Now    func() time.Time
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Run picks a record and prints its brief or its sheet, writes the wheel
// page, or plays the drill in the terminal.
func Run(ctx context.Context, opts Options) (*Pick, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	repo, err := schema.OpenRepo(opts.Dir)
	if err != nil {
		return nil, err
	}
	if err := checkComponents(repo.Config, opts.Components); err != nil {
		return nil, err
	}
	set, err := repo.LoadAll(ctx)
	if err != nil {
		return nil, err
	}
	if opts.Record != "" {
		if opts.Record, err = recordID(repo, set, opts.Record); err != nil {
			return nil, err
		}
	}
	if n := invalidRecords(set); n > 0 {
		fmt.Fprintf(opts.ErrOut, "castor: %d invalid record(s) left out of the drill (castor validate says why)\n", n)
	}
	if opts.Interactive && !opts.NoRecord && len(opts.Players) == 0 {
		// Asked before the game, not after it.
		return nil, errkind.New(errkind.Usage, "the drill record names its players: give --player LOGIN (repeatable), or --no-record")
	}
	if !opts.HasSeed {
		opts.Seed = rand.Uint64() % 1_000_000
	}
	incs := set.Incidents()
	pick, err := Choose(incs, PickOptions{
		Components: opts.Components,
		Tags:       opts.Tags,
		Record:     opts.Record,
		Seed:       opts.Seed,
		Now:        opts.Now(),
		Drilled:    LastDrilled(incs),
	})
	if err != nil {
		return nil, err
	}
	if !opts.HasSeed && opts.Record == "" {
		fmt.Fprintf(opts.ErrOut, "castor: drill seed %d (castor drill %s picks the same record)\n", opts.Seed, reproduce(opts, false))
	}
	switch {
	case opts.WheelDir != "":
		wo := WheelOptions{Lang: repo.Config.Site.Lang, ComponentName: repo.Config.ComponentName}
		if opts.Record == "" {
			// With --record, the command would name the record.
			wo.Reproduce = reproduce(opts, true)
		}
		if err := WriteWheel(opts.WheelDir, pick, wo); err != nil {
			return nil, err
		}
		fmt.Fprintf(opts.Out, "%s/%s: the wheel lands on incident %d of %d\n", opts.WheelDir, WheelFile, pick.Landed+1, len(pick.Wheel))
		return pick, nil
	case opts.Interactive:
		sh := NewSheet(pick.Chosen)
		sh.Brief.WithNames(repo.Config.ComponentName)
		s, err := Play(ctx, NewSession(sh, opts.Now()), opts.In, opts.Out, opts.Now)
		if err != nil {
			return nil, err
		}
		// The terminal's screen is gone: the results stay in its history.
		writeResults(opts.Out, s)
		if opts.NoRecord {
			return pick, nil
		}
		fmt.Fprintln(opts.Out)
		_, err = incident.NewDrill(ctx, incident.DrillOptions{
			Dir: opts.Dir, Drill: s.Record(opts.GameMaster, opts.Players),
			PR: opts.PR, Publish: opts.Publish, Out: opts.Out, ErrOut: opts.ErrOut,
		})
		return pick, err
	case opts.Master:
		sh := NewSheet(pick.Chosen)
		sh.Brief.WithNames(repo.Config.ComponentName)
		return pick, sh.Markdown(opts.Out)
	default:
		return pick, NewBrief(pick.Chosen).WithNames(repo.Config.ComponentName).Markdown(opts.Out)
	}
}

// recordID is the id of the record --record names by id or file (as
// every command taking a record does): an unknown one is a usage error, a
// record with errors cannot be played.
func recordID(repo *schema.Repo, set *schema.Set, target string) (string, error) {
	path, err := repo.FindRecord(target)
	if err != nil {
		return "", err
	}
	valid := set.Incidents()
	for _, r := range set.Records {
		if r.Path == path && r.Incident != nil && slices.Contains(valid, r.Incident) {
			return r.Incident.ID, nil
		}
	}
	return "", errkind.Wrap(errkind.Invalid, &NoCandidateError{Why: fmt.Sprintf("%s has errors (castor validate says why)", path)})
}

// reproduce is the command line that picks the same record again; with
// master, the one that prints its sheet.
func reproduce(opts Options, master bool) string {
	var args []string
	if opts.Record != "" {
		args = append(args, "--record", opts.Record)
	} else {
		args = append(args, "--seed", strconv.FormatUint(opts.Seed, 10))
		for _, c := range opts.Components {
			args = append(args, "--component", c)
		}
		for _, t := range opts.Tags {
			args = append(args, "--tag", t)
		}
	}
	if master {
		args = append(args, "--master")
	}
	return strings.Join(args, " ")
}

// checkComponents refuses a component castor.yaml does not declare, when
// it declares some: a typo would otherwise just find nothing.
func checkComponents(cfg *schema.Config, comps []string) error {
	for _, c := range comps {
		if err := incident.Declared(cfg, c); err != nil {
			return err
		}
	}
	return nil
}

func invalidRecords(set *schema.Set) int {
	n := 0
	for _, r := range set.Records {
		if r.Incident == nil || slices.ContainsFunc(r.Diagnostics, func(d schema.Diagnostic) bool { return d.Severity == schema.Error }) {
			n++
		}
	}
	return n
}
