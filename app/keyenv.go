package app

import (
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// keyEnvQuestion is the open "send this variable?" dialog: its text and its
// answer, so a test can read what was asked and answer as a user would.
type keyEnvQuestion struct {
	dialog *dialog.ConfirmDialog
	text   string
	answer func(ok bool)
}

// allowedKeyEnvList is the variables confirmed this session, sorted.
func (a *App) allowedKeyEnvList() []string {
	out := make([]string, 0, len(a.allowedKeyEnvs))
	for k := range a.allowedKeyEnvs {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// confirmKeyEnvs runs then at once when every endpoint of p (judge and
// embedding included) takes its key from a variable whose name says API key
// or that the user already confirmed. Otherwise it first asks, naming each
// variable and the server its value would go to (a plan naming
// AWS_SECRET_ACCESS_KEY would send a cloud secret to that host); then runs
// only on "Send", and the variables are confirmed for the session;
// refused runs refused (may be nil).
func (a *App) confirmKeyEnvs(p advisor.Plan, then, refused func()) {
	bad := livetest.UnconfirmedKeyEnvs(p, a.allowedKeyEnvList())
	if len(bad) == 0 {
		then()
		return
	}
	var lines []string
	for _, b := range bad {
		lines = append(lines, "• "+lang.L("keyenv.line", map[string]any{"Env": b.Env, "Host": b.Host, "Endpoint": b.Endpoint}))
	}
	text := lang.L("keyenv.body", map[string]any{"List": strings.Join(lines, "\n")})
	body := widget.NewLabel(text)
	body.Wrapping = fyne.TextWrapWord
	q := &keyEnvQuestion{text: text}
	q.answer = func(ok bool) {
		if a.keyEnvAsk == q {
			a.keyEnvAsk = nil
		}
		if !ok {
			if refused != nil {
				refused()
			}
			return
		}
		if a.allowedKeyEnvs == nil {
			a.allowedKeyEnvs = map[string]bool{}
		}
		for _, b := range bad {
			a.allowedKeyEnvs[b.Env] = true
		}
		then()
	}
	d := dialog.NewCustomConfirm(lang.L("keyenv.title"), lang.L("keyenv.send"), lang.L("keyenv.dont"), body, q.answer, a.win)
	d.Resize(fyne.NewSize(560, 0))
	q.dialog = d
	a.keyEnvAsk = q
	d.Show()
}
