package site

import "github.com/castor-incidents/castor/internal/i18n"

// The site's words are castor's one voice (internal/i18n). The index and
// the history speak site.lang; so does the page around an incident, whose
// own words are its record's language.
type labels = i18n.Labels

func labelsFor(lang string) *labels { return i18n.For(lang) }
