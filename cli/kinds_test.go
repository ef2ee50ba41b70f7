package cli

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/data"
)

// kindsServer speaks /v1/embeddings (a vector per vocabulary word),
// /v1/audio/transcriptions (one word of six wrong) and
// /v1/images/generations (a PNG in b64_json).
func kindsServer(t *testing.T, pic []byte) *httptest.Server {
	vocab := []string{"refund", "ship", "password"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/embeddings":
			var req struct {
				Input []string `json:"input"`
			}
			json.NewDecoder(r.Body).Decode(&req)
			var data []map[string]any
			for i, text := range req.Input {
				v := make([]float32, len(vocab))
				for j, word := range vocab {
					if strings.Contains(strings.ToLower(text), word) {
						v[j] = 1
					}
				}
				data = append(data, map[string]any{"object": "embedding", "index": i, "embedding": v})
			}
			json.NewEncoder(w).Encode(map[string]any{"object": "list", "model": "e", "data": data, "usage": map[string]int{"prompt_tokens": 3 * len(req.Input), "total_tokens": 3 * len(req.Input)}})
		case "/v1/audio/transcriptions":
			if err := r.ParseMultipartForm(1 << 20); err != nil {
				w.WriteHeader(400)
				return
			}
			fmt.Fprint(w, `{"text":"Please reset my pasword today."}`)
		case "/v1/images/generations":
			io.Copy(io.Discard, r.Body)
			json.NewEncoder(w).Encode(map[string]any{"created": 1, "data": []map[string]any{{"b64_json": base64.StdEncoding.EncodeToString(pic)}}})
		default:
			w.WriteHeader(404)
			fmt.Fprint(w, `{"error":{"message":"not found","type":"invalid_request_error"}}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func tinyWAV(seconds float64) []byte {
	const rate = 8000
	n := int(rate * seconds)
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+2*n))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(2 * rate), uint16(2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(2*n))
	for i := range n {
		binary.Write(&b, binary.LittleEndian, int16(3000*math.Sin(float64(i)/3)))
	}
	return b.Bytes()
}

func TestTestCommandKindsAndVerdict(t *testing.T) {
	var pic bytes.Buffer
	png.Encode(&pic, image.NewGray(image.Rect(0, 0, 4, 4)))
	srv := kindsServer(t, pic.Bytes())
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "call.wav"), tinyWAV(0.25), 0o644)
	plan := fmt.Sprintf(`name: kinds
case_sets:
  - name: faq
    kind: embedding
    top_k: 1
    endpoints: [{name: emb, base_url: %[1]q, model: e, price_in_per_1m: 0.02}]
    corpus:
      - {id: refunds, text: "How a refund works"}
      - {id: shipping, text: "Where we ship"}
      - {id: login, text: "Reset a password"}
    cases:
      - {input: "I want a refund", relevant: [refunds]}
      - {input: "forgot my password", relevant: [login]}
  - name: calls
    kind: transcription
    endpoints: [{name: asr, base_url: %[1]q, model: whisper-1, price_per_minute: 0.006}]
    cases:
      - {audio: call.wav, expected: "please reset my password today"}
  - name: art
    kind: image
    endpoints: [{name: painter, base_url: %[1]q, model: dall-e-2, price_per_image: 0.02}]
    cases:
      - {input: "a lighthouse"}
`, srv.URL+"/v1")
	planPath := filepath.Join(dir, "plan.yaml")
	os.WriteFile(planPath, []byte(plan), 0o644)
	db := filepath.Join(dir, "runs", "a.db")
	code, out, errs := runCLI("test", "--plan", planPath, "--db", db, "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var sum struct {
		RunID  int64 `json:"run_id"`
		Total  int   `json:"total"`
		Errors int   `json:"errors"`
		Rows   []struct {
			Kind          string                        `json:"kind"`
			Endpoint      string                        `json:"endpoint"`
			PriceKnown    bool                          `json:"price_known"`
			Embedding     *advisor.EmbeddingSummary     `json:"embedding"`
			Transcription *advisor.TranscriptionSummary `json:"transcription"`
			Image         *advisor.ImageSummary         `json:"image"`
		} `json:"summary"`
		Images []imageRef `json:"images"`
	}
	if err := json.Unmarshal([]byte(out), &sum); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if sum.Total != 1+2+1+1 || sum.Errors != 0 || len(sum.Rows) != 3 {
		t.Fatalf("summary %+v", sum)
	}
	for _, row := range sum.Rows {
		if !row.PriceKnown {
			t.Errorf("%s: price not known", row.Endpoint)
		}
		switch row.Kind {
		case advisor.CaseKindEmbedding:
			if row.Embedding == nil || row.Embedding.RecallAtK != 1 || row.Embedding.MRR != 1 || row.Embedding.K != 1 || row.Embedding.Documents != 3 {
				t.Errorf("embedding %+v", row.Embedding)
			}
		case advisor.CaseKindTranscription:
			// "pasword" for "password": 1 of 5 words.
			if row.Transcription == nil || math.Abs(row.Transcription.WER-0.2) > 1e-12 || math.Abs(row.Transcription.AudioSeconds-0.25) > 1e-9 || row.Transcription.RTF <= 0 {
				t.Errorf("transcription %+v", row.Transcription)
			}
		case advisor.CaseKindImage:
			if row.Image == nil || row.Image.Images != 1 || row.Image.Rated != 0 || row.Image.CostPerImage != 0.02 {
				t.Errorf("image %+v", row.Image)
			}
		default:
			t.Errorf("row of kind %q", row.Kind)
		}
	}
	if len(sum.Images) != 1 {
		t.Fatalf("images %+v", sum.Images)
	}
	im := sum.Images[0]
	if want := filepath.Join(dir, "runs", "images", fmt.Sprintf("run-%d", sum.RunID), "painter-3-0.png"); im.Path != want {
		t.Errorf("image saved at %q, want %q (beside the database)", im.Path, want)
	}
	if b, err := os.ReadFile(im.Path); err != nil || !bytes.Equal(b, pic.Bytes()) {
		t.Errorf("saved image: %v", err)
	}

	// The text table shows every kind and how to rate the image.
	code, text, _ := runCLI("test", "--plan", planPath, "--db", db)
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"recall@k", "1.00 (k=1)", "WER", "0.200", "s/image", "not rated", "verdict --result"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}

	// Verdict: usage errors, then accept, then the summary counts it.
	for _, args := range [][]string{
		{"verdict", "--result", fmt.Sprint(im.ResultID), "--db", db},
		{"verdict", "--result", fmt.Sprint(im.ResultID), "--accept", "--reject", "--db", db},
		{"verdict", "--accept", "--db", db},
		{"verdict", "--result", "9999", "--accept", "--db", db},
	} {
		if code, _, _ := runCLI(args...); code != ExitUsage {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	store, err := data.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := store.Results(context.Background(), sum.RunID)
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	var embID int64
	for _, r := range rs {
		if r.Kind == advisor.CaseKindEmbedding {
			embID = r.ID
		}
	}
	code, _, errs = runCLI("verdict", "--result", fmt.Sprint(embID), "--accept", "--db", db)
	if code != ExitUsage || !strings.Contains(errs, "only a generated image") {
		t.Errorf("verdict on an embedding result: exit %d, %q", code, errs)
	}
	code, out, errs = runCLI("verdict", "--result", fmt.Sprint(im.ResultID), "--accept", "--db", db, "--json")
	if code != ExitOK {
		t.Fatalf("verdict: exit %d %s", code, errs)
	}
	var v verdictOut
	if err := json.Unmarshal([]byte(out), &v); err != nil || !v.Accepted || v.ResultID != im.ResultID || v.Artifact != im.Path {
		t.Errorf("verdict output %q: %v", out, err)
	}
	store, _ = data.Open(context.Background(), db)
	defer store.Close()
	rs, _ = store.Results(context.Background(), sum.RunID)
	for _, row := range advisor.Summarize(rs) {
		if row.Kind == advisor.CaseKindImage && (row.Image.Rated != 1 || row.Image.AcceptanceRate != 1 || row.Quality != 1) {
			t.Errorf("after accepting: %+v %+v", row, row.Image)
		}
	}
}
