package fastpath

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
)

// A dfa matches ASCII strings against a regular expression as
// regexp.MatchString does (a match anywhere), a table lookup per byte:
// the schema's patterns (ids, slugs, times, dates, logins) are tested on
// most values of every record, and Go's regexp, which has no DFA, spends
// a few hundred nanoseconds on each. It is built from the program Go's
// regexp compiles the expression to, states being the sets of its
// instructions a match can be at; a string with a byte outside ASCII goes
// to regexp itself.
type dfa struct {
	re *regexp.Regexp
	// next[s*128+c] is the state after byte c in state s.
	next []int32
	// accept says a match ends here, acceptEnd that one ends here when
	// the string ends here.
	accept, acceptEnd []bool
}

// maxDFAStates bounds a DFA's size: beyond, regexp alone matches.
const maxDFAStates = 256

// newDFA builds the DFA of re, nil when it cannot: an expression with
// assertions other than ^ and $ of the whole text, or with too many
// states.
func newDFA(re *regexp.Regexp) *dfa {
	parsed, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	prog, err := syntax.Compile(parsed.Simplify())
	if err != nil {
		return nil
	}
	for _, in := range prog.Inst {
		if in.Op == syntax.InstEmptyWidth && syntax.EmptyOp(in.Arg)&^(syntax.EmptyBeginText|syntax.EmptyEndText) != 0 {
			return nil
		}
	}
	b := dfaBuilder{prog: prog, index: map[string]int32{}}
	d := &dfa{re: re}
	// The first state is at the beginning of the text.
	b.state([]uint32{uint32(prog.Start)}, true)
	for s := 0; s < len(b.kernels); s++ {
		if len(b.kernels) > maxDFAStates {
			return nil
		}
		atBegin := s == 0
		now := b.closure(b.kernels[s], atBegin, false)
		d.accept = append(d.accept, now.match)
		d.acceptEnd = append(d.acceptEnd, b.closure(b.kernels[s], atBegin, true).match)
		for c := range rune(128) {
			// A match may start after any byte: the program's start is
			// in every state after the first.
			next := []uint32{uint32(prog.Start)}
			for _, pc := range now.runes {
				in := &prog.Inst[pc]
				var ok bool
				switch in.Op {
				case syntax.InstRune:
					ok = in.MatchRune(c)
				case syntax.InstRune1:
					ok = c == in.Rune[0]
				case syntax.InstRuneAny:
					ok = true
				case syntax.InstRuneAnyNotNL:
					ok = c != '\n'
				}
				if ok {
					next = append(next, in.Out)
				}
			}
			d.next = append(d.next, b.state(next, false))
		}
	}
	if len(b.kernels) > maxDFAStates {
		return nil
	}
	return d
}

// MatchString reports whether s holds a match of the expression.
func (d *dfa) MatchString(s string) bool {
	st := int32(0)
	for i := 0; i < len(s); i++ {
		if d.accept[st] {
			return true
		}
		c := s[i]
		if c >= 0x80 {
			return d.re.MatchString(s)
		}
		st = d.next[int(st)*128+int(c)]
	}
	return d.acceptEnd[st]
}

type dfaBuilder struct {
	prog    *syntax.Prog
	kernels [][]uint32
	index   map[string]int32
}

// state returns the number of the state whose instructions before their
// closure are kernel (the first state alone is at the beginning).
func (b *dfaBuilder) state(kernel []uint32, first bool) int32 {
	slices.Sort(kernel)
	kernel = slices.Compact(kernel)
	var key strings.Builder
	for _, pc := range kernel {
		key.WriteString(strconv.Itoa(int(pc)))
		key.WriteByte(',')
	}
	if !first {
		if n, ok := b.index[key.String()]; ok {
			return n
		}
	}
	n := int32(len(b.kernels))
	b.kernels = append(b.kernels, kernel)
	if !first {
		b.index[key.String()] = n
	}
	return n
}

type closure struct {
	runes []uint32 // the instructions that consume a rune
	match bool
}

// closure follows the instructions that consume nothing from kernel, at
// the beginning and the end of the text or not.
func (b *dfaBuilder) closure(kernel []uint32, atBegin, atEnd bool) closure {
	var out closure
	seen := make([]bool, len(b.prog.Inst))
	var visit func(pc uint32)
	visit = func(pc uint32) {
		if seen[pc] {
			return
		}
		seen[pc] = true
		in := &b.prog.Inst[pc]
		switch in.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			visit(in.Out)
			visit(in.Arg)
		case syntax.InstCapture, syntax.InstNop:
			visit(in.Out)
		case syntax.InstEmptyWidth:
			op := syntax.EmptyOp(in.Arg)
			if op&syntax.EmptyBeginText != 0 && !atBegin || op&syntax.EmptyEndText != 0 && !atEnd {
				return
			}
			visit(in.Out)
		case syntax.InstMatch:
			out.match = true
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			out.runes = append(out.runes, pc)
		}
	}
	for _, pc := range kernel {
		visit(pc)
	}
	return out
}
