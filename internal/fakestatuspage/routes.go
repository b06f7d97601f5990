package fakestatuspage

import (
	"context"
	"net/http"
	"slices"
	"strings"
)

// docs is the API reference; an operation's page is docs + its
// operationId, the same id as in the OpenAPI description.
const docs = "https://developer.statuspage.io/#operation/"

// routing is one request being routed: what its handler needs and what it
// answers.
type routing struct {
	r    *http.Request
	body []byte
	inc  *Incident // the incident of an {incident_id} route
	resp answer
}

type routingKey struct{}

// endpoint is one operation of the API: its ServeMux pattern (with the
// description's parameter names), its operationId (TestRoutesDescribed
// holds both against the OpenAPI description) and what it does.
type endpoint struct {
	pattern string
	op      string
	serve   func(s *Server, c *routing) answer
}

const (
	incidentsRoute = "/pages/{page_id}/incidents"
	incidentRoute  = incidentsRoute + "/{incident_id}"
	postmortem     = incidentRoute + "/postmortem"
	componentsPath = "/pages/{page_id}/components"
)

var endpoints = []endpoint{
	{"GET " + incidentsRoute, "getPagesPageIdIncidents", func(s *Server, c *routing) answer { return s.list(c.r) }},
	{"POST " + incidentsRoute, "postPagesPageIdIncidents", func(s *Server, c *routing) answer { return s.create(c.r, c.body) }},
	{"GET " + incidentRoute, "getPagesPageIdIncidentsIncidentId", func(s *Server, c *routing) answer {
		return answer{status: http.StatusOK, body: out(c.inc)}
	}},
	{"PATCH " + incidentRoute, "patchPagesPageIdIncidentsIncidentId", func(s *Server, c *routing) answer { return s.patch(c.r, c.inc, c.body) }},
	{"PUT " + incidentRoute, "putPagesPageIdIncidentsIncidentId", func(s *Server, c *routing) answer { return s.patch(c.r, c.inc, c.body) }},
	{"DELETE " + incidentRoute, "deletePagesPageIdIncidentsIncidentId", func(s *Server, c *routing) answer {
		s.incidents = slices.DeleteFunc(s.incidents, func(i *Incident) bool { return i == c.inc })
		return answer{status: http.StatusOK, body: out(c.inc)}
	}},
	{"PATCH " + incidentRoute + "/incident_updates/{incident_update_id}", "patchPagesPageIdIncidentsIncidentIdIncidentUpdatesIncidentUpdateId", (*Server).incidentUpdate},
	{"PUT " + incidentRoute + "/incident_updates/{incident_update_id}", "putPagesPageIdIncidentsIncidentIdIncidentUpdatesIncidentUpdateId", (*Server).incidentUpdate},
	{"GET " + postmortem, "getPagesPageIdIncidentsIncidentIdPostmortem", postmortemAction("")},
	{"PUT " + postmortem, "putPagesPageIdIncidentsIncidentIdPostmortem", postmortemAction("")},
	{"DELETE " + postmortem, "deletePagesPageIdIncidentsIncidentIdPostmortem", postmortemAction("")},
	{"PUT " + postmortem + "/publish", "putPagesPageIdIncidentsIncidentIdPostmortemPublish", postmortemAction("publish")},
	{"PUT " + postmortem + "/revert", "putPagesPageIdIncidentsIncidentIdPostmortemRevert", postmortemAction("revert")},
	{"GET " + componentsPath, "getPagesPageIdComponents", func(s *Server, c *routing) answer {
		list := make([]Component, len(s.components))
		for i, c := range s.components {
			list[i] = *c
		}
		return answer{status: http.StatusOK, body: list}
	}},
	{"GET " + componentsPath + "/{component_id}", "getPagesPageIdComponentsComponentId", func(s *Server, c *routing) answer {
		comp := s.component(c.r.PathValue("component_id"))
		if comp == nil {
			return notFound()
		}
		return answer{status: http.StatusOK, body: *comp}
	}},
}

func postmortemAction(action string) func(s *Server, c *routing) answer {
	return func(s *Server, c *routing) answer { return s.postmortem(c.r, c.inc, action, c.body) }
}

func (s *Server) incidentUpdate(c *routing) answer {
	id := c.r.PathValue("incident_update_id")
	i := slices.IndexFunc(c.inc.IncidentUpdates, func(u IncidentUpdate) bool { return u.ID == id })
	if i < 0 {
		return notFound()
	}
	return s.patchUpdate(c.r, c.inc, i, c.body)
}

func notFound() answer { return msg(http.StatusNotFound, "The requested resource could not be found.") }

// newMux routes the endpoints with Go's method and path patterns; the
// handlers answer into the routing their request carries. A path the API has
// with a method it has not is 405, after the page and the incident are
// found (404 otherwise), as before the method was looked at.
func (s *Server) newMux() *http.ServeMux {
	mux := http.NewServeMux()
	paths := map[string]bool{}
	handle := func(pattern string, serve func(s *Server, c *routing) answer) {
		mux.HandleFunc(pattern, func(_ http.ResponseWriter, r *http.Request) {
			c := r.Context().Value(routingKey{}).(*routing)
			c.r = r
			if r.PathValue("page_id") != s.pageID {
				c.resp = notFound()
				return
			}
			if strings.Contains(pattern, "{incident_id}") {
				if c.inc = s.incident(r.PathValue("incident_id")); c.inc == nil {
					c.resp = notFound()
					return
				}
			}
			c.resp = serve(s, c)
		})
	}
	for _, e := range endpoints {
		handle(e.pattern, e.serve)
		_, path, _ := strings.Cut(e.pattern, " ")
		paths[path] = true
	}
	for path := range paths {
		// Less specific than the method's patterns: the other methods.
		handle(path, func(*Server, *routing) answer { return msg(http.StatusMethodNotAllowed, "Method not allowed") })
	}
	return mux
}

// route answers one request. Called with s.mu held.
func (s *Server) route(r *http.Request, body []byte) answer {
	c := &routing{body: body}
	r = r.WithContext(context.WithValue(r.Context(), routingKey{}, c))
	// The API takes a path with ".json" appended as the path.
	if p := strings.TrimSuffix(r.URL.Path, ".json"); p != r.URL.Path {
		u := *r.URL
		u.Path, u.RawPath = p, ""
		r.URL = &u
	}
	s.mux.ServeHTTP(discard{}, r)
	if c.resp.status == 0 { // no route (or ServeMux's own answer: a redirect)
		return notFound()
	}
	return c.resp
}

// discard is the ResponseWriter of the routing: handlers answer in the
// routing, which serve writes with the failure modes applied.
type discard struct{}

func (discard) Header() http.Header         { return http.Header{} }
func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) WriteHeader(int)             {}
