package livetest

import (
	"bytes"
	"context"
	"fmt"
	"math"

	"github.com/llm-advisor/llm-advisor/advisor"
	openai "github.com/sashabaranov/go-openai"
)

// doTranscription sends a case's audio to /v1/audio/transcriptions and
// scores the transcript by its word error rate against the reference. The
// audio's duration comes from the WAV header, or else from the verbose_json
// answer; the real-time factor and the cost per minute need it.
func (r *run) doTranscription(ctx context.Context, er *endpointRunner, set advisor.CaseSet, caseNum int, c advisor.Case, res *advisor.Result) {
	f, err := r.file(caseNum, c.Audio, r.audioLimit(), sniffAudio)
	if err != nil {
		r.fail(ctx, res, advisor.ErrBadRequest, err.Error())
		return
	}
	// json is the one format every server has; verbose_json (OpenAI's
	// whisper-1, whisper.cpp, faster-whisper servers) adds the duration,
	// which only files other than WAV need.
	format := openai.AudioResponseFormatJSON
	if f.seconds == 0 {
		format = openai.AudioResponseFormatVerboseJSON
	}
	if !r.acquire(ctx, res) {
		return
	}
	resp, t, ce := transcribe(ctx, er, f, set.Language, format, r)
	if ce != nil && format == openai.AudioResponseFormatVerboseJSON && ce.Class == advisor.ErrBadRequest && ctx.Err() == nil {
		// gpt-4o-transcribe and others take json only.
		resp, t, ce = transcribe(ctx, er, f, set.Language, openai.AudioResponseFormatJSON, r)
	}
	if !r.settle(ctx, er, res, t, ce) {
		return
	}
	res.Output = resp.Text
	wer := advisor.WER(c.Expected, resp.Text)
	res.Metrics = map[string]float64{advisor.MetricWER: wer}
	seconds := f.seconds
	if seconds == 0 {
		seconds = resp.Duration
	}
	if seconds > 0 {
		res.Metrics[advisor.MetricAudioSeconds] = seconds
		res.Metrics[advisor.MetricRTF] = t.latency().Seconds() / seconds
		if er.unitOK {
			res.CostUSD = er.unit * seconds / 60
		}
	}
	res.Score = math.Max(0, 1-wer)
	res.Passed = wer <= set.MaxWER
	ref := len(advisor.NormalizeWords(c.Expected))
	res.Checks = []advisor.CheckResult{{Check: advisor.MetricWER, Score: res.Score,
		Reason: fmt.Sprintf("word error rate %.3f (%d word error(s) against %d reference words; passes at %.2f or less)", wer, int(math.Round(wer*float64(ref))), ref, set.MaxWER)}}
	r.record(ctx, res)
}

func transcribe(ctx context.Context, er *endpointRunner, f mediaFile, language string, format openai.AudioResponseFormat, r *run) (openai.AudioResponse, timed, *CallError) {
	var resp openai.AudioResponse
	t, ce := timedCall(ctx, r.timeout, r.rp, func(actx context.Context) error {
		var err error
		resp, err = er.client.CreateTranscription(actx, openai.AudioRequest{
			Model:    er.ep.Model,
			FilePath: f.name, // the upload's file name; the bytes come from Reader
			Reader:   bytes.NewReader(f.data),
			Format:   format,
			Language: language,
		})
		return err
	})
	return resp, t, ce
}
