// Package webhook sends castor's status updates to a webhook: one JSON
// POST per update, signed with HMAC-SHA256 of the body
// (X-Castor-Signature: sha256=<hex>) and carrying an Idempotency-Key that
// is the same every time the same update is sent.
//
// A webhook cannot be asked what it already has, so the key is what makes
// delivery exactly-once: castor may send an update again (a retry after a
// timeout, a re-run of a job that died), and the receiver drops a key it
// has seen. Because of that key, a POST here is safe to retry, unlike a
// Statuspage write. Retries are bounded, with backoff, and honour
// Retry-After up to a cap (internal/httppolicy); the secret never leaves
// the signature.
package webhook

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/httppolicy"
)

// Headers of a delivery.
const (
	SignatureHeader   = "X-Castor-Signature"
	IdempotencyHeader = "Idempotency-Key"
	EventHeader       = "X-Castor-Event"
)

// Events.
const (
	// EventCreated is a new status update.
	EventCreated = "update.created"
	// EventEdited is a published update whose message was corrected.
	EventEdited = "update.edited"
)

// Payload is the JSON body of a delivery. Fields marked omitempty are
// absent when they do not apply (docs/publishers.md lists when).
type Payload struct {
	Event string `json:"event"`
	// ID is the record's id; Kind is incident or maintenance.
	ID    string `json:"id"`
	Kind  string `json:"kind"`
	Title string `json:"title"`
	// Severity is absent for a maintenance.
	Severity string `json:"severity,omitempty"`
	// History is true for an update published as history (castor
	// publish --all, or a record whose last update is older than
	// backfill_after): receivers should not alert on it.
	History bool `json:"history,omitempty"`
	// Index is the update's position in the record, from 0.
	Index   int    `json:"index"`
	Status  string `json:"status"`
	Message string `json:"message"`
	// Components maps a component name to its status with this update.
	Components map[string]string `json:"components,omitempty"`
	At         time.Time         `json:"at"`
	// URL is the record's page on the status site, when site.url is set.
	URL string `json:"url,omitempty"`
}

// Key is the Idempotency-Key of an update: it depends on what identifies
// the update in its record (record id, at, status) and, for an edit, on
// the new message, so each distinct edit is delivered once too.
func Key(event, id string, at time.Time, status, message string) string {
	h := sha256.New()
	fmt.Fprintf(h, "castor/v1\x00%s\x00%s\x00%s\x00%s", event, id, at.UTC().Format(time.RFC3339Nano), status)
	if event == EventEdited {
		fmt.Fprintf(h, "\x00%s", message)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Sign returns the signature header value of body.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header value, in constant time.
func Verify(secret, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(got, m.Sum(nil))
}

// Defaults of Options.
const (
	DefaultTimeout    = 15 * time.Second
	DefaultMaxRetries = 4
	DefaultMaxWait    = 30 * time.Second
)

// Options configure New.
type Options struct {
	// URL receives the POSTs; absolute http(s).
	URL string
	// Secret signs the bodies. Required.
	Secret string
	// Timeout bounds each attempt (DefaultTimeout when zero).
	Timeout time.Duration
	// MaxRetries bounds the retries of one delivery (DefaultMaxRetries
	// when zero, none when negative).
	MaxRetries int
	// MaxWait caps a wait before a retry, Retry-After included
	// (DefaultMaxWait when zero).
	MaxWait   time.Duration
	Transport http.RoundTripper
	// Clock is the real clock when nil.
	Clock httppolicy.Clock
}

// Sender delivers payloads to one webhook.
type Sender struct {
	url    string
	secret []byte
	http   *httppolicy.Client
}

// New returns a sender.
func New(opts Options) (*Sender, error) {
	if opts.Secret == "" {
		return nil, errors.New("no webhook secret (set CASTOR_WEBHOOK_SECRET)")
	}
	u, err := url.Parse(opts.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook URL %q: want an absolute http(s) URL", httppolicy.RedactURL(opts.URL))
	}
	maxWait := cmp.Or(opts.MaxWait, DefaultMaxWait)
	hc := httppolicy.New(httppolicy.Policy{
		Timeout:    cmp.Or(opts.Timeout, DefaultTimeout),
		Retries:    cmp.Or(opts.MaxRetries, DefaultMaxRetries),
		BackoffMin: time.Second,
		BackoffMax: maxWait,
		MaxWait:    maxWait,
		// What may succeed later: 408, 429 (and 420, Statuspage's way of
		// saying it), 5xx.
		Judge: httppolicy.StatusJudge(http.StatusRequestTimeout, 420, http.StatusTooManyRequests),
		// The idempotency key makes a repeated POST harmless.
		Idempotent: func(*http.Request) bool { return true },
		Clock:      opts.Clock,
		Transport:  opts.Transport,
	})
	return &Sender{url: opts.URL, secret: []byte(opts.Secret), http: hc}, nil
}

// URL returns the webhook's address without credentials or query, for
// messages.
func (s *Sender) URL() string { return httppolicy.RedactURL(s.url) }

// Requests returns the number of HTTP attempts made so far.
func (s *Sender) Requests() int { return s.http.Attempts() }

// Error is a delivery that failed.
type Error struct {
	// StatusCode is 0 when no answer came.
	StatusCode int
	Message    string
}

func (e *Error) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("webhook: %d %s%s", e.StatusCode, http.StatusText(e.StatusCode), e.Message)
	}
	return "webhook: " + e.Message
}

// Send POSTs one payload, signed, with its idempotency key.
func (s *Sender) Send(ctx context.Context, key string, p *Payload) error {
	body, err := jsonMarshal(p)
	if err != nil {
		return fmt.Errorf("webhook: encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return &Error{Message: "bad request: " + err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "castor")
	req.Header.Set(SignatureHeader, Sign(s.secret, body))
	req.Header.Set(IdempotencyHeader, key)
	req.Header.Set(EventHeader, p.Event)
	resp, err := s.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return &Error{Message: httppolicy.ErrorText(err)}
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	msg := strings.Join(strings.Fields(string(snippet)), " ")
	if len(msg) > 200 {
		msg = msg[:200] + "…"
	}
	if msg != "" {
		msg = ": " + msg
	}
	return &Error{StatusCode: resp.StatusCode, Message: msg}
}

// jsonMarshal encodes without escaping <, > and & (record text is shown
// as written; it is data, not HTML).
func jsonMarshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
