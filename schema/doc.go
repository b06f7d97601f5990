// Package schema holds castor's record contract: the CUE definitions
// (#Incident, #StatusUpdate, #TimelineEntry, #ActionItem, #Config) embedded
// in the binary, the Go types decoded from validated records, and the loader
// that reads record files (.yaml, .yml, .json, .cue), keeps the position of
// every value, and reports every error as file:line:col.
//
// The entry points:
//
//	repo, err := schema.OpenRepo(dir)      // castor.yaml + local policies, schema compiled once
//	set, err := repo.LoadAll(ctx)          // every record under the records folder, validated
//	set.Diagnostics                        // sorted, deduplicated errors and warnings
//	rec := set.Records[i]; rec.Incident    // decoded record (nil when it could not be decoded)
//	rec.Pos("action_items", 2, "status")   // where a value sits in its file
//
// Records read from somewhere else than the work tree (a git revision) go
// through repo.LoadFiles(ctx, files) with the same checks.
package schema
