package httppolicy

import (
	"context"
	"sync"
	"time"
)

// Clock tells the time and waits. Every wait of a client — pacing,
// backoff, Retry-After — goes through its Clock, so that tests and
// simulations run at full speed on a SimClock.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx ends (then it returns ctx's error).
	Sleep(ctx context.Context, d time.Duration) error
}

// RealClock is the wall clock.
type RealClock struct{}

// Now is time.Now.
func (RealClock) Now() time.Time { return time.Now() }

// Sleep waits d or until ctx ends.
func (RealClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// SimClock is a Clock on which sleeping takes no time: Sleep moves Now
// forward. Tests and benchmarks share one between a client and a fake
// server, run paced writes and rate-limit waits instantly, and read back
// how long they would have taken.
type SimClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
	slept  time.Duration
}

// NewSimClock starts a SimClock at t.
func NewSimClock(t time.Time) *SimClock { return &SimClock{now: t} }

// Now returns the simulated time.
func (c *SimClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep moves the simulated time forward by d, unless ctx has ended.
func (c *SimClock) Sleep(ctx context.Context, d time.Duration) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.sleeps = append(c.sleeps, d)
		c.advance(d)
	}
	return nil
}

// Advance moves the simulated time forward by d, as time passing
// elsewhere would; it counts in Slept but is not a sleep.
func (c *SimClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.advance(d)
}

func (c *SimClock) advance(d time.Duration) {
	if d > 0 {
		c.now = c.now.Add(d)
		c.slept += d
	}
}

// Sleeps returns every sleep so far, in order.
func (c *SimClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// Slept is the total time slept or advanced so far.
func (c *SimClock) Slept() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.slept
}
