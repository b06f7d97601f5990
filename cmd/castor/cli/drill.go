package cli

import (
	"os"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/castor-incidents/castor/actions/drill"
	"github.com/castor-incidents/castor/internal/errkind"
)

func newDrillCmd(f *Factory) *cobra.Command {
	opts := drill.Options{Dir: "."}
	var seed string
	cmd := &cobra.Command{
		Use:   "drill [flags]",
		Short: "Play a past incident as a game day: the Wheel of Misfortune",
		Long: `Pick a past incident and play it again as a drill: the players get the
brief of what the responders knew when it started, the game master reveals
the rest of the story step by step, and the players' calls are timed
against the real ones.

The pick is random among the resolved incidents, weighted towards severe
ones (SEV1 eight times a SEV4) and away from those drilled recently; the
seed is printed so that --seed picks the same record again. --component and
--tag keep the incidents on any of the components, with any of the tags;
--record picks one by id or file. Internal records can be drilled.

The players' brief holds what the responders knew at the start, in the
record's language: severity, the affected components of the first status
update, the timeline from the start up to detection and the first status
update. Nothing of the title, root cause, trigger, resolution or later
entries; a quoted sentence that repeats the post-mortem's explanation is
shown as […].

The game master's sheet (--master) is Markdown: every timeline entry and
status update as a reveal with its real offset from the start (T+0,
T+7m, …), the real times to acknowledge, identify, mitigate and
resolve, the root cause and the action items.

On a terminal, castor drill runs the game master's mode: a clock, a key to
reveal the next entry, keys to log the players' calls (acknowledged,
identified, mitigated, resolved) and notes with their time, and at the end
the players' times beside the real ones. Without a terminal (a pipe, or
CI=true) it prints the brief, or with --master the sheet, and exits 0.

The end of a game writes a drill record (kind drill, always internal):
records/<YYYY>/<date>-drill-<slug of the played record>.yaml, naming the
record played, the players (--player, required) and the game master
(--game-master), the players' times and the real ones, the calls and notes,
what went well or wrong; its action items are filled in during review and
become tracking issues on merge, like any record's. With --pr it goes to a
branch drill/<id> and a draft pull request labelled drill, as castor new
--pr does (same environment: GITHUB_TOKEN, GITHUB_REPOSITORY…); when the
pull request cannot be made, the record is kept in the work tree. A drill
record never reaches a status page or the public site. Drill records also
steer the pick away from records drilled recently, and castor report counts
them.

--wheel -o DIR writes DIR/index.html: a self-contained page with eight
candidate incidents on a wheel, a spin that lands on the picked one, and its
brief (never the game master's sheet).

The recency of drills is measured at the current time; SOURCE_DATE_EPOCH
(seconds since 1970) sets another.

Exit status: 0 done; 1 when no record can be drilled (none resolved, none
matching, --record still open or with errors) or castor.yaml is invalid; 2 on
a usage error (--record names no record) or an internal error.`,
		Example: `  castor drill                        # the players' brief of a random pick
  castor drill --seed 4242 --master   # the game master's sheet of that pick
  castor drill --component email --tag ovh
  castor drill --record 2021-10-04-facebook-bgp-outage --master
  castor drill --record records/2021/2021-10-04-facebook-bgp-outage.yaml
  castor drill --wheel -o wheel/      # the wheel page to project
  castor drill --player alice --player bob --game-master carol --pr`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if seed != "" {
				n, err := strconv.ParseUint(seed, 10, 64)
				if err != nil {
					return errkind.New(errkind.Usage, "--seed %q: want a whole number", seed)
				}
				opts.Seed, opts.HasSeed = n, true
			}
			wheel, _ := cmd.Flags().GetBool("wheel")
			switch {
			case wheel && opts.WheelDir == "":
				return errkind.New(errkind.Usage, "--wheel needs -o DIR: where to write the page")
			case !wheel && opts.WheelDir != "":
				return errkind.New(errkind.Usage, "-o DIR is where --wheel writes its page: add --wheel")
			case wheel && opts.Master:
				return errkind.New(errkind.Usage, "--wheel is the players' page; the game master's sheet is --master without --wheel")
			}
			now, err := sourceDateEpoch(f)
			if err != nil {
				return err
			}
			if !now.IsZero() {
				opts.Now = func() time.Time { return now }
			}
			opts.Interactive = !wheel && !opts.Master && interactive(f)
			if opts.PR {
				opts.Publish = publishOptions(f)
			}
			opts.In, opts.Out, opts.ErrOut = f.Stdin, f.Stdout, f.Stderr
			_, err = drill.Run(cmd.Context(), opts)
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Record, "record", "", "drill this record: its `ID|FILE`")
	fl.StringArrayVar(&opts.Components, "component", nil, "only incidents on this `COMPONENT` (repeatable: any of them)")
	fl.StringArrayVar(&opts.Tags, "tag", nil, "only incidents with this `TAG` (repeatable: any of them)")
	fl.StringVar(&seed, "seed", "", "`N` makes the pick reproducible")
	fl.BoolVar(&opts.Master, "master", false, "print the game master's sheet instead of the players' brief")
	fl.Bool("wheel", false, "write the wheel page (with -o DIR)")
	outputFlag(fl, &opts.WheelDir, "`DIR` the wheel page is written to")
	fl.StringArrayVar(&opts.Players, "player", nil, "a player's GitHub `LOGIN`, named in the drill record (repeatable)")
	fl.StringVar(&opts.GameMaster, "game-master", "", "the game master's GitHub `LOGIN`, named in the drill record")
	fl.BoolVar(&opts.NoRecord, "no-record", false, "play without writing a drill record")
	fl.BoolVar(&opts.PR, "pr", false, "send the drill record through a branch drill/<id> and a draft pull request, like castor new --pr")
	return cmd
}

// interactive reports whether castor talks to a person at a terminal:
// standard input and output are terminals, and CI is not set.
func interactive(f *Factory) bool {
	if f.Getenv("CI") == "true" || !f.IsTerminal {
		return false
	}
	in, ok := f.Stdin.(*os.File)
	return ok && isTerminal(in)
}

// sourceDateEpoch reads SOURCE_DATE_EPOCH: the instant a command works
// as of, zero when unset.
func sourceDateEpoch(f *Factory) (time.Time, error) {
	s := f.Getenv("SOURCE_DATE_EPOCH")
	if s == "" {
		return time.Time{}, nil
	}
	sec, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return time.Time{}, errkind.New(errkind.Usage, "SOURCE_DATE_EPOCH=%q: want seconds since 1970", s)
	}
	return time.Unix(sec, 0), nil
}
