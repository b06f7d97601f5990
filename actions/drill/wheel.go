package drill

import (
	"bytes"
	"cmp"
	"embed"
	"fmt"
	"html/template"
	"math"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/castor-incidents/castor/internal/repofs"
)

// WheelFile is the page `castor drill --wheel -o DIR` writes.
const WheelFile = "index.html"

//go:embed templates/wheel.html
var wheelFS embed.FS

var wheelTemplate = template.Must(template.New("wheel.html").Funcs(template.FuncMap{
	// Placeholders: each page binds them to its brief's labels.
	"clock":      func(time.Time) string { return "" },
	"offset":     func(time.Duration) string { return "" },
	"status":     func(string) string { return "" },
	"components": func(*Brief) string { return "" },
}).ParseFS(wheelFS, "templates/wheel.html"))

// slotColors are the wheel's segments, dark enough for white numbers.
var slotColors = []string{"#1a7f37", "#0969da", "#cf222e", "#bc4c00", "#7d4e00", "#8250df", "#0e7490", "#bf3989"}

// WheelOptions says how to write the wheel page.
type WheelOptions struct {
	// Lang is the page's language (site.lang); the brief speaks its
	// record's.
	Lang string
	// Reproduce is the arguments of castor drill that give the game
	// master the sheet of the record the wheel lands on; empty to say
	// nothing.
	Reproduce string
	// ComponentName gives the name people read of a component
	// (schema.Config.ComponentName); nil: its name.
	ComponentName func(string) string
}

type wheelSlot struct {
	N              int
	Label          string
	Color          string
	Path           string
	Full           bool
	LabelX, LabelY string
}

type wheelData struct {
	L, BL     *labels
	Slots     []wheelSlot
	Landed    int
	Rotation  string
	Brief     *Brief
	Reproduce string
}

// Wheel renders the wheel page: the incidents of the wheel, as slices as
// large as their weights, numbered and labelled only with what their
// briefs show (severity and components: a title or an id would give the
// story away), the spin that lands on the chosen one, and its brief. The
// page is self-contained and runs no script: the spin is a CSS transition
// started by a checkbox, and the brief appears when the wheel stops.
func Wheel(pick *Pick, opts WheelOptions) ([]byte, error) {
	names := opts.ComponentName
	if names == nil {
		names = func(s string) string { return s }
	}
	brief := NewBrief(pick.Chosen).WithNames(names)
	d := wheelData{L: labelsFor(opts.Lang), BL: brief.l, Brief: brief, Landed: pick.Landed + 1, Reproduce: opts.Reproduce}
	total := 0.0
	for _, s := range pick.Wheel {
		total += s.Weight
	}
	const cx, cy, r = 200.0, 200.0, 180.0
	angle := 0.0 // degrees, clockwise from the top
	landedCenter := 0.0
	for i, s := range pick.Wheel {
		sweep := 360 * s.Weight / total
		if total == 0 {
			sweep = 360 / float64(len(pick.Wheel))
		}
		b := NewBrief(s.Incident).WithNames(names)
		label := b.Severity
		if len(b.Components) > 0 {
			shown := make([]string, len(b.Components))
			for j, c := range b.Components {
				shown[j] = cmp.Or(c.Display, c.Name)
			}
			label += " · " + strings.Join(shown, ", ")
		}
		mid := angle + sweep/2
		lx, ly := point(cx, cy, r*0.7, mid)
		slot := wheelSlot{N: i + 1, Label: label, Color: slotColors[i%len(slotColors)], LabelX: num(lx), LabelY: num(ly)}
		if len(pick.Wheel) == 1 {
			slot.Full = true
		} else {
			x1, y1 := point(cx, cy, r, angle)
			x2, y2 := point(cx, cy, r, angle+sweep)
			large := 0
			if sweep > 180 {
				large = 1
			}
			slot.Path = fmt.Sprintf("M%s %s L%s %s A%s %s 0 %d 1 %s %s Z", num(cx), num(cy), num(x1), num(y1), num(r), num(r), large, num(x2), num(y2))
		}
		if i == pick.Landed {
			landedCenter = mid
		}
		d.Slots = append(d.Slots, slot)
		angle += sweep
	}
	// Five turns, then the landed slice's middle under the pointer.
	d.Rotation = num(5*360 + 360 - landedCenter)

	t, err := wheelTemplate.Clone()
	if err != nil {
		return nil, err
	}
	bl := brief.l
	t.Funcs(template.FuncMap{
		"clock":      bl.clock,
		"offset":     bl.formatOffset,
		"status":     bl.status,
		"components": func(b *Brief) string { return b.componentList() },
	})
	var buf bytes.Buffer
	if err := t.Execute(&buf, d); err != nil {
		return nil, fmt.Errorf("render the wheel: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteWheel writes the wheel page into dir, replacing the file whole
// (repofs: a temporary file renamed over it, no link followed).
func WriteWheel(dir string, pick *Pick, opts WheelOptions) error {
	page, err := Wheel(pick, opts)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	out, err := repofs.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer out.Close()
	if err := out.WriteFile(WheelFile, page, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Join(dir, WheelFile), err)
	}
	return nil
}

// point is the point at radius r and angle deg (clockwise from the top).
func point(cx, cy, r, deg float64) (float64, float64) {
	rad := deg * math.Pi / 180
	return cx + r*math.Sin(rad), cy - r*math.Cos(rad)
}

func num(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" {
		s = "0"
	}
	return s
}
