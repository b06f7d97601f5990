// Package lazyre is a regular expression compiled on its first use, for
// the package-level expressions of castor's commands: a process runs one
// command, and compiling every command's expressions at start (castor
// import's vocabulary alone holds dozens of large alternations) cost
// each run several milliseconds before main.
//
// A Regexp has the methods of regexp.Regexp that castor uses; an
// expression that does not compile panics on first use, as
// regexp.MustCompile would at start (TestAll compiles them all).
package lazyre

import (
	"regexp"
	"sync"
)

// Regexp is an expression compiled when first used; safe for concurrent
// use.
type Regexp struct {
	expr string
	re   func() *regexp.Regexp
}

// all are the expressions made by New, for Compiled.
var all struct {
	sync.Mutex
	list []*Regexp
}

// New returns the expression, to be compiled on first use.
func New(expr string) *Regexp {
	r := &Regexp{expr: expr, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
	all.Lock()
	all.list = append(all.list, r)
	all.Unlock()
	return r
}

// Compiled compiles every expression made so far and returns the first
// that does not compile, for the tests of the packages that declare them.
func Compiled() (bad string, err error) {
	all.Lock()
	list := all.list
	all.Unlock()
	for _, r := range list {
		if _, err := regexp.Compile(r.expr); err != nil {
			return r.expr, err
		}
	}
	return "", nil
}

// Regexp returns the compiled expression.
func (r *Regexp) Regexp() *regexp.Regexp { return r.re() }

// String returns the source text of the expression.
func (r *Regexp) String() string { return r.expr }

func (r *Regexp) MatchString(s string) bool            { return r.re().MatchString(s) }
func (r *Regexp) FindString(s string) string           { return r.re().FindString(s) }
func (r *Regexp) FindStringSubmatch(s string) []string { return r.re().FindStringSubmatch(s) }
func (r *Regexp) FindStringSubmatchIndex(s string) []int {
	return r.re().FindStringSubmatchIndex(s)
}
func (r *Regexp) FindAllStringIndex(s string, n int) [][]int {
	return r.re().FindAllStringIndex(s, n)
}
func (r *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	return r.re().FindAllStringSubmatch(s, n)
}
func (r *Regexp) ReplaceAllString(src, repl string) string {
	return r.re().ReplaceAllString(src, repl)
}
