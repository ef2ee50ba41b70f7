package app

import (
	"context"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/internal/safefile"
)

// Long example inputs. A wrapping text box measures every line on the UI
// goroutine, and one 316 KB paragraph without line breaks froze the app
// for minutes. Past editLimit characters the box shows only the start of
// the text (read-only, with a notice); the whole text is kept and sent.
const (
	editLimit   = 20_000    // characters a text box edits in place
	previewSize = 2_000     // characters shown of a longer text
	maxInput    = 2_000_000 // bytes an example's input may have (pasted or from a file)
)

// longText is a text box for an example's input that stays responsive
// whatever is pasted into it: short text is edited in place; long text is
// kept aside and its start shown, with a notice and a Clear button.
type longText struct {
	box    *longTextBox
	full   string // the whole text while it is over editLimit; "" otherwise
	notice *widget.Label
	clear  *widget.Button
	load   *widget.Button
	view   fyne.CanvasObject
}

// longTextBox is the textBox of a longText; it catches a long paste before
// the entry lays it out.
type longTextBox struct {
	textBox
	owner *longText
}

func newLongText(rows int, a *App) *longText {
	t := &longText{}
	t.box = &longTextBox{owner: t}
	t.box.MultiLine = true
	t.box.Wrapping = fyne.TextWrapWord
	t.box.ExtendBaseWidget(t.box)
	t.box.SetMinRowsVisible(rows)
	t.notice = hint("")
	t.notice.Importance = widget.WarningImportance
	t.notice.Hide()
	t.clear = widget.NewButtonWithIcon(lang.L("long.clear"), theme.ContentClearIcon(), func() { t.SetText("") })
	t.clear.Hide()
	t.load = widget.NewButtonWithIcon(lang.L("long.load"), theme.FileIcon(), func() {
		a.pickFile("err.case", []string{".txt", ".md", ".csv", ".json"}, func(path string) {
			a.goWork(func(context.Context) {
				s, err := readInputFile(path)
				a.ui(func() {
					if err != nil {
						a.showError(fail("err.case", err))
						return
					}
					t.SetText(s)
				})
			})
		})
	})
	t.view = container.NewVBox(t.box, container.NewBorder(nil, nil, nil, container.NewHBox(t.clear, t.load), t.notice))
	return t
}

// Text is the whole text, however long.
func (t *longText) Text() string {
	if t.full != "" {
		return t.full
	}
	return t.box.Text
}

// SetText shows s: in the box when short, else its start and a notice.
func (t *longText) SetText(s string) {
	if utf8.RuneCountInString(s) <= editLimit {
		t.full = ""
		t.box.Enable()
		t.box.SetText(s)
		t.notice.Hide()
		t.clear.Hide()
		return
	}
	t.full = s
	r := []rune(s[:min(len(s), previewSize*4)])
	if len(r) > previewSize {
		r = r[:previewSize]
	}
	t.box.SetText(string(r) + " …")
	t.box.Disable() // the start only: editing it would lose the rest
	t.notice.SetText(lang.L("long.notice", map[string]any{"Size": sizeText(len(s)), "N": previewSize}))
	t.notice.Show()
	t.clear.Show()
}

// TypedShortcut catches a paste that would make the text long.
func (e *longTextBox) TypedShortcut(s fyne.Shortcut) {
	if p, ok := s.(*fyne.ShortcutPaste); ok {
		cb := p.Clipboard
		if cb == nil && fyne.CurrentApp() != nil {
			cb = fyne.CurrentApp().Clipboard()
		}
		if cb != nil {
			pasted := cb.Content()
			if utf8.RuneCountInString(e.Text)+utf8.RuneCountInString(pasted) > editLimit {
				if len(pasted) > maxInput {
					pasted = pasted[:maxInput]
				}
				e.owner.SetText(e.Text + pasted)
				return
			}
		}
	}
	e.textBox.TypedShortcut(s)
}

// readInputFile reads an example's input from a text file, at most maxInput bytes.
func readInputFile(path string) (string, error) {
	f, err := safefile.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInput+1))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	if len(b) > maxInput {
		return "", fmt.Errorf("%s is larger than %s; an example's input may have at most that", path, sizeText(maxInput))
	}
	if !utf8.Valid(b) {
		return "", fmt.Errorf("%s is not UTF-8 text", path)
	}
	return strings.TrimSpace(string(b)), nil
}

// sizeText is a size in bytes for people: "316 KB", "1.2 MB".
func sizeText(n int) string {
	switch {
	case n >= 1_000_000:
		return fmt.Sprintf("%.1f MB", float64(n)/1_000_000)
	case n >= 1_000:
		return fmt.Sprintf("%d KB", n/1_000)
	}
	return fmt.Sprintf("%d B", n)
}
