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
package livetest
