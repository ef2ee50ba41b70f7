// Package livetest runs a live test: every candidate endpoint × strategy on
// the user's own examples, streamed through go-openai, measured on a
// monotonic clock, scored by the plan's checks, and handed to a ResultSink
// the moment each request ends. It is the only package that talks to model
// servers, the OS keyring and the tokenizer; it imports no database code —
// the caller passes a store that satisfies ResultSink and Index.
//
// # Requests
//
// Every request is a streamed chat completion with stream_options.include_usage.
// Three traps of real servers are handled: temperature 0 is sent as 1e-9
// (go-openai drops a zero temperature, and servers then sample at their
// default); an `error:` line inside a 200 stream (llama.cpp) is read by a
// wrapper around the response body and becomes an error (go-openai would
// report an empty success); and a request that fails with EOF on a kept-alive
// connection the server had already closed is sent again (up to twice).
// Usage is read from whichever chunk carries it; without it, tokens are
// counted with tiktoken (cl100k_base or o200k_base) and marked estimated.
//
// A 429, 502, 503 or 504 is retried with exponential backoff and jitter,
// honouring Retry-After (seconds or an HTTP date). Every failure is
// classified (advisor.Err*) and recorded as a result; the run goes on. When
// the first requests to an endpoint all fail with the same connection,
// unauthorized or not_found error, its remaining cells are recorded with
// that error as "not sent" rather than each waiting to fail.
//
// # What is measured
//
// Every figure is defined the way the serving benchmarks define it, so that
// a number here can be set beside one from vLLM's benchmark (the
// calculate_metrics function of vllm/benchmarks/serve.py, `vllm bench
// serve`) or NVIDIA AIPerf (its Metrics Reference,
// https://docs.nvidia.com/aiperf/reference/ai-perf-metrics-reference):
//
//   - ttft_ms, time to first token: from the moment the request was
//     written to the first chunk carrying a token of any kind, reasoning
//     included (vLLM's ttft; AIPerf's time_to_first_token, which skips
//     empty responses the same way).
//   - ttfat_ms, time to the first answer token: the first chunk with
//     answer content, thinking left out (AIPerf's time to first output
//     token). This is what a person waits for; screens and reports call it
//     "time until the answer starts". 0 when no answer token came.
//   - latency_ms, end to end: written to the end of the stream (vLLM's
//     e2el, AIPerf's request_latency).
//   - tpot_ms, time per output token after the first: (latency − ttft) /
//     (completion tokens − 1), the server's completion tokens (reasoning
//     included) when it reports usage, else counted; 0 with fewer than two
//     tokens (vLLM's tpot; AIPerf's inter_token_latency). Output speed
//     after the first token is 1000 / tpot_ms tokens per second (AIPerf's
//     output token throughput per user).
//   - chunks: stream chunks that carried a token; tokens_cached: prompt
//     tokens the server read from its prompt cache
//     (usage.prompt_tokens_details.cached_tokens, or DeepSeek's
//     prompt_cache_hit_tokens), priced at the cached price
//     (price_cached_per_1m, else the catalog's cache_read, else the input
//     price); tokens_reasoning: completion_tokens_details.reasoning_tokens.
//
// Reasoning arrives as delta.reasoning (vLLM ≥ 0.11, Ollama, OpenRouter) or
// delta.reasoning_content (DeepSeek, llama.cpp). go-openai v1.43.0 reads only
// the second, so the runner keeps go-openai for the request and its HTTP
// errors but reads the stream and decodes each chunk itself (sseReader keeps
// go-openai's rules for the stream's lines; decodeChunk, encoding/json for
// chunks of unusual shape): a reasoning model otherwise looks as slow to
// start as its whole thinking (the bug GuideLLM fixed in issue #737 / PR
// #742).
//
// Warm-up (plan warmup, on by default): before an endpoint's cells one
// unmeasured request, the zero-shot prompt of its first case, loads the
// model on a local server; it is stored with warmup = true and strategy
// warmup, shown as the endpoint's "model load", and counted in no figure
// (data.Store.Results leaves it out; advisor.Summarize skips it).
// sequential_endpoints runs the endpoints one after another, for a local
// server that holds one model at a time. cold_prompts starts every prompt
// with a prefix no other request shares, so a prompt cache cannot flatter
// the first-token time.
//
// # Capacity
//
// Load runs a capacity test of one endpoint (`llm-advisor load`, "Can it
// carry my traffic?"). A sweep follows GuideLLM's sweep profile
// (src/guidellm/benchmark/profiles.py, SweepProfile): one request at a time
// (synchronous), then as many at once as the test allows (throughput: the
// saturation rate), then constant or Poisson arrivals at rates spaced
// evenly from the synchronous rate to the throughput rate. Each step sends at
// most StepRequests requests for at most StepSeconds and cuts what still
// runs half that time later, so the test stops by itself. Arrivals are
// open-loop and every time counts from the moment a request was due, so a
// queue in the client shows instead of hiding (no coordinated omission).
// Per step: achieved throughput (successful requests over the time to the
// last one's end), p50 and p95 of the time until the answer starts and of
// the total time, each p95 with its distribution-free 95 % interval (null
// when too few requests support it), and the SLO attainment: the share of
// all the step's requests, errors counting as misses, that met the
// acceptance latency target. The sustainable rate is the highest offered
// rate whose attainment is at least 95 %; the user's peak is requests a day
// / 86,400 × the peak factor (3 unless the user says otherwise).
//
// # Scoring
//
// Every check gives a score from 0 to 1 and a reason:
//
//   - exact: 1 when the output equals the expected answer after trimming,
//     collapsing runs of white space and ignoring letter case; else 0.
//     (Models vary in capitals and trailing new lines, which a person would
//     not count as a different answer; punctuation still counts.)
//   - contains: 1 when the expected answer appears in the output, compared
//     the same way; else 0.
//   - regex: 1 when the case's pattern (or its expected answer) matches
//     anywhere in the output (Go RE2 syntax; anchor it with ^ and $ for a
//     full match); else 0.
//   - json: 0 when the output is not JSON (a ``` code fence around it is
//     tolerated), 0.25 when it is JSON but breaks the case's schema, 1 when
//     it is valid (and matches the schema, if any). The schema subset: type,
//     properties, required, items, enum.
//   - similarity: the cosine of the embeddings of output and expected answer,
//     clamped to 0..1; it passes at the plan's similarity threshold.
//   - judge: the score (0..1) the judge endpoint gives under the rubric.
//
// Result.Score is the mean of the case's checks. Result.Passed is true when
// every check passed: similarity at its threshold, every other check at a
// score of 0.5 or more. A case without checks passes with score 1 when the
// request succeeded.
//
// # Kinds of case
//
// The plan's top-level cases are chat cases unless the plan's kind says
// otherwise; case_sets add named groups of cases, each of one kind, with
// their own endpoints (the plan's when they list none):
//
//	kind: chat                       # default; top level: chat | embedding | transcription | image
//	cases: [...]                     # the top-level cases, of the plan's kind
//	case_sets:
//	  - name: search                 # unique, required
//	    kind: embedding              # chat | embedding | transcription | image (default chat)
//	    endpoints: [...]             # default: the plan's endpoints
//	    documents: ./docs            # or corpus: [{id: refunds, text: "..."}]
//	    top_k: 5                     # the k of recall@k (default: the plan's top_k, 4)
//	    cases:
//	      - {input: "how long do refunds take", relevant: [policies/refunds.md]}
//	  - name: calls
//	    kind: transcription
//	    language: en                 # optional hint sent to the server
//	    max_wer: 0.1                 # a case passes at or below it (default 0.1)
//	    cases:
//	      - {audio: audio/call1.wav, expected: "the reference transcript"}
//	  - name: pictures
//	    kind: image
//	    image_size: 1024x1024        # optional
//	    cases:
//	      - {input: "a lighthouse at dawn, watercolour"}
//
// A chat case may carry image: photo.png (png or jpg) for image
// understanding: the last user turn becomes a text part and an image_url
// part with the picture as a data: URL. Image, audio and documents paths
// are relative to the plan file. Fields of another kind (relevant on a chat
// case, checks on an image case, corpus on a chat set, ...) are errors that
// name the field; so are an unsupported file format, a transcription case
// without reference, an embedding case without relevant ids or with ids
// that are not among the set's documents. A file that is missing, larger
// than the endpoint takes (25 MB of audio, 20 MB for an image) or whose
// content is not its format fails its own case with bad_request; the other
// cases go on. An endpoint name means one endpoint in the whole plan (it
// may appear in several sets).
//
// Case numbers (Result.Case) run over the top-level cases and then each
// set's in order (advisor.Plan.Sets, Plan.CaseAt). A chat case has a cell
// per strategy and endpoint; a case of another kind one per endpoint, whose
// strategy is the kind. Resuming works across sets like within one.
//
// Embedding: the set's documents (.txt, .md and, with poppler's pdftotext, .pdf files of the folder, id = the
// name relative to it, or the corpus items) are cut like the rag documents
// and embedded once per endpoint through /v1/embeddings, EmbedBatch pieces a
// request; that work is its own result (strategy embedding-index, case the
// set's first) with its tokens and cost. Vectors are asked in base64 (a
// quarter of the bytes), falling back to floats for a server that refuses.
// Each query is embedded and the documents ranked by the best cosine of
// any of their pieces: Metrics hold recall@k (also Score; Passed when every
// relevant document is in the top k) and the reciprocal rank (its mean is
// the MRR); Output lists the top k ids.
//
// Transcription: the audio goes to /v1/audio/transcriptions as multipart
// (file, model, response_format, language). The word error rate after
// advisor.NormalizeWords is in Metrics (Score is 1 − WER, at least 0); the
// duration comes from the WAV header, or from verbose_json's duration for
// mp3 and m4a (json only, and no duration, for servers that refuse
// verbose_json); with it the real-time factor (latency / duration) and the
// cost at price_per_minute (or the catalog's per-minute price).
//
// Image: one image per request from /v1/images/generations (b64_json asked
// except of gpt-image models, which always send it; a URL answer is
// downloaded), saved as Options.ArtifactDir/run-<id>/<endpoint>-<case>-<repeat>.png
// (or .jpg, .webp); cost at price_per_image, else the token usage at the
// token prices. Generating one image can take a minute or more: raise the
// plan's timeout_seconds for slow models. The image is unscored (Result.Unscored) until the user
// accepts or rejects it (data.Store.SetVerdict); summaries leave unrated
// images out of the quality and count the acceptance rate over rated ones.
package livetest
