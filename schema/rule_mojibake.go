package schema

import "strings"

// mojibakeMarks are sequences that UTF-8 text takes when it is read as
// Windows-1252 or Latin-1 and saved again: "é" becomes "Ã©", "’" becomes
// "â€™". Real text almost never contains them.
var mojibakeMarks = []string{"Ã©", "Ã¨", "Ãª", "Ã ", "Ã§", "Ã´", "Ã®", "Ã¹", "Ã‰", "Ã¢", "Ã¯", "Ã«", "Ã¼", "Ã¶", "Ã¤", "â€™", "â€œ", "â€", "â€“", "â€”", "â€¦", "Â ", "Â«", "Â»", "ðŸ"}

// ruleMojibake is the "mojibake" rule.
func ruleMojibake(rc *ruleContext) {
	if rc.inc == nil {
		return
	}
	// The position is looked up only for a finding; every mark starts
	// with the byte 0xC3 ("Ã", "Â", "â", "ð" in UTF-8).
	check := func(text string, path ...any) {
		if strings.IndexByte(text, 0xC3) < 0 {
			return
		}
		for _, m := range mojibakeMarks {
			if strings.Contains(text, m) {
				rc.warnf(rc.at(path...), "text looks double-encoded (%q): UTF-8 read as Windows-1252? Repair the encoding", m)
				return
			}
		}
	}
	inc := rc.inc
	check(inc.Title, "title")
	check(inc.Summary, "summary")
	check(inc.Impact, "impact")
	for i, u := range inc.Updates {
		check(u.Message, "updates", i, "message")
	}
	for i, e := range inc.Timeline {
		check(e.Event, "timeline", i, "event")
	}
	if pm := inc.Postmortem; pm != nil {
		for _, f := range []struct {
			key  string
			text string
		}{{"trigger", pm.Trigger}, {"root_cause", pm.RootCause}, {"resolution", pm.Resolution}, {"detection", pm.Detection}} {
			check(f.text, "postmortem", f.key)
		}
		for _, l := range []struct {
			key   string
			items []string
		}{{"contributing_factors", pm.ContributingFactors}, {"went_well", pm.WentWell}, {"went_wrong", pm.WentWrong}, {"lucky", pm.Lucky}} {
			for i, s := range l.items {
				check(s, "postmortem", l.key, i)
			}
		}
	}
	for i, it := range inc.ActionItems {
		check(it.Title, "action_items", i, "title")
	}
	for i, l := range inc.Links {
		check(l.Title, "links", i, "title")
	}
}
