// Package webhooktest is a webhook receiver for tests, over real HTTP. It
// behaves as a careful receiver should: it refuses a body whose
// X-Castor-Signature does not verify (401) or that has no Idempotency-Key
// (400), keeps the first delivery of each key and acknowledges, without
// keeping, every repeat. It counts every key, and it can fail the ways a
// real endpoint does: 5xx, slow answers, dying after the k-th delivery.
package webhooktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/castor-incidents/castor/internal/webhook"
)

// Delivery is one distinct update received.
type Delivery struct {
	Key     string
	Body    []byte
	Payload webhook.Payload
	// Count is how many times the key came, accepted; more than one is a
	// repeat the receiver absorbed.
	Count int
}

// Request is one logged request.
type Request struct {
	N      int
	Key    string
	Status int
	// Processed is true when the request was accepted and looked at (not
	// refused by a failure mode).
	Processed bool
}

// Receiver is the test webhook. Its methods are safe for concurrent use.
type Receiver struct {
	*httptest.Server

	mu          sync.Mutex
	secret      []byte
	deliveries  []*Delivery
	byKey       map[string]*Delivery
	log         []Request
	badSig      int
	processed   int
	unavailable int
	failAfter   int
	drop        bool
	slow        time.Duration
	retryAfter  string
	onProcessed func(n int)
}

// New starts a receiver that verifies signatures with secret.
func New(secret string) *Receiver {
	r := &Receiver{secret: []byte(secret), byKey: map[string]*Delivery{}}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	return r
}

// Unavailable makes the next n requests answer 503, unprocessed.
func (r *Receiver) Unavailable(n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.unavailable = n
}

// FailAfter makes the receiver die after keeping the k-th processed
// request from now: that one is answered 500 (or, with drop, not at all)
// and every later one 503, until FailAfter(0, false).
func (r *Receiver) FailAfter(k int, drop bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if k > 0 {
		k += r.processed
	}
	r.failAfter, r.drop = k, drop
}

// SetRetryAfter sets the Retry-After header of 503 answers (default none).
func (r *Receiver) SetRetryAfter(v string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.retryAfter = v
}

// Slow delays every answer by d, after the delivery was kept.
func (r *Receiver) Slow(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.slow = d
}

// OnProcessed calls f after each processed request, before the answer.
func (r *Receiver) OnProcessed(f func(n int)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.onProcessed = f
}

// Reset forgets every delivery and failure mode.
func (r *Receiver) Reset() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.deliveries, r.byKey, r.log = nil, map[string]*Delivery{}, nil
	r.badSig, r.processed = 0, 0
	r.unavailable, r.failAfter, r.drop, r.slow, r.onProcessed = 0, 0, false, 0, nil
}

// Deliveries returns the distinct deliveries in the order they first came.
func (r *Receiver) Deliveries() []Delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Delivery, len(r.deliveries))
	for i, d := range r.deliveries {
		out[i] = *d
	}
	return out
}

// Keys returns how many times each key was accepted.
func (r *Receiver) Keys() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for k, d := range r.byKey {
		out[k] = d.Count
	}
	return out
}

// Repeats is the number of accepted requests that repeated a key.
func (r *Receiver) Repeats() int {
	n := 0
	for _, c := range r.Keys() {
		n += c - 1
	}
	return n
}

// Processed is the number of requests accepted and looked at.
func (r *Receiver) Processed() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.processed
}

// BadSignatures is the number of requests refused for their signature.
func (r *Receiver) BadSignatures() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.badSig
}

// Requests returns the request log.
func (r *Receiver) Requests() []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.log)
}

// Dump describes the distinct deliveries, one a line:
//
//	update.created 2026-01-01-x #0 investigating: message {email=major_outage}
func (r *Receiver) Dump() string {
	var b strings.Builder
	for _, d := range r.Deliveries() {
		p := d.Payload
		fmt.Fprintf(&b, "%s %s #%d %s: %s", p.Event, p.ID, p.Index, p.Status, strings.ReplaceAll(p.Message, "\n", `\n`))
		if len(p.Components) > 0 {
			var cs []string
			for k, v := range p.Components {
				cs = append(cs, k+"="+v)
			}
			slices.Sort(cs)
			fmt.Fprintf(&b, " {%s}", strings.Join(cs, " "))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	key := req.Header.Get(webhook.IdempotencyHeader)
	r.mu.Lock()
	entry := Request{N: len(r.log) + 1, Key: key}
	status, text, drop := r.handleLocked(req, body, key, &entry)
	entry.Status = status
	if drop {
		entry.Status = 0
	}
	r.log = append(r.log, entry)
	hook, slow, retryAfter := r.onProcessed, r.slow, r.retryAfter
	r.mu.Unlock()

	if entry.Processed && hook != nil {
		hook(entry.N)
	}
	if slow > 0 {
		select {
		case <-time.After(slow):
		case <-req.Context().Done():
		}
	}
	if drop {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Type", "application/json")
	if status == http.StatusServiceUnavailable && retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": text})
}

func (r *Receiver) handleLocked(req *http.Request, body []byte, key string, entry *Request) (int, string, bool) {
	if r.unavailable > 0 {
		r.unavailable--
		return http.StatusServiceUnavailable, "unavailable", false
	}
	if r.failAfter > 0 && r.processed >= r.failAfter {
		return http.StatusServiceUnavailable, "unavailable", false
	}
	if req.Method != http.MethodPost {
		return http.StatusMethodNotAllowed, "POST only", false
	}
	if !webhook.Verify(r.secret, body, req.Header.Get(webhook.SignatureHeader)) {
		r.badSig++
		return http.StatusUnauthorized, "bad signature", false
	}
	if key == "" {
		return http.StatusBadRequest, "no Idempotency-Key", false
	}
	var p webhook.Payload
	if err := json.Unmarshal(body, &p); err != nil {
		return http.StatusBadRequest, "bad JSON: " + err.Error(), false
	}
	r.processed++
	entry.Processed = true
	if d := r.byKey[key]; d != nil {
		d.Count++
	} else {
		d := &Delivery{Key: key, Body: body, Payload: p, Count: 1}
		r.byKey[key] = d
		r.deliveries = append(r.deliveries, d)
	}
	if r.failAfter > 0 && r.processed == r.failAfter {
		if r.drop {
			return 0, "", true
		}
		return http.StatusInternalServerError, "internal error", false
	}
	return http.StatusOK, "ok", false
}
