// Package incident writes records: `castor new` scaffolds one from a
// commented template, `castor update` amends one in place (status
// updates, timeline entries, action items) without disturbing a byte of
// the file outside the lines it edits, and `castor import` turns a
// Markdown post-mortem into a record draft.
//
// The three commands share what makes a record safe to write: ids and
// slugs, the site's time zone, YAML scalars written by hand, validation of
// the new content with the repository's own schema and policies before
// anything touches the disk, atomic file replacement, and the branch /
// commit / push / draft-pull-request flow. That shared core is why they
// are one package rather than three.
//
// The outside world is reached through two small interfaces declared
// here: Git (package internal/gitwrite satisfies it) and PullRequests
// (an adapter over go-github satisfies it).
package incident
