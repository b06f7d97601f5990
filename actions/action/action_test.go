package action

import "testing"

func TestWorkspacePath(t *testing.T) {
	for _, c := range []struct{ ws, dir, p, want string }{
		{"", ".", "", ""},
		{"", ".", "public", "public"},
		{"/w", "/w/ops", "public", "ops/public"},
		{"/w", "/w", "public", "public"},
		{"/w", "/w/ops", "/srv/site", "/srv/site"},
		{"/w", "/w/ops", "../../elsewhere", "/elsewhere"},
	} {
		if got := workspacePath(c.ws, c.dir, c.p); got != c.want {
			t.Errorf("workspacePath(%q, %q, %q) = %q, want %q", c.ws, c.dir, c.p, got, c.want)
		}
	}
}
