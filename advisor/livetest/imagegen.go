package livetest

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
	openai "github.com/sashabaranov/go-openai"
)

// maxImageDownload caps an image fetched from the URL a server answered
// with.
const maxImageDownload = 64 << 20

// doImage asks /v1/images/generations for one image of the case's prompt
// and saves it under ArtifactDir/run-<id>/. The image has no score until
// the user accepts or rejects it (data.Store.SetVerdict).
func (r *run) doImage(ctx context.Context, er *endpointRunner, set advisor.CaseSet, c advisor.Case, res *advisor.Result) {
	req := openai.ImageRequest{Prompt: c.Input, Model: er.ep.Model, N: 1, Size: set.ImageSize}
	if wantsResponseFormat(er.ep.Model) {
		req.ResponseFormat = openai.CreateImageResponseFormatB64JSON
	}
	if !r.acquire(ctx, res) {
		return
	}
	var resp openai.ImageResponse
	t, ce := timedCall(ctx, r.timeout, r.rp, func(actx context.Context) error {
		var err error
		resp, err = er.client.CreateImage(actx, req)
		return err
	})
	var img []byte
	if ce == nil {
		img, ce = imageBytes(ctx, r.opt.httpClient(), resp, er.ep)
	}
	if !r.settle(ctx, er, res, t, ce) {
		return
	}
	ext := imageExt(img)
	if ext == "" {
		res.ErrorClass, res.ErrorMessage = advisor.ErrBadResponse, "the server's image is not a PNG, JPEG or WebP file"
		r.record(ctx, res)
		return
	}
	dir := filepath.Join(r.opt.ArtifactDir, fmt.Sprintf("run-%d", r.runID))
	path := filepath.Join(dir, fmt.Sprintf("%s-%d-%d%s", fileSafe(res.Endpoint), res.Case, res.Repeat, ext))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		r.cancel(fmt.Errorf("save image: %w", err))
		return
	}
	if err := os.WriteFile(path, img, 0o644); err != nil {
		r.cancel(fmt.Errorf("save image: %w", err))
		return
	}
	res.Artifact = path
	res.Output = resp.Data[0].RevisedPrompt
	res.Metrics = map[string]float64{advisor.MetricImageBytes: float64(len(img))}
	res.TokensIn, res.TokensOut = resp.Usage.InputTokens, resp.Usage.OutputTokens
	switch {
	case er.unitOK:
		res.CostUSD = er.unit
	case res.TokensIn+res.TokensOut > 0:
		res.CostUSD = (float64(res.TokensIn)*er.priceIn + float64(res.TokensOut)*er.priceOt) / 1e6
	}
	res.Unscored = true
	res.Checks = []advisor.CheckResult{{Check: "verdict", Reason: "not rated yet: accept or reject the image"}}
	r.record(ctx, res)
}

// wantsResponseFormat: the gpt-image models always answer in base64 and
// refuse response_format; DALL·E and most compatible servers default to a
// URL unless asked for b64_json.
func wantsResponseFormat(model string) bool {
	m := strings.ToLower(model)
	return !strings.HasPrefix(m, "gpt-image") && !strings.HasPrefix(m, "chatgpt-image")
}

// imageBytes decodes the first image of a response, or fetches it from its URL.
func imageBytes(ctx context.Context, hc *http.Client, resp openai.ImageResponse, ep advisor.Endpoint) ([]byte, *CallError) {
	if len(resp.Data) == 0 {
		return nil, &CallError{Class: advisor.ErrBadResponse, Msg: "the server's answer has no image"}
	}
	d := resp.Data[0]
	switch {
	case d.B64JSON != "":
		b, err := base64.StdEncoding.DecodeString(d.B64JSON)
		if err != nil {
			return nil, &CallError{Class: advisor.ErrBadResponse, Msg: "the server's image is not valid base64: " + err.Error()}
		}
		return b, nil
	case d.URL != "":
		if err := imageURLAllowed(d.URL, ep); err != nil {
			return nil, &CallError{Class: advisor.ErrBadResponse, Msg: err.Error()}
		}
		// A redirect may only lead to https (never back to plain http).
		c := *hc
		c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
			if req.URL.Scheme != "https" || len(via) > 5 {
				return fmt.Errorf("the image download was redirected to %s; only https is followed", req.URL.Redacted())
			}
			return nil
		}
		hc = &c
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.URL, nil)
		if err != nil {
			return nil, &CallError{Class: advisor.ErrBadResponse, Msg: "the server's image URL is not valid: " + err.Error()}
		}
		hr, err := hc.Do(req)
		if err != nil {
			return nil, &CallError{Class: advisor.ErrConnection, Msg: "could not download the image: " + netReason(err)}
		}
		defer hr.Body.Close()
		if hr.StatusCode != http.StatusOK {
			return nil, &CallError{Class: advisor.ErrBadResponse, Msg: fmt.Sprintf("could not download the image (%d)", hr.StatusCode)}
		}
		b, err := io.ReadAll(io.LimitReader(hr.Body, maxImageDownload+1))
		if err != nil {
			return nil, &CallError{Class: advisor.ErrConnection, Msg: "the image download was cut: " + err.Error()}
		}
		if len(b) > maxImageDownload {
			return nil, &CallError{Class: advisor.ErrBadResponse, Msg: "the image to download is larger than 64 MB"}
		}
		return b, nil
	}
	return nil, &CallError{Class: advisor.ErrBadResponse, Msg: "the server's answer has neither b64_json nor url"}
}

func imageExt(b []byte) string {
	switch {
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return ".png"
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return ".jpg"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return ".webp"
	}
	return ""
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// fileSafe makes an endpoint name usable in a file name on every system.
func fileSafe(s string) string {
	s = strings.Trim(unsafeName.ReplaceAllString(s, "_"), "._")
	if s == "" {
		return "endpoint"
	}
	return s
}
