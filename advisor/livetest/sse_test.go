package livetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"

	openai "github.com/sashabaranov/go-openai"
)

// recvAll reads RecvRaw until its first error: each data: line as
// "data <json>", then the error's text.
func recvAll(s interface{ RecvRaw() ([]byte, error) }) []string {
	var got []string
	for range 10000 {
		raw, err := s.RecvRaw()
		if err != nil {
			return append(got, "error "+err.Error())
		}
		got = append(got, "data "+string(raw))
	}
	return append(got, "no end")
}

// cutBody is a body that ends in err after its bytes (a cut connection).
type cutBody struct {
	io.Reader
	err error
}

func (c *cutBody) Read(p []byte) (int, error) {
	n, err := c.Reader.Read(p)
	if err == io.EOF && c.err != nil {
		err = c.err
	}
	return n, err
}

// rawTransport answers with body as an SSE stream, without the runner's
// doer: what go-openai's own stream reader makes of the bytes.
type rawTransport struct{ body func() io.Reader }

func (rt rawTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"text/event-stream"}},
		Body: io.NopCloser(rt.body()), Request: r, ProtoMajor: 1, ProtoMinor: 1}, nil
}

// goOpenAILines is what go-openai v1.43.0's ChatCompletionStream.RecvRaw
// reads from body (then tail instead of io.EOF when tail is not nil).
func goOpenAILines(t testing.TB, body []byte, tail error) []string {
	t.Helper()
	cfg := openai.DefaultConfig("")
	cfg.BaseURL = "http://127.0.0.1:1/v1"
	cfg.HTTPClient = &http.Client{Transport: rawTransport{body: func() io.Reader { return &cutBody{bytes.NewReader(body), tail} }}}
	st, err := openai.NewClientWithConfig(cfg).CreateChatCompletionStream(context.Background(), openai.ChatCompletionRequest{Model: "m", Messages: []openai.ChatCompletionMessage{{Role: "user", Content: "hi"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	return recvAll(st)
}

// sseCases are streams where go-openai's reading has a rule to keep:
// comments and other lines that are not data, error objects on data: lines
// and on their own, [DONE] written every way, no newline at the end, CRLF,
// too many lines that are not data, a line longer than the buffer.
var sseCases = []string{
	"data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n",
	"data:{\"a\":1}\ndata:   {\"b\":2}   \ndata:[DONE]\n",
	"data: {\"a\":1}\r\n\r\ndata: [DONE]\r\n\r\n",
	": keep-alive\n\ndata: {\"a\":1}\n\nevent: ping\ndata: x\n\n",
	"data: {\"a\":1}\n\ndata: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"code\":500}}\n\ndata: [DONE]\n\n",
	"data: {\"error\":{\"message\":\"late\"}}\n",
	"data: {\"error\":{\"message\":\"one\"}}\ndata: {\"a\":1}\ndata: {\"b\":2}\n",
	"data: {\"error\":\"not an object\"}\ndata: {\"a\":1}\ndata: [DONE]\n",
	"{\"error\":{\"message\":\"bare\",\"code\":\"x\"}}\n",
	"{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":[{\"message\":{\"content\":\"hi\"}}]}",
	"{\"id\":\"c\",\n\"choices\":[]}\n",
	"error: {\"code\":400,\"message\":\"the request exceeds the available context size\"}\n\ndata: [DONE]\n\n",
	"data: {\"a\":1}\n\ndata: {\"b\":2}",
	"data: {\"a\":1}\n\ndata: [DONE]",
	"data: [DONE] \n",
	"data: \v[DONE]\n",
	"data:\n\ndata: \n\ndata: {\"a\":1}\n",
	"data: {\"a\":1}\n" + strings.Repeat("\n", 300) + "data: {\"b\":2}\n",
	"data: {\"a\":1}\n" + strings.Repeat("\n", 301) + "data: {\"b\":2}\n",
	"data: {\"a\":\"" + strings.Repeat("x", 10000) + "\"}\n\ndata: [DONE]\n\n",
	"",
	"\n",
	"datum: {}\ndata {}\n DATA: {}\n\tdata: {\"a\":1}\n",
}

// TestSSEReaderMatchesGoOpenAI: sseReader gives what go-openai's stream
// reader gives for the same bytes, line for line and error for error, read
// whole, one byte at a time, with the error in the read of the last bytes,
// and cut short by a connection error.
func TestSSEReaderMatchesGoOpenAI(t *testing.T) {
	for i, body := range sseCases {
		for _, tail := range []error{nil, io.ErrUnexpectedEOF} {
			want := goOpenAILines(t, []byte(body), tail)
			got := recvAll(newSSEReader(&cutBody{bytes.NewReader([]byte(body)), tail}, nil))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("case %d (tail %v): sseReader\n%q\ngo-openai\n%q", i, tail, got, want)
			}
			got = recvAll(newSSEReader(&cutBody{iotest.OneByteReader(bytes.NewReader([]byte(body))), tail}, nil))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("case %d (tail %v), one byte at a time: sseReader\n%q\ngo-openai\n%q", i, tail, got, want)
			}
			got = recvAll(newSSEReader(iotest.DataErrReader(&cutBody{bytes.NewReader([]byte(body)), tail}), nil))
			if !reflect.DeepEqual(got, want) {
				t.Errorf("case %d (tail %v), the error with the last bytes: sseReader\n%q\ngo-openai\n%q", i, tail, got, want)
			}
		}
	}
}

// FuzzSSEReader: for any bytes, sseReader and go-openai agree.
func FuzzSSEReader(f *testing.F) {
	for _, c := range sseCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want := goOpenAILines(t, body, nil)
		if got := recvAll(newSSEReader(bytes.NewReader(body), nil)); !reflect.DeepEqual(got, want) {
			t.Fatalf("sseReader\n%q\ngo-openai\n%q", got, want)
		}
	})
}

// TestSSEReaderSniffs: the probe keeps the last `error:` line and notes
// data: [DONE], also when they come after the [DONE] in the same read.
func TestSSEReaderSniffs(t *testing.T) {
	pr := &probe{}
	s := newSSEReader(strings.NewReader("error: {\"message\":\"first\"}\n\ndata: {\"a\":1}\n\ndata: [DONE]\n\nerror:  {\"message\":\"after\"} \n\n"), pr)
	if got := recvAll(s); !reflect.DeepEqual(got, []string{`data {"a":1}`, "error EOF"}) {
		t.Fatalf("lines %q", got)
	}
	st := pr.snapshot()
	if !st.sawDone || string(st.streamErr) != `{"message":"after"}` {
		t.Fatalf("done %v, error line %q", st.sawDone, st.streamErr)
	}
	pr = &probe{}
	s = newSSEReader(strings.NewReader("error: "+strings.Repeat("x", maxSniffLine)+"\n\ndata: {\"a\":1}\n"), pr)
	recvAll(s)
	if st := pr.snapshot(); st.sawDone || st.streamErr != nil {
		t.Fatalf("a line over %d bytes was kept: done %v, %d bytes", maxSniffLine, st.sawDone, len(st.streamErr))
	}
}

// serverChunks are data: lines as servers send them: every chunk of the
// llama.cpp fixtures, and OpenAI, vLLM, DeepSeek and Ollama shapes with
// usage, reasoning, escapes and text that is not ASCII.
func serverChunks(t testing.TB) [][]byte {
	var out [][]byte
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "chat-stream*.body.sse"))
	if len(files) == 0 {
		t.Fatal("no chat stream fixtures")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			if p, ok := bytes.CutPrefix(l, []byte("data: ")); ok && string(p) != "[DONE]" {
				out = append(out, p)
			}
		}
	}
	for _, s := range []string{
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","system_fingerprint":"fp","choices":[{"index":0,"delta":{"role":"assistant","content":"","refusal":null},"logprobs":null,"finish_reason":null}],"usage":null}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{"content":"Ol\u00e1, \"mundo\"\n\tção – ✓"},"logprobs":null,"finish_reason":null}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}`,
		`{"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-4o","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,"prompt_tokens_details":{"cached_tokens":6,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":3,"audio_tokens":0,"accepted_prediction_tokens":0}}}`,
		`{"id":"x","object":"chat.completion.chunk","created":1,"model":"deepseek-reasoner","choices":[{"index":0,"delta":{"content":null,"reasoning_content":"Let me think"},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12,"prompt_cache_hit_tokens":4,"prompt_cache_miss_tokens":1}}`,
		`{"id":"x","object":"chat.completion.chunk","created":1,"model":"qwen","choices":[{"index":0,"delta":{"reasoning":"hmm","tool_calls":[{"id":"c","type":"function","function":{"name":"f","arguments":"{\"a\":[1,2.5e-3,true,false,null]}"}}]},"logprobs":{"content":[{"token":"a","logprob":-0.25,"bytes":[97],"top_logprobs":[]}]},"finish_reason":null,"stop_reason":null}]}`,
		`{"choices":[{"index":1,"delta":{"content":"second"},"finish_reason":"length"},{"index":0,"delta":{"content":"first"},"finish_reason":null}]}`,
		` { "choices" : [ { "index" : 0 , "delta" : { "content" : "spaced" } , "finish_reason" : null } ] } `,
		`{"choices":[{"index":0,"delta":{"content":"\ud83d\ude00 no"},"finish_reason":null}]}`,
	} {
		out = append(out, []byte(s))
	}
	return out
}

// decodeBoth decodes b with decodeChunk and with encoding/json, each into
// a chunk reset after an earlier one (so the slices' old elements count).
func decodeBoth(b []byte) (fast, slow streamChunk, took bool, err error) {
	prev := []byte(`{"choices":[{"index":3,"delta":{"content":"old","reasoning":"old"},"finish_reason":"old"},{"index":4},{"index":5}],"usage":{"prompt_tokens":1}}`)
	json.Unmarshal(prev, &fast)
	json.Unmarshal(prev, &slow)
	resetChunk(&fast)
	resetChunk(&slow)
	took = decodeChunk(b, &fast)
	err = json.Unmarshal(b, &slow)
	return fast, slow, took, err
}

// TestDecodeChunkTakesServerChunks: decodeChunk takes the chunks servers
// send (it would otherwise save nothing) and decodes them as encoding/json
// does.
func TestDecodeChunkTakesServerChunks(t *testing.T) {
	for _, b := range serverChunks(t) {
		fast, slow, took, err := decodeBoth(b)
		if err != nil {
			t.Fatalf("encoding/json: %v: %s", err, b)
		}
		if !took {
			t.Errorf("decodeChunk left a server's chunk to encoding/json: %s", b)
			continue
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s\ndecodeChunk %+v\nencoding/json %+v", b, fast, slow)
		}
	}
	// A chunk with usage and reasoning, checked by hand.
	var ck streamChunk
	if !decodeChunk([]byte(`{"choices":[{"index":0,"delta":{"reasoning_content":"a\"b"},"finish_reason":"stop"}],"usage":{"prompt_tokens":7,"completion_tokens":-2,"prompt_tokens_details":{"cached_tokens":5},"completion_tokens_details":null}}`), &ck) {
		t.Fatal("not taken")
	}
	if len(ck.Choices) != 1 || ck.Choices[0].Delta.ReasoningContent != `a"b` || ck.Choices[0].FinishReason != "stop" ||
		ck.Usage == nil || ck.Usage.PromptTokens != 7 || ck.Usage.CompletionTokens != -2 || ck.Usage.cached() != 5 || ck.Usage.CompletionTokensDetails != nil {
		t.Fatalf("%+v %+v", ck, ck.Usage)
	}
}

// decodeChunkEdges are lines decodeChunk must leave to encoding/json or
// decode exactly as it does: names in other letter cases or escaped, names
// given twice, wrong types, numbers an int cannot take, broken JSON, more
// than one value, invalid UTF-8, surrogates, nulls everywhere.
var decodeChunkEdges = []string{
	`{"Choices":[{"index":0,"delta":{"content":"x"}}]}`,
	`{"choices":[{"INDEX":1,"Delta":{"Content":"x"}}]}`,
	`{"choices":[{"index":0,"delta":{"content":"x"}}],"uſage":{"prompt_tokens":1}}`,
	`{"usage":{"prompt_to\u212aens":3}}`,
	`{"\u0063hoices":[{"delta":{"content":"x"}}]}`,
	`{"choices":[{"delta":{"content":"a"}}],"choices":[{"index":2}]}`,
	`{"choices":[{"delta":{"content":"a","content":"b"}}]}`,
	`{"choices":[{"index":"0"}]}`,
	`{"choices":[{"index":1.0}]}`,
	`{"choices":[{"index":1e2}]}`,
	`{"choices":[{"index":99999999999999999999}]}`,
	`{"choices":[{"index":-0}]}`,
	`{"choices":[{"index":01}]}`,
	`{"choices":[{"delta":{"content":5}}]}`,
	`{"choices":[{"delta":"x"}]}`,
	`{"choices":{}}`,
	`{"choices":[null,{"index":0}]}`,
	`{"choices":null,"usage":null}`,
	`{"choices":[],"usage":{"prompt_tokens":null,"prompt_tokens_details":null}}`,
	`{"choices":[{"delta":null,"finish_reason":null,"index":null}]}`,
	"{\"choices\":[{\"delta\":{\"content\":\"\xff\"}}]}",
	"{\"usage\":{\"prompt_to\u212aens\":3}}",
	`{"choices":[{"delta":{"content":"\ud800"}}]}`,
	`{"choices":[{"delta":{"content":"\ud83d\u0041"}}]}`,
	`{"choices":[{"delta":{"content":"\udc00\ud83d"}}]}`,
	`{"choices":[{"delta":{"content":"x\ud83d"}}]}`,
	`{"choices":[{"delta":{"content":"\ud83d\ude00\ufffd\u0000\/\b\f\r"}}]}`,
	`{"choices":[{"delta":{"content":"\u00"}}]}`,
	`{"choices":[{"delta":{"content":"a\qb"}}]}`,
	"{\"choices\":[{\"delta\":{\"content\":\"a\tb\"}}]}",
	`{"choices":[{"delta":{"content":"x"}}]} {"choices":[]}`,
	`{"choices":[{"delta":{"content":"x"}}]`,
	`{"choices":[{"delta":{"content":"x"}},]}`,
	`{"choices":[{"delta":{"content":"x"},}]}`,
	`{"a":[1,2,],"choices":[]}`,
	`{"a":01}`,
	`{"a":-}`,
	`{"a":1.}`,
	`{"a":1e}`,
	`{"a":tru}`,
	`{"a":"\u12G4"}`,
	`{"a":{"b":{"c":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}}}`,
	"{\"a\":\"\xff\",\"b\":{\"\xfe\":1},\"choices\":[]}",
	`null`,
	`[]`,
	`5`,
	`"x"`,
	``,
	`{}`,
	`{"choices":[{}]}`,
}

// FuzzDecodeChunk: whatever decodeChunk takes, encoding/json decodes
// without error into the same chunk.
func FuzzDecodeChunk(f *testing.F) {
	for _, b := range serverChunks(f) {
		f.Add(b)
	}
	for _, s := range decodeChunkEdges {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fast, slow, took, err := decodeBoth(b)
		if !took {
			return
		}
		if err != nil {
			t.Fatalf("decodeChunk took what encoding/json refuses (%v): %q", err, b)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q\ndecodeChunk %+v\nencoding/json %+v", b, fast, slow)
		}
	})
}

// lineFeed hands out fixed data: lines, then err.
type lineFeed struct {
	lines [][]byte
	err   error
}

func (l *lineFeed) RecvRaw() ([]byte, error) {
	if len(l.lines) == 0 {
		return nil, l.err
	}
	b := l.lines[0]
	l.lines = l.lines[1:]
	return b, nil
}

// decodeAll is every chunk (as JSON) and the final error that decode gives
// for lines.
func decodeAll(next func(*streamChunk) error, done func() bool) []string {
	var out []string
	var ck streamChunk
	for range 1000 {
		resetChunk(&ck)
		err := next(&ck)
		if err != nil {
			return append(out, fmt.Sprintf("error %v (done %v, EOF %v, unexpected EOF %v)", err, done(), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF)))
		}
		b, _ := json.Marshal(ck)
		out = append(out, string(b))
	}
	return append(out, "no end")
}

// chunkLineCases are streams of data: lines that only encoding/json's
// stream decoding reads right: a value over two lines, two values on one,
// a line cut inside its JSON at the end, values that are not objects.
var chunkLineCases = [][]string{
	{chunk("a", ""), chunk("b", "stop")},
	{`{"choices":[{"index":0,`, `"delta":{"content":"joined"}}]}`, chunk("c", "stop")},
	{chunk("a", "") + " " + chunk("b", ""), chunk("c", "stop")},
	{chunk("a", "") + " {\"choices\":", "[]}", chunk("after", "")},
	{chunk("a", ""), `{"choices":[{"delta":{"content":"cut`},
	{chunk("a", ""), `{"choices":[{"delta":{"content":5}}]}`, chunk("b", "")},
	{"null", chunk("a", ""), "", "  ", chunk("b", "")},
	{chunk("a", ""), "5", chunk("b", "")},
	{chunk("a", ""), "x"},
	{chunk("a", "") + "x"},
	{`{"Choices":[{"delta":{"content":"case"}}]}`, chunk("fast", "")},
	{},
}

// TestChunkReaderMatchesDecoder: chunkReader gives the chunks and the
// error that one encoding/json Decoder over all the lines gives (what the
// runner decoded every stream with before decodeChunk), at the end of the
// stream and on a cut connection.
func TestChunkReaderMatchesDecoder(t *testing.T) {
	for i, lines := range chunkLineCases {
		for _, end := range []error{io.EOF, io.ErrUnexpectedEOF} {
			feed := func() *lineFeed {
				f := &lineFeed{err: end}
				for _, l := range lines {
					f.lines = append(f.lines, []byte(l))
				}
				return f
			}
			dl := &dataLines{s: feed()}
			dec := json.NewDecoder(dl)
			want := decodeAll(func(ck *streamChunk) error { return dec.Decode(ck) }, func() bool { return dl.done })
			cr := newChunkReader(feed())
			got := decodeAll(cr.next, cr.done)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("case %d (end %v): chunkReader\n%q\nencoding/json\n%q", i, end, got, want)
			}
		}
	}
}

// TestStreamsShareNoBuffer: many streams at once, each longer than the
// read buffers that go back to their pools, each arrive whole and only
// their own (a buffer handed on while its stream still read from it
// would mix them).
func TestStreamsShareNoBuffer(t *testing.T) {
	const streams, chunks = 24, 300
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			Messages []struct{ Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		id := req.Messages[len(req.Messages)-1].Content
		var ev []string
		for i := range chunks {
			ev = append(ev, chunk(fmt.Sprintf("%s-%d ", id, i), ""))
		}
		sse(w, append(ev, chunk("", "stop"))...)
	}))
	c := newClient(advisor.Endpoint{Kind: advisor.KindCompatible, BaseURL: srv.URL + "/v1", Model: "m"}, "", defaultHTTPClient())
	errs := make(chan string, streams)
	for s := range streams {
		go func() {
			id := fmt.Sprintf("stream%02d", s)
			want := ""
			for i := range chunks {
				want += fmt.Sprintf("%s-%d ", id, i)
			}
			req := chatRequest("m", []openai.ChatCompletionMessage{{Role: "user", Content: id}}, 64, 0)
			a, ce := streamChat(context.Background(), c, req, 10*time.Second, retryPolicy{})
			switch {
			case ce != nil:
				errs <- id + ": " + ce.Msg
			case a.Output != want || a.Chunks != chunks:
				errs <- fmt.Sprintf("%s: %d chunks, %d bytes, want %d chunks, %d bytes", id, a.Chunks, len(a.Output), chunks, len(want))
			default:
				errs <- ""
			}
		}()
	}
	for range streams {
		if e := <-errs; e != "" {
			t.Error(e)
		}
	}
}
