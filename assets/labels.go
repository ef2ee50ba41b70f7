package assets

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"sort"
	"strings"
	"sync"
)

// Languages the texts are written in; English is the fallback.
const (
	LangEnglish    = "en"
	LangPortuguese = "pt-BR"
)

// NormalizeLang maps a language setting to one we have texts for: any
// Portuguese tag ("pt-BR", "pt_BR", "pt_BR.UTF-8", "pt") gives "pt-BR",
// anything else "en".
func NormalizeLang(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	if l == "pt" || strings.HasPrefix(l, "pt-") || strings.HasPrefix(l, "pt_") || strings.HasPrefix(l, "pt.") {
		return LangPortuguese
	}
	return LangEnglish
}

var (
	labelsMu    sync.Mutex
	labelsCache = map[string]map[string]string{}
)

// Labels returns every text of a language, merged from all the
// "<prefix>.<lang>.json" (and "<lang>.json") files in Translations. The
// language is normalised with NormalizeLang. For Portuguese, keys missing from
// the Portuguese files fall back to the English text, so a half-translated
// file never shows a bare key. The caller owns the returned map.
func Labels(lang string) (map[string]string, error) {
	lang = NormalizeLang(lang)
	labelsMu.Lock()
	defer labelsMu.Unlock()
	if m, ok := labelsCache[lang]; ok {
		return maps.Clone(m), nil
	}
	m, err := readLang(LangEnglish)
	if err != nil {
		return nil, err
	}
	if lang != LangEnglish {
		pt, err := readLang(lang)
		if err != nil {
			return nil, err
		}
		maps.Copy(m, pt)
	}
	labelsCache[lang] = m
	return maps.Clone(m), nil
}

// Label returns the text for key, or the key itself when there is none, so a
// missing text shows up visibly instead of as a blank.
func Label(m map[string]string, key string) string {
	if s, ok := m[key]; ok && s != "" {
		return s
	}
	return key
}

// TranslationFiles lists the file names in Translations for one language
// (exactly "en" or "pt-BR"), sorted.
func TranslationFiles(lang string) ([]string, error) {
	entries, err := fs.ReadDir(Translations, TranslationsDir)
	if err != nil {
		return nil, fmt.Errorf("read translations: %w", err)
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && FileLang(e.Name()) == lang {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}

// FileLang is the language part of a translation file name:
// "answers.pt-BR.json" → "pt-BR", "en.json" → "en"; "" when the name does not
// end in ".json".
func FileLang(name string) string {
	base, ok := strings.CutSuffix(name, ".json")
	if !ok {
		return ""
	}
	if i := strings.LastIndexByte(base, '.'); i >= 0 {
		return base[i+1:]
	}
	return base
}

// readLang merges the files of one language; files are read in name order,
// so when two files share a key the later name wins (the tests forbid that).
func readLang(lang string) (map[string]string, error) {
	names, err := TranslationFiles(lang)
	if err != nil {
		return nil, err
	}
	m := map[string]string{}
	for _, name := range names {
		file, err := ReadTranslationFile(name)
		if err != nil {
			return nil, err
		}
		maps.Copy(m, file)
	}
	return m, nil
}

// ReadTranslationFile parses one file of Translations (a name such as
// "answers.en.json") into its key → text map.
func ReadTranslationFile(name string) (map[string]string, error) {
	b, err := fs.ReadFile(Translations, TranslationsDir+"/"+name)
	if err != nil {
		return nil, fmt.Errorf("read translation %s: %w", name, err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("parse translation %s: want a flat JSON object of strings: %w", name, err)
	}
	return m, nil
}
