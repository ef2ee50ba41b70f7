package advisor

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseAnswersScenarioFile(t *testing.T) {
	a, err := ParseAnswersBytes([]byte(`{"story": "Route tickets.", "answers": {"task": "classify", "volume": "10k_1m"}, "expect": {"model.type": ["encoder-classifier"]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if a.MainTask() != "classify" || a.Volume != "10k_1m" || a.UseCase != "Route tickets." {
		t.Errorf("scenario answers = %+v", a)
	}
	a, err = ParseAnswersBytes([]byte(`{"story": "s", "answers": {"use_case": "mine", "task": ["summarize", "chat_qa"]}}`))
	if err != nil || a.UseCase != "mine" || len(a.Task) != 2 {
		t.Errorf("use_case given: %+v, %v", a, err)
	}
	// The inner answers are as strict as a bare answers object.
	_, err = ParseAnswersBytes([]byte(`{"answers": {"task": "poetry"}}`))
	var ae *AnswerError
	if !errors.As(err, &ae) || ae.Key != "task" || !strings.Contains(err.Error(), "chat_qa") {
		t.Errorf("bad inner value: %v", err)
	}
	if _, err := ParseAnswersBytes([]byte(`{"answers": {"task": "write"}, "notes": "x"}`)); err == nil || !strings.Contains(err.Error(), "notes") {
		t.Errorf("extra key beside answers: %v", err)
	}
	if _, err := ParseAnswersBytes([]byte(`{"answers": "write"}`)); err == nil {
		t.Error("answers that is not an object was accepted")
	}
}

func TestAnswersEmpty(t *testing.T) {
	if !(Answers{}).Empty() {
		t.Error("no answers is not empty")
	}
	for _, q := range Questions {
		var a Answers
		if err := a.Set(q.Key, q.Sample()); err != nil {
			t.Fatal(err)
		}
		if a.Empty() {
			t.Errorf("answers with only %s set count as empty", q.Key)
		}
	}
}

// The contract's "More answers": every new key parses, is checked, and
// reads back; a stored string for a key that became a list still reads.
func TestMoreAnswers(t *testing.T) {
	a, err := ParseAnswersBytes([]byte(`{"regulation": ["lgpd", "none", "pci_dss"], "residency": "country", "residency_country": "br",
		"currency": "BRL", "exchange_rate": 5.4, "exchange_rate_date": "2026-11-30", "budget_monthly_amount": 2000, "budget_build_amount": 0,
		"cloud_already": ["azure", "m365"], "build_or_buy": "either", "language_list": ["pt-br", "en"],
		"agent_actions": "irreversible", "structured_output": "json_schema"}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Regulation) != 2 || !a.HasRegulation("lgpd") || a.HasRegulation("none") {
		t.Errorf("regulation = %v (none left out beside a real law)", a.Regulation)
	}
	if a.ResidencyCountry != "BR" || a.ExchangeRate != 5.4 || a.BudgetMonthlyAmount == nil || *a.BudgetMonthlyAmount != 2000 ||
		a.BudgetBuildAmount == nil || *a.BudgetBuildAmount != 0 {
		t.Errorf("country/rate/amounts = %q %v %v %v", a.ResidencyCountry, a.ExchangeRate, a.BudgetMonthlyAmount, a.BudgetBuildAmount)
	}
	if got := a.Get("language_list"); len(got) != 2 || got[0] != "pt-BR" {
		t.Errorf("language_list = %v, want canonical BCP 47 [pt-BR en]", got)
	}
	if got := a.Get("budget_build_amount"); len(got) != 1 || got[0] != "0" {
		t.Errorf("a build budget of 0 is an answer, got %v", got)
	}
	var back Answers
	b, _ := json.Marshal(a)
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, a) {
		t.Errorf("round trip: %v\n%+v\n%+v", err, back, a)
	}
	// A decision saved when regulation was one string still loads.
	var old Answers
	if err := json.Unmarshal([]byte(`{"regulation": "gdpr"}`), &old); err != nil || !old.HasRegulation("gdpr") {
		t.Errorf("old regulation string: %v %v", old.Regulation, err)
	}

	for _, c := range []struct{ json, key, says string }{
		{`{"residency_country": "Brasil"}`, "residency_country", "ISO 3166-1"},
		{`{"residency_country": "XX"}`, "residency_country", "ISO 3166-1"},
		{`{"language_list": ["português"]}`, "language_list", "BCP 47"},
		{`{"exchange_rate": 0}`, "exchange_rate", "more than 0"},
		{`{"exchange_rate": "cinco"}`, "exchange_rate", "not a number"},
		{`{"budget_monthly_amount": -5}`, "budget_monthly_amount", "0 or more"},
		{`{"currency": "GBP"}`, "currency", "USD, BRL, EUR"},
		{`{"regulation": ["lgpd", "sox"]}`, "regulation", "eu_ai_act"},
		{`{"cloud_already": "oracle"}`, "cloud_already", "google_workspace"},
		{`{"agent_actions": "everything"}`, "agent_actions", "irreversible"},
		{`{"exchange_rate_date": "30/11/2026"}`, "exchange_rate_date", "YYYY-MM-DD"},
	} {
		_, err := ParseAnswersBytes([]byte(c.json))
		var ae *AnswerError
		if !errors.As(err, &ae) || ae.Key != c.key || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%s: %v; want an error on %s saying %q", c.json, err, c.key, c.says)
		}
	}
}

// Question.Asked leaves out the questions that only matter for one answer.
func TestQuestionAsked(t *testing.T) {
	q, _ := QuestionByKey("residency_country")
	if q.Asked(Answers{}) || !q.Asked(Answers{Residency: "country"}) {
		t.Error("residency_country is asked only for residency = country")
	}
	r, _ := QuestionByKey("exchange_rate")
	if r.Asked(Answers{}) || r.Asked(Answers{Currency: "USD"}) || !r.Asked(Answers{Currency: "BRL"}) {
		t.Error("exchange_rate is asked only for a currency other than USD")
	}
	ag, _ := QuestionByKey("agent_actions")
	if ag.Asked(Answers{Task: []string{"chat_qa"}}) || !ag.Asked(Answers{Task: []string{"chat_qa", "agent"}}) {
		t.Error("agent_actions is asked when agent is one of the tasks")
	}
}

// TestRecommendLeavesTheCallersAnswers: Recommend takes the answers by value,
// and the app reads its copy on the UI goroutine while a recommendation is
// worked out on another, so normalising them (a language tag's case) must
// not write into the lists the caller shares. Under -race the reads beside
// the Recommend calls also catch a write of an unchanged value.
func TestRecommendLeavesTheCallersAnswers(t *testing.T) {
	e := newTestEngine(t)
	a, err := ParseAnswersBytes([]byte(`{"use_case": "Answer customer questions about our products.", "task": ["chat_qa"]}`))
	if err != nil {
		t.Fatal(err)
	}
	a.LanguageList = StringList{"PT-br", "en"} // normalised to pt-BR; en stays
	a.Task = append(a.Task, "summarize")
	before, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error)
	go func() {
		for i := 0; i < 3; i++ {
			if _, err := e.Recommend(a, "en"); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		default:
			if _, err := json.Marshal(a); err != nil {
				t.Fatal(err)
			}
		}
	}
	after, _ := json.Marshal(a)
	if !bytes.Equal(before, after) {
		t.Errorf("Recommend changed the caller's answers:\nbefore %s\nafter  %s", before, after)
	}
	if got := a.LanguageList[0]; got != "PT-br" {
		t.Errorf("the caller's language list holds %q", got)
	}
}
