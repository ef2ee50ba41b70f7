package livetest

import (
	"strings"
	"testing"
)

// FuzzParsePlan: no input makes the plan decoder panic, hang or accept a
// plan that ValidatePlan would refuse or that exceeds the plan's bounds.
func FuzzParsePlan(f *testing.F) {
	f.Add([]byte(goodYAML), "plan.yaml")
	f.Add([]byte(`{"endpoints":[{"name":"a","kind":"openai-compatible","base_url":"http://127.0.0.1:1/v1","model":"m"}],"cases":[{"input":"hi"}]}`), "plan.json")
	f.Add([]byte(boundsEndpoint+"repeats: 0\n"), "plan.yaml")
	f.Add([]byte("a: &a [*a]\n"), "plan.yaml")
	f.Fuzz(func(t *testing.T, b []byte, name string) {
		p, err := ParsePlan(b, name)
		if err != nil {
			return
		}
		if verr := ValidatePlan(p); verr != nil {
			t.Fatalf("ParsePlan accepted a plan ValidatePlan refuses: %v", verr)
		}
		if RequestCount(p) > MaxRequests || p.Repeats > MaxRepeats || p.TimeoutSeconds > MaxTimeoutSecond {
			t.Fatalf("a plan over the bounds was accepted: %d requests", RequestCount(p))
		}
		for _, ep := range allEndpoints(p) {
			if strings.HasPrefix(ep.APIKeyEnv, "sk-") {
				t.Fatalf("a key-like api_key_env was accepted")
			}
		}
	})
}
