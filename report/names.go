package report

import (
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/wcharczuk/go-chart/v2/drawing"
)

// seriesPalette is Tableau 10 — distinct hues that stay apart for the common
// forms of colour blindness and on grey-scale print — with its yellow and
// grey darkened so small markers stay visible on white.
var seriesPalette = []drawing.Color{
	drawing.ColorFromHex("4E79A7"), drawing.ColorFromHex("F28E2B"), drawing.ColorFromHex("E15759"),
	drawing.ColorFromHex("76B7B2"), drawing.ColorFromHex("59A14F"), drawing.ColorFromHex("D4A62A"),
	drawing.ColorFromHex("B07AA1"), drawing.ColorFromHex("FF9DA7"), drawing.ColorFromHex("9C755F"),
	drawing.ColorFromHex("8F8782"),
}

// models gives every model of a report one identity, one short label and one
// colour, the same in every chart. A model's colour comes from a hash of its
// catalog id (or its name without vendor prefix and date), so the same model
// keeps its colour from screen to screen and report to report; when two
// models of one report hash alike, the later one (in order of appearance:
// the plan's endpoints, the results, the shortlist) takes the next free
// colour.
type models struct {
	order  []string          // identities in order of first appearance
	key    map[string]string // identity → what its colour is hashed from
	colors map[string]int    // identity → palette index
	label  map[string]string // identity → short label for charts
	full   map[string]string // identity → full name for tables
	byEP   map[string]string // endpoint name → identity
	byID   map[string]string // catalog id or model name → identity
	shared map[string]bool   // model names served by more than one endpoint
}

func newModels(in Input) *models {
	m := &models{key: map[string]string{}, colors: map[string]int{}, label: map[string]string{}, full: map[string]string{}, byEP: map[string]string{}, byID: map[string]string{}, shared: map[string]bool{}}
	var eps []advisor.Endpoint
	if in.Run != nil {
		eps = append(eps, planEndpoints(in.Run.Plan)...)
	}
	seen := map[string]bool{}
	for _, r := range in.Results {
		if !seen[r.Endpoint] {
			seen[r.Endpoint] = true
			eps = append(eps, advisor.Endpoint{Name: r.Endpoint, Model: r.Model})
		}
	}
	// A model served by two endpoints (say OpenAI and Azure) needs the
	// endpoint in its identity or the two would share a colour.
	epsOf := map[string]map[string]bool{}
	for _, e := range eps {
		if epsOf[e.Model] == nil {
			epsOf[e.Model] = map[string]bool{}
		}
		epsOf[e.Model][e.Name] = true
	}
	for model, set := range epsOf {
		m.shared[model] = len(set) > 1
	}
	for _, e := range eps {
		if _, ok := m.byEP[e.Name]; ok {
			continue
		}
		id, full := e.Model, e.Model
		if m.shared[e.Model] || e.Model == "" {
			id, full = "ep:"+e.Name, e.Name
			if e.Model != "" {
				full = e.Name + " (" + e.Model + ")"
			}
		}
		m.byEP[e.Name] = id
		key := e.CatalogID
		if key == "" {
			key = strings.ToLower(strip(e.Model))
		}
		if m.shared[e.Model] || e.Model == "" {
			key = id
		}
		m.add(id, full, key)
		if e.CatalogID != "" {
			m.byID[e.CatalogID] = id
		}
		if e.Model != "" {
			m.byID[e.Model] = id
		}
	}
	if in.Recommendation != nil {
		for _, s := range in.Recommendation.Shortlist {
			m.shortlisted(s)
		}
	}
	m.makeLabels()
	m.makeColors()
	return m
}

func (m *models) add(id, full, key string) {
	if _, ok := m.full[id]; ok {
		return
	}
	m.order = append(m.order, id)
	m.full[id] = full
	m.key[id] = key
}

// makeColors gives each model its hashed colour, or the next free one.
func (m *models) makeColors() {
	n := len(seriesPalette)
	taken := map[int]bool{}
	for _, id := range m.order {
		h := fnv.New32a()
		h.Write([]byte(m.key[id]))
		pref := int(h.Sum32() % uint32(n))
		c := pref
		if len(taken) < n {
			for taken[c] {
				c = (c + 1) % n
			}
		}
		taken[c] = true
		m.colors[id] = c
	}
}

// shortlisted returns the identity of a shortlisted catalog model, reusing a
// run model's identity when the endpoint points at the same catalog entry.
func (m *models) shortlisted(s advisor.Shortlisted) string {
	if id, ok := m.byID[s.ID]; ok {
		return id
	}
	name := s.Name
	if name == "" {
		name = s.ID
	}
	m.byID[s.ID] = "cat:" + s.ID
	m.add("cat:"+s.ID, name, s.ID)
	return "cat:" + s.ID
}

// forEndpoint is the identity of the model behind an endpoint.
func (m *models) forEndpoint(ep string) string {
	if id, ok := m.byEP[ep]; ok {
		return id
	}
	return ep
}

func (m *models) color(id string) drawing.Color {
	if c, ok := m.colors[id]; ok {
		return seriesPalette[c]
	}
	return drawing.ColorFromHex("7F7F7F")
}

// makeLabels shortens every name for charts and keeps the labels unique:
// names that shorten to the same label keep their ends instead (where
// versions and sizes are), and a number settles what is still equal.
func (m *models) makeLabels() {
	const max = 24
	count := map[string]int{}
	for _, id := range m.order {
		count[shortName(m.full[id], max)]++
	}
	used := map[string]bool{}
	for _, id := range m.order {
		l := shortName(m.full[id], max)
		if count[l] > 1 {
			r := []rune(strip(m.full[id]))
			if len(r) > max {
				l = "…" + string(r[len(r)-max+1:])
			} else {
				l = string(r)
			}
		}
		for n := 2; used[l]; n++ {
			l = fmt.Sprintf("%s (%d)", ellipsis(shortName(m.full[id], max), max-4), n)
		}
		used[l] = true
		m.label[id] = l
	}
}

var dateSuffix = regexp.MustCompile(`[-_@](20\d\d-?[01]\d-?[0-3]\d|[01]\d[0-3]\d)$`)

// shortName makes a model name readable at chart sizes: it drops an
// organisation prefix ("meta-llama/"), a ":latest" tag and a release date
// suffix ("-2024-07-18"), then elides the middle if it is still longer than
// max runes, keeping both ends where model names carry their meaning.
func shortName(name string, max int) string {
	s := strip(name)
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	tail := max / 3
	head := max - tail - 1
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// strip drops the parts of a model name a reader does not need: an
// organisation prefix, a ":latest" tag and a release date suffix.
func strip(name string) string {
	s := name
	if i := strings.LastIndex(s, "/"); i >= 0 && i < len(s)-1 && !strings.Contains(s, " (") {
		s = s[i+1:]
	}
	s = strings.TrimSuffix(s, ":latest")
	if t := dateSuffix.ReplaceAllString(s, ""); t != "" {
		s = t
	}
	return s
}

// ellipsis shortens s to at most max runes, ending in "…" when cut. It cuts on
// rune boundaries, never inside a character.
func ellipsis(s string, max int) string {
	if max <= 0 {
		return ""
	}
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	return strings.TrimRight(string(r[:max-1]), " \t\n.,;:-_") + "…"
}

// strategyLabel is the short chart label of a live-test strategy.
func strategyLabel(s string) string {
	if s == advisor.StrategyRAG {
		return "RAG"
	}
	return s
}

// lighten blends c towards white by f (0..1).
func lighten(c drawing.Color, f float64) drawing.Color {
	mix := func(v uint8) uint8 { return uint8(float64(v) + (255-float64(v))*f) }
	return drawing.Color{R: mix(c.R), G: mix(c.G), B: mix(c.B), A: 255}
}
