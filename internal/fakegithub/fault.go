package fakegithub

import (
	"net/http"
	"path"
	"strconv"
	"time"
)

// FaultKind is how a fault answers.
type FaultKind int

const (
	// ServerError answers Status (default 502). GitHub's 502 and 504 are
	// HTML pages; 500 and 503 carry a JSON message. A 4xx Status gives
	// a refusal with that status's text as message.
	ServerError FaultKind = iota
	// TooManyRequests answers 429 with Retry-After (when RetryAfter > 0)
	// and the secondary-rate-limit message.
	TooManyRequests
	// SecondaryRateLimit answers 403 with Retry-After (when RetryAfter >
	// 0) and the body go-github turns into an *AbuseRateLimitError.
	SecondaryRateLimit
	// Slow waits Delay, then answers normally.
	Slow
	// Hang never answers: the request blocks until the client goes away
	// (or Release). With Applied, the work is done first — a process
	// killed while waiting for the answer to a write that happened.
	Hang
)

var faultNames = map[FaultKind]string{
	ServerError:        "server-error",
	TooManyRequests:    "too-many-requests",
	SecondaryRateLimit: "secondary-rate-limit",
	Slow:               "slow",
	Hang:               "hang",
}

// Fault makes matching requests misbehave. A request matches when its
// method, path and write-ness fit; the first Skip matching requests pass,
// the next Times are affected, and the fault is then spent.
type Fault struct {
	Kind FaultKind
	// Method restricts the fault to one method ("" any).
	Method string
	// WritesOnly restricts the fault to POST, PATCH, PUT and DELETE.
	WritesOnly bool
	// Path, when set, is a path.Match pattern for the request path, e.g.
	// "/repos/*/*/issues" or "/repos/acme/incidents/issues/*".
	Path string
	// Skip lets this many matching requests through first.
	Skip int
	// Times is how many matching requests are affected: 0 means one, a
	// negative number every one from then on.
	Times int
	// Status is the ServerError status (default 502).
	Status int
	// RetryAfter is the Retry-After header in seconds (0: no header).
	RetryAfter int
	// Delay is how long Slow waits.
	Delay time.Duration
	// Applied does the request's work before answering with the fault:
	// the client loses the answer to something that happened.
	Applied bool
}

type faultState struct {
	Fault
	seen, hits int
}

func (f *faultState) name() string { return faultNames[f.Kind] }

// AddFault arms a fault. Faults are checked in the order they were added;
// the first that takes a request answers it.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f})
}

// ClearFaults disarms every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// FaultHits returns how many requests faults have taken, in total.
func (s *Server) FaultHits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.faults {
		n += f.hits
	}
	return n
}

// FailWrite arms a fault on the k-th write from now (1-based): a 5xx
// answer with status, after doing the work when applied.
func (s *Server) FailWrite(k, status int, applied bool) {
	s.AddFault(Fault{Kind: ServerError, WritesOnly: true, Skip: k - 1, Status: status, Applied: applied})
}

// matchFault finds the fault that takes req. Every matching fault counts
// the request, so that Skip always counts from when the fault was added;
// when several are due at once the first added answers, and the others
// are spent on the same request. Called with s.mu held.
func (s *Server) matchFault(req Request) *faultState {
	var taken *faultState
	for _, f := range s.faults {
		if f.Method != "" && f.Method != req.Method {
			continue
		}
		if f.WritesOnly && !req.Write {
			continue
		}
		if f.Path != "" {
			if ok, _ := path.Match(f.Path, req.Path); !ok {
				continue
			}
		}
		times := f.Times
		if times == 0 {
			times = 1
		}
		if times > 0 && f.hits >= times {
			continue
		}
		f.seen++
		if f.seen <= f.Skip {
			continue
		}
		f.hits++
		if taken == nil {
			taken = f
		}
	}
	return taken
}

const secondaryMessage = "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:0000:0000000:0000000:00000000."

const secondaryDoc = "https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"

func (f *faultState) response(now time.Time) response {
	h := http.Header{}
	if f.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(f.RetryAfter))
	}
	switch f.Kind {
	case TooManyRequests:
		return response{status: 429, header: h, body: errBody(secondaryMessage, secondaryDoc, 429)}
	case SecondaryRateLimit:
		return response{status: 403, header: h, body: errBody(secondaryMessage, secondaryDoc, 403)}
	}
	status := f.Status
	if status == 0 {
		status = 502
	}
	switch status {
	case 502, 504:
		return response{status: status, header: h, body: []byte("<html><body><h1>" + strconv.Itoa(status) + " " + http.StatusText(status) + "</h1>\nThe server did not answer in time.\n</body></html>\n")}
	}
	msg := "Server Error"
	switch {
	case status == 503:
		msg = "Service Unavailable"
	case status < 500:
		msg = http.StatusText(status) // a refusal, for tests of 4xx handling
	}
	return response{status: status, header: h, body: errBody(msg, "https://docs.github.com/rest", status)}
}
