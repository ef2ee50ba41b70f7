package advisor

import (
	"testing"
	"time"
)

func TestCatalogIntegrity(t *testing.T) {
	e := newTestEngine(t)
	cat := e.Catalog()
	if len(cat) < 500 {
		t.Errorf("%d models, want at least 500 (models.dev plus the curated entries)", len(cat))
	}
	dated := 0
	ids := map[string]bool{}
	types := map[string]int{}
	for _, m := range cat {
		if ids[m.ID] {
			t.Errorf("duplicate id %s", m.ID)
		}
		ids[m.ID] = true
		types[m.Type]++
		if _, err := time.Parse("2006-01-02", m.PriceAsOf); err != nil {
			t.Errorf("%s: price date %q", m.ID, m.PriceAsOf)
		}
		if !contains(ModelTypes, m.Type) {
			t.Errorf("%s: unknown type %q", m.ID, m.Type)
		}
		if m.Description == "" || m.Source == "" || m.License == "" || len(m.Tasks) == 0 {
			t.Errorf("%s: description, source, licence and tasks are required", m.ID)
		}
		// A lifecycle fact the curated files add must say where it is stated.
		if (m.ShutdownDate != "" || m.Successor != "") && m.LifecycleSource == "" {
			t.Errorf("%s: shutdown date or successor without lifecycle_source", m.ID)
		}
		if selfHostable(m) && m.MinMemoryGB <= 0 {
			t.Errorf("%s: self-hostable without min_memory_gb", m.ID)
		}
		if !m.FromModelsDev && contains(m.Hosting, HostingManaged) && m.PriceUnit == PriceTokens && m.PriceInPer1M <= 0 {
			t.Errorf("%s: curated managed service without a token price", m.ID)
		}
		if m.PriceInPer1M > 0 || m.PricePerUnit > 0 {
			dated++
		}
	}
	if dated < 500 {
		t.Errorf("%d models with a dated price, want at least 500", dated)
	}
	chk := e.CatalogCheck()
	if len(chk.Unmatched) > 0 || len(chk.Refused) > 0 {
		t.Errorf("curated entries that match nothing: %v; refused: %v", chk.Unmatched, chk.Refused)
	}
	for _, ty := range ModelTypes {
		if types[ty] == 0 {
			t.Errorf("no model of type %s", ty)
		}
	}
	if err := validateModel(Model{ID: "x", Name: "x", Type: "robot"}); err == nil || err.field != "type" {
		t.Errorf("validateModel accepted an unknown type: %v", err)
	}
	if err := validateModel(Model{ID: "x", Name: "x", Type: TypeTextLLM, Architecture: ArchDecoderOnly, Weights: WeightsOpen, Status: StatusActive}); err == nil || err.field != "price_as_of" {
		t.Errorf("validateModel accepted a model without a price date: %v", err)
	}
}

// Every hard filter a rule can apply must leave at least one model of some
// type, or the rule could only ever produce an empty shortlist.
func TestEveryRuleFilterCanMatch(t *testing.T) {
	e := newTestEngine(t)
	cat := e.Catalog()
	n := 0
	for _, r := range e.rules {
		f := r.Effect.Filter
		if f == nil {
			continue
		}
		n++
		hosting := HostingManaged
		if f.Weights == WeightsOpen || len(f.Hosting) > 0 && !contains(f.Hosting, HostingManaged) || f.FitHardware {
			hosting = HostingSelfHosted
		}
		matched := 0
		for _, m := range cat {
			if m.Status != StatusShutDown && hostingFits(hosting, m) && f.passes(m, hosting, "laptop_16gb") {
				matched++
			}
		}
		if matched == 0 {
			t.Errorf("rule %s: its filter %+v matches no catalog model", r.ID, *f)
		}
	}
	if n < 5 {
		t.Errorf("only %d rules with filters", n)
	}
}

// Every scenario-independent combination of a model type with the hard
// constraints users commonly choose still finds a model.
func TestShortlistNeverEmptyForCommonConstraints(t *testing.T) {
	e := newTestEngine(t)
	for _, task := range taskValues() {
		for _, dep := range []string{"cloud_api_ok", "own_servers", "offline"} {
			rec := recommend(t, e, "task", task, "deployment", dep, "hardware", "gpu_24gb", "license_needs", "commercial_product")
			if len(rec.Shortlist) == 0 {
				t.Errorf("task %s, deployment %s: empty shortlist (model %+v)", task, dep, rec.Model)
			}
		}
	}
}

// answerPtr (single values) and listPtr (lists) must cover every key of the
// vocabulary but the numbers, in step with Answers.Get; answered must see
// every key once set.
func TestAnswerPtrCoversVocabulary(t *testing.T) {
	for _, q := range Questions {
		var a Answers
		if err := a.Set(q.Key, q.Sample()); err != nil {
			t.Fatal(err)
		}
		if !answered(&a, q.Key) {
			t.Errorf("answered(%q) is false after Set", q.Key)
		}
		if q.Kind == KindNumber {
			continue
		}
		if l := listPtr(&a, q.Key); l != nil {
			*l = []string{"x"}
			if got := a.Get(q.Key); len(got) != 1 || got[0] != "x" {
				t.Errorf("listPtr(%q) is not that key's field", q.Key)
			}
			continue
		}
		a = Answers{}
		p := answerPtr(&a, q.Key)
		if p == nil {
			t.Errorf("answerPtr misses %q", q.Key)
			continue
		}
		*p = "x"
		if got := a.Get(q.Key); len(got) != 1 || got[0] != "x" {
			t.Errorf("answerPtr(%q) is not that key's field", q.Key)
		}
	}
	bad := Answers{Task: []string{"chat_qa", "juggle"}}
	if err := validateAnswers(&bad); err == nil || bad.Validate() == nil {
		t.Error("an unknown task value must fail validation")
	}
}
