package schema

import "net/url"

// ruleURLs is the "url" rule.
func ruleURLs(rc *ruleContext) {
	for i, l := range rc.inc.Links {
		u, err := url.Parse(l.URL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			rc.errorf(rc.at("links", i, "url"), "%q is not an absolute http(s) URL", l.URL)
		}
	}
}
