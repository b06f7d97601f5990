package fakestatuspage

import (
	"net/http"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// Every route of the fake is an operation of the API's description: the
// same method and path (with the description's parameter names), under
// the operationId its documentation link names.
func TestRoutesDescribed(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openAPISpec)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range endpoints {
		method, path, _ := strings.Cut(e.pattern, " ")
		if seen[e.pattern] {
			t.Errorf("%s: routed twice", e.pattern)
		}
		seen[e.pattern] = true
		item := doc.Paths.Value(path)
		if item == nil {
			t.Errorf("%s: no such path in the description", e.pattern)
			continue
		}
		op := item.GetOperation(method)
		if op == nil {
			t.Errorf("%s: the description has no %s on it", e.pattern, method)
			continue
		}
		if op.OperationID != e.op {
			t.Errorf("%s: operationId %q, the route says %q (%s%s)", e.pattern, op.OperationID, e.op, docs, e.op)
		}
	}
}

// The routing: a path of the API with a method the fake does not serve is
// 405, an unknown path, page, incident or update 404, and ".json" may end
// any path.
func TestRouting(t *testing.T) {
	s, _ := newServer(t)
	s.SetRateLimit(-1)
	id := s.AddIncident("Mail", "investigating", nil, "Down")
	upd := s.Incidents()[0].IncidentUpdates[0].ID
	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/pages/p/incidents", 200},
		{"GET", "/pages/p/incidents.json", 200},
		{"GET", "/pages/p/incidents/" + id, 200},
		{"GET", "/pages/p/incidents/" + id + ".json", 200},
		{"POST", "/pages/p/incidents/" + id, 405},
		{"DELETE", "/pages/p/incidents", 405},
		{"GET", "/pages/p/incidents/" + id + "/incident_updates/" + upd, 405},
		{"GET", "/pages/p/incidents/" + id + "/postmortem", 404}, // none yet
		{"POST", "/pages/p/incidents/" + id + "/postmortem", 405},
		{"GET", "/pages/p/incidents/" + id + "/postmortem/publish", 405},
		{"PUT", "/pages/p/incidents/" + id + "/postmortem/bogus", 404},
		{"GET", "/pages/p/incidents/nope", 404},
		{"POST", "/pages/p/incidents/nope", 404},
		{"PATCH", "/pages/p/incidents/" + id + "/incident_updates/nope", 404},
		{"GET", "/pages/other/incidents", 404},
		{"GET", "/pages/p/components", 200},
		{"GET", "/pages/p/components/c1", 200},
		{"GET", "/pages/p/components/zz", 404},
		{"PATCH", "/pages/p/components/c1", 405},
		{"GET", "/pages/p/subscribers", 404},
		{"GET", "/", 404},
	} {
		if code, body, _ := call(t, s, c.method, c.path, ""); code != c.code {
			t.Errorf("%s %s: %d %s, want %d", c.method, c.path, code, body, c.code)
		}
	}
	if code, _, _ := call(t, s, http.MethodDelete, "/pages/p/incidents/"+id, ""); code != 200 || len(s.Incidents()) != 0 {
		t.Errorf("DELETE: %d, %d incidents left", code, len(s.Incidents()))
	}
}
