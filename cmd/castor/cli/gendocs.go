package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
)

// newGenDocsCmd writes the command reference, docs/cli/*.md, from the
// commands' own help: the help text is the one source, and a test fails
// when the files are stale. Hidden: it is for castor's developers.
func newGenDocsCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:         "gen-docs DIR",
		Short:       "Write the command reference as Markdown, one file a command, into DIR",
		Hidden:      true,
		Annotations: map[string]string{noRepo: "yes"},
		Args:        cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := CommandDocs(NewRootCmd(f))
			if err != nil {
				return err
			}
			dir := args[0]
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			old, _ := filepath.Glob(filepath.Join(dir, "*.md"))
			for _, p := range old {
				if _, ok := files[filepath.Base(p)]; !ok {
					if err := os.Remove(p); err != nil {
						return err
					}
				}
			}
			for name, b := range files {
				if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
					return err
				}
			}
			fmt.Fprintf(f.Stdout, "wrote %d files to %s\n", len(files), dir)
			return nil
		},
	}
}

// CommandDocs renders the reference of root and every visible command
// under it, by file name (castor_validate.md…).
func CommandDocs(root *cobra.Command) (map[string][]byte, error) {
	root.DisableAutoGenTag = true
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	files := map[string][]byte{}
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		if !c.IsAvailableCommand() && c != root {
			return nil
		}
		for _, sub := range c.Commands() {
			if err := walk(sub); err != nil {
				return err
			}
		}
		var b bytes.Buffer
		b.WriteString("<!-- Generated from `castor help` by `go run ./cmd/castor gen-docs docs/cli`: edit the command's help in cmd/castor/cli, not this file. -->\n\n")
		long := c.Long
		c.Long = markdownText(long)
		err := doc.GenMarkdownCustom(c, &b, func(s string) string { return s })
		c.Long = long
		if err != nil {
			return err
		}
		files[strings.ReplaceAll(c.CommandPath(), " ", "_")+".md"] = b.Bytes()
		return nil
	}
	return files, walk(root)
}

var mdSpecial = regexp.MustCompile(`[<>*\\` + "`" + `]`)

// markdownText makes help text, written for a terminal, mean the same in
// Markdown: blocks indented by two spaces or more (tables of flags and
// fields) become code blocks, and characters Markdown would take as
// markup are escaped elsewhere.
func markdownText(s string) string {
	var out []string
	code := false
	blanks := 0 // blank lines seen in a code block, not written yet
	for _, line := range strings.Split(s, "\n") {
		if line == "" {
			if code {
				blanks++
			} else {
				out = append(out, line)
			}
			continue
		}
		indented := strings.HasPrefix(line, "  ")
		switch {
		case indented && !code:
			if len(out) > 0 && out[len(out)-1] != "" {
				out = append(out, "")
			}
			out = append(out, "```")
			code = true
		case !indented && code:
			out = append(out, "```")
			code = false
		}
		for ; blanks > 0; blanks-- {
			out = append(out, "")
		}
		if !code {
			line = mdSpecial.ReplaceAllString(line, `\$0`)
			if strings.HasPrefix(line, "#") {
				line = `\` + line
			}
		}
		out = append(out, line)
	}
	if code {
		out = append(out, "```")
	}
	for ; blanks > 0; blanks-- {
		out = append(out, "")
	}
	return strings.Join(out, "\n")
}
