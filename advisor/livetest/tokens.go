package livetest

import (
	"strings"
	"sync"

	"github.com/pkoukk/tiktoken-go"
	tiktoken_loader "github.com/pkoukk/tiktoken-go-loader"
	openai "github.com/sashabaranov/go-openai"
)

// Token counts are estimated with a real tokenizer when a server does not
// report usage: o200k_base for OpenAI's newer models, cl100k_base for
// everything else (a fair stand-in for other BPE vocabularies). The
// vocabularies are embedded (offline loader), so no download happens.
var (
	loaderOnce sync.Once
	encMu      sync.Mutex
	encodings  = map[string]*tiktoken.Tiktoken{}
)

func encodingFor(model string) *tiktoken.Tiktoken {
	loaderOnce.Do(func() { tiktoken.SetBpeLoader(tiktoken_loader.NewOfflineLoader()) })
	name := tiktoken.MODEL_CL100K_BASE
	m := strings.ToLower(model)
	for _, p := range []string{"gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "chatgpt-4o", "gpt-oss"} {
		if strings.HasPrefix(m, p) {
			name = tiktoken.MODEL_O200K_BASE
			break
		}
	}
	encMu.Lock()
	defer encMu.Unlock()
	if e, ok := encodings[name]; ok {
		return e
	}
	e, err := tiktoken.GetEncoding(name)
	if err != nil {
		return nil
	}
	encodings[name] = e
	return e
}

// countTokens is the number of tokens of text; a rough 4 characters per token
// if the tokenizer could not load.
func countTokens(model, text string) int {
	if text == "" {
		return 0
	}
	if e := encodingFor(model); e != nil {
		return len(e.EncodeOrdinary(text))
	}
	return (len(text) + 3) / 4
}

// promptTokens estimates the tokens of chat turns as OpenAI counts them:
// each turn costs its text plus about 3 tokens of framing, and the reply is
// primed with 3 more.
func promptTokens(model string, msgs []openai.ChatCompletionMessage) int {
	n := 3
	for _, m := range msgs {
		n += 3 + countTokens(model, m.Role) + countTokens(model, m.Content)
		for _, part := range m.MultiContent {
			n += countTokens(model, part.Text) // an image's tokens are the server's to count
		}
	}
	return n
}
