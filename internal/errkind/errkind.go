// Package errkind is castor's one error model: an error of any layer is
// marked once with the kind of failure it is, which tells the user what to
// do (fix a record, fix the command line, run again), and cmd/castor turns
// the kind into the exit status in one place. A mark never changes the
// message, and errors.Is/As see through it.
//
//	return errkind.New(errkind.Usage, "--format %q: want text or json", f)
//	return errkind.Wrap(errkind.Partial, err)
//	if errkind.Of(err) == errkind.Invalid { … }
package errkind

import (
	"errors"
	"fmt"
)

// Kind is what kind of failure an error is.
type Kind uint8

const (
	// Internal is every error not marked otherwise: a bug, or the
	// machine (a disk, a network) failing where nothing was half done.
	Internal Kind = iota
	// Invalid is input that is not valid: a record, castor.yaml, a policy,
	// a draft that would not validate. Nothing outside was written.
	Invalid
	// Usage is a mistake in the command line or the environment: an
	// unknown flag or value, missing credentials, an unknown revision.
	Usage
	// Partial is outside writes (GitHub, a status page, a webhook, a
	// push) that did not all succeed: running the command again finishes
	// them.
	Partial
	// Interrupted is a run stopped by SIGINT, Terminated by SIGTERM,
	// after a clean stop.
	Interrupted
	Terminated
)

var names = [...]string{"internal", "invalid", "usage", "partial", "interrupted", "terminated"}

func (k Kind) String() string {
	if int(k) < len(names) {
		return names[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Error is an error marked with its kind.
type Error struct {
	Kind Kind
	Err  error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// New is fmt.Errorf (with %w) marked with k.
func New(k Kind, format string, args ...any) error {
	return &Error{Kind: k, Err: fmt.Errorf(format, args...)}
}

// Wrap marks err with k; a nil err stays nil.
func Wrap(k Kind, err error) error {
	if err == nil {
		return nil
	}
	return &Error{Kind: k, Err: err}
}

// Of returns the kind of err: the outermost mark in its chain, so that a
// layer may say more than the one below (a failed request inside a
// publish that stopped half-way is Partial), or Internal when unmarked.
func Of(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}
