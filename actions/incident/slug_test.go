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
		{"メールサーバー", "merusaba"},
		{"ｻｰﾊﾞｰ ﾀﾞｳﾝ", "saba-daun"},
		{"キャッシュのチェック", "kyasshunochekku"},
		{"ファイアウォールとティーカップ", "faiaworutotikappu"},
		{"Сбой сети в Москве", "sboi-seti-v-moskve"},
		{"Διακοπή δικτύου", "diakope-diktuou"},
		{"서버 장애", "seobeo-jangae"},
		{"数据库故障", ""},
		{"انقطاع الشبكة", ""},
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

// An id is ASCII whatever the script of its title: transliterated where a
// romanisation exists, else a short hash of the title after what could be
// written.
func TestIDSlug(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Serveur de courriels hors-service", "serveur-de-courriels-hors-service"},
		{"ネットワーク障害", "nettowaku"}, // kana outnumber the Han characters
		{"データベースの停止", "detabesuno"},
		{"数据库故障", "f0f47658"},         // no transliteration: the hash
		{"API 数据库故障", "api-1c78f2a6"}, // what can be written, then the hash
		{"انقطاع الشبكة", "7ac6ee7a"},
		{"Сбой сети", "sboi-seti"},
		{"?!… —", ""},
	} {
		if got := idSlug(tc.in); got != tc.want {
			t.Errorf("idSlug(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if a, b := idSlug("数据库故障"), idSlug("网络故障"); a == b {
		t.Errorf("two titles, one id: %s", a)
	}
}
