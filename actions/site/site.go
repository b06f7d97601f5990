// Package site builds the static status page from the public records:
// the overall status, components with 90-day history bars, active
// incidents with their updates, a page per incident (with its post-mortem
// when that is public), the history, a status.json in the shape of
// Statuspage's public summary.json, and an Atom feed.
//
// The pages need no JavaScript, follow the reader's light or dark
// preference, and speak English or French. Record text is Markdown,
// rendered with goldmark and sanitised with bluemonday, and the pages
// carry a Content-Security-Policy that forbids script anyway. Internal
// records and non-public post-mortems never reach the output: internal
// records are dropped before anything is computed, and a post-mortem that
// is not public is never read. The timeline, the record's internal
// chronology, is published only as the last section of a public
// post-mortem (postmortem.public: true), as public post-mortems usually
// include their chronology; otherwise it is never read either.
//
// The output is deterministic: the same records, configuration and day
// give byte-identical files, so a site kept in git diffs cleanly.
package site

import (
	"bytes"
	"cmp"
	"context"
	"embed"
	"fmt"
	"html/template"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	mdrender "github.com/castor-incidents/castor/actions/render"
	"github.com/castor-incidents/castor/internal/repofs"
	"github.com/castor-incidents/castor/schema"
	"golang.org/x/sync/errgroup"
)

// Options says what to build.
type Options struct {
	// Config gives the site's title, URL, time zone and language, and the
	// components. Nil is an empty configuration.
	Config *schema.Config
	// Incidents are the records; only the public ones are used, so
	// callers may pass them all.
	Incidents []*schema.Incident
	// Out is the directory written by Build, as the user named it.
	Out string
	// OutFS is Out opened (a folder of the repository, through its
	// repofs.FS); when nil, Build creates Out and opens it.
	OutFS *repofs.FS
	// Now ends the 90-day window and stands for the end of ongoing
	// incidents; time.Now when zero.
	Now time.Time
}

// File is one generated file.
type File struct {
	// Path is slash-separated, relative to the output directory.
	Path string
	Data []byte
}

// Paths of the generated files.
const (
	IndexFile   = "index.html"
	HistoryFile = "history.html"
	StatusFile  = "status.json"
	FeedFile    = "history.atom"
	StyleFile   = "style.css"
	IncidentDir = "incidents"
)

// IncidentPath is the path of an incident's page in the site.
func IncidentPath(id string) string { return IncidentDir + "/" + id + ".html" }

//go:embed templates
var templateFS embed.FS

var (
	tmpl = template.Must(template.New("").ParseFS(templateFS, "templates/*.html"))
	css  = must(templateFS.ReadFile("templates/style.css"))
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Render builds the site in memory, the files in the order Build writes
// them: what pages link to comes before the pages linking to it.
func Render(ctx context.Context, opts Options) ([]File, error) {
	type made struct {
		seq int
		f   File
	}
	var mu sync.Mutex
	var all []made
	err := emit(ctx, opts, func(seq int, f File) error {
		mu.Lock()
		defer mu.Unlock()
		all = append(all, made{seq, File{Path: f.Path, Data: bytes.Clone(f.Data)}})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(all, func(a, b made) int { return cmp.Compare(a.seq, b.seq) })
	files := make([]File, len(all))
	for i, m := range all {
		files[i] = m.f
	}
	return files, nil
}

// emit renders the site and hands each file to put as soon as it is
// made, with its place in the site's order (seq): the style sheet, the
// incident pages, the history, the feed, the API files, the index. The
// incident pages, most of the work, are rendered on every core and put
// from several goroutines at once, in no order; the records are checked
// (ids that name files) before any file is put. put must not keep
// f.Data after it returns: the buffer is reused.
func emit(ctx context.Context, opts Options, put func(seq int, f File) error) error {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	m, err := newModel(opts.Config, opts.Incidents, now)
	if err != nil {
		return err
	}
	r := &renderer{m: m, site: siteInfo{Title: m.cfg.Site.Title, URL: m.cfg.Site.URL}}
	if r.site.Title == "" {
		r.site.Title = "Status"
	}
	r.l = labelsFor(m.cfg.Site.Lang)
	r.pageID = pageID(m.cfg.Site, r.site.Title)

	if err := put(0, File{Path: StyleFile, Data: css}); err != nil {
		return err
	}
	if err := r.incidentPages(ctx, func(i int, f File) error { return put(1+i, f) }); err != nil {
		return err
	}
	seq := 1 + len(m.incidents)
	for _, gen := range []func() ([]File, error){
		single(HistoryFile, r.historyPage),
		single(FeedFile, r.feed),
		r.api,
		single(IndexFile, r.indexPage),
	} {
		fs, err := gen()
		if err != nil {
			return err
		}
		for _, f := range fs {
			if err := put(seq, f); err != nil {
				return err
			}
			seq++
		}
	}
	return nil
}

// single makes a generator of one file of a generator of its content.
func single(path string, gen func() ([]byte, error)) func() ([]File, error) {
	return func() ([]File, error) {
		data, err := gen()
		if err != nil {
			return nil, fmt.Errorf("render %s: %w", path, err)
		}
		return []File{{Path: path, Data: data}}, nil
	}
}

type siteInfo struct{ Title, URL string }

type renderer struct {
	m      *model
	site   siteInfo
	l      *labels // the site's own language
	pageID string  // the page's id in the API
}

// when is an instant on a page: machine-readable for the datetime
// attribute, and in words, in the site's zone.
type when struct{ ISO, Text string }

func (r *renderer) when(l *labels, t time.Time) when {
	t = t.In(r.m.loc)
	return when{ISO: t.Format(time.RFC3339), Text: l.Time(t)}
}

// until is the end of a span that starts at from, as i18n's Until shows
// it in the site's zone.
func (r *renderer) until(l *labels, from, to time.Time) when {
	w := r.when(l, to)
	w.Text = l.Until(from.In(r.m.loc), to.In(r.m.loc))
	return w
}

// page is what the layout needs. Views hold it by pointer rather than
// embedding it: html/template looks fields up by name on every use, and
// a lookup through an embedded struct costs a search of the whole type.
type page struct {
	L         *labels
	Site      siteInfo
	PageTitle string // the <title>
	Root      string // "" or "../": links stay relative, so the site works under any path
	TZ        string
	Updated   when
}

func (r *renderer) page(l *labels, title, root string) *page {
	return &page{L: l, Site: r.site, PageTitle: title, Root: root, TZ: r.m.loc.String(), Updated: r.when(l, r.m.updatedAt)}
}

type badge struct{ Status, Text string }

type componentState struct {
	Name string
	// Peak says the status is the worst the component went through (a
	// resolved incident), not where it stands now.
	Peak bool
	badge
}

type updateView struct {
	L          *labels
	ID         string
	Status     string
	StatusText string
	At         when
	Lang       string
	Message    template.HTML
	Components []componentState
}

type incidentView struct {
	P *page
	// L are the words of the incident: its record's language. The page
	// around it (P.L) speaks the site's.
	L                     *labels
	ID, Title, Href, Lang string
	Status, StatusText    string
	Impact, ImpactText    string
	Severity              string
	Started               when
	End                   *when
	// Maintenance is set for a maintenance, with its planned window;
	// Begun is false for one that has not started (always true for an
	// incident).
	Maintenance, Begun bool
	Window             *windowView
	DurationText       string
	Active             bool
	Components         []componentState
	Updates            []updateView
	Postmortem         *postmortemView
	PostmortemPrivate  bool
}

// windowView is a maintenance's planned window.
type windowView struct{ From, Until when }

type postmortemView struct{ Sections []pmSection }

type pmSection struct {
	ID, Title string
	Body      template.HTML
	Lists     []pmList
	Items     []itemView
	Timeline  []timelineView
}

// timelineView is one entry of a public post-mortem's timeline: an
// instant, or a span when Until is set.
type timelineView struct {
	At    when
	Until *when
	Event template.HTML
}

type pmList struct {
	Title string
	Items []template.HTML
}

type itemView struct {
	// Title is record Markdown, as in the Markdown status pages get.
	Title                                  template.HTML
	KindText, Priority, Status, StatusText string
}

// recordLang is the lang attribute for record text shown among labels of
// another language; empty when they agree.
func recordLang(inc *schema.Incident, l *labels) string {
	if inc.Lang == "" || strings.EqualFold(inc.Lang, l.Lang) {
		return ""
	}
	return inc.Lang
}

// view prepares an incident for a page in language l; root is the path
// from the page to the site's root. When under > 0, the updates and the
// public post-mortem are rendered too, the updates' text below a heading
// of that level.
func (r *renderer) view(inc *incident, l *labels, root string, under int) incidentView {
	v := incidentView{
		P:          r.page(r.l, inc.Title, root),
		L:          l,
		ID:         inc.ID,
		Title:      inc.Title,
		Href:       root + IncidentPath(inc.ID),
		Lang:       recordLang(inc.Incident, l),
		Status:     inc.Status,
		StatusText: l.StatusWord(inc.Status),
		Impact:     inc.impact,
		ImpactText: l.ImpactWord(inc.impact),
		Severity:   inc.Severity,
		Started:    r.when(l, inc.StartedAt),
		Active:     inc.active || inc.upcoming,
		Begun:      true,
		// An ongoing incident's duration would change with every build;
		// it says "ongoing" instead, so that rebuilds within a day agree.
		DurationText: l.Ongoing,
	}
	start := inc.StartedAt
	if inc.maint {
		// A maintenance starts when it is put in progress; until then it
		// shows its planned window, and lasts as long as planned.
		v.Maintenance = true
		from, _, started := inc.MaintenanceWindow(r.m.now)
		v.Begun = started
		start = inc.Start()
		if started {
			start = from
		}
		v.Started = r.when(l, start)
		if inc.ScheduledFor != nil && inc.ScheduledUntil != nil {
			v.Window = &windowView{From: r.when(l, *inc.ScheduledFor), Until: r.until(l, *inc.ScheduledFor, *inc.ScheduledUntil)}
			if !started {
				v.DurationText = l.DurationText(inc.ScheduledUntil.Sub(*inc.ScheduledFor))
			}
		}
		if started && !inc.active {
			end := r.when(l, inc.end)
			v.End = &end
			v.DurationText = l.DurationText(inc.end.Sub(start))
		}
	} else if !inc.active {
		end := r.when(l, inc.end)
		v.End = &end
		v.DurationText = l.DurationText(inc.end.Sub(start))
	}
	if under == 0 {
		return v
	}
	v.P.PageTitle = inc.Title + " – " + r.site.Title
	names := slices.Clone(inc.Components)
	for _, n := range sortedKeys(inc.peak) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	for _, n := range names {
		// An ongoing incident shows where each component stands now; a
		// resolved one, the worst it went through.
		st := inc.peak[n]
		if inc.active {
			st = inc.state[n]
		}
		if st == "" {
			st = operational
		}
		v.Components = append(v.Components, componentState{Name: r.m.cfg.ComponentName(n), Peak: !inc.active && st != operational, badge: badge{st, l.ComponentWord(st)}})
	}
	for i := len(inc.Updates) - 1; i >= 0; i-- {
		v.Updates = append(v.Updates, r.update(inc, i, l, under))
	}
	pm := inc.Postmortem
	switch {
	case pm != nil && pm.Public:
		v.Postmortem = r.postmortem(inc, l)
	case pm != nil:
		v.PostmortemPrivate = true
	}
	return v
}

func (r *renderer) update(inc *incident, i int, l *labels, under int) updateView {
	u := inc.Updates[i]
	uv := updateView{
		L:          l,
		ID:         updateID(inc.ID, u),
		Status:     u.Status,
		StatusText: l.StatusWord(u.Status),
		At:         r.when(l, u.At),
		Lang:       recordLang(inc.Incident, l),
		Message:    Markdown(u.Message, under),
	}
	for _, n := range sortedKeys(u.Components) {
		st := u.Components[n]
		uv.Components = append(uv.Components, componentState{Name: r.m.cfg.ComponentName(n), badge: badge{st, l.ComponentWord(st)}})
	}
	return uv
}

// postmortem shows a public post-mortem as render.Layout lays it out,
// the layout status pages receive as Markdown: the same sections, in the
// same order, with the same words. The caller has checked that the
// post-mortem is public; Layout checks again, and it alone reads the
// timeline.
func (r *renderer) postmortem(inc *incident, l *labels) *postmortemView {
	pm := mdrender.Layout(inc.Incident, l, false)
	if pm == nil {
		return nil
	}
	var out postmortemView
	for _, s := range pm.Sections {
		v := pmSection{ID: s.ID, Title: s.Title, Body: Markdown(s.Body, 3)}
		for _, li := range s.Lists {
			pl := pmList{Title: li.Title}
			for _, it := range li.Items {
				pl.Items = append(pl.Items, InlineMarkdown(it))
			}
			v.Lists = append(v.Lists, pl)
		}
		for _, it := range s.Items {
			v.Items = append(v.Items, itemView{Title: InlineMarkdown(it.Title), KindText: it.KindText, Priority: it.Priority, Status: it.Status, StatusText: it.StatusText})
		}
		for _, e := range s.Timeline {
			tv := timelineView{At: r.when(l, e.At), Event: InlineMarkdown(e.Event)}
			if e.Until != nil {
				until := r.until(l, e.At, *e.Until)
				tv.Until = &until
			}
			v.Timeline = append(v.Timeline, tv)
		}
		out.Sections = append(out.Sections, v)
	}
	return &out
}

// incidentPages renders one page per public incident, on every core (at
// 5,000 incidents they are most of the work), and hands each to put as it
// is made, with the incident's index: no more pages are held than there
// are cores. (More workers than cores, to render while others wait for
// their write, made more system time and no faster build: 5,000 pages,
// 8 workers against 2, +1.5 s of system time, wall no shorter.)
func (r *renderer) incidentPages(ctx context.Context, put func(i int, f File) error) error {
	incs := r.m.incidents
	g, gctx := errgroup.WithContext(ctx)
	var next atomic.Int64
	for range min(runtime.GOMAXPROCS(0), max(1, len(incs))) {
		g.Go(func() error {
			var buf bytes.Buffer
			for i := int(next.Add(1) - 1); i < len(incs); i = int(next.Add(1) - 1) {
				if err := gctx.Err(); err != nil {
					return err
				}
				inc := incs[i]
				// The page's chrome (header, navigation, footer) speaks
				// the site's language; the incident itself, its record's.
				l := labelsFor(r.m.cfg.RecordLang(inc.Incident))
				buf.Reset()
				if err := tmpl.ExecuteTemplate(&buf, "incident.html", r.view(inc, l, "../", 2)); err != nil {
					return fmt.Errorf("render the page of %s: %w", inc.ID, err)
				}
				if err := put(i, File{Path: IncidentPath(inc.ID), Data: buf.Bytes()}); err != nil {
					return err
				}
				if !inc.shown {
					inc.Incident = brief(inc.Incident)
				}
			}
			return nil
		})
	}
	return g.Wait()
}

type dayView struct{ Status, Text string }

type componentView struct {
	Name, Description string
	InGroup           bool
	Badge             badge
	BarsLabel         string
	Days              []dayView
	Uptime            string
}

type groupView struct {
	Name       string
	Badge      badge
	Uptime     string
	Components []componentView
}

type indexView struct {
	P                        *page
	Indicator, IndicatorText string
	Active                   []incidentView
	// Maintenances are those under way, then those to come.
	Maintenances []incidentView
	Legend       []badge
	Groups       []groupView
	Past         []incidentView
}

// pastOnIndex is how many resolved incidents the index lists.
const pastOnIndex = 10

func (r *renderer) indexPage() ([]byte, error) {
	l := r.l
	v := indexView{
		P:             r.page(l, r.site.Title, ""),
		Indicator:     r.m.indicator,
		IndicatorText: l.IndicatorWord(r.m.indicator),
	}
	for _, inc := range r.m.active {
		v.Active = append(v.Active, r.view(inc, l, "", 3))
	}
	for _, inc := range slices.Concat(r.m.inProgress, r.m.upcoming) {
		v.Maintenances = append(v.Maintenances, r.view(inc, l, "", 3))
	}
	for _, st := range []string{operational, maintenance, degraded, partial, majorOutage} {
		v.Legend = append(v.Legend, badge{st, l.ComponentWord(st)})
	}
	for _, g := range r.m.groups {
		gv := groupView{Name: g.Name, Badge: badge{g.status, l.ComponentWord(g.status)}, Uptime: fmt.Sprintf(l.Uptime, l.Percent(schema.FloorPercent(g.uptime)))}
		for _, c := range g.Components {
			cv := componentView{
				Name:        r.m.cfg.ComponentName(c.Name),
				Description: c.Description,
				InGroup:     g.Name != "",
				Badge:       badge{c.Status, l.ComponentWord(c.Status)},
				BarsLabel:   fmt.Sprintf(l.Bars, r.m.cfg.ComponentName(c.Name)),
				Uptime:      fmt.Sprintf(l.Uptime, l.Percent(schema.FloorPercent(c.uptime))),
			}
			for _, d := range c.Days {
				text := l.Date(d.Date) + l.Colon + l.ComponentWord(d.Status)
				for i, inc := range d.Incidents {
					if i == 3 {
						text += fmt.Sprintf(" (+%d)", len(d.Incidents)-3)
						break
					}
					sep := " – "
					if i > 0 {
						sep = "; "
					}
					text += sep + inc.Title
				}
				cv.Days = append(cv.Days, dayView{Status: d.Status, Text: text})
			}
			gv.Components = append(gv.Components, cv)
		}
		v.Groups = append(v.Groups, gv)
	}
	past := slices.DeleteFunc(slices.Clone(r.m.incidents), func(i *incident) bool { return i.active || i.upcoming })
	slices.SortStableFunc(past, func(a, b *incident) int { return b.end.Compare(a.end) })
	for _, inc := range past[:min(len(past), pastOnIndex)] {
		v.Past = append(v.Past, r.view(inc, l, "", 0))
	}
	return r.execute("index.html", v)
}

type monthView struct {
	ID, Title string
	Incidents []incidentView
}

type historyView struct {
	P      *page
	Months []monthView
}

func (r *renderer) historyPage() ([]byte, error) {
	l := r.l
	v := historyView{P: r.page(l, l.History+" – "+r.site.Title, "")}
	for _, inc := range r.m.incidents {
		start := inc.Start().In(r.m.loc)
		id := start.Format("2006-01")
		if n := len(v.Months); n == 0 || v.Months[n-1].ID != id {
			v.Months = append(v.Months, monthView{ID: id, Title: l.Month(start)})
		}
		mv := &v.Months[len(v.Months)-1]
		mv.Incidents = append(mv.Incidents, r.view(inc, l, "", 0))
	}
	return r.execute("history.html", v)
}

func (r *renderer) execute(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
