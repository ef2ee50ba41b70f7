// Package batchfake is an OpenAI Files + Batches server for tests, in the
// spirit of net/http/httptest: multipart upload to /v1/files, POST
// /v1/batches, GET /v1/batches/{id} moving a batch validating →
// in_progress → completed (or expired with partial output, or cancelled),
// output and error files of JSONL lines with custom_ids. The test decides
// each line's Answer and the batch's fate.
package batchfake

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
)

// Server speaks the OpenAI Files + Batches wire format: multipart
// upload to /v1/files, POST /v1/batches, GET /v1/batches/{id} moving the
// batch validating → in_progress → (finalizing →) completed, output and
// error files of JSONL lines with custom_ids, expiry with partial output and
// cancel. The test decides each line's Answer and the batch's fate.
type Server struct {
	mu      sync.Mutex
	files   map[string][]byte
	batches map[string]*batch
	nextID  int
	Uploads int // POST /v1/files
	Creates int // POST /v1/batches
	Cancels int // POST /v1/batches/{id}/cancel
	Posts   int // any POST
	Chats   int // POST /v1/chat/completions (must stay 0 in batch mode)
	NoAPI   int // 404 (or 405) for /v1/batches when set

	// Answer gives a line's reply: HTTP status and the assistant's text.
	Answer func(customID string, body map[string]any) (int, string)
	// ExpireAfter: the batch expires after this many lines (0: never).
	ExpireAfter int
	// PollsToFinish: polls in progress before the batch is done.
	PollsToFinish int
	LastBody      map[string]any // a line's body, for tests that look at it
	Endpoint      string         // the Endpoint the last batch was created with
}

type batch struct {
	id, input, status string
	lines             []map[string]any
	polls             int
	output, errFile   string
	completed, failed int
}

// New is a server whose batches finish after two polls in progress and
// answer "ok" to every line.
func New() *Server {
	return &Server{files: map[string][]byte{}, batches: map[string]*batch{}, PollsToFinish: 2,
		Answer: func(string, map[string]any) (int, string) { return 200, "ok" }}
}

func (s *Server) id(prefix string) string {
	s.nextID++
	return fmt.Sprintf("%s-%d", prefix, s.nextID)
}

// ServeHTTP answers the Files and Batches API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method == http.MethodPost {
		s.Posts++
	}
	p := strings.TrimPrefix(r.URL.Path, "/v1")
	jsonOut := func(v any) {
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(v)
	}
	switch {
	case s.NoAPI != 0 && (strings.HasPrefix(p, "/batches") || strings.HasPrefix(p, "/files")):
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(s.NoAPI)
		fmt.Fprint(w, `{"error":{"message":"Not Found","type":"invalid_request_error"}}`)
	case p == "/chat/completions":
		s.Chats++
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"not batch\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	case p == "/files" && r.Method == http.MethodGet:
		jsonOut(map[string]any{"object": "list", "data": []any{}})
	case p == "/files" && r.Method == http.MethodPost:
		s.Uploads++
		if err := r.ParseMultipartForm(64 << 20); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		if r.FormValue("purpose") != "batch" {
			http.Error(w, "purpose must be batch", 400)
			return
		}
		f, hdr, err := r.FormFile("file")
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		b, _ := io.ReadAll(f)
		id := s.id("file")
		s.files[id] = b
		jsonOut(map[string]any{"id": id, "object": "file", "bytes": len(b), "filename": hdr.Filename, "purpose": "batch"})
	case strings.HasPrefix(p, "/files/") && strings.HasSuffix(p, "/content"):
		b, ok := s.files[strings.TrimSuffix(strings.TrimPrefix(p, "/files/"), "/content")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Write(b)
	case p == "/batches" && r.Method == http.MethodGet:
		jsonOut(map[string]any{"object": "list", "data": []any{}, "has_more": false})
	case p == "/batches" && r.Method == http.MethodPost:
		s.Creates++
		var req struct {
			InputFileID      string `json:"input_file_id"`
			Endpoint         string `json:"Endpoint"`
			CompletionWindow string `json:"completion_window"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		in, ok := s.files[req.InputFileID]
		if !ok || req.CompletionWindow != "24h" {
			http.Error(w, `{"error":{"message":"bad input file or window"}}`, 400)
			return
		}
		s.Endpoint = req.Endpoint
		fb := &batch{id: s.id("batch"), input: req.InputFileID, status: "validating"}
		sc := bufio.NewScanner(bytes.NewReader(in))
		sc.Buffer(nil, 16<<20)
		for sc.Scan() {
			var line map[string]any
			if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
				http.Error(w, "bad jsonl", 400)
				return
			}
			fb.lines = append(fb.lines, line)
		}
		s.batches[fb.id] = fb
		jsonOut(s.view(fb))
	case strings.HasPrefix(p, "/batches/") && strings.HasSuffix(p, "/cancel"):
		s.Cancels++
		fb := s.batches[strings.TrimSuffix(strings.TrimPrefix(p, "/batches/"), "/cancel")]
		if fb == nil {
			http.NotFound(w, r)
			return
		}
		fb.status = "cancelling"
		jsonOut(s.view(fb))
	case strings.HasPrefix(p, "/batches/"):
		fb := s.batches[strings.TrimPrefix(p, "/batches/")]
		if fb == nil {
			http.NotFound(w, r)
			return
		}
		s.advance(fb)
		jsonOut(s.view(fb))
	default:
		http.NotFound(w, r)
	}
}

// advance moves a batch on by one poll.
func (s *Server) advance(fb *batch) {
	fb.polls++
	switch fb.status {
	case "validating":
		fb.status = "in_progress"
	case "in_progress":
		if fb.polls > s.PollsToFinish {
			n := len(fb.lines)
			final := "completed"
			if s.ExpireAfter > 0 && s.ExpireAfter < n {
				n, final = s.ExpireAfter, "expired"
			}
			s.finish(fb, n, final)
		} else {
			fb.completed = len(fb.lines) / 2
		}
	case "cancelling":
		s.finish(fb, 1, "cancelled") // one line ran before the cancel
	}
}

// finish writes the output and error files of the first n lines.
func (s *Server) finish(fb *batch, n int, status string) {
	var out, errs bytes.Buffer
	fb.completed, fb.failed = 0, 0
	for i, line := range fb.lines[:min(n, len(fb.lines))] {
		id := line["custom_id"].(string)
		body := line["body"].(map[string]any)
		s.LastBody = body
		code, text := s.Answer(id, body)
		rec := map[string]any{"id": fmt.Sprintf("batch_req_%d", i), "custom_id": id, "error": nil}
		if code == 200 {
			rec["response"] = map[string]any{"status_code": 200, "request_id": "r", "body": map[string]any{
				"id": "chatcmpl", "object": "chat.completion", "model": body["model"],
				"choices": []any{map[string]any{"index": 0, "message": map[string]any{"role": "assistant", "content": text}, "finish_reason": "stop"}},
				"usage":   map[string]any{"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
			}}
			b, _ := json.Marshal(rec)
			out.Write(append(b, '\n'))
			fb.completed++
		} else {
			rec["response"] = map[string]any{"status_code": code, "request_id": "r", "body": map[string]any{
				"error": map[string]any{"message": text, "type": "server_error"}}}
			b, _ := json.Marshal(rec)
			errs.Write(append(b, '\n'))
			fb.failed++
		}
	}
	if out.Len() > 0 {
		fb.output = s.id("file")
		s.files[fb.output] = out.Bytes()
	}
	if errs.Len() > 0 {
		fb.errFile = s.id("file")
		s.files[fb.errFile] = errs.Bytes()
	}
	fb.status = status
}

func (s *Server) view(fb *batch) map[string]any {
	v := map[string]any{"id": fb.id, "object": "batch", "Endpoint": "/v1/chat/completions", "input_file_id": fb.input,
		"completion_window": "24h", "status": fb.status, "created_at": 1764640000,
		"request_counts": map[string]any{"total": len(fb.lines), "completed": fb.completed, "failed": fb.failed}}
	if fb.output != "" {
		v["output_file_id"] = fb.output
	}
	if fb.errFile != "" {
		v["error_file_id"] = fb.errFile
	}
	return v
}

// InputBytes is the size of every input file the batches were created from.
func (s *Server) InputBytes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, b := range s.batches {
		n += len(s.files[b.input])
	}
	return n
}

// Count reads a counter under the server's lock.
func (s *Server) Count(f func() int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return f()
}
