package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestSelectsHaveTranslatedPlaceHolders: Fyne's select shows "(Select one)"
// in English whatever the language while nothing is chosen (the people
// tab's "Compared with" showed it in Portuguese), so every select of the
// app is made by newSelect, and in Portuguese a select with nothing chosen
// draws no English.
func TestSelectsHaveTranslatedPlaceHolders(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "widgets.go" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), "widget.NewSelect(") {
			t.Errorf("%s makes a select with widget.NewSelect: use newSelect, whose place holder is translated", f)
		}
	}

	test.NewTempApp(t)
	setupTranslations()
	applyLanguage("pt-BR")
	t.Cleanup(func() { applyLanguage("") })
	s := newSelect([]string{"a", "b"}, nil)
	w := test.NewTempWindow(t, s)
	w.Resize(s.MinSize().AddWidthHeight(100, 0))
	var drawn []string
	for _, o := range test.LaidOutObjects(w.Content()) {
		if l, ok := o.(*widget.RichText); ok {
			drawn = append(drawn, l.String())
		}
	}
	if got := strings.Join(drawn, " "); !strings.Contains(got, "Escolha") || strings.Contains(got, "Select") {
		t.Errorf("an empty select in Portuguese draws %q, want the Portuguese place holder", got)
	}
}
