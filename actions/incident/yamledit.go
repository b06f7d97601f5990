package incident

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
)

// In-place edits of a YAML record. A record is reviewed like code: an
// update must show in the pull request as the lines it adds, not as a
// re-formatted file with lost comments. So castor never re-marshals a
// record. It finds where values sit with the YAML parser's positions and
// splices new text into the original bytes; everything outside the
// spliced ranges stays byte for byte. After the splices, the new document
// is parsed again and must decode to exactly the old data plus the
// intended change — any layout the position logic does not understand
// makes the edit fail, never write something else.

// recordKeyOrder is the order of the record format, used to place a key
// that the file does not have yet.
var recordKeyOrder = []string{"id", "title", "severity", "status", "visibility", "lang", "started_at", "detected_at",
	"acknowledged_at", "resolved_at", "components", "commander", "summary", "impact", "updates", "timeline",
	"postmortem", "action_items", "links", "tags"}

type splice struct {
	start, end int
	text       string
}

// yamlDoc is a record file open for in-place edits.
type yamlDoc struct {
	src    []byte
	nl     string // the file's line ending
	starts []int  // byte offset of each line; line n (1-based) starts at starts[n-1]
	root   *yaml.Node
	want   map[string]any // what the file must hold after the edits
	edits  []splice
}

// errLayout is returned when the file is written in a way castor does
// not edit in place.
var errLayout = errors.New("cannot edit in place")

func openYAML(src []byte) (*yamlDoc, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(src, &n); err != nil {
		return nil, err
	}
	if n.Kind != yaml.DocumentNode || len(n.Content) != 1 || n.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%w: the file is not a single YAML mapping", errLayout)
	}
	d := &yamlDoc{src: src, nl: "\n", root: n.Content[0], starts: []int{0}}
	if bytes.Count(src, []byte("\r\n")) > bytes.Count(src, []byte("\n"))/2 {
		d.nl = "\r\n"
	}
	for i, b := range src {
		if b == '\n' {
			d.starts = append(d.starts, i+1)
		}
	}
	var data map[string]any
	if err := d.root.Decode(&data); err != nil {
		return nil, err
	}
	d.want = normalizeYAML(data).(map[string]any)
	return d, nil
}

// normalizeYAML makes decoded YAML comparable: times as RFC 3339 text,
// a deep copy of maps and lists.
func normalizeYAML(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = normalizeYAML(x)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = normalizeYAML(x)
		}
		return out
	case time.Time:
		return v.Format(time.RFC3339Nano)
	}
	return v
}

func (d *yamlDoc) lines() int { return len(d.starts) }

// line returns line n (1-based) without its line ending.
func (d *yamlDoc) line(n int) string {
	if n < 1 || n > len(d.starts) {
		return ""
	}
	end := len(d.src)
	if n < len(d.starts) {
		end = d.starts[n]
	}
	return strings.TrimRight(string(d.src[d.starts[n-1]:end]), "\r\n")
}

// offset turns a parser position (1-based line, column in characters)
// into a byte offset.
func (d *yamlDoc) offset(line, col int) int {
	off := d.starts[line-1]
	for i := 1; i < col && off < len(d.src); i++ {
		_, size := utf8.DecodeRune(d.src[off:])
		off += size
	}
	return off
}

func indentOf(s string) int { return len(s) - len(strings.TrimLeft(s, " ")) }

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

func isComment(s string) bool { return strings.HasPrefix(strings.TrimSpace(s), "#") }

// top returns the key and value nodes of a top-level key, and its index
// among the keys.
func (d *yamlDoc) top(key string) (k, v *yaml.Node, i int) {
	for i := 0; i+1 < len(d.root.Content); i += 2 {
		if d.root.Content[i].Value == key {
			return d.root.Content[i], d.root.Content[i+1], i / 2
		}
	}
	return nil, nil, -1
}

// entryEnd returns the last line (1-based) of the i-th top-level entry's
// content: its key, its value and the value's continuation lines, without
// the blank lines and comments that follow (they lead the next entry).
func (d *yamlDoc) entryEnd(i int) int {
	k, v := d.root.Content[2*i], d.root.Content[2*i+1]
	next := d.lines() + 1
	if 2*i+2 < len(d.root.Content) {
		next = d.root.Content[2*i+2].Line
	}
	// The last node in document order, and the column of the key that
	// owns it (block scalar content must be indented past that key).
	last, owner := v, k
	var walk func(n, key *yaml.Node)
	walk = func(n, key *yaml.Node) {
		if n.Line > last.Line || n.Line == last.Line && n.Column > last.Column {
			last, owner = n, key
		}
		for j, c := range n.Content {
			if n.Kind == yaml.MappingNode && j%2 == 1 {
				walk(c, n.Content[j-1])
			} else {
				walk(c, key)
			}
		}
	}
	walk(v, k)
	if k.Line > last.Line {
		last = k
	}
	block := last.Kind == yaml.ScalarNode && (last.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0)
	end := last.Line
	for l := last.Line + 1; l < next; l++ {
		s := d.line(l)
		switch {
		case isBlank(s):
			// Maybe inside a multi-line value; decided by what follows.
		case block && indentOf(s) >= owner.Column:
			end = l // block scalar content, even when it looks like a comment
		case isComment(s):
			return end
		case indentOf(s) > 0:
			end = l // continuation of a multi-line plain, quoted or flow value
		default:
			return end
		}
	}
	return end
}

// afterLine is the offset just past line n's line ending; needNL is true
// when the file ends on line n without one (text inserted there needs a
// line break first).
func (d *yamlDoc) afterLine(n int) (off int, needNL bool) {
	if n < len(d.starts) {
		return d.starts[n], false
	}
	return len(d.src), len(d.src) > 0 && d.src[len(d.src)-1] != '\n'
}

// insertAfterLine adds lines of text (each ending in "\n") after line n.
func (d *yamlDoc) insertAfterLine(n int, text string) {
	off, needNL := d.afterLine(n)
	text = strings.ReplaceAll(text, "\n", d.nl)
	if needNL {
		text = d.nl + strings.TrimSuffix(text, d.nl)
	}
	d.edits = append(d.edits, splice{off, off, text})
}

// scalarExtent returns the byte range of a single-line scalar as written.
func (d *yamlDoc) scalarExtent(n *yaml.Node) (start, end int, err error) {
	if n.Kind != yaml.ScalarNode || n.Tag != "" && n.Style&yaml.TaggedStyle != 0 || n.Anchor != "" {
		return 0, 0, fmt.Errorf("%w: line %d holds a value castor does not edit (not a plain scalar)", errLayout, n.Line)
	}
	start = d.offset(n.Line, n.Column)
	lineEnd := d.starts[n.Line-1] + len(d.line(n.Line))
	rest := string(d.src[start:lineEnd])
	switch {
	case n.Style&yaml.DoubleQuotedStyle != 0:
		for i := 1; i < len(rest); i++ {
			if rest[i] == '\\' {
				i++
			} else if rest[i] == '"' {
				return start, start + i + 1, nil
			}
		}
	case n.Style&yaml.SingleQuotedStyle != 0:
		for i := 1; i < len(rest); i++ {
			if rest[i] == '\'' {
				if i+1 < len(rest) && rest[i+1] == '\'' {
					i++
					continue
				}
				return start, start + i + 1, nil
			}
		}
	case n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
	default:
		if i := strings.Index(rest, " #"); i >= 0 {
			rest = rest[:i]
		}
		rest = strings.TrimRight(rest, " \t")
		if rest == n.Value {
			return start, start + len(rest), nil
		}
	}
	return 0, 0, fmt.Errorf("%w: the value on line %d spans several lines", errLayout, n.Line)
}

// set gives a top-level key a single-line value (YAML text): in place
// when the key exists, else as a new line in the record format's order.
func (d *yamlDoc) set(key, yamlText string, value any) error {
	d.want[key] = value
	k, v, _ := d.top(key)
	if k == nil {
		d.insertKey(key, key+": "+yamlText+"\n")
		return nil
	}
	start, end, err := d.scalarExtent(v)
	if err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	d.edits = append(d.edits, splice{start, end, yamlText})
	return nil
}

// insertKey places a new top-level entry after the last existing key
// that comes before it in the record format, or first.
func (d *yamlDoc) insertKey(key, text string) {
	rank := slices.Index(recordKeyOrder, key)
	after := -1
	for i := 0; 2*i < len(d.root.Content); i++ {
		if r := slices.Index(recordKeyOrder, d.root.Content[2*i].Value); r >= 0 && r < rank {
			after = i
		}
	}
	if after < 0 {
		// Before the first key, after the comments that head the file.
		d.insertAfterLine(d.root.Content[0].Line-1, text)
		return
	}
	end := d.entryEnd(after)
	// A template's one-line placeholder for the key ("# resolved_at: …")
	// among the comments that follow gives way to the value.
	next := d.lines() + 1
	if 2*after+2 < len(d.root.Content) {
		next = d.root.Content[2*after+2].Line
	}
	for l := end + 1; l < next && isComment(d.line(l)); l++ {
		if strings.HasPrefix(d.line(l), "# "+key+":") && !strings.HasPrefix(d.line(l+1), "#  ") {
			start := d.starts[l-1]
			stop, _ := d.afterLine(l)
			if stop == len(d.src) && !bytes.HasSuffix(d.src, []byte("\n")) {
				text = strings.TrimSuffix(text, "\n")
			}
			d.edits = append(d.edits, splice{start, stop, strings.ReplaceAll(text, "\n", d.nl)})
			return
		}
	}
	d.insertAfterLine(end, text)
}

// remove deletes a top-level entry whose value is on its key's line.
func (d *yamlDoc) remove(key string) error {
	k, v, i := d.top(key)
	if k == nil {
		return nil
	}
	delete(d.want, key)
	if end := d.entryEnd(i); end != k.Line || v.Line != k.Line {
		return fmt.Errorf("%s: %w: its value spans several lines", key, errLayout)
	}
	start := d.starts[k.Line-1]
	end, _ := d.afterLine(k.Line)
	d.edits = append(d.edits, splice{start, end, ""})
	return nil
}

// item is the text of a new list item, written for the indentation of
// the list it joins: dash is the column of "-", content the column of
// the item's keys (both 0-based).
type item func(dash, content int) string

// addItem adds an item to a top-level list, at index at (the end when
// at is the list's length), or creates the list.
func (d *yamlDoc) addItem(key string, at int, it item, value any) error {
	k, v, i := d.top(key)
	list, _ := d.want[key].([]any)
	if at > len(list) {
		at = len(list)
	}
	d.want[key] = slices.Insert(slices.Clone(list), at, value)
	if k == nil {
		d.insertKey(key, key+":\n"+it(2, 4))
		return nil
	}
	switch {
	case v.Kind == yaml.ScalarNode && v.Tag == "!!null":
		// "key:" or "key: ~": drop the null, put the list under the key.
		if v.Line == k.Line && v.Value != "" {
			start, end, err := d.scalarExtent(v)
			if err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			d.edits = append(d.edits, splice{start - 1, end, ""})
		}
		d.insertAfterLine(k.Line, it(2, 4))
		return nil
	case v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle != 0 && len(v.Content) == 0:
		start := d.offset(v.Line, v.Column)
		if v.Line != k.Line || !bytes.HasPrefix(d.src[start:], []byte("[]")) {
			return fmt.Errorf("%s: %w: an empty list written across lines", key, errLayout)
		}
		d.edits = append(d.edits, splice{start - 1, start + 2, ""})
		d.insertAfterLine(k.Line, it(2, 4))
		return nil
	case v.Kind != yaml.SequenceNode || v.Style&yaml.FlowStyle != 0:
		return fmt.Errorf("%s: %w: castor adds items to block lists (\"- \" lines) only", key, errLayout)
	}
	first := v.Content[0]
	dash := v.Column - 1
	content := first.Column - 1
	if first.Line != v.Line || content <= dash {
		content = dash + 2
	}
	text := it(dash, content)
	if at == len(v.Content) {
		d.insertAfterLine(d.entryEnd(i), text)
		return nil
	}
	// Before item at, and before the comments just above it: they are
	// about that item.
	line := v.Content[at].Line
	for line > 1 && isComment(d.line(line-1)) && indentOf(d.line(line-1)) == dash {
		line--
	}
	d.insertAfterLine(line-1, text)
	return nil
}

// addScalar adds a scalar to a top-level list of scalars, written
// as a one-line flow list ([a, b]) or a block list.
func (d *yamlDoc) addScalar(key, value string) error {
	k, v, _ := d.top(key)
	if k != nil && v.Kind == yaml.SequenceNode && v.Style&yaml.FlowStyle != 0 {
		list, _ := d.want[key].([]any)
		d.want[key] = append(slices.Clone(list), value)
		start := d.offset(v.Line, v.Column)
		lineEnd := d.starts[v.Line-1] + len(d.line(v.Line))
		closing := bytes.IndexByte(d.src[start:lineEnd], ']')
		if closing < 0 {
			return fmt.Errorf("%s: %w: a list written across lines", key, errLayout)
		}
		sep := ", "
		if len(v.Content) == 0 {
			sep = ""
		}
		d.edits = append(d.edits, splice{start + closing, start + closing, sep + quoteFlow(value)})
		return nil
	}
	if k == nil {
		d.want[key] = []any{value}
		d.insertKey(key, key+": ["+quoteFlow(value)+"]\n")
		return nil
	}
	return d.addItem(key, 1<<30, func(dash, _ int) string {
		return strings.Repeat(" ", dash) + "- " + quote(value) + "\n"
	}, value)
}

// apply splices the edits into the file and checks the result: it must
// parse, and hold exactly the old data plus the intended change.
func (d *yamlDoc) apply() ([]byte, error) {
	edits := slices.Clone(d.edits)
	sort.SliceStable(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var b bytes.Buffer
	last := 0
	for _, e := range edits {
		if e.start < last {
			return nil, fmt.Errorf("%w: overlapping edits", errLayout)
		}
		b.Write(d.src[last:e.start])
		b.WriteString(e.text)
		last = e.end
	}
	b.Write(d.src[last:])
	out := b.Bytes()
	var got any
	if err := yaml.Unmarshal(out, &got); err != nil {
		return nil, fmt.Errorf("%w: the edited file would not parse (%v)", errLayout, err)
	}
	if g := normalizeYAML(got); !reflect.DeepEqual(g, any(d.want)) {
		return nil, fmt.Errorf("%w: the edited file would not hold what was meant", errLayout)
	}
	return out, nil
}
