package drill

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// fakeClock is the game master's wall clock, moved by the test.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

func keys(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

// send feeds messages to the model as the Bubble Tea runtime would and
// returns the model and the last command.
func send(t *testing.T, m tea.Model, msgs ...tea.Msg) (tea.Model, tea.Cmd) {
	t.Helper()
	var cmd tea.Cmd
	for _, msg := range msgs {
		m, cmd = m.Update(msg)
	}
	return m, cmd
}

// The game master's terminal, driven through its messages: the clock
// starts at the brief's offset, reveals come in order, each call is logged
// with the incident's clock, notes are typed, and at the end the players'
// times stand beside the real ones.
func TestModel(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 6, 12, 14, 0, 0, 0, time.UTC)}
	sh := NewSheet(storyIncident())
	s := NewSession(sh, clock.t)
	var m tea.Model = NewModel(s, clock.now)
	if m.Init() == nil {
		t.Fatal("Init starts no clock")
	}
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 100, Height: 30})
	view := m.View()
	if !strings.Contains(view, "Clock T+7m") || !strings.Contains(view, "(00:00:00)") {
		t.Errorf("the clock does not start at the brief's offset:\n%s", view)
	}
	// The first reveal: the second sentence of the first entry, withheld
	// from the brief, then what came after detection.
	if !strings.Contains(view, "Next reveal 1/5: T+0") {
		t.Errorf("next reveal:\n%s", view)
	}

	clock.t = clock.t.Add(2*time.Minute + 10*time.Second)
	m, cmd := send(t, m, tickMsg(clock.t))
	if cmd == nil {
		t.Error("the clock stopped ticking")
	}
	m, _ = send(t, m, keys("a"))
	m, _ = send(t, m, keys("n"), keys("n"))
	view = m.View()
	for _, want := range []string{"Clock T+9m 10s", "(00:02:10)", "T+0  10:00  The error rate of the API rises above 5%.",
		"T+30m  10:30  AFTER-DETECTION", "00:02:10  T+9m 10s  Acknowledged", "Next reveal 3/5: T+1h 45m 30s"} {
		if !strings.Contains(view, want) {
			t.Errorf("the view lacks %q:\n%s", want, view)
		}
	}

	// A note is typed, then logged with its time; esc drops another.
	clock.t = clock.t.Add(time.Minute)
	m, _ = send(t, m, keys("t"))
	m, _ = send(t, m, keys("check the cache"), tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}, keys("keys"))
	if v := m.View(); !strings.Contains(v, "Note: check the cache keys") {
		t.Errorf("the note being typed is not shown:\n%s", v)
	}
	m, _ = send(t, m, tea.KeyMsg{Type: tea.KeyEnter})
	// Keys read in one go: "+" opens the note, the rest goes into it.
	m, _ = send(t, m, keys("+fast page"), tea.KeyMsg{Type: tea.KeyEnter})
	m, _ = send(t, m, keys("-"), keys("dropped"), tea.KeyMsg{Type: tea.KeyEsc})
	// Keys typed into a note are not commands: "a" in a note logs no call.
	clock.t = clock.t.Add(20 * time.Minute)
	m, _ = send(t, m, keys("i"), keys("m"))
	clock.t = clock.t.Add(10 * time.Minute)
	m, _ = send(t, m, keys("r"))

	wantLog := []struct {
		call, text string
		off        time.Duration
	}{
		{Acknowledged, "", 9*time.Minute + 10*time.Second},
		{Note, "check the cache keys", 10*time.Minute + 10*time.Second},
		{WentWell, "fast page", 10*time.Minute + 10*time.Second},
		{Identified, "", 30*time.Minute + 10*time.Second},
		{Mitigated, "", 30*time.Minute + 10*time.Second},
		{Resolved, "", 40*time.Minute + 10*time.Second},
	}
	if len(s.Log) != len(wantLog) {
		t.Fatalf("log: %+v", s.Log)
	}
	for i, w := range wantLog {
		if c := s.Log[i]; c.Call != w.call || c.Text != w.text || c.Offset != w.off {
			t.Errorf("log %d: %+v, want %+v", i, c, w)
		}
	}

	// q asks first; another key keeps playing; q twice ends.
	m, cmd = send(t, m, keys("q"))
	if cmd != nil || m.(Model).Done() {
		t.Fatal("one q ended the drill")
	}
	m, _ = send(t, m, keys("x"))
	if m.(Model).Done() {
		t.Fatal("q then x ended the drill")
	}
	clock.t = clock.t.Add(5 * time.Minute)
	m, _ = send(t, m, keys("q"))
	m, cmd = send(t, m, keys("q"))
	if !m.(Model).Done() || cmd == nil {
		t.Fatal("q q did not end the drill")
	}
	if msg := cmd(); msg != (tea.QuitMsg{}) {
		t.Errorf("the end sends %T, not Quit", msg)
	}
	if !s.End.Equal(clock.t) {
		t.Errorf("ended at %v", s.End)
	}
	// Ticks after the end do not keep the clock alive.
	if _, cmd := send(t, m, tickMsg(clock.t)); cmd != nil {
		t.Error("the clock ticks after the end")
	}
	res := m.View()
	for _, want := range []string{
		"The drill is over. (00:38:10)",
		"Call          Players    Real          Difference\n",
		"Acknowledged  T+9m 10s   T+12m         −2m 50s\n",
		"Identified    T+30m 10s  T+1h 45m 30s  −1h 15m 20s\n",
		"Resolved      T+40m 10s  T+1d 2h 05m   −1d 1h 24m 50s\n",
	} {
		if !strings.Contains(res, want) {
			t.Errorf("the results lack %q:\n%s", want, res)
		}
	}
	if got := s.Notes(WentWell); len(got) != 1 || got[0] != "fast page" {
		t.Errorf("went well: %q", got)
	}
	if got := s.Notes(WentWrong); len(got) != 0 {
		t.Errorf("went wrong (dropped with esc): %q", got)
	}
}

// Past the last reveal, n says so; a small window keeps the newest
// reveals and the keys in sight.
func TestModelSmallWindow(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 6, 12, 14, 0, 0, 0, time.UTC)}
	s := NewSession(NewSheet(storyIncident()), clock.t)
	var m tea.Model = NewModel(s, clock.now)
	m, _ = send(t, m, tea.WindowSizeMsg{Width: 60, Height: 14})
	for range len(s.Sheet.Reveals) + 1 {
		m, _ = send(t, m, keys("n"))
	}
	v := m.View()
	if !strings.Contains(v, "Everything has been revealed.") {
		t.Errorf("no end of reveals:\n%s", v)
	}
	if n := strings.Count(v, "\n") + 1; n > 14 {
		t.Errorf("%d lines in a 14-line window:\n%s", n, v)
	}
	if !strings.Contains(v, "BEFORE-START") || strings.Contains(v, "AFTER-DETECTION") {
		t.Errorf("the newest reveal (before the start, last) is not the one kept:\n%s", v)
	}
	if !strings.Contains(v, "q end") {
		t.Errorf("the keys are not in sight:\n%s", v)
	}
}

// Play runs the real Bubble Tea program: keys from a reader (as from a
// terminal), the screen to a writer; the drill ends with q q and the
// session holds the calls. (Run under the race detector in CI.)
func TestPlay(t *testing.T) {
	clock := &fakeClock{t: time.Date(2025, 6, 12, 14, 0, 0, 0, time.UTC)}
	s := NewSession(NewSheet(storyIncident()), clock.t)
	pr, pw := io.Pipe()
	go func() {
		for _, k := range []string{"n", "a", "tcheck the cache\r", "q", "q"} {
			pw.Write([]byte(k))
			time.Sleep(50 * time.Millisecond)
		}
	}()
	var out strings.Builder
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	got, err := Play(ctx, s, pr, &out, clock.now)
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	if got.Revealed != 1 || len(got.Log) != 2 || got.Log[0].Call != Acknowledged || got.Log[1].Text != "check the cache" || got.End.IsZero() {
		t.Errorf("session: revealed %d, log %+v, end %v", got.Revealed, got.Log, got.End)
	}
	if !strings.Contains(out.String(), "Clock T+7m") {
		t.Errorf("screen:\n%s", out.String())
	}
}
