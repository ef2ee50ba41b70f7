package app

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestTypingALongStoryKeepsIt: the use case typed key by key into the
// wizard, in both languages (the boxes are as wide as each language's
// layout leaves them, so lines wrap at different words), is the story as
// typed. In Portuguese a space typed where a line wrapped left the cursor
// before it, and "Data must stay in the EU" came out "must stayin the EU"
// with the space at the end.
func TestTypingALongStoryKeepsIt(t *testing.T) {
	story, _ := scenario(t, "k1-eu-support-bot.json")
	for _, lang := range []string{"pt-BR", "en"} {
		t.Run(lang, func(t *testing.T) {
			h := newHarness(t, lang)
			h.newDecision()
			e := h.a.wizard.useCase
			typed := []rune{}
			for _, r := range story {
				typed = append(typed, r)
				test.Type(e, string(r))
				if e.Text != string(typed) {
					t.Fatalf("after typing %q the box holds %q (cursor row %d, column %d)", string(typed), e.Text, e.CursorRow, e.CursorColumn)
				}
			}
			if e.Text != story {
				t.Errorf("typed %q\nwant  %q", e.Text, story)
			}
		})
	}
}

// TestTypingIntoATextBoxKeepsIt: the same for the form's multi-line boxes
// (an example's input and expected answer, a rating's note), at widths
// where lines wrap at many different words.
func TestTypingIntoATextBoxKeepsIt(t *testing.T) {
	test.NewTempApp(t)
	const text = "O cliente pergunta onde está o pedido e quer saber em quantos dias úteis chega a entrega na casa dele."
	for width := float32(160); width <= 400; width += 30 {
		e := newTextBox(3)
		w := test.NewTempWindow(t, e)
		w.Resize(fyne.NewSize(width, 200))
		typed := []rune{}
		for _, r := range text {
			typed = append(typed, r)
			test.Type(e, string(r))
			if e.Text != string(typed) {
				t.Fatalf("%.0f px wide: after typing %q the box holds %q", width, string(typed), e.Text)
			}
		}
	}
}
