package schema

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	yaml4 "go.yaml.in/yaml/v4"
)

// findMistake is off only to measure what yamlSyntax costs.
var findMistake = true

// yamlSyntax places a YAML syntax error where the text is wrong and says
// how to mend it. d is the error as the decoder reports it (yaml.v3,
// through CUE): at the line where the block the parser was in began — a
// comment at the top of the file, for a list item dedented thirty lines
// below — in libyaml's words.
//
// The same parser, as go.yaml.in/yaml/v4 exposes it, tells where it gave
// up (the problem mark), not only where that block began. But the mistake
// a person made is often a line or more above that place: the first item
// of a list indented unlike the others makes the parser stumble on the
// line after it; a quote that never closes, many lines below. So the
// lines around are tried with the edits that mend the common mistakes —
// the line indented like a line near it, a space after a key's colon, the
// text quoted, the quote or bracket closed. The line whose one edit lets
// the parser read furthest is the line reported, and that edit is the
// hint. d is returned unchanged when yaml/v4 does not fail the same way.
func yamlSyntax(data []byte, d Diagnostic) Diagnostic {
	le := yamlLoadError(data)
	if le == nil || le.Mark.Line == 0 {
		return d
	}
	s := newYAMLSource(data)
	if le.Mark.Line > len(s.lines) {
		return d
	}
	line, col, msg, fix := s.explain(le)
	if !strings.HasSuffix(d.Message, le.Message) {
		// The two parsers part ways on this file: the place found is
		// trusted only if mending it there satisfies yaml.v3 too.
		if fix == nil || !yamlV3Reads(s.edited(*fix)) {
			return d
		}
	}
	d.Pos.Line, d.Pos.Col, d.Message = line, col, msg
	return d
}

// yamlV3Reads reports whether yaml.v3, the decoder behind CUE's, reads
// every document of data.
func yamlV3Reads(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		switch err := dec.Decode(new(yaml.Node)); {
		case err == io.EOF:
			return true
		case err != nil:
			return false
		}
	}
}

// yamlLoadError parses data with yaml/v4 for the positions of its first
// error; nil when it finds none. Duplicate keys are left to walkStruct,
// as with yaml.v3, and every document is read, as the CUE decoder does.
func yamlLoadError(data []byte) *yaml4.LoadError {
	le, _ := yamlLoad(data)
	return le
}

// yamlLoad parses data with yaml/v4 and returns its first error and its
// documents.
func yamlLoad(data []byte) (*yaml4.LoadError, []*yaml4.Node) {
	l, err := yaml4.NewLoader(bytes.NewReader(data), yaml4.WithUniqueKeys(false))
	var docs []*yaml4.Node
	for err == nil {
		doc := new(yaml4.Node)
		if err = l.Load(doc); err == nil {
			docs = append(docs, doc)
		}
	}
	var le *yaml4.LoadError
	if errors.As(err, &le) {
		return le, docs
	}
	return nil, docs
}

// yamlSource is a YAML file read line by line.
type yamlSource struct {
	lines []string
	// crlf remembers the line ends to write them back alike.
	crlf bool
	// indents counts the lines of text by indentation, and alike by
	// indentation and signature.
	indents map[int]int
	alike   map[string]int
	// steps counts the lines by how much deeper they are indented than
	// the line they are under.
	steps map[int]int
	// from and to bound the lines each try parses; parsed counts the
	// bytes parsed by the tries.
	from, to int
	parsed   int
}

func newYAMLSource(data []byte) *yamlSource {
	s := &yamlSource{lines: strings.Split(string(data), "\n")}
	for i, l := range s.lines {
		if t, ok := strings.CutSuffix(l, "\r"); ok {
			s.lines[i], s.crlf = t, true
		}
	}
	return s
}

// byteCol turns a column counted in characters, as libyaml counts, into
// one counted in bytes, as every position of castor is.
func (s *yamlSource) byteCol(line, col int) int {
	text := s.lines[line-1]
	b := 0
	for i := 1; i < col && b < len(text); i++ {
		_, size := utf8.DecodeRuneInString(text[b:])
		b += size
	}
	return b + 1
}

// repairLines bounds how many lines where a key or item begins, above
// the parser's mark, are tried; repairAfter how many lines past the mark
// each try reads; repairMaxSize the files in which a mistake is looked
// for at all, and repairBudget the bytes all the tries of a file parse
// together (each try parses the file again from a top-level key; records
// are 2 to 20 KB, tried 20 to 100 times). Nearest the mark are tried
// first: a file too large for all its tries gets the nearest.
const (
	repairLines   = 8
	repairAfter   = 30
	repairMaxSize = 256 << 10
	repairBudget  = 2 << 20
)

// An edit is a change to one line that may mend the file.
type edit struct {
	line int
	text string
	// col is where the mistake is on the line, in bytes, 1-based.
	col int
	msg string
	// indent marks an edit that indents the line anew, and common says
	// how much more usual in the file the indentation it gives is than
	// the one the line had (see yamlSource.common): between two of them
	// that mend the file alike, the line indented unlike the rest of the
	// file is the one to mend.
	indent bool
	common [4]int
}

// explain returns where the mistake is (line and byte column) and what to
// do about it.
func (s *yamlSource) explain(le *yaml4.LoadError) (line, col int, msg string, fix *edit) {
	mark := le.Mark.Line
	line, col, msg = mark, s.byteCol(mark, le.Mark.Column), le.Message
	if tab := strings.IndexByte(s.lines[mark-1], '\t'); tab >= 0 && strings.Contains(le.Message, "tab") {
		return mark, tab + 1, tabHint, nil
	}
	if s.size() > repairMaxSize {
		return line, col, msg, nil
	}
	s.indents, s.alike, s.steps = map[int]int{}, map[string]int{}, map[int]int{}
	for i, l := range s.lines {
		if body := strings.TrimLeft(l, " "); body != "" && body[0] != '#' {
			n := len(l) - len(body)
			s.indents[n]++
			if sig := signature(body); sig != "" {
				s.alike[fmt.Sprint(n, sig)]++
			}
			if parent := s.parentIndent(i+1, n); parent >= 0 {
				s.steps[n-parent]++
			}
		}
	}
	lines := s.candidates(mark, le.ContextMark.Line, le.ContextMsg)
	s.window(lines[len(lines)-1], mark)
	var best edit
	bestReach := mark
	for _, l := range lines {
		if s.parsed > repairBudget {
			break
		}
		for _, e := range s.edits(l, le) {
			r := s.reach(e)
			better := r > bestReach || r == bestReach && best.indent && e.indent && slices.Compare(e.common[:], best.common[:]) > 0
			if better && s.keepsRole(e, r) {
				best, bestReach = e, r
			}
		}
	}
	if best.msg == "" {
		return line, col, msg, nil
	}
	return best.line, best.col, best.msg, &best
}

// edited returns the whole file with e made.
func (s *yamlSource) edited(e edit) []byte {
	old := s.lines[e.line-1]
	s.lines[e.line-1] = e.text
	defer func() { s.lines[e.line-1] = old }()
	sep := "\n"
	if s.crlf {
		sep = "\r\n"
	}
	return []byte(strings.Join(s.lines, sep))
}

const tabHint = "a tab in the indentation: YAML allows no tab for indentation, use spaces"

func (s *yamlSource) size() int {
	n := 0
	for _, l := range s.lines {
		n += len(l) + 1
	}
	return n
}

// candidates lists the lines a mistake may be on, nearest the mark first:
// the mark's line and the three lines of text above it; going up from
// it, each line indented less than all those below it (the blocks the
// mark is in, as written) with the line after it (whose indentation
// sets the block's); the last lines that look like a key or a list item;
// the line where the construct the parser was reading began (ctx); and
// the nearest line above them all that opens a quote or a bracket it
// does not close.
func (s *yamlSource) candidates(mark, ctx int, ctxMsg string) []int {
	seen := map[int]bool{}
	var out []int
	add := func(l int) {
		if l >= 1 && l <= mark && !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	if !strings.HasPrefix(ctxMsg, "while parsing a block") {
		add(ctx) // a quote, a bracket, a key: where it began
	}
	near, starts := 0, 0
	least := s.indentOf(mark) + 1
	for l := mark; l >= 1; l-- {
		n := s.indentOf(l)
		if n < 0 {
			continue // blank or a comment
		}
		if near < 4 {
			add(l)
			near++
		}
		if n < least {
			least = n
			add(l)
			for next := l + 1; next <= mark; next++ {
				if s.indentOf(next) >= 0 {
					add(next)
					break
				}
			}
		}
		if starts < repairLines && startLike.MatchString(s.lines[l-1]) {
			add(l)
			starts++
		}
	}
	slices.SortFunc(out, func(a, b int) int { return b - a })
	for l := out[len(out)-1] - 1; l >= 1; l-- {
		body := strings.TrimLeft(s.lines[l-1], " ")
		if openQuote(body, '"') >= 0 || openQuote(body, '\'') >= 0 || openBracket(body, '[', ']') >= 0 || openBracket(body, '{', '}') >= 0 {
			add(l)
			break
		}
	}
	return out
}

// indentOf is the indentation of line l, or -1 for a blank line or a
// comment. A tab counts as a space.
func (s *yamlSource) indentOf(l int) int {
	text := s.lines[l-1]
	body := strings.TrimLeft(text, " \t")
	if body == "" || body[0] == '#' {
		return -1
	}
	return len(text) - len(body)
}

// window bounds the lines each try parses: from a key of the top-level
// map above the first line tried (YAML read from there reads the same)
// to a few lines past the mark.
func (s *yamlSource) window(first, mark int) {
	s.from, s.to = 1, min(len(s.lines), mark+repairAfter)
	for l := first - 1; l >= 1; l-- {
		if text := s.lines[l-1]; text != "" && strings.IndexByte(" \t#-.", text[0]) < 0 && !strings.HasPrefix(text, "---") {
			s.from = l
			break
		}
	}
}

// appendStarts appends the lines where the keys and block list items of
// the tree n begin.
func appendStarts(starts []int, n *yaml4.Node) []int {
	switch n.Kind {
	case yaml4.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			starts = append(starts, n.Content[i].Line)
		}
	case yaml4.SequenceNode:
		for _, c := range n.Content {
			starts = append(starts, c.Line)
		}
	}
	for _, c := range n.Content {
		starts = appendStarts(starts, c)
	}
	return starts
}

// try parses the window with e made, up to line end (included).
func (s *yamlSource) try(e edit, end int) (*yaml4.LoadError, []*yaml4.Node) {
	old := s.lines[e.line-1]
	s.lines[e.line-1] = e.text
	text := []byte(strings.Join(s.lines[s.from-1:end], "\n"))
	s.parsed += len(text)
	le, docs := yamlLoad(text)
	s.lines[e.line-1] = old
	return le, docs
}

// reach parses the window with e made and returns the line of its first
// error, or MaxInt when there is none. A key written twice counts as an
// error (walkStruct refuses it) where the edit made one.
func (s *yamlSource) reach(e edit) int {
	le, docs := s.try(e, s.to)
	if le != nil {
		return s.from - 1 + le.Mark.Line
	}
	r := math.MaxInt
	if key := keyLike.FindString(e.text); key != "" {
		// A key of the top-level map written again: its first may be
		// above the window.
		for _, l := range s.lines[:s.from-1] {
			if strings.HasPrefix(l, key) || l == strings.TrimSuffix(key, " ") {
				return e.line
			}
		}
	}
	for _, d := range docs {
		if dup := firstDuplicate(d, e.line-s.from+1); dup < math.MaxInt {
			r = min(r, s.from-1+dup)
		}
	}
	return r
}

// keepsRole reports whether a line that the edit indents anew is still
// a key or a list item when it is read up to reach, as it looked: a line
// swallowed into the text above it mends nothing.
func (s *yamlSource) keepsRole(e edit, reach int) bool {
	if !e.indent {
		return true
	}
	body := strings.TrimLeft(e.text, " ")
	if !strings.HasPrefix(body, "- ") && !keyLike.MatchString(body) {
		return true
	}
	end := min(reach-1, s.to)
	le, docs := s.try(e, end)
	if le != nil {
		return false
	}
	for _, d := range docs {
		if slices.Contains(appendStarts(nil, d), e.line-s.from+1) {
			return true
		}
	}
	return false
}

// firstDuplicate returns the line of the first key of n, at or below
// line since, written a second time in its map, or MaxInt.
func firstDuplicate(n *yaml4.Node, since int) int {
	first := math.MaxInt
	if n.Kind == yaml4.MappingNode {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if seen[k.Value] && k.Line >= since {
				first = min(first, k.Line)
			}
			seen[k.Value] = true
		}
	}
	for _, c := range n.Content {
		first = min(first, firstDuplicate(c, since))
	}
	return first
}

var (
	// plainKey is a key as records write them, and noSpace one whose
	// colon has no space after it.
	keyValue = regexp.MustCompile(`^((?:- +)*)([A-Za-z_][A-Za-z0-9_-]*):( +)(.*)$`)
	noSpace  = regexp.MustCompile(`^((?:- +)*)([A-Za-z_][A-Za-z0-9_-]*):([^ ].*)$`)
	keyLike  = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_-]*:( |$)`)
	// startLike is a line that looks like a key or a list item.
	startLike = regexp.MustCompile(`^[ \t]*(- |-$|[A-Za-z_][A-Za-z0-9_-]*:( |$))`)
)

// edits lists the edits that may mend line l.
func (s *yamlSource) edits(l int, le *yaml4.LoadError) []edit {
	text := s.lines[l-1]
	body := strings.TrimLeft(text, " \t")
	if body == "" || strings.HasPrefix(body, "#") {
		return nil
	}
	lead := text[:len(text)-len(body)]
	var out []edit
	// Indented like a line near it.
	for _, n := range s.nearIndents(l) {
		if n == len(lead) && !strings.Contains(lead, "\t") {
			continue
		}
		e := edit{line: l, text: strings.Repeat(" ", n) + body, col: len(lead) + 1, indent: true, common: s.common(l, body, len(lead), n)}
		if tab := strings.IndexByte(lead, '\t'); tab >= 0 {
			e.col = tab + 1
			e.msg = tabHint
		} else {
			e.msg = s.indentHint(l, n, body)
		}
		out = append(out, e)
	}
	if m := noSpace.FindStringSubmatch(body); m != nil {
		colon := len(lead) + len(m[1]) + len(m[2])
		out = append(out, edit{line: l, text: text[:colon+1] + " " + text[colon+1:], col: colon + 1,
			msg: fmt.Sprintf("no space after the colon: write %q", m[2]+": "+m[3])})
	}
	if m := keyValue.FindStringSubmatch(body); m != nil && m[4] != "" && !strings.ContainsAny(m[4][:1], `"'[{|>#`) {
		start := len(lead) + len(m[1]) + len(m[2]) + 1 + len(m[3])
		value := m[4]
		out = append(out, edit{line: l, text: text[:start] + yamlQuote(value), col: s.quoteCol(l, start, le),
			msg: fmt.Sprintf("quote the text: %s %s must be in quotes", article(m[2]), why(value))})
	}
	for _, q := range []string{`"`, `'`} {
		if at := openQuote(body, q[0]); at >= 0 {
			e := edit{line: l, text: text + q, col: len(lead) + at + 1,
				msg: fmt.Sprintf("the text quoted here is never closed: end it with %s", q)}
			out = append(out, e)
			// Or before the brackets that close the line.
			if end := len(strings.TrimRight(text, "]}, ")); end < len(text) {
				e.text = text[:end] + q + text[end:]
				out = append(out, e)
			}
		}
	}
	for _, b := range []struct {
		open, close byte
		what        string
	}{{'[', ']', "list"}, {'{', '}', "map"}} {
		if at := openBracket(body, b.open, b.close); at >= 0 {
			out = append(out, edit{line: l, text: text + string(b.close), col: len(lead) + at + 1,
				msg: fmt.Sprintf("the %s opened here has no closing %q", b.what, b.close)})
		}
	}
	return out
}

// nearIndents are the indentations a line at l may be meant to have: of
// up to three lines of text above it and three below, nearest first, of
// a list item's content ("- key" is a key at the indentation plus two),
// and the file's most usual ones.
func (s *yamlSource) nearIndents(l int) []int {
	var out []int
	add := func(n int) {
		for _, m := range out {
			if m == n {
				return
			}
		}
		out = append(out, n)
	}
	for _, step := range []int{-1, 1} {
		seen := 0
		for i := l + step; i >= 1 && i <= len(s.lines) && seen < 3; i += step {
			text := s.lines[i-1]
			body := strings.TrimLeft(text, " ")
			if body == "" || strings.HasPrefix(body, "#") || strings.HasPrefix(body, "\t") {
				continue
			}
			seen++
			n := len(text) - len(body)
			add(n)
			for strings.HasPrefix(body, "- ") {
				trimmed := strings.TrimLeft(body[1:], " ")
				n += len(body) - len(trimmed)
				body = trimmed
				add(n)
			}
		}
	}
	// And the file's four most usual indentations.
	usual := make([]int, 0, len(s.indents))
	for n := range s.indents {
		usual = append(usual, n)
	}
	slices.SortFunc(usual, func(a, b int) int { return cmp.Or(s.indents[b]-s.indents[a], a-b) })
	for _, n := range usual[:min(4, len(usual))] {
		add(n)
	}
	return out
}

// common says how much more usual in the file indenting the line at l by
// n spaces is than by old: first among the lines that begin alike (the
// same key, a list item holding the same key), then whether the line
// stays in the block of the line above it, then in the steps from a line
// to the one it is under (2 in most files), then among all lines.
func (s *yamlSource) common(l int, body string, old, n int) [4]int {
	var c [4]int
	if sig := signature(body); sig != "" {
		// The line itself is not counted where it is.
		c[0] = s.alike[fmt.Sprint(n, sig)] - s.alike[fmt.Sprint(old, sig)] + 1
	}
	// A key or item indented deeper than the key or item above it was
	// meant to be under it: indented less, it would leave that block.
	if above := s.startAbove(l); above >= 0 && signature(body) != "" && old > above && n >= above {
		c[1] = 1
	}
	if p, q := s.parentIndent(l, n), s.parentIndent(l, old); p >= 0 && q >= 0 {
		c[2] = s.steps[n-p] - s.steps[old-q]
	}
	c[3] = s.indents[n] - s.indents[old]
	return c
}

// startAbove is the indentation of the nearest line of text above l when
// it is a key or a list item (not the text of a block scalar), or -1.
func (s *yamlSource) startAbove(l int) int {
	for i := l - 1; i >= 1; i-- {
		if m := s.indentOf(i); m >= 0 {
			if !startLike.MatchString(s.lines[i-1]) {
				return -1
			}
			return m
		}
	}
	return -1
}

// parentIndent is the indentation of the nearest line above l indented
// less than n, or -1.
func (s *yamlSource) parentIndent(l, n int) int {
	for i := l - 1; i >= 1; i-- {
		if m := s.indentOf(i); m >= 0 && m < n {
			return m
		}
	}
	return -1
}

// signature is how a line begins, for lines meant to line up: its key,
// "-" and the key of a list item, "-{" for a list item that is a flow
// map (and so on), "-" for another list item; "" for text.
func signature(body string) string {
	item := ""
	for strings.HasPrefix(body, "- ") || body == "-" {
		item += "-"
		body = strings.TrimLeft(body[1:], " ")
	}
	if m := keyLike.FindString(body); m != "" {
		return item + " " + strings.TrimRight(m, ": ")
	}
	if item != "" && body != "" && strings.IndexByte(`{["'`, body[0]) >= 0 {
		return item + body[:1] // a list of flow maps, of quoted texts
	}
	return item
}

// indentHint says which lines the line at l, indented by n spaces, then
// lines up with.
func (s *yamlSource) indentHint(l, n int, body string) string {
	this := "this line"
	if strings.HasPrefix(body, "-") {
		this = "this item"
	}
	for _, step := range []int{-1, 1} {
		for i := l + step; i >= 1 && i <= len(s.lines); i += step {
			text := s.lines[i-1]
			if len(text) <= n || strings.TrimSpace(text[:n]) != "" && strings.Trim(text[:n], " -") != "" {
				continue
			}
			at := text[n:]
			if at == "" || at[0] == ' ' || at[0] == '#' || at[0] == '\t' {
				continue
			}
			what := "the text"
			switch {
			case strings.HasPrefix(at, "- ") || at == "-":
				what = "the items"
			case keyValue.MatchString(at) || strings.HasSuffix(strings.TrimSpace(at), ":"):
				what = "the keys"
			}
			where := "above"
			if step > 0 {
				where = "below"
			}
			return fmt.Sprintf("bad indentation: indent %s like %s %s it (column %d)", this, what, where, n+1)
		}
	}
	return fmt.Sprintf("bad indentation: indent %s by %d spaces", this, n)
}

// quoteCol is where a text that needs quotes goes wrong: the colon the
// parser stopped at, the first ": " or the start of the text.
func (s *yamlSource) quoteCol(l, start int, le *yaml4.LoadError) int {
	if le.Mark.Line == l {
		if c := s.byteCol(l, le.Mark.Column); c > start {
			return c
		}
	}
	if i := strings.Index(s.lines[l-1][start:], ": "); i >= 0 {
		return start + i + 1
	}
	return start + 1
}

// yamlQuote writes text as a YAML double-quoted scalar.
func yamlQuote(text string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(text) + `"`
}

func article(key string) string {
	if strings.ContainsRune("aeiou", rune(key[0])) {
		return "an " + key
	}
	return "a " + key
}

// why says what in an unquoted text makes YAML read it otherwise.
func why(text string) string {
	switch {
	case strings.Contains(text, ": "):
		return `containing ": "`
	case strings.Contains(text, " #"):
		return `containing " #"`
	case strings.ContainsAny(text[:1], "@`*&!%|>?-,"):
		return fmt.Sprintf("starting with %q", text[:1])
	}
	return "like this one"
}

// startsScalar reports whether a quote or bracket at body[i] begins a
// value: at the start, or after a space, a bracket or a comma.
func startsScalar(body string, i int) bool {
	return i == 0 || strings.IndexByte(" [{,", body[i-1]) >= 0
}

// openQuote returns where a quoted text that the line does not close
// begins, or -1.
func openQuote(body string, q byte) int {
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '#' && i > 0 && body[i-1] == ' ' {
			return -1 // a comment
		}
		if c != '"' && c != '\'' || !startsScalar(body, i) {
			continue
		}
		end := closeQuote(body, i)
		if end < 0 {
			if c == q {
				return i
			}
			return -1
		}
		i = end
	}
	return -1
}

// closeQuote returns the index of the quote closing the one at body[i],
// or -1.
func closeQuote(body string, i int) int {
	q := body[i]
	for j := i + 1; j < len(body); j++ {
		switch {
		case q == '"' && body[j] == '\\':
			j++
		case body[j] == q && q == '\'' && j+1 < len(body) && body[j+1] == '\'':
			j++
		case body[j] == q:
			return j
		}
	}
	return -1
}

// openBracket returns where a flow list or map that the line does not
// close begins, or -1.
func openBracket(body string, open, close byte) int {
	var stack []int
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '#' && i > 0 && body[i-1] == ' ':
			i = len(body)
		case (c == '"' || c == '\'') && startsScalar(body, i):
			end := closeQuote(body, i)
			if end < 0 {
				i = len(body)
			} else {
				i = end
			}
		case c == open && startsScalar(body, i):
			stack = append(stack, i)
		case c == close && len(stack) > 0:
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) == 0 {
		return -1
	}
	return stack[0]
}
