package schema

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/castor-incidents/castor/internal/nodetool"
)

// TestYAMLLanguageServer opens records in the YAML language server that
// VS Code, JetBrains and Neovim run (redhat's yaml-language-server, over
// LSP, as an editor does), with the editor line castor writes pointing at
// the exported schema: the server must flag a shape mistake at its line
// and complete the record's fields.
func TestYAMLLanguageServer(t *testing.T) {
	bin := nodetool.New(t, "yaml-language-server").Bin("yaml-language-server")
	dir := t.TempDir()
	sch, err := JSONSchema("record")
	if err != nil {
		t.Fatal(err)
	}
	schemaFile := filepath.Join(dir, "record.schema.json")
	if err := os.WriteFile(schemaFile, sch, 0o644); err != nil {
		t.Fatal(err)
	}
	// The line castor writes, with the published URL swapped for the
	// local copy (the test has no network).
	line := EditorSchemaComment(DefIncident)
	line = line[:strings.Index(line, "$schema=")+len("$schema=")] + (&url.URL{Scheme: "file", Path: schemaFile}).String()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ls := startLSP(ctx, t, bin)
	ls.call(t, "initialize", map[string]any{
		"processId": os.Getpid(), "rootUri": (&url.URL{Scheme: "file", Path: dir}).String(),
		"capabilities": map[string]any{"textDocument": map[string]any{
			"completion":         map[string]any{"completionItem": map[string]any{"snippetSupport": false}},
			"publishDiagnostics": map[string]any{},
		}},
	})
	ls.notify(t, "initialized", map[string]any{})
	ls.notify(t, "workspace/didChangeConfiguration", map[string]any{"settings": lspSettings})

	doc := line + `
id: 2021-03-10-mail-server-down
title: Mail server down
severity: SEV9
status: resolved
visibility: public
started_at: 2021-03-10T01:50:00+01:00
resolved_at: 2021-03-10T12:15:00+01:00
comander: octocat
tags: [hébergement, ネットワーク]
`
	uri := (&url.URL{Scheme: "file", Path: filepath.Join(dir, "records", "2021", "2021-03-10-mail-server-down.yaml")}).String()
	ls.notify(t, "textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": uri, "languageId": "yaml", "version": 1, "text": doc}})
	diags := ls.diagnostics(t, uri)
	lines := map[int]string{}
	for _, d := range diags {
		lines[d.Range.Start.Line+1] += d.Message + " "
	}
	// Lines of doc, counting the editor line as 1.
	if m := lines[4]; !strings.Contains(m, "SEV1") {
		t.Errorf("severity SEV9 on line 4 not flagged with the allowed values: %v", diags)
	}
	if m := lines[9]; !strings.Contains(m, "comander") && !strings.Contains(strings.ToLower(m), "not allowed") {
		t.Errorf("unknown field comander on line 9 not flagged: %v", diags)
	}
	for l := range lines {
		if l != 4 && l != 9 {
			t.Errorf("unexpected diagnostic on line %d: %s", l, lines[l])
		}
	}

	// Completion on an empty line at the top level offers the fields a
	// record may still take.
	doc2 := line + "\nid: 2021-03-10-mail-server-down\n\n"
	ls.notify(t, "textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": uri, "version": 2},
		"contentChanges": []any{map[string]any{"text": doc2}},
	})
	var comp struct {
		Items []struct {
			Label string `json:"label"`
		} `json:"items"`
	}
	ls.callInto(t, "textDocument/completion", map[string]any{
		"textDocument": map[string]any{"uri": uri},
		"position":     map[string]any{"line": 2, "character": 0},
	}, &comp)
	var labels []string
	for _, it := range comp.Items {
		labels = append(labels, it.Label)
	}
	for _, want := range []string{"title", "severity", "started_at", "action_items", "postmortem"} {
		if !slices.Contains(labels, want) {
			t.Errorf("completion lacks %q: %v", want, labels)
		}
	}
	t.Logf("diagnostics: %v; completions: %v", lines, labels)
	ls.call(t, "shutdown", nil)
	ls.notify(t, "exit", nil)
}

var lspSettings = map[string]any{"yaml": map[string]any{
	"validate": true, "completion": true, "hover": true,
	"schemaStore": map[string]any{"enable": false},
}}

// lsp is a minimal Language Server Protocol client over stdio: enough to
// open a document, read its diagnostics and ask for completions.
type lsp struct {
	in     io.WriteCloser
	out    *bufio.Reader
	nextID int
	diags  map[string][]lspDiagnostic
}

type lspDiagnostic struct {
	Range struct {
		Start struct{ Line, Character int } `json:"start"`
	} `json:"range"`
	Message string `json:"message"`
}

func startLSP(ctx context.Context, t *testing.T, bin string) *lsp {
	t.Helper()
	cmd := exec.CommandContext(ctx, bin, "--stdio")
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = in.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	return &lsp{in: in, out: bufio.NewReader(out), diags: map[string][]lspDiagnostic{}}
}

func (l *lsp) send(t *testing.T, msg map[string]any) {
	t.Helper()
	msg["jsonrpc"] = "2.0"
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fmt.Fprintf(l.in, "Content-Length: %d\r\n\r\n%s", len(b), b); err != nil {
		t.Fatal(err)
	}
}

func (l *lsp) notify(t *testing.T, method string, params any) {
	t.Helper()
	l.send(t, map[string]any{"method": method, "params": params})
}

func (l *lsp) call(t *testing.T, method string, params any) {
	t.Helper()
	l.callInto(t, method, params, nil)
}

// callInto sends a request and reads messages until its answer, answering
// the server's own requests and keeping the diagnostics it publishes.
func (l *lsp) callInto(t *testing.T, method string, params, result any) {
	t.Helper()
	l.nextID++
	id := l.nextID
	l.send(t, map[string]any{"id": id, "method": method, "params": params})
	for {
		m := l.read(t)
		if m.Method == "" && m.ID != nil && string(*m.ID) == strconv.Itoa(id) {
			if m.Error != nil {
				t.Fatalf("%s: %s", method, m.Error)
			}
			if result != nil {
				if err := json.Unmarshal(m.Result, result); err != nil {
					t.Fatalf("%s: %v: %s", method, err, m.Result)
				}
			}
			return
		}
	}
}

// diagnostics waits for the diagnostics of uri.
func (l *lsp) diagnostics(t *testing.T, uri string) []lspDiagnostic {
	t.Helper()
	for {
		if d, ok := l.diags[uri]; ok {
			return d
		}
		l.read(t)
	}
}

type lspMessage struct {
	ID     *json.RawMessage `json:"id"`
	Method string           `json:"method"`
	Params json.RawMessage  `json:"params"`
	Result json.RawMessage  `json:"result"`
	Error  json.RawMessage  `json:"error"`
}

func (l *lsp) read(t *testing.T) lspMessage {
	t.Helper()
	n := 0
	for {
		h, err := l.out.ReadString('\n')
		if err != nil {
			t.Fatalf("read from the language server: %v", err)
		}
		h = strings.TrimSpace(h)
		if h == "" {
			break
		}
		if v, ok := strings.CutPrefix(h, "Content-Length: "); ok {
			n, _ = strconv.Atoi(v)
		}
	}
	b := make([]byte, n)
	if _, err := io.ReadFull(l.out, b); err != nil {
		t.Fatal(err)
	}
	var m lspMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%v: %s", err, b)
	}
	switch {
	case m.Method == "textDocument/publishDiagnostics":
		var p struct {
			URI         string          `json:"uri"`
			Diagnostics []lspDiagnostic `json:"diagnostics"`
		}
		if err := json.Unmarshal(m.Params, &p); err != nil {
			t.Fatal(err)
		}
		l.diags[p.URI] = p.Diagnostics
	case m.Method != "" && m.ID != nil:
		// A request from the server: its settings, or registrations.
		var result any
		if m.Method == "workspace/configuration" {
			var p struct {
				Items []struct {
					Section string `json:"section"`
				} `json:"items"`
			}
			_ = json.Unmarshal(m.Params, &p)
			var rs []any
			for _, it := range p.Items {
				if v, ok := lspSettings[it.Section]; ok {
					rs = append(rs, v)
				} else {
					rs = append(rs, nil)
				}
			}
			result = rs
		}
		l.send(t, map[string]any{"id": m.ID, "result": result})
	}
	return m
}
