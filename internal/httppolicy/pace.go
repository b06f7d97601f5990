package httppolicy

import (
	"context"
	"math"
	"time"

	"golang.org/x/time/rate"
)

// Window is a pacing rule: at most N requests in any span of Per,
// counted from their answers (an API counts a request when it sees it,
// and the answer's arrival is the latest time it may have).
// Statuspage's one request a second is {1, time.Second}; GitHub's limit
// on content creation is {80, time.Minute} and {500, time.Hour}.
type Window struct {
	N   int
	Per time.Duration
}

// pacer keeps paced requests within windows, one request at a time.
//
// A window of N per Per is N rate.Limiters of one token each, refilled in
// Per, taken in turn: request k takes the token request k-N took, so it
// goes at least Per after it. One bucket of N tokens refilled at N per Per
// would not do: it lets 2N through in the span of Per (N at once, N more
// as it refills).
type pacer struct {
	turn    chan struct{} // one paced request at a time
	windows []*window
}

type window struct {
	per   time.Duration
	slots []*rate.Limiter // made when first used
	next  int
}

func newPacer(ws []Window) *pacer {
	var p pacer
	for _, w := range ws {
		if w.N > 0 && w.Per > 0 {
			p.windows = append(p.windows, &window{per: w.Per, slots: make([]*rate.Limiter, w.N)})
		}
	}
	if len(p.windows) == 0 {
		return nil
	}
	p.turn = make(chan struct{}, 1)
	return &p
}

// acquire waits for the pacer's turn.
func (p *pacer) acquire(ctx context.Context) error {
	select {
	case p.turn <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// delay is how long the request holding the turn must wait at now.
func (p *pacer) delay(now time.Time) time.Duration {
	var d time.Duration
	for _, w := range p.windows {
		if l := w.slots[w.next]; l != nil {
			if missing := 1 - l.TokensAt(now); missing > 0 {
				// Rounded to the nanosecond: the limiter counts in
				// float seconds.
				d = max(d, time.Duration(math.Round(missing*float64(w.per))))
			}
		}
	}
	return d
}

// release ends the turn; a request that was sent takes its tokens at at,
// when its answer came (or its attempt failed).
func (p *pacer) release(at time.Time, sent bool) {
	if sent {
		for _, w := range p.windows {
			l := w.slots[w.next]
			if l == nil {
				l = rate.NewLimiter(rate.Every(w.per), 1)
				w.slots[w.next] = l
			}
			l.ReserveN(at, 1)
			w.next = (w.next + 1) % len(w.slots)
		}
	}
	<-p.turn
}
