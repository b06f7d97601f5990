package schema

import (
	"path"
	"regexp"
)

var yearFolder = regexp.MustCompile(`^[0-9]{4}$`)

// ruleYearFolder is the "year-folder" rule.
//
// A record filed under a year folder that is not its id's year is lost
// to whoever looks for it where castor new puts it.
func ruleYearFolder(rc *ruleContext) {
	id := rc.rec.id
	dir := path.Dir(rc.rec.Path)
	folder := path.Base(dir)
	if len(id) < 4 || !yearFolder.MatchString(folder) || folder == id[:4] {
		return
	}
	rc.warnf(rc.at("id"), "record %s is in the folder %s/, not %s/: move it to %s/", id, folder, id[:4], path.Join(path.Dir(dir), id[:4]))
}
