package livetest

import (
	"fmt"
	"strings"

	"github.com/llm-advisor/llm-advisor/advisor"
	openai "github.com/sashabaranov/go-openai"
)

// The prompt templates of the strategies. Templates returns them with the
// run, and buildMessages fills in exactly these, so the stored template is
// the one that produced the results.
const (
	// tmplSystem is sent first by every strategy when the plan has a system prompt.
	tmplSystem = "system: {{system}}\n"
	// tmplZeroShot is the case's input as the only user turn.
	tmplZeroShot = "user: {{input}}"
	// tmplFewShot puts the plan's examples before the input as earlier turns.
	tmplFewShot = "user: {{few_shot.input}}\nassistant: {{few_shot.output}}\n(one user/assistant pair per few_shot example)\nuser: {{input}}"
	// ragInstruction and ragPassage build the rag user turn.
	ragInstruction = "Answer the question using the passages below. If they do not contain the answer, say so. Name the sources you used in square brackets.\n\n{{passages}}\n\nQuestion: {{input}}"
	ragPassage     = "[{{n}}] source: {{source}}\n{{text}}"
	tmplRAG        = "user: " + ragInstruction + "\n(each passage: " + ragPassage + ")"
	// tmplImageNote tells that a case's image goes with its input.
	tmplImageNote = "\n(a case with an image: the last user turn is the input text plus the image as a data: URL)"
	// The requests of the other kinds.
	tmplEmbedding     = "POST /v1/embeddings input: {{input}} (the query; the set's documents are embedded once, " + "in batches, and ranked by cosine)"
	tmplTranscription = "POST /v1/audio/transcriptions file: {{audio}}, response_format: json (verbose_json when the file is not WAV), language: {{language}}"
	tmplImage         = "POST /v1/images/generations prompt: {{input}}, n: 1, size: {{image_size}}, response_format: b64_json (not for gpt-image models)"
)

// Templates returns the prompt template of each strategy of the plan, to be
// stored with the run.
func Templates(p advisor.Plan) map[string]string {
	sys := ""
	if p.System != "" {
		sys = strings.ReplaceAll(tmplSystem, "{{system}}", p.System)
	}
	out := map[string]string{}
	images := false
	kinds := map[string]bool{}
	for _, set := range p.Sets() {
		kinds[set.Kind] = true
		for _, c := range set.Cases {
			images = images || (set.Kind == advisor.CaseKindChat && c.Image != "")
		}
	}
	note := ""
	if images {
		note = tmplImageNote
	}
	if kinds[advisor.CaseKindChat] || len(kinds) == 0 {
		for _, s := range p.Strategies {
			switch s {
			case advisor.StrategyZeroShot:
				out[s] = sys + tmplZeroShot + note
			case advisor.StrategyFewShot:
				out[s] = sys + tmplFewShot + note
			case advisor.StrategyRAG:
				out[s] = sys + tmplRAG + note
			}
		}
	}
	if kinds[advisor.CaseKindEmbedding] {
		out[advisor.StrategyEmbedding] = tmplEmbedding
	}
	if kinds[advisor.CaseKindTranscription] {
		out[advisor.StrategyTranscription] = tmplTranscription
	}
	if kinds[advisor.CaseKindImage] {
		out[advisor.StrategyImage] = tmplImage
	}
	return out
}

// buildMessages turns a case into the chat turns of a strategy.
func buildMessages(p advisor.Plan, strategy string, c advisor.Case, passages []advisor.Passage) []openai.ChatCompletionMessage {
	var msgs []openai.ChatCompletionMessage
	if p.System != "" {
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleSystem, Content: p.System})
	}
	switch strategy {
	case advisor.StrategyFewShot:
		for _, ex := range p.FewShot {
			msgs = append(msgs,
				openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: ex.Input},
				openai.ChatCompletionMessage{Role: openai.ChatMessageRoleAssistant, Content: ex.Output})
		}
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: c.Input})
	case advisor.StrategyRAG:
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: ragPrompt(c.Input, passages)})
	default:
		msgs = append(msgs, openai.ChatCompletionMessage{Role: openai.ChatMessageRoleUser, Content: c.Input})
	}
	return msgs
}

func ragPrompt(input string, passages []advisor.Passage) string {
	parts := make([]string, 0, len(passages))
	for i, ps := range passages {
		parts = append(parts, strings.NewReplacer(
			"{{n}}", fmt.Sprint(i+1),
			"{{source}}", ps.Source,
			"{{text}}", ps.Text,
		).Replace(ragPassage))
	}
	text := "(no passages found)"
	if len(parts) > 0 {
		text = strings.Join(parts, "\n\n")
	}
	return strings.NewReplacer("{{passages}}", text, "{{input}}", input).Replace(ragInstruction)
}
