package report

import (
	"github.com/castor-incidents/castor/internal/i18n"

	"slices"
	"time"
)

// Duration is a length of time as the JSON report gives it: whole seconds
// for programs, and a rounded human string for people.
type Duration struct {
	Seconds int64  `json:"seconds"`
	Human   string `json:"human"`
}

func newDuration(d time.Duration) *Duration {
	s := int64(d / time.Second)
	return &Duration{Seconds: s, Human: words.DurationText(d)}
}

// words are the report's: its text is in English, and its durations read
// as everywhere else castor shows one ("1h 05m", "2d 3h", "0m").
var words = i18n.For("en")

// Bucket is one bar of a duration histogram: the incidents whose duration
// d is From ≤ d < To (To is nil for the last, open-ended bucket).
type Bucket struct {
	Label       string `json:"label"`
	FromSeconds int64  `json:"from_seconds"`
	ToSeconds   *int64 `json:"to_seconds"`
	Incidents   int    `json:"incidents"`
}

// bucketEdges are the histogram's bounds, the same for every report and
// both measures, so that two reports (this year, last year) compare bar
// for bar. They follow how incidents are talked about: minutes, hours, a
// working day, days.
var bucketEdges = []time.Duration{
	5 * time.Minute, 15 * time.Minute, time.Hour, 4 * time.Hour,
	12 * time.Hour, 24 * time.Hour, 72 * time.Hour, 7 * 24 * time.Hour,
}

var bucketLabels = []string{"< 5m", "5m – 15m", "15m – 1h", "1h – 4h", "4h – 12h", "12h – 1d", "1d – 3d", "3d – 7d", "≥ 7d"}

func histogram(sorted []time.Duration) []Bucket {
	out := make([]Bucket, len(bucketEdges)+1)
	var from time.Duration
	for i := range out {
		out[i].Label = bucketLabels[i]
		out[i].FromSeconds = int64(from / time.Second)
		if i < len(bucketEdges) {
			to := int64(bucketEdges[i] / time.Second)
			out[i].ToSeconds = &to
			from = bucketEdges[i]
		}
	}
	for _, d := range sorted {
		i, _ := slices.BinarySearchFunc(bucketEdges, d, func(edge, d time.Duration) int {
			// The bucket of d is the first edge strictly above d.
			if edge <= d {
				return -1
			}
			return 1
		})
		out[i].Incidents++
	}
	return out
}

// percentile returns the p-th percentile of sorted values by the
// nearest-rank method: the value at rank ⌈p/100 × n⌉ (1-based). It is
// always one of the values (no interpolation between two incidents), and
// the median of an even number of values is the lower of the middle two.
func percentile(sorted []time.Duration, p int) time.Duration {
	n := len(sorted)
	rank := (p*n + 99) / 100
	if rank < 1 {
		rank = 1
	}
	return sorted[rank-1]
}

// Summary is a duration distribution without its histogram: how many
// incidents were measured, how many could not be (the time is missing
// from the record), and the median, 90th percentile and maximum of the
// measured ones (null when none was).
type Summary struct {
	Measured int       `json:"measured"`
	Missing  int       `json:"missing"`
	Median   *Duration `json:"median"`
	P90      *Duration `json:"p90"`
	Max      *Duration `json:"max"`
}

// Distribution is a Summary with the ids of the records that could not be
// measured, so that they can be completed, and the histogram.
type Distribution struct {
	Summary
	MissingIDs []string `json:"missing_ids"`
	Histogram  []Bucket `json:"histogram"`
}

// sample gathers durations; missing counts records without the time.
type sample struct {
	values     []time.Duration
	missing    int
	missingIDs []string
}

func (s *sample) add(start time.Time, end *time.Time, id string) {
	if end == nil {
		s.missing++
		s.missingIDs = append(s.missingIDs, id)
		return
	}
	s.values = append(s.values, end.Sub(start))
}

func (s *sample) summary() Summary {
	slices.Sort(s.values)
	out := Summary{Measured: len(s.values), Missing: s.missing}
	if len(s.values) > 0 {
		out.Median = newDuration(percentile(s.values, 50))
		out.P90 = newDuration(percentile(s.values, 90))
		out.Max = newDuration(s.values[len(s.values)-1])
	}
	return out
}

func (s *sample) distribution() Distribution {
	d := Distribution{Summary: s.summary(), MissingIDs: s.missingIDs, Histogram: histogram(s.values)}
	if d.MissingIDs == nil {
		d.MissingIDs = []string{}
	}
	return d
}
