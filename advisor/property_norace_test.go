//go:build !race

package advisor

import (
	"math/rand"
	"testing"
)

// randomAnswers fills each key with a random allowed value or leaves it
// unknown ("I don't know").
func randomAnswers(rng *rand.Rand) Answers {
	var a Answers
	for _, q := range Questions {
		if q.Kind != KindChoice || rng.Intn(3) == 0 {
			continue
		}
		vals := []string{q.Values[rng.Intn(len(q.Values))]}
		if q.Multi && rng.Intn(3) == 0 {
			vals = append(vals, q.Values[rng.Intn(len(q.Values))])
		}
		if err := a.Set(q.Key, vals); err != nil {
			panic(err)
		}
	}
	return a
}

// TestInvariantsOnRandomAnswers checks the guarantees of decision-guidance
// §2.4 on thousands of random answer sets: the recommendation is always
// well-formed and hard constraints are never traded away.
//
// Built without the race detector only: it starts no goroutine (nor does
// Recommend), so the detector has nothing to find in it, and it made its
// 3000 recommendations take about 100 s instead of 12. make test runs it in
// its step without -race (NORACE_ADVISOR in the Makefile; advisor's
// TestNoRaceTestsAreInMakeTest keeps the two the same).
func TestInvariantsOnRandomAnswers(t *testing.T) {
	e := newTestEngine(t)
	rng := rand.New(rand.NewSource(1))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for i := 0; i < n; i++ {
		a := randomAnswers(rng)
		rec, err := e.Recommend(a, LangEN)
		if err != nil {
			t.Fatalf("%+v: %v", a, err)
		}
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("answers %+v: "+format, append([]any{a}, args...)...)
		}
		m := rec.Model
		for field, v := range map[string]string{"type": m.Type, "architecture": m.Architecture, "weights": m.Weights, "hosting": m.Hosting, "size_tier": m.SizeTier} {
			if !contains(modelFields[field], v) {
				fail("model.%s = %q", field, v)
			}
		}
		if len(rec.Strategy.Plan) == 0 || !contains(rec.Strategy.Plan, rec.Strategy.Primary) {
			fail("primary %q not in plan %v", rec.Strategy.Primary, rec.Strategy.Plan)
		}
		seen := map[string]bool{}
		for _, f := range rec.Fired {
			if seen[f.ID] {
				fail("rule %s fired twice", f.ID)
			}
			seen[f.ID] = true
		}
		if contains(rec.Also, m.Type) {
			fail("also repeats the main type %s", m.Type)
		}
		// Changing facts are never carried by fine-tuning or training (C11).
		facts := a.KnowledgeSource != "" && a.KnowledgeSource != "general_only"
		if facts && (rec.Strategy.Primary == StepFineTuning || rec.Strategy.Primary == StepTraining) {
			fail("own knowledge carried by %s", rec.Strategy.Primary)
		}
		// Citations required keep retrieval.
		if facts && a.Citations == "required" && !contains(rec.Strategy.Plan, StepRAG) {
			fail("citations required without rag: %v", rec.Strategy.Plan)
		}
		// Training only behind S16's gate or as S15's continued pre-training.
		if contains(rec.Strategy.Plan, StepTraining) && !seen["S16"] && !seen["S15"] {
			fail("training without S15/S16")
		}
		// Where the model may run: no third-party API.
		local := a.Deployment == "offline" || a.Deployment == "on_device" || a.Deployment == "own_servers" || a.Residency == "on_prem_only"
		if local && (m.Weights != WeightsOpen || m.Hosting == HostingManaged) {
			fail("must run locally but model is %+v", m)
		}
		for _, s := range rec.Shortlist {
			cm, ok := e.Model(s.ID)
			if !ok {
				fail("unknown shortlisted id %s", s.ID)
				continue
			}
			if cm.Status == StatusShutDown {
				fail("shut-down %s shortlisted", s.ID)
			}
			if local && (cm.Weights != WeightsOpen || !selfHostable(cm)) {
				fail("%s cannot run locally", s.ID)
			}
			if a.HasRegulation("hipaa") && !cm.BAA && !s.SelfHosted {
				fail("%s has no BAA under HIPAA", s.ID)
			}
			if a.Residency == "eu" && !local && !s.SelfHosted && !contains(cm.Regions, "eu") {
				fail("%s cannot process in the EU", s.ID)
			}
			if (a.LicenseNeeds == "" || a.LicenseNeeds == "commercial_product") && cm.License == "CC-BY-NC-4.0" {
				fail("non-commercial %s for a commercial product", s.ID)
			}
			if gb := hardwareGB(a.Hardware); s.SelfHosted && a.Deployment != "own_cloud_tenant" && gb >= 0 && cm.MinMemoryGB > gb {
				fail("%s needs %g GB, hardware %s", s.ID, cm.MinMemoryGB, a.Hardware)
			}
		}
		for _, c := range rec.Conflicts {
			if len(c.Between) < 2 || c.Relaxation == "" {
				fail("conflict %s incomplete", c.ID)
			}
			var probe Answers
			for k, v := range c.Relax {
				if err := probe.Set(k, []string{v}); err != nil {
					fail("conflict %s relax: %v", c.ID, err)
				}
			}
		}
	}
}
