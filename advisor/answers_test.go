package advisor

import (
	"errors"
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
		v := "text"
		if q.Values != nil {
			v = q.Values[0]
		}
		if err := a.Set(q.Key, []string{v}); err != nil {
			t.Fatal(err)
		}
		if a.Empty() {
			t.Errorf("answers with only %s set count as empty", q.Key)
		}
	}
}
