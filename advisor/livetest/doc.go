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
