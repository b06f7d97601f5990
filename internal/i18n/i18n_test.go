package i18n

import (
	"testing"
	"time"

	"github.com/castor-incidents/castor/schema"
)

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration][2]string{
		0:                             {"0m", "0 min"},
		-time.Hour:                    {"0m", "0 min"},
		45 * time.Minute:              {"45m", "45 min"},
		2*time.Hour + 5*time.Minute:   {"2h 05m", "2 h 05 min"},
		34*time.Hour + 25*time.Minute: {"1d 10h", "1 j 10 h"},
		6 * time.Hour:                 {"6h", "6 h"},
		48*time.Hour + 20*time.Minute: {"2d", "2 j"},
	} {
		if got := english.DurationText(d); got != want[0] {
			t.Errorf("en %v = %q, want %q", d, got, want[0])
		}
		if got := french.DurationText(d); got != want[1] {
			t.Errorf("fr %v = %q, want %q", d, got, want[1])
		}
	}
	for d, want := range map[time.Duration][2]string{
		0:                                   {"0m", "0 min"},
		-time.Minute:                        {"0m", "0 min"},
		45 * time.Second:                    {"45s", "45 s"},
		7 * time.Minute:                     {"7m", "7 min"},
		time.Hour:                           {"1h", "1 h"},
		time.Hour + 5*time.Minute:           {"1h 05m", "1 h 05 min"},
		time.Hour + 30*time.Second:          {"1h 00m 30s", "1 h 00 min 30 s"},
		26*time.Hour + 5*time.Minute + 999:  {"1d 2h 05m", "1 j 2 h 05 min"},
		48*time.Hour + 20*time.Minute + 3e9: {"2d 0h 20m 03s", "2 j 0 h 20 min 03 s"},
	} {
		if got := english.Elapsed(d); got != want[0] {
			t.Errorf("en Elapsed(%v) = %q, want %q", d, got, want[0])
		}
		if got := french.Elapsed(d); got != want[1] {
			t.Errorf("fr Elapsed(%v) = %q, want %q", d, got, want[1])
		}
		// To the minute and below a day, the same words as DurationText.
		if d%time.Minute == 0 && d < 24*time.Hour {
			if a, b := english.Elapsed(d), english.DurationText(d); a != b {
				t.Errorf("Elapsed(%v) = %q, DurationText %q", d, a, b)
			}
		}
	}
	for lang, want := range map[string]*Labels{"fr": french, "fr-CA": french, "FR": french, "en": english, "de": english, "": english, "fry": english} {
		if For(lang) != want {
			t.Errorf("For(%q) = %s", lang, For(lang).Lang)
		}
	}
	// Every enumerated value has a word in both languages.
	for _, l := range []*Labels{english, french} {
		for _, set := range []struct {
			m      map[string]string
			values []string
		}{
			{l.statuses, schema.Statuses}, {l.statuses, schema.MaintenanceStatuses}, {l.components, schema.ComponentStatuses}, {l.kinds, schema.ItemKinds},
			{l.items, schema.ItemStatuses}, {l.impacts, []string{"none", "minor", "major", "critical", "maintenance"}},
			{l.indicators, []string{"none", "minor", "major", "critical", "maintenance"}},
		} {
			for _, v := range set.values {
				if set.m[v] == "" {
					t.Errorf("%s: no word for %s", l.Lang, v)
				}
			}
		}
	}
}
