package advisor

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"

	"gopkg.in/yaml.v3"
)

// providerFacts are curated facts about a provider (assets/catalog/providers):
// they fill the models of that provider where no curated model entry speaks.
type providerFacts struct {
	ID        string   `yaml:"id"`
	Regions   []string `yaml:"regions"`
	Countries []string `yaml:"countries"`
	BAA       bool     `yaml:"baa"`
	Languages string   `yaml:"languages"`
	// BatchDiscount is the share taken off token prices by the provider's
	// Batch API (0.5 = half price), with its own source.
	BatchDiscount float64 `yaml:"batch_discount"`
	BatchSource   string  `yaml:"batch_source"`
	Source        string  `yaml:"source"`
}

func loadProviderFacts(fsys fs.FS, dir string) (map[string]providerFacts, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "providers", "*.yaml"))
	if err != nil {
		return nil, err
	}
	out := map[string]providerFacts{}
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var doc struct {
			Providers []providerFacts `yaml:"providers"`
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(&doc); err != nil {
			return nil, &LoadError{File: name, Line: yamlErrLine(err), Err: err}
		}
		for _, p := range doc.Providers {
			if p.ID == "" || p.Source == "" {
				return nil, &LoadError{File: name, Kind: "provider", ID: p.ID, Err: fmt.Errorf("every provider entry needs an id and a source")}
			}
			if p.Languages != "" && !contains([]string{"english_only", "few", "many"}, p.Languages) {
				return nil, &LoadError{File: name, Kind: "provider", ID: p.ID, Err: fmt.Errorf("languages %q; allowed: english_only, few, many", p.Languages)}
			}
			out[p.ID] = p
		}
	}
	return out, nil
}

// applyProviderFacts fills the models.dev models with their provider's facts.
func applyProviderFacts(ms []Model, facts map[string]providerFacts) {
	for i := range ms {
		m := &ms[i]
		f, ok := facts[m.ProviderID]
		if !ok {
			continue
		}
		if len(m.Regions) == 0 {
			m.Regions = append([]string(nil), f.Regions...)
		}
		if len(m.Countries) == 0 {
			m.Countries = append([]string(nil), f.Countries...)
		}
		m.BAA = m.BAA || f.BAA
		if f.BatchDiscount > 0 && m.PriceBatchInPer1M == 0 && m.PriceInPer1M > 0 {
			m.PriceBatchInPer1M = round6(m.PriceInPer1M * (1 - f.BatchDiscount))
			m.PriceBatchOutPer1M = round6(m.PriceOutPer1M * (1 - f.BatchDiscount))
		}
		if m.Languages == "" && (m.Type == TypeTextLLM || m.Type == TypeMultimodalLLM || m.Type == TypeCodeLLM) {
			m.Languages = f.Languages
		}
	}
}

func round6(v float64) float64 { return float64(int64(v*1e6+0.5)) / 1e6 }

// ModelPrices are every price the catalog has for a model, in USD: tokens
// per 1M (input, output, cached input read and write, Batch API), or per
// unit (minute of audio, image), with the date they stand as of.
type ModelPrices struct {
	In, Out               float64
	CacheRead, CacheWrite float64 // 0: the catalog has no cached-input price
	BatchIn, BatchOut     float64 // 0: no Batch API price known
	Unit                  string  // "" (tokens) | minute | image
	PerUnit               float64
	AsOf                  string
}

// Prices looks up a catalog model's prices by id (the live test, cached
// tokens and batch runs price through it).
func (e *Engine) Prices(id string) (ModelPrices, bool) {
	m, ok := e.Model(id)
	if !ok {
		return ModelPrices{}, false
	}
	return ModelPrices{In: m.PriceInPer1M, Out: m.PriceOutPer1M, CacheRead: m.PriceCacheReadPer1M, CacheWrite: m.PriceCacheWritePer1M,
		BatchIn: m.PriceBatchInPer1M, BatchOut: m.PriceBatchOutPer1M, Unit: m.PriceUnit, PerUnit: m.PricePerUnit, AsOf: m.PriceAsOf}, true
}
