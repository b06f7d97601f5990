package schema

// ruleItemIDs is the "action-item-id" rule.
func ruleItemIDs(rc *ruleContext) {
	first := map[string]int{}
	for i, it := range rc.inc.ActionItems {
		if j, dup := first[it.ID]; dup {
			rc.errorf(rc.at("action_items", i, "id"), "action item id %q is already used by action_items[%d]", it.ID, j)
			continue
		}
		first[it.ID] = i
	}
}
