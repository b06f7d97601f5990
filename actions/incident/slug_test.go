package incident

import (
	"strings"
	"testing"
)

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"serveur de courriels hors-service", "serveur-de-courriels-hors-service"},
		{"Serveur de courriels hors-service", "serveur-de-courriels-hors-service"},
		{"[post-mortem] Mail server down!", "post-mortem-mail-server-down"},
		{"Let’s Encrypt à l’arrêt", "lets-encrypt-a-larret"},
		{"Straße & Œuvre — Ærø", "strasse-oeuvre-aero"},
		{"Ｆｕｌｌ width ﬁle", "full-width-file"},
		{"  --API   5xx  ", "api-5xx"},
		{"Zürich: ÇA VA ?", "zurich-ca-va"},
		{"?!… —", ""},
		{"メールサーバー", ""},
		{"", ""},
	} {
		if got := Slug(tc.in, maxSlug); got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSlugMax(t *testing.T) {
	long := strings.Repeat("word ", 30)
	got := Slug(long, maxSlug)
	if len(got) > maxSlug || strings.HasSuffix(got, "-") || !strings.HasPrefix(got, "word-word") {
		t.Errorf("Slug(long) = %q (%d bytes)", got, len(got))
	}
	// One long word has no boundary to cut at: it is cut mid-word.
	if got := Slug(strings.Repeat("a", 100), 10); got != "aaaaaaaaaa" {
		t.Errorf("Slug(aaa…) = %q", got)
	}
}
