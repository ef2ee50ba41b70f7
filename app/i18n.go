package app

import (
	"encoding/json"
	"fmt"
	"image/color"
	"log"
	"os"
	"runtime"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"

	"github.com/llm-advisor/llm-advisor/assets"
)

var translationsOnce sync.Once

// setupTranslations loads every embedded translation file (app.*, answers.*)
// into Fyne's lang once per process.
func setupTranslations() {
	translationsOnce.Do(func() {
		if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
			log.Printf("llm-advisor: load translations: %v", err)
		}
	})
}

// localeVars are the variables the system locale is read from on Unix, in the
// order the C library reads them (LANGUAGE wins unless the locale is C/POSIX).
var localeVars = []string{"LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"}

var (
	origLocaleOnce sync.Once
	origLocale     = map[string]*string{}
)

// applyLanguage makes Fyne's lang use code ("" follows the system, "en",
// "pt-BR"). Fyne picks the language from the user's locale, so choosing one
// sets LANGUAGE for this process (and the locale variable that would hide it
// when it is C/POSIX), then asks lang to pick again. On Windows and macOS the
// system language always wins; the engine and reports still follow the choice.
func applyLanguage(code string) {
	origLocaleOnce.Do(func() {
		for _, k := range localeVars {
			if v, ok := os.LookupEnv(k); ok {
				origLocale[k] = &v
			}
		}
	})
	for _, k := range localeVars {
		if v := origLocale[k]; v != nil {
			os.Setenv(k, *v)
		} else {
			os.Unsetenv(k)
		}
	}
	if code != "" {
		posix := strings.ReplaceAll(code, "-", "_")
		os.Setenv("LANGUAGE", posix)
		for _, k := range localeVars[1:] {
			v := os.Getenv(k)
			if v == "" {
				continue
			}
			if v == "C" || v == "POSIX" || strings.HasPrefix(v, "C.") {
				os.Setenv(k, posix+".UTF-8")
			}
			break
		}
	}
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		// These systems give Fyne the language from the OS, not from the
		// environment: file the chosen texts under the system's own locale,
		// which Fyne then matches exactly. Fyne's few built-in words (dialog
		// buttons) may stay in the system language.
		overrideSystemLocale(code)
		return
	}
	// Adding an empty bundle makes lang re-read the locale.
	if err := lang.AddTranslationsForLocale([]byte("{}"), fyne.Locale("en")); err != nil {
		log.Printf("llm-advisor: refresh language: %v", err)
	}
}

// overrideSystemLocale registers the texts of code ("" = the system's own
// language) under the system locale's tag.
func overrideSystemLocale(code string) {
	sys := lang.SystemLocale()
	if code == "" {
		code = currentLang("")
	}
	texts, err := translationsFor(code)
	if err == nil {
		err = lang.AddTranslationsForLocale(texts, sys)
	}
	if err != nil {
		log.Printf("llm-advisor: switch language to %s: %v", code, err)
	}
}

// translationsFor merges every embedded "<prefix>.<code>.json" into one JSON object.
func translationsFor(code string) ([]byte, error) {
	files, err := assets.Translations.ReadDir("translations")
	if err != nil {
		return nil, err
	}
	all := map[string]string{}
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), "."+code+".json") {
			continue
		}
		b, err := assets.Translations.ReadFile("translations/" + f.Name())
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		for k, v := range m {
			all[k] = v
		}
	}
	return json.Marshal(all)
}

// currentLang is the language code of engine texts and reports for a
// language preference: the preference itself, or the system's.
func currentLang(pref string) string {
	if pref == "en" || pref == "pt-BR" {
		return pref
	}
	if strings.HasPrefix(strings.ToLower(string(lang.SystemLocale())), "pt") {
		return "pt-BR"
	}
	return "en"
}

// appTheme is Fyne's default theme, locked to light or dark when lock is
// set, with darker warning and success colours on the light variant: the
// default orange and green are used for text here (warnings, "answers
// changed", "it answered") and are hard to read on white.
type appTheme struct {
	fyne.Theme
	lock    bool
	variant fyne.ThemeVariant
}

// Colours that replace the default theme's where its text or outlines
// are too faint to read: every text colour has a contrast of at least 4.5:1
// with what it is drawn on, and so do the outlines of fields and of an
// unticked check box (TestThemeContrast computes each ratio).
var (
	lightWarning     = color.NRGBA{R: 0xa1, G: 0x4a, B: 0x00, A: 0xff} // dark amber
	lightSuccess     = color.NRGBA{R: 0x1b, G: 0x6e, B: 0x30, A: 0xff} // dark green
	lightPrimary     = color.NRGBA{R: 0x1f, G: 0x5f, B: 0xd6, A: 0xff} // darker blue: links, high-importance buttons
	lightError       = color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff}
	lightPlaceholder = color.NRGBA{R: 0x6b, G: 0x6b, B: 0x6b, A: 0xff}
	lightBorder      = color.NRGBA{R: 0x6e, G: 0x6e, B: 0x6e, A: 0xff} // field outlines, unticked boxes
	darkPrimary      = color.NRGBA{R: 0x5b, G: 0x93, B: 0xf8, A: 0xff} // lighter blue on the dark background
	darkOnPrimary    = color.NRGBA{R: 0x17, G: 0x17, B: 0x18, A: 0xff} // dark text on that blue
	darkBorder       = color.NRGBA{R: 0x8c, G: 0x8c, B: 0x8c, A: 0xff}
)

func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.lock {
		v = t.variant
	}
	if v == theme.VariantLight {
		switch n {
		case theme.ColorNameWarning:
			return lightWarning
		case theme.ColorNameSuccess:
			return lightSuccess
		case theme.ColorNamePrimary, theme.ColorNameHyperlink:
			return lightPrimary
		case theme.ColorNameError:
			return lightError
		case theme.ColorNamePlaceHolder:
			return lightPlaceholder
		case theme.ColorNameInputBorder:
			return lightBorder
		case theme.ColorNameForegroundOnWarning, theme.ColorNameForegroundOnSuccess:
			return color.White // on the dark amber and green above
		}
	} else {
		switch n {
		case theme.ColorNamePrimary, theme.ColorNameHyperlink:
			return darkPrimary
		case theme.ColorNameForegroundOnPrimary:
			return darkOnPrimary
		case theme.ColorNameInputBorder:
			return darkBorder
		}
	}
	return t.Theme.Color(n, v)
}

// applyTheme sets the theme preference: "" follows the system.
func applyTheme(a fyne.App, pref string) {
	switch pref {
	case "light":
		a.Settings().SetTheme(appTheme{theme.DefaultTheme(), true, theme.VariantLight})
	case "dark":
		a.Settings().SetTheme(appTheme{theme.DefaultTheme(), true, theme.VariantDark})
	default:
		a.Settings().SetTheme(appTheme{Theme: theme.DefaultTheme()})
	}
}

// Labels of the answers vocabulary (assets/translations/answers.*.json).

func questionText(key string) string { return lang.L("q." + key) }
func questionWhy(key string) string  { return lang.L("q." + key + ".why") }
func questionShort(key string) string {
	return lang.L("q." + key + ".short")
}
func valueLabel(key, value string) string {
	if value == "" {
		return lang.L("v.dont_know")
	}
	return lang.L("v." + key + "." + value)
}
func dontKnow() string              { return lang.L("v.dont_know") }
func groupTitle(g string) string    { return lang.L("group." + g) }
func groupIntro(g string) string    { return lang.L("group." + g + ".intro") }
func typeLabel(t string) string     { return lang.L("type." + t) }
func archLabel(a string) string     { return lang.L("arch." + a) }
func weightsLabel(w string) string  { return lang.L("weights." + w) }
func hostingLabel(h string) string  { return lang.L("hosting." + h) }
func tierLabel(t string) string     { return lang.L("tier." + t) }
func stepLabel(s string) string     { return lang.L("step." + s) }
func strategyLabel(s string) string { return lang.L("strategy." + s) }
func checkLabel(c string) string    { return lang.L("check." + c) }

// labelOr is a label for key, or fallback when no translation exists.
func labelOr(key, fallback string) string {
	if s := lang.L(key); s != key {
		return s
	}
	return fallback
}
