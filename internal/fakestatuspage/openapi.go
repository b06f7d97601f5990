package fakestatuspage

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// The public OpenAPI description of the Statuspage API (v1), as Atlassian
// publishes it for its API reference (https://developer.statuspage.io/),
// unchanged but for one defect fixed in memory (apiRouter). Every
// request the fake receives is checked against it, and one the
// description does not allow (an unknown path or method, a wrong type, a
// value outside its enum, a missing required parameter or field) is
// logged (Request.SpecError, Server.SpecErrors): the tests of castor's
// clients require there be none, so that what passes them is what the
// real API documents.
//
//go:embed statuspage-openapi.yaml
var openAPISpec []byte

var (
	specOnce   sync.Once
	specRouter routers.Router
	specErr    error
)

// apiRouter loads the description once per process.
func apiRouter() (routers.Router, error) {
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromData(openAPISpec)
		if err != nil {
			specErr = fmt.Errorf("load the Statuspage OpenAPI description: %w", err)
			return
		}
		// The fake serves the API at its root, not under /v1 of the
		// public host.
		doc.Servers = openapi3.Servers{{URL: "/"}}
		// The one defect of the published description: the Incident's
		// metadata says "type: Object", a type JSON Schema does not
		// have; it means object.
		if inc := doc.Components.Schemas["Incident"]; inc != nil && inc.Value != nil {
			if m := inc.Value.Properties["metadata"]; m != nil && m.Value != nil && m.Value.Type.Is("Object") {
				m.Value.Type = &openapi3.Types{openapi3.TypeObject}
			}
		}
		specRouter, specErr = legacy.NewRouter(doc)
	})
	return specRouter, specErr
}

// checkSpec returns why a request does not match the description, or "".
func checkSpec(r *http.Request, body []byte) string {
	router, err := apiRouter()
	if err != nil {
		return err.Error()
	}
	// The router and the validator read the request: give them a copy
	// whose body can be read again.
	req := r.Clone(context.Background())
	req.Body = io.NopCloser(bytes.NewReader(body))
	route, params, err := router.FindRoute(req)
	if err != nil {
		return fmt.Sprintf("%s %s is not in the API's description: %v", r.Method, r.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: params,
		Route:      route,
		Options: &openapi3filter.Options{
			// Authentication is the fake's own check (401).
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			MultiError:         true,
			// Check the request as sent: no defaults filled in.
			SkipSettingDefaults: true,
		},
	}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return err.Error()
	}
	return ""
}
