package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/castor-incidents/castor/internal/errkind"
)

// stopGrace is how long a command has, after SIGINT or SIGTERM, to stop
// by itself: its context is cancelled, so that HTTP requests, waits, git
// operations and the policy evaluator end where they are, and nothing is
// left half written (files are replaced atomically; outside writes are
// idempotent and the next run finishes them). A command still running
// then is ended anyway, and a second signal ends it at once: castor is
// gone within a second of the signal, as a cancelled Actions job needs.
const stopGrace = 700 * time.Millisecond

// signalError is the cause of a context cancelled by a signal.
type signalError struct{ sig os.Signal }

func (e *signalError) Error() string {
	return fmt.Sprintf("stopped by %s: run the command again to finish (every command is idempotent)", signalName(e.sig))
}

func (e *signalError) kind() errkind.Kind {
	if e.sig == syscall.SIGTERM {
		return errkind.Terminated
	}
	return errkind.Interrupted
}

func signalName(sig os.Signal) string {
	if sig == syscall.SIGTERM {
		return "SIGTERM"
	}
	return "SIGINT"
}

// notifySignals returns a context cancelled, with a *signalError as its
// cause, at the first SIGINT or SIGTERM. stop releases the signals.
func notifySignals(parent context.Context, stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		var sig os.Signal
		select {
		case sig = <-ch:
		case <-done:
			return
		}
		se := &signalError{sig}
		cancel(se)
		select {
		case <-ch:
		case <-time.After(stopGrace):
		case <-done:
			return
		}
		fmt.Fprintf(stderr, "castor: %v\n", se)
		os.Exit(exitCode(errkind.Wrap(se.kind(), se)))
	}()
	return ctx, func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
}

// stoppedBySignal is the error of a command that returned after a signal
// cancelled its context: the signal, whatever the command made of it.
func stoppedBySignal(ctx context.Context, err error) error {
	var se *signalError
	if err == nil || !errors.As(context.Cause(ctx), &se) {
		return err
	}
	return errkind.Wrap(se.kind(), se)
}
