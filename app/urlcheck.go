package app

import (
	"errors"
	"net/url"
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

// Checks of a server address and model, in small pieces the endpoint
// editor, Try it and the "Connect a provider" flow share.

// addressProblem says what is wrong with the form of a server's address,
// in the user's language, or "" when it looks right. OpenAI's own API needs
// no address (the default is used). The grey example in an empty box is
// not a value: an empty address is reported as empty.
func addressProblem(raw, kind string) string {
	s := strings.TrimSpace(raw)
	if s == "" {
		if kind == advisor.KindOpenAI {
			return ""
		}
		return lang.L("url.empty")
	}
	if !strings.Contains(s, "://") {
		return lang.L("url.no_scheme", map[string]any{"URL": s})
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		detail := err.Error()
		if errors.As(err, &ue) {
			detail = ue.Err.Error()
		}
		return lang.L("url.bad", map[string]any{"URL": s, "Detail": detail})
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return lang.L("url.scheme", map[string]any{"URL": s, "Scheme": u.Scheme})
	}
	if u.Host == "" || u.Hostname() == "" {
		return lang.L("url.no_host", map[string]any{"URL": s})
	}
	return ""
}

// addressError is addressProblem as an error for an entry's Validator.
func addressError(raw, kind string) error {
	if p := addressProblem(raw, kind); p != "" {
		return errors.New(p)
	}
	return nil
}

// modelProblem says whether a server that listed offered (GET /models)
// serves model; "" when it does or when the server lists nothing.
func modelProblem(model string, offered []string) string {
	if len(offered) == 0 || contains(offered, model) {
		return ""
	}
	if model == "" {
		return lang.L("url.no_model", map[string]any{"Offered": joinSome(offered, 8)})
	}
	if m, ok := livetest.MatchModel(model, offered); ok {
		return lang.L("url.model_like", map[string]any{"Model": model, "Match": m})
	}
	return lang.L("url.model_missing", map[string]any{"Model": model, "Offered": joinSome(offered, 8)})
}

// connectionProblem turns what Test connection found — the model list (or
// the error listing it) and the one-token request's error — into one
// sentence, or "" when the connection works for the model.
func connectionProblem(ep advisor.Endpoint, models []string, listErr, chatErr error) string {
	notFound := func(err error) bool {
		var ce *livetest.CallError
		return errors.As(err, &ce) && (ce.Status == 404 || ce.Class == advisor.ErrNotFound)
	}
	if ep.Kind != advisor.KindAzure {
		if p := modelProblem(ep.Model, models); p != "" {
			return p
		}
	}
	if chatErr == nil {
		return ""
	}
	if notFound(chatErr) && (listErr == nil && len(models) == 0 || notFound(listErr)) {
		return lang.L("url.bad_path", map[string]any{"URL": strings.TrimSpace(ep.BaseURL)})
	}
	return callFailure("live.ep.test_failed", ep, chatErr)
}

// joinSome lists up to n items, "…" after them when there are more.
func joinSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + ", …"
}
