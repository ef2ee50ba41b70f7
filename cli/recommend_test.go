package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/assets"
)

// cliRun runs the command line with an empty user config folder, so the
// user's own rules or catalog never change a test.
func cliRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	var out, errb bytes.Buffer
	code := Run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func writeAnswers(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "answers.json")
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRecommendScenariosThroughCLI runs every file of shared/scenarios through
// `recommend --answers FILE --json` and checks the scenario's expectations on
// the printed JSON (shared/scenarios/README.md).
func TestRecommendScenariosThroughCLI(t *testing.T) {
	dir := "../testdata/shared/scenarios" // the repository's copy of shared/scenarios
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) == 0 {
		t.Fatal("no scenarios")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var sc struct {
			Answers json.RawMessage            `json:"answers"`
			Expect  map[string]json.RawMessage `json:"expect"`
		}
		if err := json.Unmarshal(b, &sc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			code, out, stderr := cliRun(t, "recommend", "--answers", writeAnswers(t, string(sc.Answers)), "--json")
			if code != ExitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			var raw map[string]json.RawMessage
			if err := json.Unmarshal([]byte(out), &raw); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out)
			}
			for _, k := range []string{"model", "strategy", "also", "shortlist", "fired", "warnings", "conflicts", "assumptions"} {
				if _, ok := raw[k]; !ok {
					t.Errorf("JSON lacks %q", k)
				}
			}
			var rec advisor.Recommendation
			if err := json.Unmarshal([]byte(out), &rec); err != nil {
				t.Fatal(err)
			}
			for _, bad := range expectations(sc.Expect, &rec) {
				t.Error(bad)
			}
		})
	}
}

// expectations returns each `expect` key that does not hold.
func expectations(expect map[string]json.RawMessage, rec *advisor.Recommendation) []string {
	var bad []string
	keys := make([]string, 0, len(expect))
	for k := range expect {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k == "conflicts_nonempty" {
			var want bool
			json.Unmarshal(expect[k], &want)
			if want && len(rec.Conflicts) == 0 {
				bad = append(bad, "conflicts_nonempty")
			}
			continue
		}
		var vals []string
		if err := json.Unmarshal(expect[k], &vals); err != nil {
			bad = append(bad, k+": "+err.Error())
			continue
		}
		field := map[string]string{
			"model.type": rec.Model.Type, "model.architecture": rec.Model.Architecture, "model.weights": rec.Model.Weights,
			"model.hosting": rec.Model.Hosting, "model.size_tier": rec.Model.SizeTier, "strategy.primary": rec.Strategy.Primary,
		}
		switch {
		case field[k] != "" || strings.HasPrefix(k, "model.") || k == "strategy.primary":
			if !contains(vals, field[k]) {
				bad = append(bad, k+": "+field[k]+" not in "+strings.Join(vals, "|"))
			}
		case k == "plan_first":
			if len(rec.Strategy.Plan) == 0 || !contains(vals, rec.Strategy.Plan[0]) {
				bad = append(bad, "plan_first: "+strings.Join(rec.Strategy.Plan, ","))
			}
		case k == "plan_includes" || k == "plan_excludes" || k == "also_includes" || k == "also_excludes":
			list := rec.Strategy.Plan
			if strings.HasPrefix(k, "also") {
				list = rec.Also
			}
			for _, v := range vals {
				if contains(list, v) != strings.HasSuffix(k, "includes") {
					bad = append(bad, k+": "+v+" (got "+strings.Join(list, ",")+")")
				}
			}
		case k == "mentions":
			var all strings.Builder
			for _, f := range rec.Fired {
				all.WriteString(f.Because + " ")
			}
			all.WriteString(strings.Join(rec.Warnings, " "))
			for _, v := range vals {
				if !strings.Contains(strings.ToLower(all.String()), strings.ToLower(v)) {
					bad = append(bad, "mentions: "+v)
				}
			}
		default:
			bad = append(bad, "unknown expect key "+k)
		}
	}
	return bad
}

func TestRecommendBadInput(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope.json")
	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"missing file", []string{"recommend", "--answers", missing}, []string{missing}},
		{"no --answers", []string{"recommend"}, []string{"--answers"}},
		{"unknown flag", []string{"recommend", "--answer", "x"}, []string{"answer"}},
		{"unknown key", []string{"recommend", "--answers", writeAnswers(t, `{"task":"chat_qa","speed":"fast"}`)}, []string{`"speed"`, "allowed keys", "latency"}},
		{"unknown value", []string{"recommend", "--answers", writeAnswers(t, `{"latency":"fast"}`)}, []string{`"latency"`, `"fast"`, "instant, interactive, minutes_ok, batch_overnight"}},
		{"not JSON", []string{"recommend", "--answers", writeAnswers(t, `task: chat_qa`)}, []string{"not a JSON object"}},
		{"bad --lang", []string{"recommend", "--answers", writeAnswers(t, `{}`), "--lang", "fr"}, []string{`"fr"`, "pt-BR"}},
		{"catalog bad type", []string{"catalog", "--type", "robot"}, []string{`"robot"`, "text-llm", "encoder-decoder"}},
		{"catalog bad task", []string{"catalog", "--task", "dance"}, []string{`"dance"`, "speech_to_text"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := cliRun(t, c.args...)
			if code != ExitUsage {
				t.Fatalf("exit %d, want %d; stderr %s", code, ExitUsage, stderr)
			}
			if out != "" {
				t.Errorf("stdout should be empty: %s", out)
			}
			for _, w := range c.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}

func TestRecommendReadableText(t *testing.T) {
	p := writeAnswers(t, `{"task":"chat_qa","knowledge_source":"own_documents","kb_size":"500_5000","residency":"eu","team_skills":"app_developers"}`)
	t.Setenv("LLM_ADVISOR_LANG", "en")
	code, out, stderr := cliRun(t, "recommend", "--answers", p)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{"Recommendation", "Plan", "retrieval (RAG)", "Shortlist (estimated monthly cost)", "USD ", "a month",
		"Cost assumptions", "Also needed: Search model (embeddings", "text-embedding-3-small", "Why (rules that fired)", "S4 [strong]", "source: http", "Warnings", "Assumptions"} {
		if !strings.Contains(out, want) {
			t.Errorf("English text lacks %q", want)
		}
	}
	t.Setenv("LLM_ADVISOR_LANG", "pt-BR")
	code, out, _ = cliRun(t, "recommend", "--answers", p)
	if code != ExitOK {
		t.Fatal(code)
	}
	for _, want := range []string{"Recomendação", "Plano", "recuperação (RAG)", "US$ ", "por mês", "Por quê (regras aplicadas)", "Premissas"} {
		if !strings.Contains(out, want) {
			t.Errorf("Portuguese text lacks %q", want)
		}
	}
	if strings.Contains(out, "Shortlist (estimated") {
		t.Error("Portuguese output has English headings")
	}
}

func TestRecommendUserFileProblemIsReported(t *testing.T) {
	cfg := t.TempDir()
	if err := os.MkdirAll(filepath.Join(cfg, "llm-advisor"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(cfg, "llm-advisor", "rules.yaml"), []byte("rules:\n  - id: X1\n    stage: 9\n"), 0o644)
	p := writeAnswers(t, `{"task":"write"}`)
	var out, errb bytes.Buffer
	t.Setenv("XDG_CONFIG_HOME", cfg)
	code := Run([]string{"recommend", "--answers", p, "--json"}, strings.NewReader(""), &out, &errb)
	if code != ExitOK {
		t.Fatalf("a broken user file must not stop recommend: exit %d %s", code, errb.String())
	}
	if !strings.Contains(errb.String(), "rules.yaml:2: rule X1") {
		t.Errorf("stderr %q should name the file, line and rule", errb.String())
	}
	var rec advisor.Recommendation
	if err := json.Unmarshal(out.Bytes(), &rec); err != nil || len(rec.Fired) == 0 {
		t.Errorf("built-ins did not run: %v", err)
	}
}

func TestCatalogCommand(t *testing.T) {
	code, out, stderr := cliRun(t, "catalog", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var all []advisor.Model
	if err := json.Unmarshal([]byte(out), &all); err != nil || len(all) < 35 {
		t.Fatalf("catalog --json: %d models, %v", len(all), err)
	}
	code, out, _ = cliRun(t, "catalog", "--json", "--task", "speech_to_text", "--open")
	var asr []advisor.Model
	if code != ExitOK || json.Unmarshal([]byte(out), &asr) != nil || len(asr) == 0 {
		t.Fatalf("filtered catalog: %d %s", code, out)
	}
	for _, m := range asr {
		if m.Weights != "open" || !contains(m.Tasks, "speech_to_text") {
			t.Errorf("%s does not match --task speech_to_text --open", m.ID)
		}
	}
	if len(asr) >= len(all) {
		t.Error("filters did not filter")
	}
	code, out, _ = cliRun(t, "catalog", "--license", "mit", "--type", "encoder-decoder", "--json")
	var mit []advisor.Model
	json.Unmarshal([]byte(out), &mit)
	if code != ExitOK || len(mit) == 0 {
		t.Fatalf("--license mit --type encoder-decoder: %d %s", code, out)
	}
	for _, m := range mit {
		if m.Type != "encoder-decoder" || !strings.Contains(strings.ToLower(m.License), "mit") {
			t.Errorf("%s does not match", m.ID)
		}
	}
	t.Setenv("LLM_ADVISOR_LANG", "en")
	code, out, _ = cliRun(t, "catalog", "--name", "whisper")
	if code != ExitOK || !strings.Contains(out, "whisper-1") || strings.Contains(out, "gpt-4o") || !strings.Contains(out, "PRICE AS OF") {
		t.Errorf("catalog --name whisper table:\n%s", out)
	}
}

func TestRecommendJSONLanguage(t *testing.T) {
	p := writeAnswers(t, `{"task":"write"}`)
	t.Setenv("LLM_ADVISOR_LANG", "pt-BR")
	_, out, _ := cliRun(t, "recommend", "--answers", p, "--json")
	var en advisor.Recommendation
	if err := json.Unmarshal([]byte(out), &en); err != nil || en.Lang != "en" {
		t.Fatalf("--json defaults to English texts: %v %q", err, en.Lang)
	}
	_, out, _ = cliRun(t, "recommend", "--answers", p, "--json", "--lang", "pt-BR")
	var pt advisor.Recommendation
	if err := json.Unmarshal([]byte(out), &pt); err != nil || pt.Lang != "pt-BR" || pt.Fired[0].Because == en.Fired[0].Because {
		t.Fatalf("--lang pt-BR: %v %q", err, pt.Lang)
	}
}

// TestModelTypeNamesAsInTheGUI: the command line names model types with the
// GUI's labels (assets/translations answers.*.json), in both languages.
func TestModelTypeNamesAsInTheGUI(t *testing.T) {
	for _, lang := range []string{"en", "pt-BR"} {
		l, err := assets.Labels(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, ty := range advisor.ModelTypes {
			want := l["type."+ty]
			if want == "" {
				t.Fatalf("%s: no GUI label for type %s", lang, ty)
			}
			if got := plain(lang, ty); got != want {
				t.Errorf("%s: CLI names %s %q, the GUI %q", lang, ty, got, want)
			}
		}
	}
}
