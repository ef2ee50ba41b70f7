package livetest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/llm-advisor/llm-advisor/advisor"
	openai "github.com/sashabaranov/go-openai"
)

// answer is one streamed chat completion as measured.
type answer struct {
	Output   string
	Wrote    time.Time     // when the request was written (monotonic)
	TTFT     time.Duration // written → first token of any kind (reasoning or answer)
	TTFAT    time.Duration // written → first answer token; 0 when none came
	Latency  time.Duration // written → end of stream
	Chunks   int           // chunks that carried a token (answer or reasoning)
	Usage    *usage        // as the server reported it, nil when it did not
	Finish   string
	Attempts int
}

// usage is the token usage of a stream's last chunk, with the details that
// go-openai v1.43.0 reads only partly: cached prompt tokens (OpenAI, vLLM,
// llama.cpp: prompt_tokens_details.cached_tokens; DeepSeek:
// prompt_cache_hit_tokens) and reasoning tokens
// (completion_tokens_details.reasoning_tokens).
type usage struct {
	PromptTokens            int                `json:"prompt_tokens"`
	CompletionTokens        int                `json:"completion_tokens"`
	PromptTokensDetails     *promptDetails     `json:"prompt_tokens_details"`
	CompletionTokensDetails *completionDetails `json:"completion_tokens_details"`
	PromptCacheHitTokens    int                `json:"prompt_cache_hit_tokens"`
}

type promptDetails struct {
	CachedTokens int `json:"cached_tokens"`
}

type completionDetails struct {
	ReasoningTokens int `json:"reasoning_tokens"`
}

func (u *usage) cached() int {
	if u.PromptTokensDetails != nil && u.PromptTokensDetails.CachedTokens > 0 {
		return u.PromptTokensDetails.CachedTokens
	}
	return u.PromptCacheHitTokens
}

func (u *usage) reasoning() int {
	if u.CompletionTokensDetails != nil {
		return u.CompletionTokensDetails.ReasoningTokens
	}
	return 0
}

// streamChunk is the part of a chat completion chunk the runner reads.
// Reasoning comes as delta.reasoning (vLLM ≥ 0.11, Ollama, OpenRouter) or
// delta.reasoning_content (DeepSeek, llama.cpp, older vLLM); go-openai
// v1.43.0 knows only the second, so chunks are decoded here from the raw
// data: lines (stream.RecvRaw).
type streamChunk struct {
	Choices []streamChoice `json:"choices"`
	Usage   *usage         `json:"usage"`
}

// streamChoice is one element of a chunk's choices.
type streamChoice struct {
	Index int `json:"index"`
	Delta struct {
		Content          string `json:"content"`
		Reasoning        string `json:"reasoning"`
		ReasoningContent string `json:"reasoning_content"`
	} `json:"delta"`
	FinishReason string `json:"finish_reason"`
}

// fill writes the measured figures of a successful answer into res: times,
// the time per output token, chunks and tokens (the server's usage, else
// counted with the tokenizer and marked estimated).
func (a answer) fill(res *advisor.Result, model string, msgs []openai.ChatCompletionMessage) {
	res.TTFTMs = ms(a.TTFT)
	res.TTFATMs = ms(a.TTFAT)
	res.LatencyMs = ms(a.Latency)
	res.Chunks = a.Chunks
	if a.Usage != nil && (a.Usage.PromptTokens > 0 || a.Usage.CompletionTokens > 0) {
		res.TokensIn, res.TokensOut = a.Usage.PromptTokens, a.Usage.CompletionTokens
		res.TokensCached, res.TokensReasoning = a.Usage.cached(), a.Usage.reasoning()
	} else {
		res.TokensIn = promptTokens(model, msgs)
		res.TokensOut = countTokens(model, a.Output)
		res.TokensEstimated = true
	}
	// The time per output token only where the speed means something
	// (advisor.Speed): a server claiming 10^9 tokens in a millisecond gets
	// no figure rather than an absurd one.
	if _, ok := advisor.Speed(res.TokensOut, ms(a.Latency-a.TTFT), res.Chunks); ok && a.TTFT > 0 {
		res.TPOTMs = ms(a.Latency-a.TTFT) / float64(res.TokensOut-1)
	}
}

// chatRequest builds the streamed request; temperature 0 becomes a tiny
// positive value so that it is sent at all (see deterministicTemperature),
// and usage is asked for in the stream.
//
// Reasoning models (o1, o3, o4, gpt-5 and the like) take no max_tokens and no
// temperature but 1; go-openai refuses such a request before sending it. For
// them the limit goes in max_completion_tokens (which also counts reasoning
// tokens) and the temperature is left to the model.
//
// Every other model gets max_tokens, deprecated by OpenAI but the field that
// llama.cpp, Ollama, LM Studio, vLLM and older Azure API versions all read.
func chatRequest(model string, msgs []openai.ChatCompletionMessage, maxTokens int, temp float32) openai.ChatCompletionRequest {
	req := openai.ChatCompletionRequest{
		Model:         model,
		Messages:      msgs,
		Temperature:   temperature(temp),
		Stream:        true,
		StreamOptions: &openai.StreamOptions{IncludeUsage: true},
	}
	setMaxTokens(&req, maxTokens)
	if openai.NewReasoningValidator().Validate(req) != nil {
		setMaxTokens(&req, 0)
		req.MaxCompletionTokens = maxTokens
		req.Temperature = 0
	}
	return req
}

func setMaxTokens(req *openai.ChatCompletionRequest, n int) {
	//lint:ignore SA1019 max_tokens is what OpenAI-compatible servers read (see chatRequest).
	req.MaxTokens = n
}

// streamChat sends one streamed chat completion with retries and measures it.
func streamChat(ctx context.Context, c *openai.Client, req openai.ChatCompletionRequest, timeout time.Duration, rp retryPolicy) (answer, *CallError) {
	var a answer
	n, ce := rp.call(ctx, timeout, func(actx context.Context, pr *probe) error {
		var err error
		a, err = streamOnce(actx, c, req, pr)
		return err
	})
	a.Attempts = n
	return a, ce
}

// streamOnce sends one streamed chat completion (no retry) and reads its
// chunks into an answer, timed from the moment pr saw the request written.
func streamOnce(ctx context.Context, c *openai.Client, req openai.ChatCompletionRequest, pr *probe) (answer, error) {
	var t streamTally
	start := time.Now()
	stream, err := c.CreateChatCompletionStream(ctx, req)
	if err != nil {
		return t.a, err
	}
	defer stream.Close()
	// The body is read here, once (sseReader), not by go-openai's stream
	// reader, which has not read from it yet.
	var raw interface{ RecvRaw() ([]byte, error) } = stream
	if body, sse := pr.response(); body != nil {
		var keep *probe
		if sse {
			keep = pr
		}
		sr := newSSEReader(body, keep)
		defer sr.release()
		raw = sr
	}
	chunks := newChunkReader(raw)
	var ck streamChunk
	for {
		resetChunk(&ck)
		err := chunks.next(&ck)
		if errors.Is(err, io.EOF) && chunks.done() {
			break
		}
		if errors.Is(err, io.ErrUnexpectedEOF) && chunks.done() {
			return t.a, errPartialJSON // the last data: line ends inside its JSON
		}
		if err != nil {
			return t.a, err
		}
		if !t.add(&ck) {
			return tooLong(&t.a, t.out.String(), pr), answerTooLong()
		}
	}
	end := time.Now()
	snap := pr.snapshot()
	a := t.measured(start, end, snap)
	return a, streamVerdict(a, snap, t.sawChoice)
}

// streamTally is what streamOnce gathers from the chunks of one stream.
type streamTally struct {
	a                  answer
	out                strings.Builder
	first, firstAnswer time.Time // the first token (reasoning counts) and the first answer token
	sawChoice          bool
}

// add takes one chunk: its usage, and its first choice's text, token times
// and finish reason. It reports false once the answer is longer than
// MaxAnswerBytes.
func (t *streamTally) add(ck *streamChunk) bool {
	// Usage may come on the chunk with the finish reason (llama.cpp
	// b4748) or on a last chunk with no choices (OpenAI): take it
	// wherever it is.
	if ck.Usage != nil {
		t.a.Usage = ck.Usage
	}
	for i := range ck.Choices {
		ch := &ck.Choices[i]
		if ch.Index != 0 {
			continue
		}
		t.sawChoice = true
		answerTok := ch.Delta.Content != ""
		if answerTok || ch.Delta.Reasoning != "" || ch.Delta.ReasoningContent != "" {
			now := time.Now()
			if t.first.IsZero() {
				t.first = now
			}
			if answerTok && t.firstAnswer.IsZero() {
				t.firstAnswer = now
			}
			t.a.Chunks++
		}
		t.out.WriteString(ch.Delta.Content)
		if t.out.Len() > MaxAnswerBytes {
			return false
		}
		if ch.FinishReason != "" {
			t.a.Finish = ch.FinishReason
		}
	}
	return true
}

// measured is the tallied answer with its output and its times, from the
// moment the request was written (start when the probe saw no write) to
// the first token, the first answer token and end.
func (t *streamTally) measured(start, end time.Time, snap probeState) answer {
	a := t.a
	wrote := snap.wrote
	if wrote.IsZero() {
		wrote = start
	}
	a.Wrote = wrote
	a.Output = t.out.String()
	a.Latency = end.Sub(wrote)
	if !t.first.IsZero() {
		a.TTFT = t.first.Sub(wrote)
	}
	if !t.firstAnswer.IsZero() {
		a.TTFAT = t.firstAnswer.Sub(wrote)
	}
	return a
}

// streamVerdict is the error of a stream read to its end, nil when it
// carried a whole answer: an error reported inside the stream, a reply
// that did not stream, no choices, or an answer cut before it finished.
func streamVerdict(a answer, snap probeState, sawChoice bool) error {
	if snap.streamErr != nil {
		// go-openai v1.43.0 ignores an `error:` line; it would look like an
		// empty success.
		if apiErr := apiErrorBody(snap.streamErr); apiErr != nil {
			status := snap.status
			if code, ok := apiErr.Code.(int); ok && code >= 400 {
				status = code
			}
			ce := statusError(status, apiErr.Message, apiErr.Type, fmtCode(apiErr.Code), nil)
			ce.Msg += " (reported inside the stream)"
			return ce
		}
		return &CallError{Class: advisor.ErrBadResponse, Status: snap.status, Msg: "the server reported an error inside the stream: " + truncate(string(snap.streamErr), 300)}
	}
	if !sawChoice && !strings.HasPrefix(snap.ctype, "text/event-stream") {
		return &CallError{Class: advisor.ErrBadResponse, Status: snap.status, Msg: fmt.Sprintf("the server answered without streaming (Content-Type %q, no choices); it must support stream: true", snap.ctype)}
	}
	if !sawChoice {
		return &CallError{Class: advisor.ErrBadResponse, Status: snap.status, Msg: "the server's stream had no choices (no answer at all)"}
	}
	if a.Finish == "" && !(snap.sawDone && a.Output != "") {
		return &CallError{Class: advisor.ErrBadResponse, Status: snap.status, Msg: "the stream ended before the answer was finished"}
	}
	return nil
}

// errPartialJSON is a stream whose last data: line ends in the middle of a
// JSON value (classified as a response that is not valid JSON).
var errPartialJSON = errors.New("a data: line of the stream ends in the middle of its JSON")

// answerTooLong ends a stream whose answer passed MaxAnswerBytes.
func answerTooLong() *CallError {
	return &CallError{Class: advisor.ErrBadResponse,
		Msg: fmt.Sprintf("the answer was longer than %d KB (does the server ignore max_tokens?); its beginning is kept, the rest was not read", MaxAnswerBytes>>10)}
}

// tooLong keeps the first MaxAnswerBytes of an answer cut short.
func tooLong(a *answer, out string, pr *probe) answer {
	if len(out) > MaxAnswerBytes {
		out = out[:MaxAnswerBytes]
		for len(out) > 0 && !utf8.ValidString(out) {
			out = out[:len(out)-1]
		}
	}
	a.Output = out
	a.Wrote = pr.snapshot().wrote
	return *a
}

func fmtCode(c any) string {
	if s, ok := c.(string); ok {
		return s
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
