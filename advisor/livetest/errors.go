package livetest

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/internal/redact"
	openai "github.com/sashabaranov/go-openai"
)

// CallError is a failed request, classified into one of advisor's error
// classes, with a message in plain words (never the API key).
type CallError struct {
	Class      string        // advisor.Err*
	Msg        string        // plain words, with the server's own message when it gave one
	Status     int           // HTTP status, 0 when there was no response
	RetryAfter time.Duration // from a Retry-After header, 0 when absent
	notSent    bool          // the request never reached the server: safe to send again
	// Local is a failure of this computer (out of open files), not of the
	// server: retried after a wait, and never counted against the endpoint.
	Local bool
}

func (e *CallError) Error() string { return e.Msg }

// classify turns whatever a call returned into a CallError. ctx is the run's
// context (its end means cancelled), actx the attempt's (its deadline means
// timeout), pr what the transport saw.
func classify(ctx, actx context.Context, err error, pr probeState, timeout time.Duration) *CallError {
	var ce *CallError
	if errors.As(err, &ce) {
		return ce
	}
	if ctx.Err() != nil {
		return &CallError{Class: advisor.ErrCancelled, Msg: "cancelled"}
	}
	if ce := classifyTransport(actx, err, pr, timeout); ce != nil {
		return ce
	}
	if ce := classifyAnswer(err, pr); ce != nil {
		return ce
	}
	return classifyUnread(err, pr)
}

// classifyTransport names what went wrong on the way: a redirect, this
// computer's limits, an answer too large, no connection, the timeout; nil
// for none of these.
func classifyTransport(actx context.Context, err error, pr probeState, timeout time.Duration) *CallError {
	var re *redirectError
	if errors.As(err, &re) {
		return &CallError{Class: advisor.ErrNotFound, Msg: re.Error()}
	}
	if isLocalLimit(err) {
		return &CallError{Class: advisor.ErrConnection, Local: true,
			Msg: "this computer ran out of open files (too many connections at once; lower the concurrency or raise the limit with ulimit -n); the server was not at fault"}
	}
	var tl *errTooLarge
	if errors.As(err, &tl) {
		return &CallError{Class: advisor.ErrBadResponse, Msg: "the answer is too large: " + tl.Error(), Status: pr.status}
	}
	if isDial(err) && actx.Err() == nil {
		return &CallError{Class: advisor.ErrConnection, Msg: "could not connect to the server: " + netReason(err)}
	}
	if errors.Is(err, context.DeadlineExceeded) || actx.Err() == context.DeadlineExceeded || isNetTimeout(err) {
		return &CallError{Class: advisor.ErrTimeout, Msg: fmt.Sprintf("no complete answer within %s (the request timeout)", timeout)}
	}
	return nil
}

// classifyAnswer names an error the server answered with (an API error, a
// refused request) or an answer that is not the OpenAI format; nil for
// none of these.
func classifyAnswer(err error, pr probeState) *CallError {
	var apiErr *openai.APIError
	if errors.As(err, &apiErr) {
		status := apiErr.HTTPStatusCode
		if status == 0 {
			status = pr.status
		}
		if status == 0 || status == http.StatusOK {
			if c, ok := apiErr.Code.(int); ok {
				status = c
			}
		}
		return keyHint(statusError(status, apiErr.Message, apiErr.Type, fmt.Sprint(apiErr.Code), pr.header), pr, apiErr.Message)
	}
	var reqErr *openai.RequestError
	if errors.As(err, &reqErr) {
		// Hide credentials before cutting: a cut must not keep half a key.
		msg := truncate(redact.New().Clean(strings.TrimSpace(string(reqErr.Body))), 300)
		return keyHint(statusError(reqErr.HTTPStatusCode, msg, "", "", pr.header), pr, msg)
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syn) || errors.As(err, &typ) || errors.Is(err, errPartialJSON) {
		return &CallError{Class: advisor.ErrBadResponse, Msg: "the server's answer is not valid JSON: " + err.Error(), Status: pr.status}
	}
	if errors.Is(err, openai.ErrTooManyEmptyStreamMessages) {
		return &CallError{Class: advisor.ErrBadResponse, Msg: "the server's stream is not in the OpenAI format (no data: lines)", Status: pr.status}
	}
	return nil
}

// classifyUnread names a request that was not sent, got no response or
// whose answer could not be read.
func classifyUnread(err error, pr probeState) *CallError {
	var ue *url.Error
	if pr.status == 0 && !errors.As(err, &ue) && !isDial(err) {
		// Refused before sending (go-openai checks some parameters itself).
		return &CallError{Class: advisor.ErrBadRequest, Msg: "the request was not sent: " + err.Error()}
	}
	if pr.status == 0 {
		// No response at all.
		ce := &CallError{Class: advisor.ErrConnection, Msg: "could not reach the server: " + netReason(err)}
		if isDial(err) {
			return ce
		}
		// A reused connection that the server had already closed (llama.cpp
		// closes after every stream while advertising keep-alive) fails with
		// EOF or a reset before any response: the request was never served,
		// so sending it again is safe.
		// Go reports a kept-alive connection the server closed just as it
		// was reused as "server closed idle connection" and, for a POST,
		// does not resend it itself; nothing reached the server.
		if strings.Contains(err.Error(), "server closed idle connection") {
			ce.notSent = true
			ce.Msg = "the server closed a kept-alive connection before the request reached it"
			return ce
		}
		if pr.reused && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE)) {
			ce.notSent = true
			ce.Msg = "the server closed a kept-alive connection before answering: " + netReason(err)
		}
		return ce
	}
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) {
		return &CallError{Class: advisor.ErrConnection, Msg: "the connection was cut in the middle of the answer", Status: pr.status}
	}
	return &CallError{Class: advisor.ErrBadResponse, Msg: "the server's answer could not be read: " + err.Error(), Status: pr.status}
}

// keyHint says what to do when a server refuses a request that carried no
// key at all (llama.cpp started with --api-key answers 401 "Invalid API
// Key", as it does for a wrong key): "the key was refused" would send the
// user looking for a wrong key when none is set.
func keyHint(ce *CallError, pr probeState, serverMsg string) *CallError {
	if ce.Class != advisor.ErrUnauthorized || !pr.noKey {
		return ce
	}
	ce.Msg = fmt.Sprintf("the server asks for an API key and none was sent (%d", ce.Status)
	if m := strings.TrimSpace(serverMsg); m != "" {
		ce.Msg += ": " + m
	}
	ce.Msg += "); set the endpoint's key (api_key_env in a plan, or the key field in the app)"
	return ce
}

func statusError(status int, msg, typ, code string, h http.Header) *CallError {
	msg = strings.TrimSpace(msg)
	with := func(s string) string {
		if msg == "" {
			return s
		}
		return s + ": " + msg
	}
	ce := &CallError{Status: status, RetryAfter: retryAfter(h, time.Now())}
	switch {
	case isContextLength(msg, typ, code):
		ce.Class, ce.Msg = advisor.ErrContextLength, with(fmt.Sprintf("the prompt does not fit the model's context (%d)", status))
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		ce.Class, ce.Msg = advisor.ErrUnauthorized, with(fmt.Sprintf("the API key was refused (%d)", status))
	case status == http.StatusNotFound:
		ce.Class, ce.Msg = advisor.ErrNotFound, with("the model or the URL was not found (404)")
	case status == http.StatusTooManyRequests:
		ce.Class, ce.Msg = advisor.ErrRateLimited, with("rate limited by the server (429)")
	case status >= 500:
		ce.Class, ce.Msg = advisor.ErrServer, with(fmt.Sprintf("the server failed (%d)", status))
	case status >= 400:
		ce.Class, ce.Msg = advisor.ErrBadRequest, with(fmt.Sprintf("the server rejected the request (%d)", status))
	default:
		ce.Class, ce.Msg = advisor.ErrBadResponse, with(fmt.Sprintf("the server reported an error (%d)", status))
	}
	return ce
}

func isContextLength(msg, typ, code string) bool {
	if code == "context_length_exceeded" || typ == "exceed_context_size_error" {
		return true
	}
	m := strings.ToLower(msg)
	for _, s := range []string{"context length", "context_length", "context size", "maximum context", "context window", "exceeds the available context", "too many tokens", "prompt is too long"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

func isNetTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isDial(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns) || errors.Is(err, syscall.ECONNREFUSED)
}

// netReason is the innermost error text, without the URL and method that
// url.Error adds.
func netReason(err error) string {
	var ue *url.Error
	addr := ""
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			addr = u.Host
		}
		err = ue.Err
	}
	var dns *net.DNSError
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Addr != nil {
		addr = opErr.Addr.String()
	}
	switch {
	case errors.As(err, &dns):
		return fmt.Sprintf("the host name %q was not found (check the address)", dns.Name)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Sprintf("nothing is listening at %s (is the server running, and is the port right?)", addr)
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return fmt.Sprintf("%s cannot be reached from this computer (check the network or VPN)", addr)
	case errors.Is(err, syscall.ECONNRESET):
		return "the server closed the connection"
	}
	var certErr *tls.CertificateVerificationError
	if errors.As(err, &certErr) {
		return "the server's security certificate was not accepted (" + certErr.Err.Error() + ")"
	}
	return err.Error()
}

// retryAfter reads a Retry-After header: seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil {
		if s < 0 {
			return 0
		}
		return time.Duration(s * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// retryPolicy: exponential backoff with full jitter on 429, 502, 503 and
// 504, honouring Retry-After, and a quick resend of a request that never
// reached the server.
type retryPolicy struct {
	Max     int           // retries of a rate-limited or unavailable request
	Base    time.Duration // first backoff
	Cap     time.Duration // longest single wait (also caps Retry-After)
	MaxSafe int           // resends of a request that never reached the server
	sleep   func(context.Context, time.Duration) error
}

func (rp retryPolicy) backoff(n int, ce *CallError) time.Duration {
	if ce.RetryAfter > 0 {
		return min(ce.RetryAfter, rp.Cap)
	}
	d := rp.Base << n
	if d <= 0 || d > rp.Cap {
		d = rp.Cap
	}
	// Half fixed, half random: spreads the retries of many workers.
	return d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// call runs f with a fresh probe and timeout per attempt, retrying as the
// policy says. It returns the number of attempts and the final error.
func (rp retryPolicy) call(ctx context.Context, timeout time.Duration, f func(actx context.Context, pr *probe) error) (int, *CallError) {
	sleep := rp.sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	rate, safe := 0, 0
	for attempt := 1; ; attempt++ {
		actx, cancel := context.WithTimeout(ctx, timeout)
		actx, pr := withProbe(actx)
		err := f(actx, pr)
		var ce *CallError
		if err != nil {
			ce = classify(ctx, actx, err, pr.snapshot(), timeout)
		}
		cancel()
		if ce == nil {
			return attempt, nil
		}
		var wait time.Duration
		switch {
		case ce.Class == advisor.ErrCancelled:
			return attempt, ce
		case ce.notSent && safe < rp.MaxSafe:
			safe++
		case ce.Local && rate < rp.Max:
			wait = rp.backoff(rate, ce)
			rate++
		case retryableStatus(ce.Status) && ce.Class != advisor.ErrContextLength && rate < rp.Max:
			wait = rp.backoff(rate, ce)
			rate++
		default:
			if rate > 0 {
				ce.Msg += fmt.Sprintf(" (after %d retries)", rate)
			}
			return attempt, ce
		}
		if err := sleep(ctx, wait); err != nil {
			return attempt, &CallError{Class: advisor.ErrCancelled, Msg: "cancelled"}
		}
	}
}

// retryableStatus: 429, and 500, 502, 503 and 504, which OpenAI documents
// as worth retrying after a wait.
func retryableStatus(s int) bool {
	return s == http.StatusTooManyRequests || s == http.StatusInternalServerError || s == http.StatusServiceUnavailable || s == http.StatusBadGateway || s == http.StatusGatewayTimeout
}

// scrub hides an API key that a server echoed in its error message.
func scrub(msg, key string) string { return redact.New(key).Clean(msg) }
