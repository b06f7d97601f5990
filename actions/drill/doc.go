// Package drill turns the records of past incidents into game days, the
// "Wheel of Misfortune": a record is picked (weighted towards severe
// incidents, away from those drilled recently), the players get a brief
// of what the responders knew when it started, and the game master reveals
// the rest of the story step by step while the players make their calls
// against a clock. At the end, the drill is itself a record, of kind
// drill.
//
// One record gives two views that must never mix:
//
//   - the players' brief (Brief): the severity, the affected components,
//     the timeline from the start up to detection and the first status
//     update, in the record's language; nothing of the root cause, the
//     trigger, the resolution or any later entry. It is built from an
//     allow-list of fields, so a field the brief does not name never
//     reaches it, and every sentence it quotes is checked against the
//     hindsight texts of the post-mortem (see hindsight.go): a sentence
//     that says what the post-mortem found out is withheld.
//   - the game master's sheet (Sheet): the whole timeline as a sequence of
//     reveals with their real offsets from the start, the real times to
//     acknowledge, identify, mitigate and resolve, the root cause and the
//     action items.
package drill
