// Package termbg keeps castor from asking the terminal for its background
// colour each time it starts.
//
// Bubble Tea v1 (the drill's game-master screen) asks, in its package
// initialisation, for the terminal's background colour (an OSC 11 query
// written to standard output, the answer awaited on standard input for up
// to 5 s). Linked into castor, it asked on every command run in a terminal:
// `castor version` took 5 s in a terminal that does not answer, and the
// query could swallow keys typed ahead. castor's screens use bold and faint
// only, never a colour chosen by the background, so the background is
// stated here instead of asked.
//
// The statement must come before Bubble Tea's initialisation. Go
// initialises packages in the order of their import paths among those
// whose imports are ready (the language specification, since Go 1.21):
// this package imports Lip Gloss only, and its path sorts before
// github.com/charmbracelet/bubbletea, so it runs first wherever it is
// imported (actions/drill imports it). The terminal_quiet script holds it.
package termbg

import "github.com/charmbracelet/lipgloss"

func init() {
	lipgloss.SetHasDarkBackground(true)
}
