package livetest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// writeWAV writes ms milliseconds of a 440 Hz sine, 16 kHz mono 16-bit PCM.
func writeWAV(t testing.TB, path string, msDur int) []byte {
	t.Helper()
	const rate = 16000
	n := rate * msDur / 1000
	pcm := make([]byte, 2*n)
	for i := range n {
		s := int16(8000 * math.Sin(2*math.Pi*440*float64(i)/rate))
		binary.LittleEndian.PutUint16(pcm[2*i:], uint16(s))
	}
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+len(pcm)))
	b.WriteString("WAVEfmt ")
	binary.Write(&b, binary.LittleEndian, uint32(16))
	binary.Write(&b, binary.LittleEndian, uint16(1))      // PCM
	binary.Write(&b, binary.LittleEndian, uint16(1))      // mono
	binary.Write(&b, binary.LittleEndian, uint32(rate))   // sample rate
	binary.Write(&b, binary.LittleEndian, uint32(rate*2)) // byte rate
	binary.Write(&b, binary.LittleEndian, uint16(2))      // block align
	binary.Write(&b, binary.LittleEndian, uint16(16))     // bits per sample
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(len(pcm)))
	b.Write(pcm)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writePNG encodes a small gradient with image/png.
func writePNG(t testing.TB, path string, size int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	for x := range size {
		for y := range size {
			// A gradient with a little noise, so bigger images are bigger files.
			img.Set(x, y, color.RGBA{uint8(x * 255 / size), uint8(y * 255 / size), uint8((x*7919 + y*104729) % 251), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if path != "" {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

// asrServer is a fake /v1/audio/transcriptions: it reads the multipart form
// as OpenAI does and answers with the transcript the file's name maps to,
// in json, or in verbose_json with a duration (unless jsonOnly, which refuses
// verbose_json with 400 like gpt-4o-transcribe).
type asrServer struct {
	t          *testing.T
	transcript map[string]string
	duration   float64
	jsonOnly   bool
	mu         sync.Mutex
	got        []map[string]string // form fields of each request, plus "file" = name and "bytes" = size
	files      map[string][]byte
}

func (s *asrServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/audio/transcriptions" || !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		http.Error(w, "bad route or content type", 404)
		return
	}
	if err := r.ParseMultipartForm(32 << 20); err != nil {
		http.Error(w, err.Error(), 400)
		return
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		w.WriteHeader(400)
		fmt.Fprint(w, `{"error":{"message":"file is required","type":"invalid_request_error"}}`)
		return
	}
	data, _ := io.ReadAll(f)
	fields := map[string]string{"file": fh.Filename, "bytes": fmt.Sprint(len(data))}
	for k, v := range r.MultipartForm.Value {
		fields[k] = v[0]
	}
	s.mu.Lock()
	s.got = append(s.got, fields)
	if s.files == nil {
		s.files = map[string][]byte{}
	}
	s.files[fh.Filename] = data
	s.mu.Unlock()
	text := s.transcript[fh.Filename]
	w.Header().Set("Content-Type", "application/json")
	switch fields["response_format"] {
	case "verbose_json":
		if s.jsonOnly {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":{"message":"response_format 'verbose_json' is not compatible with model 'gpt-4o-transcribe', use 'json' or 'text'","type":"invalid_request_error","param":"response_format","code":"unsupported_value"}}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"task": "transcribe", "language": "english", "duration": s.duration, "text": text,
			"segments": []map[string]any{{"id": 0, "seek": 0, "start": 0.0, "end": s.duration, "text": text, "tokens": []int{50364}, "temperature": 0.0}}})
	default:
		json.NewEncoder(w).Encode(map[string]any{"text": text, "usage": map[string]any{"type": "duration", "seconds": 1}})
	}
}

func (s *asrServer) requests() []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]string(nil), s.got...)
}

// TestTranscriptionWERAndRTF: a fake ASR that gets one word of six wrong
// gives WER 1/6; the duration comes from the WAV header (json asked), from
// verbose_json for an mp3, and is unknown when the server takes json only.
func TestTranscriptionWERAndRTF(t *testing.T) {
	dir := t.TempDir()
	wav := writeWAV(t, filepath.Join(dir, "fox.wav"), 300)
	os.WriteFile(filepath.Join(dir, "hello.mp3"), append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), bytes.Repeat([]byte{0xFF, 0xFB, 0x90, 0x64}, 50)...), 0o644)
	os.WriteFile(filepath.Join(dir, "memo.m4a"), append([]byte("\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00"), make([]byte, 64)...), 0o644)
	asr := &asrServer{t: t, duration: 2.0, transcript: map[string]string{
		"fox.wav":   "The quick brown box jumps high.", // "fox" → "box": 1 of 6
		"hello.mp3": "hello world",
		"memo.m4a":  "call me back",
	}}
	strict := &asrServer{t: t, jsonOnly: true, transcript: asr.transcript}
	s1, s2 := serve(t, asr), serve(t, strict)
	perMin := 0.006
	yaml := fmt.Sprintf(`
name: dictation
case_sets:
  - name: calls
    kind: transcription
    language: en
    endpoints:
      - {name: whisper, base_url: %q, model: whisper-1, price_per_minute: 0.006}
      - {name: strict, base_url: %q, model: gpt-4o-transcribe}
    cases:
      - {audio: fox.wav, expected: "the quick brown fox jumps high"}
      - {audio: hello.mp3, expected: "Hello, world!"}
      - {audio: memo.m4a, expected: "call me back"}
`, s1.URL+"/v1", s2.URL+"/v1")
	planPath := filepath.Join(dir, "plan.yaml")
	os.WriteFile(planPath, []byte(yaml), 0o644)
	p, err := LoadPlan(planPath)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.CaseSets[0].Cases[0].Audio; got != filepath.Join(dir, "fox.wav") {
		t.Fatalf("audio path %q, want it relative to the plan file", got)
	}
	if p.CaseSets[0].MaxWER != DefaultMaxWER {
		t.Errorf("max_wer default %v", p.CaseSets[0].MaxWER)
	}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if len(rs) != 6 {
		t.Fatalf("%d results, want 6", len(rs))
	}
	byKey := map[string]advisor.Result{}
	for _, r := range rs {
		if r.ErrorClass != "" {
			t.Fatalf("%s case %d: %s %s", r.Endpoint, r.Case, r.ErrorClass, r.ErrorMessage)
		}
		byKey[fmt.Sprintf("%s/%d", r.Endpoint, r.Case)] = r
	}
	fox := byKey["whisper/0"]
	if w := fox.Metrics[advisor.MetricWER]; math.Abs(w-1.0/6) > 1e-12 {
		t.Errorf("WER %v, want 1/6", w)
	}
	if fox.Passed || math.Abs(fox.Score-5.0/6) > 1e-12 {
		t.Errorf("WER 1/6 is above max_wer 0.1: passed %v score %v", fox.Passed, fox.Score)
	}
	if sec := fox.Metrics[advisor.MetricAudioSeconds]; math.Abs(sec-0.3) > 1e-9 {
		t.Errorf("audio seconds %v, want 0.3 from the WAV header", sec)
	}
	if rtf := fox.Metrics[advisor.MetricRTF]; math.Abs(rtf-fox.LatencyMs/1000/0.3) > 1e-9 || rtf <= 0 {
		t.Errorf("rtf %v for latency %v ms", rtf, fox.LatencyMs)
	}
	if math.Abs(fox.CostUSD-perMin*0.3/60) > 1e-15 {
		t.Errorf("cost %v, want %v", fox.CostUSD, perMin*0.3/60)
	}
	if hello := byKey["whisper/1"]; hello.Metrics[advisor.MetricWER] != 0 || !hello.Passed || hello.Metrics[advisor.MetricAudioSeconds] != 2 {
		t.Errorf("mp3: %+v (punctuation and case must not count; duration from verbose_json)", hello)
	}
	if m := byKey["strict/2"]; m.Metrics[advisor.MetricWER] != 0 || m.Metrics[advisor.MetricAudioSeconds] != 0 || m.Metrics[advisor.MetricRTF] != 0 || m.CostUSD != 0 {
		t.Errorf("json-only server: %+v (no duration, so no RTF)", m)
	}
	for _, f := range asr.requests() {
		if f["model"] != "whisper-1" || f["language"] != "en" {
			t.Errorf("form %v", f)
		}
		want := "verbose_json"
		if f["file"] == "fox.wav" {
			want = "json"
		}
		if f["response_format"] != want {
			t.Errorf("%s asked as %q, want %q", f["file"], f["response_format"], want)
		}
	}
	if !bytes.Equal(asr.files["fox.wav"], wav) {
		t.Error("the server did not get the WAV file's bytes")
	}
	if n := len(strict.requests()); n != 5 {
		t.Errorf("json-only server got %d requests, want 5 (two files retried as json)", n)
	}
	var row advisor.SummaryRow
	for _, r := range advisor.Summarize(rs) {
		if r.Endpoint == "whisper" {
			row = r
		}
	}
	if row.Transcription == nil || math.Abs(row.Transcription.WER-(1.0/6)/3) > 1e-12 || row.Transcription.Timed != 3 ||
		math.Abs(row.Transcription.CostPerMin-perMin) > 1e-12 || math.Abs(row.Transcription.AudioSeconds-4.3) > 1e-9 {
		t.Errorf("summary %+v %+v", row, row.Transcription)
	}
}

// TestBadMediaFailsItsCaseOnly: a file whose content is not its format, or
// that is larger than the limit, fails its own case with bad_request.
func TestBadMediaFailsItsCaseOnly(t *testing.T) {
	dir := t.TempDir()
	writeWAV(t, filepath.Join(dir, "long.wav"), 500) // 16 KB
	writeWAV(t, filepath.Join(dir, "short.wav"), 20)
	os.WriteFile(filepath.Join(dir, "text.wav"), []byte("this is not audio at all"), 0o644)
	asr := &asrServer{t: t, transcript: map[string]string{"short.wav": "beep"}}
	srv := serve(t, asr)
	p := advisor.Plan{Name: "bad", Kind: advisor.CaseKindTranscription,
		Endpoints: []advisor.Endpoint{{Name: "w", BaseURL: srv.URL + "/v1", Model: "whisper-1"}},
		Cases: []advisor.Case{
			{Audio: filepath.Join(dir, "long.wav"), Expected: "beep"},
			{Audio: filepath.Join(dir, "text.wav"), Expected: "beep"},
			{Audio: filepath.Join(dir, "missing.wav"), Expected: "beep"},
			{Audio: filepath.Join(dir, "short.wav"), Expected: "beep"},
		}}
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.MaxAudioBytes = 4096
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	want := []string{"long.wav is 15.7 KB; the endpoint takes at most 4.0 KB", "text.wav is not a WAV file", "missing.wav: no such file", ""}
	for i, r := range rs {
		if want[i] == "" {
			if r.ErrorClass != "" || r.Output != "beep" {
				t.Errorf("case %d: %s %s", i, r.ErrorClass, r.ErrorMessage)
			}
			continue
		}
		if r.ErrorClass != advisor.ErrBadRequest || !strings.Contains(r.ErrorMessage, want[i]) {
			t.Errorf("case %d: %s %q, want bad_request %q", i, r.ErrorClass, r.ErrorMessage, want[i])
		}
	}
	if n := len(asr.requests()); n != 1 {
		t.Errorf("%d requests sent, want only the good file's", n)
	}
}

// TestImageUnderstanding sends a case's PNG as an image_url content part.
func TestImageUnderstanding(t *testing.T) {
	dir := t.TempDir()
	pic := writePNG(t, filepath.Join(dir, "chart.png"), 16)
	writePNG(t, filepath.Join(dir, "big.png"), 200)
	os.WriteFile(filepath.Join(dir, "fake.jpg"), pic, 0o644) // PNG bytes named .jpg
	var mu sync.Mutex
	var images [][]byte
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct {
				Role    string          `json:"role"`
				Content json.RawMessage `json:"content"`
			} `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		last := req.Messages[len(req.Messages)-1]
		var parts []struct {
			Type     string `json:"type"`
			Text     string `json:"text"`
			ImageURL struct {
				URL string `json:"url"`
			} `json:"image_url"`
		}
		if err := json.Unmarshal(last.Content, &parts); err != nil || len(parts) != 2 || parts[0].Type != "text" || parts[1].Type != "image_url" {
			t.Errorf("last turn %s, want a text part and an image_url part", last.Content)
			sse(w, chunk("?", "stop"))
			return
		}
		b64, ok := strings.CutPrefix(parts[1].ImageURL.URL, "data:image/png;base64,")
		b, err := base64.StdEncoding.DecodeString(b64)
		if !ok || err != nil {
			t.Errorf("image URL %.40q…", parts[1].ImageURL.URL)
		}
		mu.Lock()
		images = append(images, b)
		mu.Unlock()
		sse(w, chunk("A gradient", ""), chunk(" chart.", "stop"))
	}))
	p := plan(srv.URL)
	p.Cases = []advisor.Case{
		{Input: "What is this?", Image: filepath.Join(dir, "chart.png"), Expected: "gradient"},
		{Input: "And this?", Image: filepath.Join(dir, "big.png"), Expected: "gradient"},
		{Input: "And this one?", Image: filepath.Join(dir, "fake.jpg"), Expected: "gradient"},
	}
	Defaults(&p)
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.MaxImageBytes = 1024
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if rs[0].ErrorClass != "" || !rs[0].Passed || rs[0].Kind != advisor.CaseKindChat {
		t.Errorf("case 0: %+v", rs[0])
	}
	if rs[1].ErrorClass != advisor.ErrBadRequest || !strings.Contains(rs[1].ErrorMessage, "big.png is") || !strings.Contains(rs[1].ErrorMessage, "at most 1.0 KB") {
		t.Errorf("case 1: %s %q", rs[1].ErrorClass, rs[1].ErrorMessage)
	}
	if rs[2].ErrorClass != advisor.ErrBadRequest || !strings.Contains(rs[2].ErrorMessage, "fake.jpg is not a JPG image") {
		t.Errorf("case 2: %s %q", rs[2].ErrorClass, rs[2].ErrorMessage)
	}
	if len(images) != 1 || !bytes.Equal(images[0], pic) {
		t.Errorf("the server got %d images; want the PNG's bytes once", len(images))
	}
}

// imageServer is a fake /v1/images/generations: b64_json when asked, a URL
// on itself otherwise; gpt-image models must not be sent response_format.
type imageServer struct {
	t    *testing.T
	png  []byte
	mu   sync.Mutex
	reqs []map[string]any
	base string
}

func (s *imageServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/files/img.png" {
		w.Header().Set("Content-Type", "image/png")
		w.Write(s.png)
		return
	}
	if r.URL.Path != "/v1/images/generations" {
		http.NotFound(w, r)
		return
	}
	var req map[string]any
	json.NewDecoder(r.Body).Decode(&req)
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	model, _ := req["model"].(string)
	switch {
	case strings.HasPrefix(model, "gpt-image"):
		if _, ok := req["response_format"]; ok {
			w.WriteHeader(400)
			fmt.Fprint(w, `{"error":{"message":"Unknown parameter: 'response_format'.","type":"invalid_request_error","param":"response_format","code":"unknown_parameter"}}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"created": 1713833628, "data": []map[string]any{{"b64_json": base64.StdEncoding.EncodeToString(s.png)}},
			"usage": map[string]any{"total_tokens": 4260, "input_tokens": 100, "output_tokens": 4160, "input_tokens_details": map[string]any{"text_tokens": 100, "image_tokens": 0}}})
	case req["response_format"] == "b64_json":
		json.NewEncoder(w).Encode(map[string]any{"created": 1713833628, "data": []map[string]any{{"b64_json": base64.StdEncoding.EncodeToString(s.png), "revised_prompt": "A red bicycle leaning on a wall."}}})
	default:
		json.NewEncoder(w).Encode(map[string]any{"created": 1713833628, "data": []map[string]any{{"url": s.base + "/files/img.png"}}})
	}
}

func TestImageGenerationSavesImagesUnscored(t *testing.T) {
	is := &imageServer{t: t, png: writePNG(t, "", 32)}
	srv := serve(t, is)
	is.base = srv.URL
	perImage, in, out := 0.04, 5.0, 40.0
	p := advisor.Plan{Name: "pics", Repeats: 2, CaseSets: []advisor.CaseSet{{Name: "bikes", Kind: advisor.CaseKindImage, ImageSize: "1024x1024",
		Endpoints: []advisor.Endpoint{
			{Name: "dall e/3", BaseURL: srv.URL + "/v1", Model: "dall-e-3", PricePerImage: &perImage},
			{Name: "gpt", BaseURL: srv.URL + "/v1", Model: "gpt-image-1", PriceInPer1M: &in, PriceOutPer1M: &out},
		},
		Cases: []advisor.Case{{Input: "a red bicycle"}}}}}
	Defaults(&p)
	sink := &memSink{}
	opt, _ := testOptions(sink)
	if _, err := Run(context.Background(), p, 7, opt); err == nil || !strings.Contains(err.Error(), "ArtifactDir") {
		t.Fatalf("a run without a folder for images: %v", err)
	}
	opt.ArtifactDir = filepath.Join(t.TempDir(), "images")
	if _, err := Run(context.Background(), p, 7, opt); err != nil {
		t.Fatal(err)
	}
	rs := sink.all()
	if len(rs) != 4 {
		t.Fatalf("%d results, want 4", len(rs))
	}
	for _, r := range rs {
		if r.ErrorClass != "" {
			t.Fatalf("%s: %s %s", r.Endpoint, r.ErrorClass, r.ErrorMessage)
		}
		want := filepath.Join(opt.ArtifactDir, "run-7", fmt.Sprintf("%s-0-%d.png", map[string]string{"dall e/3": "dall_e_3", "gpt": "gpt"}[r.Endpoint], r.Repeat))
		if r.Artifact != want {
			t.Errorf("artifact %q, want %q", r.Artifact, want)
		}
		b, err := os.ReadFile(r.Artifact)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := png.Decode(bytes.NewReader(b)); err != nil || !bytes.Equal(b, is.png) {
			t.Errorf("saved image is not the server's PNG: %v", err)
		}
		if !r.Unscored || r.Verdict != nil || r.Passed || r.Kind != advisor.CaseKindImage || r.LatencyMs <= 0 {
			t.Errorf("result %+v: want an unscored, unrated image", r)
		}
		switch r.Endpoint {
		case "dall e/3":
			if r.CostUSD != 0.04 {
				t.Errorf("cost %v, want the price per image", r.CostUSD)
			}
		case "gpt":
			if wantCost := (100*in + 4160*out) / 1e6; math.Abs(r.CostUSD-wantCost) > 1e-12 || r.TokensOut != 4160 {
				t.Errorf("cost %v tokens %d/%d, want %v from the usage", r.CostUSD, r.TokensIn, r.TokensOut, wantCost)
			}
		}
	}
	for _, req := range is.reqs {
		if req["size"] != "1024x1024" || req["n"] != 1.0 || req["prompt"] != "a red bicycle" {
			t.Errorf("request %v", req)
		}
		if req["model"] == "dall-e-3" && req["response_format"] != "b64_json" {
			t.Errorf("dall-e-3 asked for %v, want b64_json", req["response_format"])
		}
	}
	row := advisor.Summarize(rs)[0]
	if row.Image == nil || row.Image.Images != 2 || row.Image.Rated != 0 || row.Scored != 0 || row.Quality != 0 {
		t.Errorf("summary %+v %+v", row, row.Image)
	}
}

func TestImageFromURL(t *testing.T) {
	is := &imageServer{t: t, png: writePNG(t, "", 8)}
	srv := serve(t, is)
	is.base = srv.URL
	p := advisor.Plan{Name: "u", Kind: advisor.CaseKindImage, Endpoints: []advisor.Endpoint{{Name: "sd", BaseURL: srv.URL + "/v1", Model: "sd-turbo"}},
		Cases: []advisor.Case{{Input: "a cat"}}}
	// A compatible server that answers with a URL even when asked for
	// b64_json: the image is fetched from there.
	is2 := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/images/generations" {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"created":1,"data":[{"url":%q}]}`, srv.URL+"/files/img.png")
			return
		}
		http.NotFound(w, r)
	})
	srv2 := serve(t, is2)
	p.Endpoints[0].BaseURL = srv2.URL + "/v1"
	sink := &memSink{}
	opt, _ := testOptions(sink)
	opt.ArtifactDir = t.TempDir()
	if _, err := Run(context.Background(), p, 1, opt); err != nil {
		t.Fatal(err)
	}
	r := sink.all()[0]
	b, err := os.ReadFile(r.Artifact)
	if r.ErrorClass != "" || err != nil || !bytes.Equal(b, is.png) {
		t.Fatalf("%+v: %v", r, err)
	}
	if r.CostUSD != 0 {
		t.Errorf("no price: cost %v", r.CostUSD)
	}
}
