package report

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/verdict"
)

// peopleFixture is the report fixture with people's figures. By hand:
// openai (zero-shot) rated 1, 1, 0, 1 on cases 0–3: 0.75 over 4, Wilson(3,
// 4) = [30%, 95%]. Blind, openai against azure (zero-shot) on cases 0–4:
// openai won 3, 2 the same: 4 of 5 = 80%, Wilson(4, 5) = [38%, 96%]; azure
// 1 of 5 = 20%, [4%, 62%].
func peopleFixture(lang string) Input {
	in := fixture(lang, 10)
	id := map[[3]any]int64{}
	for i := range in.Results {
		r := &in.Results[i]
		r.ID = int64(i + 1)
		if r.Repeat == 0 {
			id[[3]any{r.Endpoint, r.Strategy, r.Case}] = r.ID
		}
	}
	zs := advisor.StrategyZeroShot
	in.People = verdict.People{Scores: map[int64][]float64{}}
	for c, s := range []float64{1, 1, 0, 1} {
		in.People.Scores[id[[3]any{"openai", zs, c}]] = []float64{s}
	}
	for c, ch := range []string{verdict.ChoiceLeft, verdict.ChoiceRight, verdict.ChoiceLeft, verdict.ChoiceSame, verdict.ChoiceBothBad} {
		l, r := id[[3]any{"openai", zs, c}], id[[3]any{"azure", zs, c}]
		if c == 1 {
			l, r = r, l // shown the other way round: "right" is openai
		}
		in.People.Judgements = append(in.People.Judgements, verdict.Judgement{Left: l, Right: r, Choice: ch, Who: "ana"})
	}
	return in
}

// The report shows people's figures with their ranges next to the
// automatic ones, in HTML, Markdown and PDF, in both languages.
func TestPeopleInReport(t *testing.T) {
	for _, lang := range []string{"en", "pt-BR"} {
		in := peopleFixture(lang)
		var h bytes.Buffer
		if err := WriteHTML(&h, in); err != nil {
			t.Fatal(err)
		}
		want := map[string][]string{
			"en":    {"What people said", "75% (30%–95%) over 4 answers", "80% (38%–96%) of 5 comparisons", "20% (4%–62%) of 5 comparisons", "No clear preference between openai (zero-shot) and azure (zero-shot): openai (zero-shot) won 3, lost 0 and tied 2 of 5"},
			"pt-BR": {"O que as pessoas disseram", "75% (30%–95%) em 4 respostas", "80% (38%–96%) de 5 comparações", "Entre openai (zero-shot) e azure (zero-shot) não houve preferência clara"},
		}[lang]
		html := strings.ReplaceAll(h.String(), "&#43;", "+")
		for _, w := range want {
			if !strings.Contains(strings.ReplaceAll(html, "&nbsp;", " "), w) {
				t.Errorf("%s HTML lacks %q", lang, w)
			}
		}
		dir := t.TempDir()
		path, err := WriteMarkdown(dir, "r.md", in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		md := string(b)
		for _, w := range want[:3] {
			if !strings.Contains(md, w) {
				t.Errorf("%s Markdown lacks %q", lang, w)
			}
		}
		pdf := pdfText(t, in)
		for _, w := range want[:2] {
			if !strings.Contains(pdf, w) {
				t.Errorf("%s PDF lacks %q", lang, w)
			}
		}
	}
	// A judge people disagree with is flagged in the report: people pass
	// openai's cases 0, 1, 3 and fail 2; the judge fails 0 and 1 and passes
	// 2 and 3 — agreeing on 1 of 4, kappa (0.25 − 0.5)/0.5 = −0.5.
	in := peopleFixture("en")
	for i := range in.Results {
		r := &in.Results[i]
		if r.Endpoint == "openai" && r.Strategy == advisor.StrategyZeroShot && r.Repeat == 0 && r.Case < 4 {
			r.Checks = append(r.Checks, advisor.CheckResult{Check: advisor.CheckJudge, Score: map[bool]float64{true: 1}[r.Case >= 2]})
		}
	}
	var hj bytes.Buffer
	if err := WriteHTML(&hj, in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(hj.String(), "Flagged: The judge agrees with you on only 1 of 4 answers (kappa -0.50)") {
		t.Errorf("the untrusted judge is not flagged:\n%s", hj.String()[strings.Index(hj.String(), "What people said"):][:1500])
	}
	// Without people, no such section.
	var h bytes.Buffer
	if err := WriteHTML(&h, fixture("en", 10)); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(h.String(), "What people said") {
		t.Error("a report without ratings shows people's section")
	}
}
