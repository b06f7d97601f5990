package fakestatuspage

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/httppolicy"
)

// call sends a raw request as a client of the real API would.
func call(t *testing.T, s *Server, method, path, body string) (int, string, http.Header) {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "OAuth k")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b)), resp.Header
}

func newServer(t *testing.T) (*Server, *httppolicy.SimClock) {
	clock := httppolicy.NewSimClock(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	s := New(Options{APIKey: "k", PageID: "p", Now: clock.Now})
	t.Cleanup(s.Close)
	s.AddComponent("c1", "Mail")
	return s, clock
}

func TestRateLimit(t *testing.T) {
	s, clock := newServer(t)
	if code, _, _ := call(t, s, "GET", "/pages/p/incidents", ""); code != 200 {
		t.Fatal(code)
	}
	clock.Advance(999 * time.Millisecond)
	code, body, h := call(t, s, "GET", "/pages/p/incidents", "")
	if code != 420 || h.Get("Retry-After") != "1" || !strings.Contains(body, `"message"`) {
		t.Fatalf("%d %s %v", code, body, h)
	}
	// The rejected request does not restart the window.
	clock.Advance(time.Millisecond)
	if code, _, _ := call(t, s, "GET", "/pages/p/incidents", ""); code != 200 {
		t.Fatal(code)
	}
	s.SetRateLimit(-1)
	for range 3 {
		if code, _, _ := call(t, s, "GET", "/pages/p/incidents", ""); code != 200 {
			t.Fatal("limit off, got", code)
		}
	}
}

func TestAPI(t *testing.T) {
	s, _ := newServer(t)
	s.SetRateLimit(-1)
	for _, c := range []struct {
		method, path, body string
		code               int
		want               string
	}{
		{"GET", "/pages/other/incidents", "", 404, `{"message":"The requested resource could not be found."}`},
		{"POST", "/pages/p/incidents", `{"incident":{"body":"x"}}`, 422, `{"message":"Name can't be blank"}`},
		{"POST", "/pages/p/incidents", `{"incident":{"name":"n","metadata":{"castor":"r"}}}`, 422, `{"message":"Metadata value for \"castor\" must be an object"}`},
		{"POST", "/pages/p/incidents", `{"incident":{"name":"n","status":"scheduledd"}}`, 422, `{"message":"Status is not included in the list"}`},
		{"POST", "/pages/p/incidents", `{"incident":{"name":"n","components":{"zz":"major_outage"}}}`, 422, `{"message":"Component zz does not exist on this page"}`},
		{"POST", "/pages/p/incidents", `{"incident":{"name":"n","components":{"c1":"on_fire"}}}`, 422, `{"message":"Component status \"on_fire\" is not included in the list"}`},
		{"POST", "/pages/p/incidents", `{"name":"n"}`, 400, `{"message":"param is missing or the value is empty: incident"}`},
		{"POST", "/pages/p/incidents", `{"incident":{"name":"` + strings.Repeat("n", 256) + `"}}`, 422, `{"message":"Name is too long (maximum is 255 characters)"}`},
		{"DELETE", "/pages/p/incidents", "", 405, `{"message":"Method not allowed"}`},
		{"GET", "/pages/p/incidents?limit=x", "", 400, `{"message":"invalid limit"}`},
	} {
		code, body, _ := call(t, s, c.method, c.path, c.body)
		if code != c.code || body != c.want {
			t.Errorf("%s %s: %d %s, want %d %s", c.method, c.path, code, body, c.code, c.want)
		}
	}
	if len(s.Incidents()) != 0 {
		t.Fatal("a refused create made an incident")
	}

	code, body, _ := call(t, s, "POST", "/pages/p/incidents.json", `{"incident":{"name":"Mail","status":"identified","body":"Down","components":{"c1":"major_outage"},"metadata":{"castor":{"record":"r1"}}}}`)
	if code != 201 {
		t.Fatal(code, body)
	}
	var inc Incident
	if err := json.Unmarshal([]byte(body), &inc); err != nil {
		t.Fatal(err)
	}
	if inc.Impact != "critical" || inc.Metadata["castor"].(map[string]any)["record"] != "r1" || s.ComponentStatus("c1") != "major_outage" {
		t.Errorf("created %s", body)
	}
	// A patch without status or body adds no update.
	call(t, s, "PATCH", "/pages/p/incidents/"+inc.ID, `{"incident":{"name":"Mail server"}}`)
	call(t, s, "PATCH", "/pages/p/incidents/"+inc.ID, `{"incident":{"status":"resolved","body":"Up","components":{"c1":"operational"}}}`)
	code, body, _ = call(t, s, "GET", "/pages/p/incidents/"+inc.ID, "")
	if code != 200 {
		t.Fatal(code)
	}
	json.Unmarshal([]byte(body), &inc)
	if len(inc.IncidentUpdates) != 2 || inc.IncidentUpdates[0].Body != "Up" || inc.ResolvedAt == nil {
		t.Errorf("newest first, resolved: %s", body)
	}
	want := `incident "Mail server" status=resolved impact_override= record=r1 components=[c1]
  identified: Down {c1=major_outage}
  resolved: Up {c1=operational}
component c1 operational
`
	if got := s.Dump(); got != want {
		t.Errorf("dump:\n%s\nwant:\n%s", got, want)
	}
	code, _, _ = call(t, s, "PATCH", "/pages/p/incidents/"+inc.ID+"/incident_updates/nope", `{"incident_update":{"body":"x"}}`)
	if code != 404 {
		t.Errorf("edit of an unknown update: %d", code)
	}
	// per_page is accepted too (newer clients), and clamped.
	for range 3 {
		s.AddIncident("x", "resolved", nil)
	}
	code, body, _ = call(t, s, "GET", "/pages/p/incidents?per_page=2&page=2", "")
	var list []Incident
	json.Unmarshal([]byte(body), &list)
	if code != 200 || len(list) != 2 || list[1].ID != inc.ID {
		t.Errorf("page 2 of 2: %d %d", code, len(list))
	}
}

func TestAuthAndFailures(t *testing.T) {
	s, _ := newServer(t)
	s.SetRateLimit(-1)
	req, _ := http.NewRequest("GET", s.URL+"/pages/p/incidents", nil)
	req.Header.Set("Authorization", "Bearer k")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("wrong scheme: %d", resp.StatusCode)
	}

	s.FailAfter(2, FailStatus)
	call(t, s, "POST", "/pages/p/incidents", `{"incident":{"name":"a"}}`)
	code, _, _ := call(t, s, "POST", "/pages/p/incidents", `{"incident":{"name":"b"}}`)
	code3, _, _ := call(t, s, "POST", "/pages/p/incidents", `{"incident":{"name":"c"}}`)
	if code != 500 || code3 != 503 || len(s.Incidents()) != 2 {
		t.Errorf("fail after 2: %d %d, %d incidents", code, code3, len(s.Incidents()))
	}
	s.FailAfter(0, 0)
	s.FailAfter(1, FailDrop)
	req, _ = http.NewRequest("POST", s.URL+"/pages/p/incidents", strings.NewReader(`{"incident":{"name":"d"}}`))
	req.Header.Set("Authorization", "OAuth k")
	req.Header.Set("Content-Type", "application/json")
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("dropped connection answered")
	}
	if len(s.Incidents()) != 3 {
		t.Error("the dropped request did not land")
	}
	var statuses []int
	for _, r := range s.Requests() {
		statuses = append(statuses, r.Status)
	}
	if got := strings.Trim(fmtInts(statuses), "[]"); got != "401,201,500,503,0" {
		t.Errorf("log statuses %s", got)
	}

	s.FailAfter(0, 0)
	s.Slow(time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ = http.NewRequestWithContext(ctx, "GET", s.URL+"/pages/p/incidents", nil)
	req.Header.Set("Authorization", "OAuth k")
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Error("slow mode answered in time")
	}
}

func TestUnavailableAndReset(t *testing.T) {
	s, _ := newServer(t)
	s.SetRateLimit(-1)
	call(t, s, "POST", "/pages/p/incidents", `{"incident":{"name":"a","components":{"c1":"major_outage"}}}`)
	s.Unavailable(1)
	s.SetUnavailableRetryAfter("0")
	code, _, h := call(t, s, "GET", "/pages/p/incidents", "")
	if code != 503 || h.Get("Retry-After") != "0" {
		t.Errorf("%d %v", code, h)
	}
	s.Reset()
	if len(s.Incidents()) != 0 || len(s.Requests()) != 0 || s.Processed() != 0 || s.ComponentStatus("c1") != "operational" {
		t.Errorf("after reset:\n%s", s.Dump())
	}
	_, body, _ := call(t, s, "POST", "/pages/p/incidents", `{"incident":{"name":"b"}}`)
	if !strings.Contains(body, `"id":"inc00000001"`) {
		t.Errorf("ids not restarted: %s", body)
	}
}

func fmtInts(v []int) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// Requests are checked against the API's OpenAPI description: what it
// allows passes, what it does not is recorded with the reason.
func TestOpenAPIDescription(t *testing.T) {
	s, _ := newServer(t)
	s.SetRateLimit(-1)
	call(t, s, "POST", "/pages/p/incidents", `{"incident":{"name":"Mail","status":"scheduled","scheduled_for":"2026-01-02T03:00:00Z","scheduled_until":"2026-01-02T04:00:00Z","backfilled":false,"deliver_notifications":false,"metadata":{"castor":{"record":"x"}}}}`)
	call(t, s, "GET", "/pages/p/incidents?limit=100&page=1", "")
	call(t, s, "PATCH", "/pages/p/incidents/inc00000001/incident_updates/upd00000002", `{"incident_update":{"display_at":"2026-01-02T03:00:00Z","deliver_notifications":false}}`)
	call(t, s, "PUT", "/pages/p/incidents/inc00000001/postmortem", `{"postmortem":{"body_draft":"text"}}`)
	call(t, s, "PUT", "/pages/p/incidents/inc00000001/postmortem/publish", `{"postmortem":{"notify_subscribers":false,"notify_twitter":false}}`)
	if errs := s.SpecErrors(); len(errs) != 0 {
		t.Fatalf("valid requests reported: %v", errs)
	}
	for _, bad := range []struct{ method, path, body, want string }{
		{"POST", "/pages/p/incidents", `{"incident":{"name":"Mail","status":"scheduledd"}}`, `value is not one of the allowed values`},
		{"POST", "/pages/p/incidents", `{"incident":{"name":"Mail","backfilled":"yes"}}`, `value must be a boolean`},
		{"PATCH", "/pages/p/incidents/inc00000001/incident_updates/upd00000002", `{"incident_update":{"display_at":"yesterday"}}`, `date-time`},
		{"PUT", "/pages/p/incidents/inc00000001/postmortem", `{"postmortem":{}}`, `property "body_draft" is missing`},
		{"POST", "/pages/p/incident", `{}`, `is not in the API's description`},
	} {
		before := len(s.SpecErrors())
		call(t, s, bad.method, bad.path, bad.body)
		errs := s.SpecErrors()
		if len(errs) != before+1 || !strings.Contains(errs[len(errs)-1], bad.want) {
			t.Errorf("%s %s %s: %v, want an error with %q", bad.method, bad.path, bad.body, errs[before:], bad.want)
		}
	}
}
