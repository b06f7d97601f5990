package drill

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	// Before Bubble Tea's initialisation: no question to the terminal.
	_ "github.com/castor-incidents/castor/internal/termbg"
)

// The game master's terminal: a Bubble Tea program around a Session. The
// clock ticks every second; keys reveal the next entry and log the
// players' calls; q ends the drill (q again to confirm), and the players'
// times are then shown beside the real ones.

// tickMsg is the clock's tick.
type tickMsg time.Time

// Model is the Bubble Tea model of the interactive mode. Tests drive it
// with messages (key presses, ticks, window sizes) and read its View.
type Model struct {
	s   *Session
	l   *labels
	now func() time.Time

	width, height int
	// input is the text of a note being typed; inputCall is what it will
	// be logged as (Note, WentWell, WentWrong), "" when no note is typed.
	input     textinput.Model
	inputCall string
	confirm   bool // q was pressed once
	done      bool
	flash     string
}

// NewModel makes the interactive mode of a session; now is the clock
// (time.Now outside tests).
func NewModel(s *Session, now func() time.Time) Model {
	in := textinput.New()
	in.CharLimit = 500
	return Model{s: s, l: s.Sheet.l, now: now, width: 80, height: 24, input: in}
}

// Session returns the drill the model plays.
func (m Model) Session() *Session { return m.s }

// Done reports whether the drill was ended.
func (m Model) Done() bool { return m.done }

func tick() tea.Cmd {
	return tea.Every(time.Second, func(t time.Time) tea.Msg { return tickMsg(t) })
}

// Init starts the clock.
func (m Model) Init() tea.Cmd { return tick() }

// Update handles one message.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tickMsg:
		if m.done {
			return m, nil
		}
		return m, tick()
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m, nil
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && m.inputCall == "" {
			// Keys read in one go ("+went well", a paste): one at a
			// time, so that a key that opens a note sends the rest to it.
			var cmds []tea.Cmd
			var model tea.Model = m
			for i, r := range msg.Runes {
				var cmd tea.Cmd
				if mm := model.(Model); mm.inputCall != "" {
					model, cmd = mm.typing(tea.KeyMsg{Type: tea.KeyRunes, Runes: msg.Runes[i:]})
					cmds = append(cmds, cmd)
					break
				}
				model, cmd = model.(Model).key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
				cmds = append(cmds, cmd)
			}
			return model, tea.Batch(cmds...)
		}
		if m.inputCall != "" {
			return m.typing(msg)
		}
		return m.key(msg)
	}
	return m, nil
}

func (m Model) key(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	now := m.now()
	k := msg.String()
	if m.confirm {
		m.confirm = false
		if k == "q" || k == "y" || k == "ctrl+c" {
			m.s.Finish(now)
			m.done = true
			return m, tea.Quit
		}
		m.flash = ""
		return m, nil
	}
	m.flash = ""
	switch k {
	case "n", " ", "enter":
		if e, ok := m.s.Reveal(); ok {
			m.flash = fmt.Sprintf("%s %s", m.l.Revealed, m.l.formatOffset(e.Offset))
		} else {
			m.flash = m.l.NoMoreReveals
		}
	case "a", "i", "m", "r":
		call := map[string]string{"a": Acknowledged, "i": Identified, "m": Mitigated, "r": Resolved}[k]
		c := m.s.Call(call, "", now)
		m.flash = fmt.Sprintf("%s %s", m.l.call(call), m.l.formatOffset(c.Offset))
	case "t", "+", "-":
		m.inputCall = map[string]string{"t": Note, "+": WentWell, "-": WentWrong}[k]
		m.input.Reset()
		m.input.Prompt = m.l.call(m.inputCall) + ": "
		return m, m.input.Focus()
	case "q", "ctrl+c", "esc":
		m.confirm = true
		m.flash = m.l.EndConfirm
	}
	return m, nil
}

// typing feeds a key to the note being typed: enter logs it, esc drops it.
func (m Model) typing(msg tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch msg.Type {
	case tea.KeyEnter:
		if text := strings.TrimSpace(m.input.Value()); text != "" {
			c := m.s.Call(m.inputCall, text, m.now())
			m.flash = fmt.Sprintf("%s %s", m.l.call(c.Call), m.l.formatOffset(c.Offset))
		}
		m.inputCall = ""
		m.input.Blur()
		return m, nil
	case tea.KeyEsc, tea.KeyCtrlC:
		m.inputCall = ""
		m.input.Blur()
		return m, nil
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

var (
	bold  = lipgloss.NewStyle().Bold(true)
	faint = lipgloss.NewStyle().Faint(true)
)

// View draws the screen: the clock, the last reveals that fit, the
// calls, the note being typed and the keys.
func (m Model) View() string {
	if m.done {
		return m.ResultsText()
	}
	l, now := m.l, m.now()
	w := max(m.width, 20)
	wrap := lipgloss.NewStyle().Width(w)
	var head []string
	head = append(head, bold.Render(fmt.Sprintf("%s %s", l.Clock, l.formatOffset(m.s.Clock(now).Truncate(time.Second))))+
		faint.Render(fmt.Sprintf("  (%s)", hms(m.s.Elapsed(now)))))
	if e, ok := m.s.Next(); ok {
		wait := e.Offset - m.s.Clock(now)
		hint := fmt.Sprintf("%s %d/%d: %s", l.NextReveal, m.s.Revealed+1, len(m.s.Sheet.Reveals), l.formatOffset(e.Offset))
		if wait > 0 && !e.Before {
			hint += " (" + l.formatDuration(wait) + ")"
		}
		head = append(head, hint)
	} else {
		head = append(head, l.NoMoreReveals)
	}
	head = append(head, "")

	var calls []string
	calls = append(calls, "", bold.Render(l.Notes))
	log := m.s.Log
	if len(log) > 5 {
		log = log[len(log)-5:]
	}
	for _, c := range log {
		line := fmt.Sprintf("%s  %s  %s", hms(c.At.Sub(m.s.Start)), l.formatOffset(c.Offset), l.call(c.Call))
		if c.Text != "" {
			line += ": " + c.Text
		}
		calls = append(calls, wrap.Render(line))
	}
	var foot []string
	if m.inputCall != "" {
		foot = append(foot, "", m.input.View())
	}
	if m.flash != "" {
		foot = append(foot, "", m.flash)
	}
	foot = append(foot, "", faint.Render(wrap.Render(l.Keys)))

	// The reveals fill the rest, newest last.
	var reveals []string
	for _, e := range m.s.Shown() {
		line := fmt.Sprintf("%s  %s  %s", l.formatOffset(e.Offset), e.At.Format("15:04"), e.Text)
		reveals = append(reveals, strings.Split(wrap.Render(line), "\n")...)
	}
	room := m.height - lines(head) - lines(calls) - lines(foot)
	if room < 0 {
		room = 0
	}
	if len(reveals) > room {
		reveals = reveals[len(reveals)-room:]
	}
	return strings.Join(append(append(append(head, reveals...), calls...), foot...), "\n")
}

func lines(block []string) int {
	n := 0
	for _, s := range block {
		n += strings.Count(s, "\n") + 1
	}
	return n
}

// hms writes the drill's own elapsed time, 00:03:12.
func hms(d time.Duration) string {
	d = max(d, 0).Truncate(time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60)
}

// ResultsText is the end of the drill: each call, the players' time and
// the real one.
func (m Model) ResultsText() string {
	var b strings.Builder
	writeResults(&b, m.s)
	return b.String()
}

// writeResults writes the players' times beside the real ones as an
// aligned table.
func writeResults(w io.Writer, s *Session) {
	l := s.Sheet.l
	rows := [][]string{{l.Call, l.Players, l.Real, l.Difference}}
	for _, r := range s.Results() {
		row := []string{l.call(r.Call), "—", l.NotRecorded, ""}
		if r.Players != nil {
			row[1] = l.formatOffset(*r.Players)
		}
		if r.Real.Known {
			row[2] = l.formatOffset(r.Real.Offset)
		}
		if r.Players != nil && r.Real.Known {
			row[3] = l.formatDiff(*r.Players - r.Real.Offset)
		}
		rows = append(rows, row)
	}
	widths := make([]int, 4)
	for _, row := range rows {
		for i, c := range row {
			widths[i] = max(widths[i], lipgloss.Width(c))
		}
	}
	fmt.Fprintf(w, "%s (%s)\n\n", l.Ended, hms(s.End.Sub(s.Start)))
	for _, row := range rows {
		var line strings.Builder
		for i, c := range row {
			line.WriteString(c)
			if i < len(row)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-lipgloss.Width(c)+2))
			}
		}
		fmt.Fprintln(w, strings.TrimRight(line.String(), " "))
	}
}

// Play runs the interactive mode on a terminal until the game master ends
// the drill. It returns the session, ended, or an error when the program
// could not run or was killed (the drill is then not over).
func Play(ctx context.Context, s *Session, in io.Reader, out io.Writer, now func() time.Time) (*Session, error) {
	p := tea.NewProgram(NewModel(s, now), tea.WithContext(ctx), tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen())
	final, err := p.Run()
	if err != nil {
		if errors.Is(err, tea.ErrProgramKilled) {
			return nil, fmt.Errorf("the drill was stopped before its end: %w", err)
		}
		return nil, fmt.Errorf("interactive mode: %w", err)
	}
	if fm, ok := final.(Model); !ok || !fm.Done() {
		return nil, errors.New("the drill was stopped before its end")
	}
	return s, nil
}
