package livetest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// PullProgress is one status line of an Ollama download.
type PullProgress struct {
	Status    string // "pulling manifest", "downloading", "verifying sha256 digest", "success"
	Completed int64  // bytes of the current layer
	Total     int64  // size of the current layer (0 when not known)
}

// Fraction is how far the current layer is, 0..1 (0 when the size is unknown).
func (p PullProgress) Fraction() float64 {
	if p.Total <= 0 {
		return 0
	}
	return min(float64(p.Completed)/float64(p.Total), 1)
}

// maxPullLine bounds one status line of Ollama's stream.
const maxPullLine = 64 << 10

// OllamaRoot is an Ollama server's root URL from its OpenAI-compatible base
// URL (http://127.0.0.1:11434/v1 → http://127.0.0.1:11434).
func OllamaRoot(baseURL string) string {
	return strings.TrimSuffix(strings.TrimRight(baseURL, "/"), "/v1")
}

// PullModel asks a local Ollama server to download a model (POST /api/pull,
// streamed) and reports each status line to progress; it returns when the
// server says "success", with the server's error, or when ctx ends (the
// download then stops: Ollama ends a pull whose client went away, and keeps
// what it has for the next try).
func PullModel(ctx context.Context, baseURL, model string, progress func(PullProgress)) error {
	body, _ := json.Marshal(map[string]any{"model": model, "stream": true})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, OllamaRoot(baseURL)+"/api/pull", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("download %s: %w", model, err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := defaultHTTPClient().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("download %s: could not reach Ollama at %s: %s", model, OllamaRoot(baseURL), netReason(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return fmt.Errorf("download %s: Ollama answered %d: %s", model, resp.StatusCode, ollamaError(b))
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 4<<10), maxPullLine)
	for sc.Scan() {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		var st struct {
			Status    string `json:"status"`
			Error     string `json:"error"`
			Completed int64  `json:"completed"`
			Total     int64  `json:"total"`
		}
		if err := json.Unmarshal(line, &st); err != nil {
			return fmt.Errorf("download %s: Ollama's answer is not in its format: %.80q", model, line)
		}
		if st.Error != "" {
			return fmt.Errorf("download %s: Ollama says: %s", model, st.Error)
		}
		if progress != nil {
			progress(PullProgress{Status: st.Status, Completed: st.Completed, Total: st.Total})
		}
		if st.Status == "success" {
			return nil
		}
	}
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("download %s: the stream broke off: %w", model, err)
	}
	return errors.New("download " + model + ": Ollama ended the stream before it said success")
}

func ollamaError(b []byte) string {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(b, &e) == nil && e.Error != "" {
		return e.Error
	}
	return strings.TrimSpace(string(b))
}
