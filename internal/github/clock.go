package github

import (
	"context"
	"sync"
	"time"
)

// Clock tells the time and sleeps. Pacing and rate-limit waits go through
// it, so that tests and simulations do not wait.
type Clock interface {
	Now() time.Time
	// Sleep waits d, or until ctx ends (then it returns ctx.Err()).
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
// forward. Tests and benchmarks use it to run paced writes and rate-limit
// waits instantly, and read back how long they would have taken.
type SimClock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
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
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if d > 0 {
		c.now = c.now.Add(d)
		c.sleeps = append(c.sleeps, d)
	}
	return nil
}

// Sleeps returns every sleep so far, in order.
func (c *SimClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// Slept is the total of the sleeps so far.
func (c *SimClock) Slept() time.Duration {
	var t time.Duration
	for _, d := range c.Sleeps() {
		t += d
	}
	return t
}
