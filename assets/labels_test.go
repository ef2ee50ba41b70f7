// The test is an external package so that assets never imports advisor: the
// advisor package may embed files from assets, and an import back would be a
// cycle.
package assets_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"text/template"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/assets"
)

var langs = []string{assets.LangEnglish, assets.LangPortuguese}

// readStrict parses a translation file the strict way: one flat JSON object
// of strings, no key twice (encoding/json would silently keep the last one).
func readStrict(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := fs.ReadFile(assets.Translations, assets.TranslationsDir+"/"+name)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("%s: want a JSON object, got %v (%v)", name, tok, err)
	}
	m := map[string]string{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		key := tok.(string)
		var val string
		if err := dec.Decode(&val); err != nil {
			t.Fatalf("%s: key %q: want a string value: %v", name, key, err)
		}
		if _, dup := m[key]; dup {
			t.Errorf("%s: key %q appears twice", name, key)
		}
		m[key] = val
	}
	if _, err := dec.Token(); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if dec.More() {
		t.Fatalf("%s: trailing data after the object", name)
	}
	return m
}

// prefixes returns the translation files grouped by prefix ("answers", or ""
// for a plain "<lang>.json"), each with its file name per language.
func prefixes(t *testing.T) map[string]map[string]string {
	t.Helper()
	entries, err := fs.ReadDir(assets.Translations, assets.TranslationsDir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	for _, e := range entries {
		name := e.Name()
		lang := assets.FileLang(name)
		if e.IsDir() || !slices.Contains(langs, lang) {
			t.Errorf("translations/%s: want <prefix>.en.json or <prefix>.pt-BR.json", name)
			continue
		}
		prefix := strings.TrimSuffix(strings.TrimSuffix(name, ".json"), lang)
		prefix = strings.TrimSuffix(prefix, ".")
		if out[prefix] == nil {
			out[prefix] = map[string]string{}
		}
		out[prefix][lang] = name
	}
	if len(out) == 0 {
		t.Fatal("no translation files embedded")
	}
	return out
}

func TestEveryPrefixHasTheSameKeysInBothLanguages(t *testing.T) {
	for prefix, files := range prefixes(t) {
		var keys [][]string
		for _, lang := range langs {
			name, ok := files[lang]
			if !ok {
				t.Errorf("prefix %q has no %s file", prefix, lang)
				continue
			}
			keys = append(keys, slices.Sorted(maps.Keys(readStrict(t, name))))
		}
		if len(keys) == 2 {
			if missing := diff(keys[0], keys[1]); len(missing) > 0 {
				t.Errorf("%s: keys missing in %s: %v", files[assets.LangPortuguese], assets.LangPortuguese, missing)
			}
			if extra := diff(keys[1], keys[0]); len(extra) > 0 {
				t.Errorf("%s: keys missing in %s: %v", files[assets.LangEnglish], assets.LangEnglish, extra)
			}
		}
	}
}

func TestNoKeyIsDefinedTwiceAcrossFiles(t *testing.T) {
	for _, lang := range langs {
		names, err := assets.TranslationFiles(lang)
		if err != nil {
			t.Fatal(err)
		}
		owner := map[string]string{}
		for _, name := range names {
			for key := range readStrict(t, name) {
				if other, ok := owner[key]; ok {
					t.Errorf("key %q is in both %s and %s", key, other, name)
				}
				owner[key] = name
			}
		}
	}
}

func TestValuesArePlainNonEmptyText(t *testing.T) {
	for _, lang := range langs {
		names, err := assets.TranslationFiles(lang)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			for key, val := range readStrict(t, name) {
				switch {
				case strings.TrimSpace(val) == "":
					t.Errorf("%s: %q is empty", name, key)
				case val != strings.TrimSpace(val):
					t.Errorf("%s: %q has leading or trailing space: %q", name, key, val)
				}
				// Fyne's lang package runs texts through go-i18n templates:
				// a placeholder must parse, or the text shows broken.
				if _, err := template.New(key).Parse(val); err != nil {
					t.Errorf("%s: %q is not a valid template: %v", name, key, err)
				}
			}
		}
	}
}

// TestPlaceholdersMatchAcrossLanguages: a translation uses exactly the
// placeholders ({{.N}}, {{.Date}} …) of the English text, so no value the
// code passes in goes missing in Portuguese.
func TestPlaceholdersMatchAcrossLanguages(t *testing.T) {
	names, err := assets.TranslationFiles("en")
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range names {
		pt := strings.TrimSuffix(en, "en.json") + "pt-BR.json"
		ptVals := readStrict(t, pt)
		for key, val := range readStrict(t, en) {
			want, got := placeholders(val), placeholders(ptVals[key])
			if strings.Join(want, ",") != strings.Join(got, ",") {
				t.Errorf("%s %q: placeholders %v, but %s has %v", en, key, want, pt, got)
			}
		}
	}
}

var placeholderRE = regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)

func placeholders(s string) []string {
	var out []string
	for _, m := range placeholderRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	sort.Strings(out)
	return out
}

// answerKeys is every key the answers files must hold, built from the
// advisor vocabulary, so a new question or value fails here until labelled.
func answerKeys() []string {
	var keys []string
	add := func(prefix string, words ...string) {
		for _, w := range words {
			keys = append(keys, prefix+w)
		}
	}
	keys = append(keys, "v.dont_know")
	for _, g := range advisor.Groups {
		add("group.", g, g+".intro")
	}
	for _, q := range advisor.Questions {
		add("q.", q.Key, q.Key+".why", q.Key+".short")
		add("v."+q.Key+".", q.Values...)
	}
	add("type.", advisor.ModelTypes...)
	add("arch.", advisor.ArchDecoderOnly, advisor.ArchEncoderOnly, advisor.ArchEncoderDecoder, advisor.ArchDiffusion)
	add("weights.", advisor.WeightsOpen, advisor.WeightsProprietary, advisor.WeightsEither)
	add("hosting.", advisor.HostingManaged, advisor.HostingSelfHosted, advisor.HostingLocalApp)
	add("tier.", advisor.TierSmall, advisor.TierMid, advisor.TierFrontier, advisor.TierReasoning)
	add("step.", advisor.StepPrompting, advisor.StepRAG, advisor.StepFineTuning, advisor.StepTraining)
	add("strategy.", advisor.StrategyZeroShot, advisor.StrategyFewShot, advisor.StrategyRAG)
	add("check.", advisor.CheckExact, advisor.CheckContains, advisor.CheckRegex, advisor.CheckJSON, advisor.CheckSimilarity, advisor.CheckJudge)
	sort.Strings(keys)
	return slices.Compact(keys)
}

func TestAnswersFilesLabelTheWholeVocabulary(t *testing.T) {
	want := answerKeys()
	for _, lang := range langs {
		name := "answers." + lang + ".json"
		got := slices.Sorted(maps.Keys(readStrict(t, name)))
		if missing := diff(want, got); len(missing) > 0 {
			t.Errorf("%s: missing labels: %v", name, missing)
		}
		// Stale keys (a renamed value) would hide a missing label elsewhere.
		if extra := diff(got, want); len(extra) > 0 {
			t.Errorf("%s: keys that match no vocabulary word: %v", name, extra)
		}
	}
}

func TestPortugueseIsTranslated(t *testing.T) {
	en := readStrict(t, "answers.en.json")
	pt := readStrict(t, "answers.pt-BR.json")
	for _, q := range advisor.Questions {
		for _, k := range []string{"q." + q.Key, "q." + q.Key + ".why"} {
			if en[k] == pt[k] {
				t.Errorf("%s is the same in both languages: %q", k, en[k])
			}
		}
	}
	if pt["v.dont_know"] != "Não sei" {
		t.Errorf("v.dont_know in pt-BR = %q", pt["v.dont_know"])
	}
}

func TestLabels(t *testing.T) {
	en, err := assets.Labels("en")
	if err != nil {
		t.Fatal(err)
	}
	pt, err := assets.Labels("pt-BR")
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range langs {
		names, err := assets.TranslationFiles(lang)
		if err != nil {
			t.Fatal(err)
		}
		merged := map[string]string{}
		for _, name := range names {
			maps.Copy(merged, readStrict(t, name))
		}
		got := en
		if lang == assets.LangPortuguese {
			got = pt
		}
		for k, v := range merged {
			if got[k] != v {
				t.Errorf("Labels(%q)[%q] = %q, want %q", lang, k, got[k], v)
			}
		}
	}
	if en["q.knowledge_source"] == pt["q.knowledge_source"] {
		t.Error("Labels returns the same text for en and pt-BR")
	}

	other, err := assets.Labels("fr")
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(other, en) {
		t.Error(`Labels("fr") is not the English texts`)
	}

	// The caller owns the map: changing it must not leak into the next call.
	en["q.task"] = "changed"
	again, _ := assets.Labels("en")
	if again["q.task"] == "changed" {
		t.Error("Labels returned a shared map")
	}
}

func TestLabel(t *testing.T) {
	m := map[string]string{"q.task": "Task", "empty": ""}
	for _, c := range []struct{ key, want string }{
		{"q.task", "Task"},
		{"q.nope", "q.nope"},
		{"empty", "empty"},
	} {
		if got := assets.Label(m, c.key); got != c.want {
			t.Errorf("Label(%q) = %q, want %q", c.key, got, c.want)
		}
	}
}

func TestNormalizeLang(t *testing.T) {
	for in, want := range map[string]string{
		"en": "en", "": "en", "fr": "en", "en-US": "en", "portugal": "en",
		"pt-BR": "pt-BR", "pt_BR": "pt-BR", "pt-br": "pt-BR", "pt_BR.UTF-8": "pt-BR", "pt": "pt-BR", " PT-BR ": "pt-BR",
	} {
		if got := assets.NormalizeLang(in); got != want {
			t.Errorf("NormalizeLang(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFileLang(t *testing.T) {
	for in, want := range map[string]string{
		"answers.en.json": "en", "answers.pt-BR.json": "pt-BR", "en.json": "en", "app.v2.pt-BR.json": "pt-BR", "README.md": "",
	} {
		if got := assets.FileLang(in); got != want {
			t.Errorf("FileLang(%q) = %q, want %q", in, got, want)
		}
	}
}

// diff returns the elements of a (sorted) that are not in b (sorted).
func diff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			out = append(out, x)
		}
	}
	return out
}

func ExampleLabel() {
	m, err := assets.Labels("pt-BR")
	if err != nil {
		panic(err)
	}
	fmt.Println(assets.Label(m, "step.rag"))
	fmt.Println(assets.Label(m, "v.kb_size.50_500"))
	// Output:
	// Busca (RAG): consultar seus documentos
	// 50 a 500 páginas (um manual)
}
