package livetest

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
	"gopkg.in/yaml.v3"
)

// Size limits of a promptfoo import: the config itself, each file it names
// (prompt, tests, CSV, a var's file) and how many files it may name.
const (
	MaxPromptfooConfig = 4 << 20
	MaxPromptfooFile   = 32 << 20
	MaxPromptfooFiles  = 500
)

// PromptfooImport is a promptfoo config read as a plan. Notes name, one line
// each, everything of the config that has no counterpart here and was left
// out (an assert type, a provider, a prompt written in code), so nothing is
// dropped silently.
type PromptfooImport struct {
	Plan  advisor.Plan
	Notes []string
	// NotesPT are the same notes in Brazilian Portuguese.
	NotesPT []string
}

// NotesIn are the notes in a language (en, or pt-BR).
func (im PromptfooImport) NotesIn(lang string) []string {
	if strings.HasPrefix(strings.ToLower(lang), "pt") && len(im.NotesPT) == len(im.Notes) {
		return im.NotesPT
	}
	return im.Notes
}

// pfNotesPT are the notes' formats in Brazilian Portuguese, by their
// English format (the same arguments, in the same order).
var pfNotesPT = map[string]string{
	"%s: no counterpart here, left out":                                                                                    "%s: sem equivalente aqui, ficou de fora",
	"similar: thresholds differ between tests; the plan has one (%.2g, the first) for all":                                 "similar: os limiares variam entre os testes; o plano tem um só (%.2g, o primeiro) para todos",
	"llm-rubric: graded by the judge endpoint %q (model %s); change it in the plan's judge":                                "llm-rubric: avaliado pelo endpoint juiz %q (modelo %s); troque no juiz do plano",
	"similar: embeddings from %s at the first provider's address (promptfoo's default); change it in the plan's embedding": "similar: embeddings de %s no endereço do primeiro provedor (o padrão do promptfoo); troque no embedding do plano",
	"prompt %s: prompts written in code (%s) have no counterpart, left out":                                                "prompt %s: prompts escritos em código (%s) não têm equivalente, ficaram de fora",
	"chat prompt: %d earlier user/assistant turns have no counterpart (one question per case), left out":                   "prompt de chat: %d turnos anteriores de usuário/assistente não têm equivalente (uma pergunta por caso), ficaram de fora",
	"provider %s: only openai chat models are imported, left out":                                                          "provedor %s: só modelos de chat da openai são importados, ficou de fora",
	"provider %s: only Azure OpenAI chat deployments are imported, left out":                                               "provedor %s: só implantações de chat do Azure OpenAI são importadas, ficou de fora",
	"provider %s: only ollama chat and completion models are imported, left out":                                           "provedor %s: só modelos de chat e de completion do ollama são importados, ficou de fora",
	"provider %s: no counterpart (openai, azureopenai and ollama providers are imported), left out":                        "provedor %s: sem equivalente (são importados provedores openai, azureopenai e ollama), ficou de fora",
	"%s.config.apiKey: the key was not copied; keep it in the keyring or in the variable %s":                               "%s.config.apiKey: a chave não foi copiada; guarde-a no chaveiro do sistema ou na variável %s",
	"%s.config.temperature: providers differ; the plan has one temperature (%g, the first) for all":                        "%s.config.temperature: os provedores diferem; o plano tem uma só temperatura (%g, a primeira) para todos",
	"%s.config.%s: providers differ; the plan has one max_tokens (%d, the first) for all":                                  "%s.config.%s: os provedores diferem; o plano tem um só max_tokens (%d, o primeiro) para todos",
	"test field %s: no counterpart here, left out":                                                                         "campo de teste %s: sem equivalente aqui, ficou de fora",
	"tests from %s: only file:// sources (CSV, YAML, JSON) are imported, left out":                                         "testes de %s: só fontes file:// (CSV, YAML, JSON) são importadas, ficaram de fora",
	"tests from %s: tests written in code have no counterpart, left out":                                                   "testes de %s: testes escritos em código não têm equivalente, ficaram de fora",
	"CSV column %s: no counterpart here, left out":                                                                         "coluna do CSV %s: sem equivalente aqui, ficou de fora",
	"%s: a second expected answer (%s %q) has no place (a case has one accepted answer), left out":                         "%s: uma segunda resposta esperada (%s %q) não tem lugar (cada caso tem uma resposta aceita), ficou de fora",
	"%s: a second regex %q has no place, left out":                                                                         "%s: uma segunda regex %q não tem lugar, ficou de fora",
	"%s: a second llm-rubric has no place (a case has one rubric), left out":                                               "%s: uma segunda llm-rubric não tem lugar (cada caso tem uma rubrica), ficou de fora",
	"assert %s: the checks here cannot be negated, left out":                                                               "assert %s: as verificações daqui não podem ser negadas, ficou de fora",
	"assert contains: compared here without regard to case or spacing (promptfoo's is case-sensitive)":                     "assert contains: aqui a comparação ignora maiúsculas, minúsculas e espaços (a do promptfoo diferencia maiúsculas)",
	"assert equals: compared here without regard to case or spacing (promptfoo's is exact)":                                "assert equals: aqui a comparação ignora maiúsculas, minúsculas e espaços (a do promptfoo é exata)",
	"assert %s: no counterpart here, left out":                                                                             "assert %s: sem equivalente aqui, ficou de fora",
	"%s: the template filter in %s has no counterpart; the plain value is used":                                            "%s: o filtro de template em %s não tem equivalente; vale o valor puro",
	"%s: {{%s}} has no value in a test; left as written":                                                                   "%s: {{%s}} não tem valor em um teste; ficou como está escrito",
	"var %s: the file %s could not be read as text; the reference is left as written":                                      "variável %s: o arquivo %s não pôde ser lido como texto; a referência ficou como está escrita",
	"var %s: %v; the reference is left as written":                                                                         "variável %s: %v; a referência ficou como está escrita",
	"var %s: a list of values (promptfoo runs each) has no counterpart; the first is used":                                 "variável %s: uma lista de valores (o promptfoo roda cada um) não tem equivalente; vale o primeiro",
}

// ImportPromptfoo reads a promptfoo config (promptfooconfig.yaml, or JSON)
// and the files it names with file:// (relative to the config's folder).
func ImportPromptfoo(path string) (PromptfooImport, error) {
	b, err := safefile.Read(path, MaxPromptfooConfig)
	if err != nil {
		return PromptfooImport{}, fmt.Errorf("read the promptfoo config: %w", err)
	}
	return ParsePromptfoo(b, filepath.Dir(path), filepath.Base(path))
}

// ParsePromptfoo is ImportPromptfoo of a config already read; dir is where
// its file:// references are looked up.
func ParsePromptfoo(b []byte, dir, name string) (PromptfooImport, error) {
	im := &pfImporter{dir: dir, notes: map[string]int{}}
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return PromptfooImport{}, &PlanError{Msg: fmt.Sprintf("%s is not valid YAML or JSON: %v", displayName(name), err)}
	}
	if n := advisor.YAMLExpandedSize(&doc, MaxPlanExpanded); n > MaxPlanExpanded {
		return PromptfooImport{}, &PlanError{Msg: fmt.Sprintf("%s expands to more than %s (YAML aliases repeat its text)", displayName(name), safefile.Size(MaxPlanExpanded))}
	}
	var raw any
	if err := doc.Decode(&raw); err != nil {
		return PromptfooImport{}, &PlanError{Msg: fmt.Sprintf("%s: %v", displayName(name), err)}
	}
	top, ok := raw.(map[string]any)
	if !ok {
		return PromptfooImport{}, &PlanError{Msg: fmt.Sprintf("%s is not a promptfoo config: it has no prompts, providers and tests", displayName(name))}
	}
	p, err := im.config(top, name)
	if err != nil {
		return PromptfooImport{}, err
	}
	Defaults(&p)
	if err := ValidatePlan(p); err != nil {
		return PromptfooImport{}, fmt.Errorf("the imported plan is not valid: %w", err)
	}
	en, pt := im.noteLines()
	return PromptfooImport{Plan: p, Notes: en, NotesPT: pt}, nil
}

// PlanYAML writes a plan as YAML, the form LoadPlan reads.
func PlanYAML(p advisor.Plan) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(p); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type pfImporter struct {
	dir   string
	files int
	notes map[string]int // note → how many times it came up
	order []string
	pt    map[string]string // note → the note in Portuguese
	// azureHost is the first Azure provider's address, used by an Azure
	// grader that names none (as promptfoo's AZURE_API_HOST would serve both).
	azureHost string
}

func (im *pfImporter) note(format string, args ...any) {
	n := fmt.Sprintf(format, args...)
	if im.notes[n] == 0 {
		im.order = append(im.order, n)
		if im.pt == nil {
			im.pt = map[string]string{}
		}
		ptf, ok := pfNotesPT[format]
		if !ok {
			ptf = format
		}
		im.pt[n] = fmt.Sprintf(ptf, args...)
	}
	im.notes[n]++
}

// noteLines are the notes in English and in Portuguese, each once with how
// often it came up.
func (im *pfImporter) noteLines() (en, pt []string) {
	for _, n := range im.order {
		e, p := n, im.pt[n]
		if c := im.notes[n]; c > 1 {
			e += fmt.Sprintf(" (%d times)", c)
			p += fmt.Sprintf(" (%d vezes)", c)
		}
		en, pt = append(en, e), append(pt, p)
	}
	return en, pt
}

func fieldErr(field, format string, args ...any) error {
	return &PlanError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// pfPrompt is one promptfoo prompt: a template with {{var}}s, and the system
// message of a chat prompt.
type pfPrompt struct {
	label  string
	system string
	text   string
}

// pfTest is one promptfoo test case after defaultTest is merged in.
type pfTest struct {
	where   string // field path, for notes
	desc    string
	vars    map[string]any
	asserts []map[string]any
}

// pfGen are the generation settings the providers' configs give.
type pfGen struct {
	temperature *float64
	maxTokens   *int
}

var pfTopKnown = map[string]bool{"description": true, "prompts": true, "providers": true, "tests": true, "defaultTest": true,
	"evaluateOptions": true, "$schema": true, "outputPath": true, "sharing": true, "writeLatestResults": true, "tags": true, "env": true}

func (im *pfImporter) config(top map[string]any, name string) (advisor.Plan, error) {
	var p advisor.Plan
	keys := make([]string, 0, len(top))
	for k := range top {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !pfTopKnown[k] {
			im.note("%s: no counterpart here, left out", k)
		}
	}
	p.Name = strings.TrimSpace(str(top["description"]))
	if p.Name == "" {
		p.Name = strings.TrimSuffix(name, filepath.Ext(name))
	}
	prompts, err := im.prompts(top["prompts"])
	if err != nil {
		return p, err
	}
	var gen pfGen
	eps, err := im.providers(top["providers"], "providers", &gen)
	if err != nil {
		return p, err
	}
	p.Endpoints = eps
	if gen.temperature != nil {
		p.Temperature = float32(*gen.temperature)
	}
	if gen.maxTokens != nil {
		p.MaxTokens = *gen.maxTokens
	}
	if eo, ok := top["evaluateOptions"].(map[string]any); ok {
		if r, ok := num(eo["repeat"]); ok && r >= 1 {
			p.Repeats = int(r)
		}
		if c, ok := num(eo["maxConcurrency"]); ok && c >= 1 {
			p.Concurrency = int(c)
		}
	}
	def, err := im.defaultTest(top["defaultTest"])
	if err != nil {
		return p, err
	}
	tests, err := im.tests(top["tests"], "tests", def)
	if err != nil {
		return p, err
	}
	if len(tests) == 0 {
		// promptfoo runs each prompt once with no vars when there are no tests.
		tests = []pfTest{{where: "tests", vars: def.vars, asserts: def.asserts}}
	}
	judgeUsed, simUsed := im.cases(&p, prompts, tests)
	if judgeUsed {
		j, err := im.grader(top["defaultTest"], p.Endpoints[0], "judge")
		if err != nil {
			return p, err
		}
		p.Judge = &j
		im.note("llm-rubric: graded by the judge endpoint %q (model %s); change it in the plan's judge", j.Name, j.Model)
	}
	if simUsed {
		e := p.Endpoints[0]
		e.Name, e.Model, e.Deployment = "embedding", "text-embedding-3-large", ""
		if e.Kind == advisor.KindAzure {
			e.Deployment = e.Model
		}
		e.PriceInPer1M, e.PriceOutPer1M, e.PriceCachedPer1M = nil, nil, nil
		p.Embedding = &e
		im.note("similar: embeddings from %s at the first provider's address (promptfoo's default); change it in the plan's embedding", e.Model)
	}
	return p, nil
}

// cases fills the plan's cases: each test under each prompt (one case set
// per prompt when there are several), with the system message they share;
// it reports whether the judge and the similarity check are used.
func (im *pfImporter) cases(p *advisor.Plan, prompts []pfPrompt, tests []pfTest) (judgeUsed, simUsed bool) {
	sys := im.commonSystem(prompts, tests)
	p.System = sys
	var threshold *float64
	labels := map[string]bool{}
	for _, pr := range prompts {
		var cases []advisor.Case
		for _, t := range tests {
			c, th := im.testCase(pr, t, sys)
			if th != nil {
				if threshold != nil && *threshold != *th {
					im.note("similar: thresholds differ between tests; the plan has one (%.2g, the first) for all", *threshold)
				} else {
					threshold = th
				}
			}
			for _, ch := range c.Checks {
				judgeUsed = judgeUsed || ch == advisor.CheckJudge
				simUsed = simUsed || ch == advisor.CheckSimilarity
			}
			cases = append(cases, c)
		}
		if len(prompts) == 1 {
			p.Cases = cases
			break
		}
		label := pr.label
		for i := 2; labels[label]; i++ {
			label = fmt.Sprintf("%s %d", pr.label, i)
		}
		labels[label] = true
		p.CaseSets = append(p.CaseSets, advisor.CaseSet{Name: label, Kind: advisor.CaseKindChat, Cases: cases})
	}
	if threshold != nil {
		p.SimilarityThreshold = *threshold
	}
	return judgeUsed, simUsed
}

// commonSystem is the system message every case shares once its vars are
// filled in ("" when they differ; then each case carries its own in the
// input).
func (im *pfImporter) commonSystem(ps []pfPrompt, tests []pfTest) string {
	quiet := &pfImporter{dir: im.dir, notes: map[string]int{}, files: im.files}
	sys, first := "", true
	for _, p := range ps {
		for _, t := range tests {
			s := quiet.render(p.system, t.vars, "")
			if first {
				sys, first = s, false
			} else if s != sys {
				return ""
			}
		}
	}
	return sys
}

// ---- prompts

func (im *pfImporter) prompts(v any) ([]pfPrompt, error) {
	var out []pfPrompt
	add := func(field string, item any, label string) error {
		ps, err := im.prompt(field, item, label)
		out = append(out, ps...)
		return err
	}
	switch t := v.(type) {
	case nil:
		return nil, fieldErr("prompts", "the config has no prompts; add at least one, e.g. prompts: ['Answer: {{question}}']")
	case string:
		if err := add("prompts", t, ""); err != nil {
			return nil, err
		}
	case []any:
		for i, item := range t {
			if err := add(fmt.Sprintf("prompts[%d]", i), item, ""); err != nil {
				return nil, err
			}
		}
	case map[string]any: // the older form: prompt (or file) → label
		keys := sortedKeys(t)
		for _, k := range keys {
			if err := add("prompts."+k, k, str(t[k])); err != nil {
				return nil, err
			}
		}
	default:
		return nil, fieldErr("prompts", "a list of prompts was expected, not %s", kindOf(v))
	}
	if len(out) == 0 {
		return nil, fieldErr("prompts", "none of the prompts can be imported (see the notes: prompts written in code are not)")
	}
	for i := range out {
		if out[i].label == "" {
			out[i].label = fmt.Sprintf("prompt %d", i+1)
		}
	}
	return out, nil
}

func (im *pfImporter) prompt(field string, v any, label string) ([]pfPrompt, error) {
	switch t := v.(type) {
	case string:
		if ref, ok := strings.CutPrefix(t, "file://"); ok {
			return im.promptFiles(field, ref, label)
		}
		return []pfPrompt{{label: label, text: t}}, nil
	case map[string]any:
		if l := str(t["label"]); l != "" {
			label = l
		}
		if raw, ok := t["raw"]; ok {
			return im.prompt(field+".raw", raw, label)
		}
		if id, ok := t["id"].(string); ok {
			return im.prompt(field+".id", id, label)
		}
		return nil, fieldErr(field, "a prompt needs raw (its text) or id (file://...)")
	case []any: // a chat prompt given inline
		pr, err := im.chatPrompt(field, t)
		pr.label = label
		return []pfPrompt{pr}, err
	}
	return nil, fieldErr(field, "a prompt must be text, file://..., or {raw, label}; not %s", kindOf(v))
}

var codeExts = map[string]bool{".js": true, ".mjs": true, ".cjs": true, ".ts": true, ".py": true}

func (im *pfImporter) promptFiles(field, ref, label string) ([]pfPrompt, error) {
	ref, _, _ = strings.Cut(ref, ":") // file://prompt.py:function_name
	paths, err := im.glob(field, ref)
	if err != nil {
		return nil, err
	}
	var out []pfPrompt
	for _, path := range paths {
		ext := strings.ToLower(filepath.Ext(path))
		if codeExts[ext] {
			im.note("prompt %s: prompts written in code (%s) have no counterpart, left out", filepath.Base(path), ext)
			continue
		}
		b, err := im.read(field, path)
		if err != nil {
			return nil, err
		}
		l := label
		if l == "" || len(paths) > 1 {
			l = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		}
		switch ext {
		case ".json", ".yaml", ".yml":
			var msgs []any
			if err := yaml.Unmarshal(b, &msgs); err != nil {
				return nil, fieldErr(field, "%s is not a chat prompt (a list of {role, content} messages): %v", filepath.Base(path), err)
			}
			pr, err := im.chatPrompt(field, msgs)
			if err != nil {
				return nil, err
			}
			pr.label = l
			out = append(out, pr)
		default: // .txt, .md, .j2 and others: text, several prompts split by a line of ---
			parts := regexp.MustCompile(`(?m)^---\s*$`).Split(string(b), -1)
			for i, part := range parts {
				part = strings.TrimSpace(part)
				if part == "" {
					continue
				}
				pl := l
				if len(parts) > 1 {
					pl = fmt.Sprintf("%s %d", l, i+1)
				}
				out = append(out, pfPrompt{label: pl, text: part})
			}
		}
	}
	return out, nil
}

// chatPrompt reads a chat prompt: system messages become the system
// prompt, the last user message the template; earlier turns are noted.
func (im *pfImporter) chatPrompt(field string, msgs []any) (pfPrompt, error) {
	var pr pfPrompt
	var sys []string
	last := -1
	for i, m := range msgs {
		mm, ok := m.(map[string]any)
		if !ok {
			return pr, fieldErr(fmt.Sprintf("%s[%d]", field, i), "a chat message must be {role, content}")
		}
		switch str(mm["role"]) {
		case "system":
			sys = append(sys, str(mm["content"]))
		case "user":
			last = i
		}
	}
	if last < 0 {
		return pr, fieldErr(field, "the chat prompt has no user message")
	}
	turns := 0
	for i, m := range msgs {
		role := str(m.(map[string]any)["role"])
		if i != last && role != "system" {
			turns++
		}
	}
	if turns > 0 {
		im.note("chat prompt: %d earlier user/assistant turns have no counterpart (one question per case), left out", turns)
	}
	pr.system = strings.Join(sys, "\n\n")
	pr.text = str(msgs[last].(map[string]any)["content"])
	return pr, nil
}

// ---- providers

func (im *pfImporter) providers(v any, field string, gen *pfGen) ([]advisor.Endpoint, error) {
	var items []any
	switch t := v.(type) {
	case nil:
		return nil, fieldErr(field, "the config has no providers; add one, e.g. providers: [openai:chat:gpt-4o-mini]")
	case string, map[string]any:
		items = []any{t}
	case []any:
		items = t
	default:
		return nil, fieldErr(field, "a list of providers was expected, not %s", kindOf(v))
	}
	var eps []advisor.Endpoint
	names := map[string]bool{}
	for i, item := range items {
		f := fmt.Sprintf("%s[%d]", field, i)
		ep, ok, err := im.provider(f, item, gen)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		base := ep.Name
		for n := 2; names[ep.Name]; n++ {
			ep.Name = fmt.Sprintf("%s-%d", base, n)
		}
		names[ep.Name] = true
		eps = append(eps, ep)
	}
	if len(eps) == 0 {
		return nil, fieldErr(field, "none of the providers can be imported; openai:chat:*, azureopenai:chat:* and ollama:* can")
	}
	return eps, nil
}

// provider reads one provider; ok is false (with a note) for a provider
// that has no counterpart.
func (im *pfImporter) provider(f string, v any, gen *pfGen) (advisor.Endpoint, bool, error) {
	var id, label string
	cfg := map[string]any{}
	switch t := v.(type) {
	case string:
		id = t
	case map[string]any:
		if s, ok := t["id"].(string); ok {
			id = s
			label = str(t["label"])
			if c, ok := t["config"].(map[string]any); ok {
				cfg = c
			}
		} else if len(t) == 1 { // the older form: {openai:gpt-4o: {config: ...}}
			for k, inner := range t {
				id = k
				if m, ok := inner.(map[string]any); ok {
					label = str(m["label"])
					if c, ok := m["config"].(map[string]any); ok {
						cfg = c
					}
				}
			}
		} else {
			return advisor.Endpoint{}, false, fieldErr(f+".id", "the provider has no id, e.g. openai:chat:gpt-4o-mini")
		}
	default:
		return advisor.Endpoint{}, false, fieldErr(f, "a provider must be an id or {id, label, config}, not %s", kindOf(v))
	}
	ep, ok, err := im.endpointOf(f, id, cfg)
	if !ok || err != nil {
		return ep, ok, err
	}
	if env := str(cfg["apiKeyEnvar"]); env != "" {
		ep.APIKeyEnv = env
	}
	if _, ok := cfg["apiKey"]; ok {
		im.note("%s.config.apiKey: the key was not copied; keep it in the keyring or in the variable %s", f, orDefault(ep.APIKeyEnv, "OPENAI_API_KEY"))
	}
	ep.Name = label
	if ep.Name == "" {
		ep.Name = ep.Model
	}
	im.generation(f, cfg, gen)
	return ep, true, nil
}

// endpointOf is the endpoint of a provider id (openai, azureopenai,
// ollama) with its config's address; ok is false, with a note, for a
// provider that has no counterpart.
func (im *pfImporter) endpointOf(f, id string, cfg map[string]any) (advisor.Endpoint, bool, error) {
	parts := strings.Split(id, ":")
	var ep advisor.Endpoint
	switch parts[0] {
	case "openai":
		model, ok := modelAfter(parts, "chat")
		if !ok {
			im.note("provider %s: only openai chat models are imported, left out", id)
			return ep, false, nil
		}
		ep = advisor.Endpoint{Kind: advisor.KindOpenAI, Model: model, APIKeyEnv: "OPENAI_API_KEY"}
		if base := pfBaseURL(cfg); base != "" {
			ep.Kind, ep.BaseURL = advisor.KindCompatible, base
		}
	case "azureopenai", "azure":
		dep, ok := modelAfter(parts, "chat")
		if !ok {
			im.note("provider %s: only Azure OpenAI chat deployments are imported, left out", id)
			return ep, false, nil
		}
		ep = advisor.Endpoint{Kind: advisor.KindAzure, Model: dep, Deployment: dep, APIKeyEnv: "AZURE_API_KEY"}
		ep.BaseURL = pfBaseURL(cfg)
		if ep.BaseURL == "" {
			for _, env := range []string{"AZURE_API_HOST", "AZURE_OPENAI_API_HOST"} {
				if h := strings.TrimSpace(os.Getenv(env)); h != "" {
					ep.BaseURL = hostURL(h)
					break
				}
			}
		}
		if ep.BaseURL == "" {
			ep.BaseURL = im.azureHost
		}
		if ep.BaseURL == "" {
			return ep, false, fieldErr(f+".config.apiHost", "an Azure provider needs its apiHost (e.g. NAME.openai.azure.com) in config or in AZURE_API_HOST")
		}
		ep.APIVersion = str(cfg["apiVersion"])
		if im.azureHost == "" {
			im.azureHost = ep.BaseURL
		}
	case "ollama":
		model, ok := modelAfter(parts, "chat", "completion")
		if !ok {
			im.note("provider %s: only ollama chat and completion models are imported, left out", id)
			return ep, false, nil
		}
		base := str(cfg["apiBaseUrl"])
		if base == "" {
			base = os.Getenv("OLLAMA_BASE_URL")
		}
		if base == "" {
			base = "http://localhost:11434"
		}
		base = strings.TrimRight(base, "/")
		if !strings.HasSuffix(base, "/v1") {
			base += "/v1"
		}
		ep = advisor.Endpoint{Kind: advisor.KindCompatible, Model: model, BaseURL: base}
	default:
		im.note("provider %s: no counterpart (openai, azureopenai and ollama providers are imported), left out", id)
		return ep, false, nil
	}
	return ep, true, nil
}

// generation takes a provider config's temperature and max_tokens into
// the plan's (one for all: a difference is noted).
func (im *pfImporter) generation(f string, cfg map[string]any, gen *pfGen) {
	if gen == nil {
		return
	}
	if t, ok := num(cfg["temperature"]); ok {
		if gen.temperature != nil && *gen.temperature != t {
			im.note("%s.config.temperature: providers differ; the plan has one temperature (%g, the first) for all", f, *gen.temperature)
		} else {
			gen.temperature = &t
		}
	}
	for _, k := range []string{"max_tokens", "max_completion_tokens", "num_predict"} {
		if m, ok := num(cfg[k]); ok {
			n := int(m)
			if gen.maxTokens != nil && *gen.maxTokens != n {
				im.note("%s.config.%s: providers differ; the plan has one max_tokens (%d, the first) for all", f, k, *gen.maxTokens)
			} else {
				gen.maxTokens = &n
			}
		}
	}
}

// modelAfter is the model of an id like openai:chat:MODEL or openai:MODEL:
// the part after an allowed type, or everything after the provider when the
// second part is not a type at all.
func modelAfter(parts []string, types ...string) (string, bool) {
	if len(parts) < 2 {
		return "", false
	}
	known := map[string]bool{"chat": true, "completion": true, "embedding": true, "embeddings": true, "responses": true,
		"assistant": true, "image": true, "realtime": true, "transcription": true, "moderation": true}
	if known[parts[1]] {
		for _, t := range types {
			if parts[1] == t && len(parts) > 2 {
				return strings.Join(parts[2:], ":"), true
			}
		}
		return "", false
	}
	return strings.Join(parts[1:], ":"), true
}

func pfBaseURL(cfg map[string]any) string {
	if b := strings.TrimSpace(str(cfg["apiBaseUrl"])); b != "" {
		return b
	}
	if h := strings.TrimSpace(str(cfg["apiHost"])); h != "" {
		return hostURL(h)
	}
	return ""
}

func hostURL(h string) string {
	if strings.HasPrefix(h, "http://") || strings.HasPrefix(h, "https://") {
		return h
	}
	return "https://" + h
}

// grader is the judge: defaultTest.options.provider when the config names
// one, else a copy of the first endpoint.
func (im *pfImporter) grader(def any, first advisor.Endpoint, name string) (advisor.Endpoint, error) {
	if d, ok := def.(map[string]any); ok {
		if o, ok := d["options"].(map[string]any); ok && o["provider"] != nil {
			pv := o["provider"]
			if m, ok := pv.(map[string]any); ok && m["id"] == nil && m["text"] != nil {
				pv = m["text"] // provider: {text: ..., embedding: ...}
			}
			ep, ok, err := im.provider("defaultTest.options.provider", pv, nil)
			if err != nil {
				return ep, err
			}
			if ok {
				ep.Name = name
				return ep, nil
			}
		}
	}
	first.Name = name
	first.PriceInPer1M, first.PriceOutPer1M, first.PriceCachedPer1M = nil, nil, nil
	return first, nil
}

// ---- tests

func (im *pfImporter) defaultTest(v any) (pfTest, error) {
	if v == nil {
		return pfTest{}, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return pfTest{}, fieldErr("defaultTest", "a test ({vars, assert}) was expected, not %s", kindOf(v))
	}
	return im.test("defaultTest", m, pfTest{})
}

func (im *pfImporter) tests(v any, field string, def pfTest) ([]pfTest, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case string:
		return im.testFile(field, t, def)
	case []any:
		var out []pfTest
		for i, item := range t {
			f := fmt.Sprintf("%s[%d]", field, i)
			switch it := item.(type) {
			case string:
				ts, err := im.testFile(f, it, def)
				if err != nil {
					return nil, err
				}
				out = append(out, ts...)
			case map[string]any:
				tc, err := im.test(f, it, def)
				if err != nil {
					return nil, err
				}
				out = append(out, tc)
			default:
				return nil, fieldErr(f, "a test must be {vars, assert} or file://..., not %s", kindOf(item))
			}
		}
		return out, nil
	}
	return nil, fieldErr(field, "a list of tests or file://tests.csv was expected, not %s", kindOf(v))
}

var pfTestKnown = map[string]bool{"description": true, "vars": true, "assert": true, "options": true, "metadata": true, "threshold": true}

func (im *pfImporter) test(f string, m map[string]any, def pfTest) (pfTest, error) {
	t := pfTest{where: f, desc: str(m["description"]), vars: map[string]any{}}
	for k, v := range def.vars {
		t.vars[k] = v
	}
	for _, k := range sortedKeys(m) {
		if !pfTestKnown[k] {
			im.note("test field %s: no counterpart here, left out", k)
		}
	}
	switch vs := m["vars"].(type) {
	case nil:
	case map[string]any:
		for k, v := range vs {
			t.vars[k] = v
		}
	case string:
		if ref, ok := strings.CutPrefix(vs, "file://"); ok {
			paths, err := im.glob(f+".vars", ref)
			if err != nil {
				return t, err
			}
			for _, path := range paths {
				b, err := im.read(f+".vars", path)
				if err != nil {
					return t, err
				}
				var fv map[string]any
				if err := yaml.Unmarshal(b, &fv); err != nil {
					return t, fieldErr(f+".vars", "%s is not a map of vars: %v", filepath.Base(path), err)
				}
				for k, v := range fv {
					t.vars[k] = v
				}
			}
		}
	default:
		return t, fieldErr(f+".vars", "vars must be a map of name: value, not %s", kindOf(vs))
	}
	t.asserts = append(t.asserts, def.asserts...)
	switch as := m["assert"].(type) {
	case nil:
	case []any:
		for i, a := range as {
			am, ok := a.(map[string]any)
			if !ok || str(am["type"]) == "" {
				return t, fieldErr(fmt.Sprintf("%s.assert[%d].type", f, i), "an assert needs a type, e.g. {type: contains, value: Paris}")
			}
			t.asserts = append(t.asserts, am)
		}
	default:
		return t, fieldErr(f+".assert", "a list of asserts was expected, not %s", kindOf(as))
	}
	return t, nil
}

func (im *pfImporter) testFile(field, ref string, def pfTest) ([]pfTest, error) {
	path, ok := strings.CutPrefix(ref, "file://")
	if !ok {
		im.note("tests from %s: only file:// sources (CSV, YAML, JSON) are imported, left out", ref)
		return nil, nil
	}
	paths, err := im.glob(field, path)
	if err != nil {
		return nil, err
	}
	var out []pfTest
	for _, p := range paths {
		ext := strings.ToLower(filepath.Ext(p))
		if codeExts[ext] {
			im.note("tests from %s: tests written in code have no counterpart, left out", filepath.Base(p))
			continue
		}
		b, err := im.read(field, p)
		if err != nil {
			return nil, err
		}
		switch ext {
		case ".csv", ".tsv":
			ts, err := im.csvTests(field, filepath.Base(p), b, ext == ".tsv", def)
			if err != nil {
				return nil, err
			}
			out = append(out, ts...)
		case ".jsonl":
			for i, line := range bytes.Split(b, []byte("\n")) {
				if len(bytes.TrimSpace(line)) == 0 {
					continue
				}
				var m map[string]any
				if err := json.Unmarshal(line, &m); err != nil {
					return nil, fieldErr(field, "%s line %d is not a JSON test: %v", filepath.Base(p), i+1, err)
				}
				tc, err := im.test(fmt.Sprintf("%s line %d", filepath.Base(p), i+1), m, def)
				if err != nil {
					return nil, err
				}
				out = append(out, tc)
			}
		default: // .yaml, .yml, .json
			var list any
			if err := yaml.Unmarshal(b, &list); err != nil {
				return nil, fieldErr(field, "%s is not a list of tests: %v", filepath.Base(p), err)
			}
			ts, err := im.tests(list, filepath.Base(p), def)
			if err != nil {
				return nil, err
			}
			out = append(out, ts...)
		}
	}
	return out, nil
}

// csvTests reads promptfoo's CSV: a header row whose columns are vars,
// except __expected (and __expected1, 2, ...) holding asserts and
// __description.
func (im *pfImporter) csvTests(field, name string, b []byte, tabs bool, def pfTest) ([]pfTest, error) {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	if tabs {
		r.Comma = '\t'
	}
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fieldErr(field, "%s has no header row: %v", name, err)
	}
	var out []pfTest
	for row := 2; ; row++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fieldErr(field, "%s is not valid CSV: %v", name, err)
		}
		m := map[string]any{}
		vars := map[string]any{}
		var asserts []any
		for i, col := range header {
			if i >= len(rec) {
				break
			}
			col = strings.TrimSpace(col)
			val := rec[i]
			switch {
			case col == "__description":
				m["description"] = val
			case strings.HasPrefix(col, "__expected"):
				if strings.TrimSpace(val) != "" {
					asserts = append(asserts, csvAssert(val))
				}
			case strings.HasPrefix(col, "__"):
				if val != "" {
					im.note("CSV column %s: no counterpart here, left out", col)
				}
			default:
				vars[col] = val
			}
		}
		m["vars"], m["assert"] = vars, asserts
		tc, err := im.test(fmt.Sprintf("%s row %d", name, row), m, def)
		if err != nil {
			return nil, err
		}
		out = append(out, tc)
	}
	return out, nil
}

var csvAssertRe = regexp.MustCompile(`^(not-)?([a-z][a-z0-9-]*)(?:\(([0-9.]+)\))?:\s?`)

// pfTypes are promptfoo's assert types that a CSV __expected cell may start
// with ("type:" or "type(threshold):").
var pfTypes = map[string]bool{"contains": true, "icontains": true, "equals": true, "regex": true, "is-json": true, "similar": true,
	"llm-rubric": true, "grade": true, "starts-with": true, "contains-any": true, "contains-all": true, "icontains-any": true,
	"icontains-all": true, "contains-json": true, "javascript": true, "fn": true, "eval": true, "python": true, "levenshtein": true,
	"rouge-n": true, "bleu": true, "model-graded-closedqa": true, "factuality": true, "answer-relevance": true, "webhook": true,
	"is-xml": true, "contains-xml": true, "is-sql": true, "contains-sql": true, "latency": true, "cost": true, "perplexity": true,
	"classifier": true, "moderation": true, "g-eval": true, "word-count": true}

// csvAssert reads a CSV __expected cell: "contains: Paris",
// "similar(0.8): text", "grade: rubric", "is-json", or a plain value (equals).
func csvAssert(cell string) map[string]any {
	s := strings.TrimSpace(cell)
	if s == "is-json" || s == "not-is-json" {
		return map[string]any{"type": s}
	}
	if m := csvAssertRe.FindStringSubmatch(s); m != nil && pfTypes[m[2]] {
		typ := m[2]
		switch typ {
		case "grade":
			typ = "llm-rubric"
		case "fn", "eval":
			typ = "javascript"
		}
		a := map[string]any{"type": m[1] + typ, "value": s[len(m[0]):]}
		if m[3] != "" {
			if th, err := strconv.ParseFloat(m[3], 64); err == nil {
				a["threshold"] = th
			}
		}
		return a
	}
	return map[string]any{"type": "equals", "value": s}
}

// testCase builds one case of prompt pr and test t; th is the similar
// assert's threshold when it has one.
func (im *pfImporter) testCase(pr pfPrompt, t pfTest, sys string) (advisor.Case, *float64) {
	input := im.render(pr.text, t.vars, "prompt "+pr.label)
	if sys == "" && pr.system != "" {
		input = im.render(pr.system, t.vars, "prompt "+pr.label) + "\n\n" + input
	}
	c := advisor.Case{Input: input}
	var th *float64
	add := func(check string) {
		for _, ch := range c.Checks {
			if ch == check {
				return
			}
		}
		c.Checks = append(c.Checks, check)
	}
	expect := func(typ, v string) bool {
		if c.Expected != "" && c.Expected != v {
			im.note("%s: a second expected answer (%s %q) has no place (a case has one accepted answer), left out", t.where, typ, truncate(v, 40))
			return false
		}
		c.Expected = v
		return true
	}
	for _, a := range t.asserts {
		typ := str(a["type"])
		val := im.render(assertValue(a["value"]), t.vars, t.where)
		switch typ {
		case "contains", "icontains":
			// The contains check compares case-insensitively, so both land on it.
			if expect(typ, val) {
				add(advisor.CheckContains)
			}
			if typ == "contains" {
				im.note("assert contains: compared here without regard to case or spacing (promptfoo's is case-sensitive)")
			}
		case "equals":
			if expect(typ, val) {
				add(advisor.CheckExact)
			}
			im.note("assert equals: compared here without regard to case or spacing (promptfoo's is exact)")
		case "regex":
			if c.Pattern != "" && c.Pattern != val {
				im.note("%s: a second regex %q has no place, left out", t.where, truncate(val, 40))
				continue
			}
			c.Pattern = val
			add(advisor.CheckRegex)
		case "is-json":
			if a["value"] != nil {
				if s, ok := a["value"].(string); ok {
					c.Schema = s
				} else if js, err := json.Marshal(a["value"]); err == nil {
					c.Schema = string(js)
				}
			}
			add(advisor.CheckJSON)
		case "similar":
			if expect(typ, val) {
				add(advisor.CheckSimilarity)
				if x, ok := num(a["threshold"]); ok {
					th = &x
				}
			}
		case "llm-rubric":
			if c.Rubric != "" && c.Rubric != val {
				im.note("%s: a second llm-rubric has no place (a case has one rubric), left out", t.where)
				continue
			}
			c.Rubric = val
			add(advisor.CheckJudge)
		default:
			if strings.HasPrefix(typ, "not-") {
				im.note("assert %s: the checks here cannot be negated, left out", typ)
			} else {
				im.note("assert %s: no counterpart here, left out", typ)
			}
		}
	}
	if c.Expected == "" && len(c.Checks) == 0 {
		c.Checks = nil
	}
	return c, th
}

func assertValue(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case []any, map[string]any:
		b, _ := json.Marshal(t)
		return string(b)
	}
	return fmt.Sprint(v)
}

var pfVar = regexp.MustCompile(`\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*(\|[^}]*)?\}\}`)

// render fills a template's {{var}}s from vars; a var the test lacks stays
// as written, and filters are noted.
func (im *pfImporter) render(tmpl string, vars map[string]any, where string) string {
	return pfVar.ReplaceAllStringFunc(tmpl, func(m string) string {
		sub := pfVar.FindStringSubmatch(m)
		name := sub[1]
		if sub[2] != "" {
			im.note("%s: the template filter in %s has no counterpart; the plain value is used", where, m)
		}
		v, ok := vars[name]
		if !ok {
			im.note("%s: {{%s}} has no value in a test; left as written", where, name)
			return m
		}
		return im.varText(name, v)
	})
}

func (im *pfImporter) varText(name string, v any) string {
	switch t := v.(type) {
	case string:
		if ref, ok := strings.CutPrefix(t, "file://"); ok {
			paths, err := im.glob("vars."+name, ref)
			if err != nil || len(paths) != 1 || codeExts[strings.ToLower(filepath.Ext(ref))] {
				im.note("var %s: the file %s could not be read as text; the reference is left as written", name, ref)
				return t
			}
			b, err := im.read("vars."+name, paths[0])
			if err != nil {
				im.note("var %s: %v; the reference is left as written", name, err)
				return t
			}
			return string(b)
		}
		return t
	case []any:
		im.note("var %s: a list of values (promptfoo runs each) has no counterpart; the first is used", name)
		if len(t) > 0 {
			return im.varText(name, t[0])
		}
		return ""
	case map[string]any:
		b, _ := json.Marshal(t)
		return string(b)
	case float64:
		if t == math.Trunc(t) && math.Abs(t) < 1e15 {
			return strconv.FormatInt(int64(t), 10)
		}
	}
	return fmt.Sprint(v)
}

// ---- files

// glob resolves a file:// path (relative to the config) that may hold a
// pattern; no match is an error naming the field.
func (im *pfImporter) glob(field, ref string) ([]string, error) {
	path := ref
	if !filepath.IsAbs(path) {
		path = filepath.Join(im.dir, path)
	}
	if !strings.ContainsAny(path, "*?[") {
		return []string{path}, nil
	}
	ms, err := filepath.Glob(path)
	if err != nil {
		return nil, fieldErr(field, "%q is not a valid file pattern: %v", ref, err)
	}
	if len(ms) == 0 {
		return nil, fieldErr(field, "no file matches %q (paths are relative to the config's folder)", ref)
	}
	return ms, nil
}

func (im *pfImporter) read(field, path string) ([]byte, error) {
	im.files++
	if im.files > MaxPromptfooFiles {
		return nil, fieldErr(field, "the config names more than %d files; import a smaller one", MaxPromptfooFiles)
	}
	b, err := safefile.Read(path, MaxPromptfooFile)
	if err != nil {
		return nil, fieldErr(field, "%v (paths are relative to the config's folder)", err)
	}
	return b, nil
}

// ---- small helpers

func str(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	}
	return fmt.Sprint(v)
}

func num(v any) (float64, bool) {
	switch t := v.(type) {
	case int:
		return float64(t), true
	case int64:
		return float64(t), true
	case float64:
		return t, true
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		return f, err == nil
	}
	return 0, false
}

func kindOf(v any) string {
	switch v.(type) {
	case string:
		return "text"
	case []any:
		return "a list"
	case map[string]any:
		return "a map"
	case nil:
		return "nothing"
	}
	return "a number"
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
