package httppolicy

import (
	"math/rand/v2"
	"net/http"
	"sync"
	"testing"
	"time"
)

// stamp records when (on the clock) each request reaches the network.
type stamp struct {
	clock Clock
	mu    sync.Mutex
	at    []time.Time
	// took, when set, is how long each answer takes to come (on the
	// clock).
	took func() time.Duration
}

func (s *stamp) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.at = append(s.at, s.clock.Now())
	s.mu.Unlock()
	if s.took != nil {
		s.clock.(*SimClock).Advance(s.took())
	}
	return &http.Response{StatusCode: 200, Body: http.NoBody, Request: r}, nil
}

// A window of N per Per lets the first N go at once, then one as each
// leaves the span; none of N+1 requests falls within Per, counted from
// the answers.
func TestWindows(t *testing.T) {
	clock := NewSimClock(t0)
	st := &stamp{clock: clock}
	c := New(Policy{Clock: clock, Transport: st, Pace: []Window{{80, time.Minute}, {150, time.Hour}}})
	for range 400 {
		if code, err := send(t, c, "POST", "http://h/"); code != 200 || err != nil {
			t.Fatal(code, err)
		}
	}
	for i := 0; i+80 < len(st.at); i++ {
		if d := st.at[i+80].Sub(st.at[i]); d < time.Minute {
			t.Fatalf("81 within %v", d)
		}
	}
	for i := 0; i+150 < len(st.at); i++ {
		if d := st.at[i+150].Sub(st.at[i]); d < time.Hour {
			t.Fatalf("151 within %v", d)
		}
	}
	if st.at[79] != t0 || st.at[80] != t0.Add(time.Minute) || st.at[150] != t0.Add(time.Hour) || st.at[300] != t0.Add(2*time.Hour) {
		t.Errorf("80th at %v, 81st at %v, 151st at %v, 301st at %v", st.at[79].Sub(t0), st.at[80].Sub(t0), st.at[150].Sub(t0), st.at[300].Sub(t0))
	}
}

// With answers that take time and requests at odd times, the interval
// runs from each answer: Statuspage's rule.
func TestWindowFromAnswers(t *testing.T) {
	clock := NewSimClock(t0)
	rng := rand.New(rand.NewPCG(1, 2))
	var took []time.Duration
	st := &stamp{clock: clock, took: func() time.Duration {
		d := time.Duration(rng.Int64N(int64(700 * time.Millisecond)))
		took = append(took, d)
		return d
	}}
	const interval = 333 * time.Millisecond
	c := New(Policy{Clock: clock, Transport: st, Pace: []Window{{1, interval}}})
	for range 200 {
		clock.Advance(time.Duration(rng.Int64N(int64(500 * time.Millisecond))))
		send(t, c, "GET", "http://h/")
	}
	for i := 1; i < len(st.at); i++ {
		answered := st.at[i-1].Add(took[i-1])
		if gap := st.at[i].Sub(answered); gap < interval {
			t.Fatalf("request %d went %v after the last answer", i, gap)
		}
	}
}

// Only what Paced selects waits its turn.
func TestPacedSelects(t *testing.T) {
	clock := NewSimClock(t0)
	c := New(Policy{Clock: clock, Transport: &stamp{clock: clock}, Pace: []Window{{1, time.Second}}, Paced: func(r *http.Request) bool { return r.Method != "GET" }})
	for range 5 {
		send(t, c, "GET", "http://h/")
		send(t, c, "PATCH", "http://h/")
	}
	if clock.Slept() != 4*time.Second {
		t.Errorf("slept %v", clock.Slept())
	}
}
