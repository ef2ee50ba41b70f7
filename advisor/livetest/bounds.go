package livetest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
)

// Bounds on what a server sends (issue 15): nothing it answers is read
// whole without a limit, so a server that ignores max_tokens, sends a
// 300 MB error page, a gzip bomb or a line without end cannot exhaust
// memory; the request is then a bad_response and the run goes on.
const (
	// MaxAnswerBytes is the most of an answer's text that is kept; the rest
	// is not read and the result is marked as a bad response.
	MaxAnswerBytes = 1 << 20
	maxErrorBody   = 64 << 10  // an error response's body
	maxBody        = 128 << 20 // any other response (a base64 image is the largest)
	maxStreamBytes = 256 << 20 // a whole stream (SSE framing is ~100 bytes per token)
	maxStreamLine  = 8 << 20   // one line of a stream
)

// errTooLarge is what a bounded body returns past its limit.
type errTooLarge struct{ what string }

func (e *errTooLarge) Error() string {
	return "the server sent more than " + e.what + "; the rest was not read"
}

// boundBody limits a response body by its kind: an error body is cut
// quietly (its beginning says enough), any other body fails past its limit.
func boundBody(resp *http.Response, stream bool) {
	switch {
	case resp.StatusCode >= 400:
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.LimitReader(resp.Body, maxErrorBody), resp.Body}
	case stream:
		resp.Body = &sseGuard{rc: resp.Body}
	default:
		resp.Body = &capped{rc: resp.Body, left: maxBody, what: safefile.Size(maxBody)}
	}
}

type capped struct {
	rc   io.ReadCloser
	left int64
	what string
}

func (c *capped) Read(b []byte) (int, error) {
	if c.left <= 0 {
		return 0, &errTooLarge{c.what}
	}
	if int64(len(b)) > c.left {
		b = b[:c.left]
	}
	n, err := c.rc.Read(b)
	c.left -= int64(n)
	return n, err
}

func (c *capped) Close() error { return c.rc.Close() }

// sseGuard passes a server-sent event stream through, bounded in total and
// per line, leaving out comment lines (": keep-alive"): they are valid SSE,
// but go-openai counts them as empty messages and gives up after 300.
type sseGuard struct {
	rc    io.ReadCloser
	total int64
	line  int64  // bytes of the current line so far
	skip  bool   // the current line is left out
	after bool   // the line before was a comment: a blank line ending it goes too
	start bool   // at the start of a line
	buf   []byte // what the last read brought
	out   []byte // what of it is still to hand out (inside buf)
	// pooled is where buf came from (guardBufs), nil once it went back.
	pooled *[]byte
	err    error
}

// Close closes the body and gives the buffer back for the next stream.
func (g *sseGuard) Close() error {
	if g.pooled != nil {
		guardBufs.Put(g.pooled)
		g.pooled, g.buf, g.out = nil, nil, nil
	}
	return g.rc.Close()
}

// guardBufs holds the read buffers of streams that ended: at concurrency
// 100 a stream a millisecond would otherwise allocate and clear 8 KB each.
var guardBufs = sync.Pool{New: func() any { b := make([]byte, 8<<10); return &b }}

func (g *sseGuard) Read(b []byte) (int, error) {
	for len(g.out) == 0 {
		if g.err != nil {
			return 0, g.err
		}
		if g.buf == nil {
			g.pooled = guardBufs.Get().(*[]byte)
			g.buf = *g.pooled
		}
		n, err := g.rc.Read(g.buf)
		g.total += int64(n)
		// The kept bytes are compacted into the same buffer (what filter
		// writes never runs ahead of what it reads), so a stream costs one
		// buffer, not one per read.
		g.out = g.buf[:0]
		g.filter(g.buf[:n])
		switch {
		case g.total > maxStreamBytes:
			g.err = &errTooLarge{safefile.Size(maxStreamBytes) + " in one stream"}
		case g.line > maxStreamLine:
			g.err = &errTooLarge{safefile.Size(maxStreamLine) + " without a line break"}
		case err != nil:
			g.err = err
		}
	}
	n := copy(b, g.out)
	g.out = g.out[n:]
	return n, nil
}

func (g *sseGuard) filter(b []byte) {
	if g.total == int64(len(b)) {
		g.start = true
	}
	for len(b) > 0 {
		if g.start {
			blank := b[0] == '\n' || b[0] == '\r'
			g.skip = b[0] == ':' || blank && g.after
			g.after = b[0] == ':' || blank && g.after
			g.start = false
		}
		i := bytes.IndexByte(b, '\n')
		seg := b
		if i >= 0 {
			seg = b[:i+1]
		}
		if !g.skip {
			g.out = append(g.out, seg...)
		}
		if i < 0 {
			g.line += int64(len(seg))
			return
		}
		g.line, g.start = 0, true
		b = b[i+1:]
	}
}

// redirectError is a redirect the model API answered with: never followed,
// since the request carries the key (a 302 would also turn the POST into a
// GET, and https could become http).
type redirectError struct{ to string }

func (e *redirectError) Error() string {
	return fmt.Sprintf("the server redirected to %s; put that address in the endpoint's base URL (the request and its key are not sent on to another address)", e.to)
}

// noRedirects is hc with redirects refused.
func noRedirects(hc *http.Client) *http.Client {
	c := *hc
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		u := *req.URL
		u.User, u.RawQuery = nil, ""
		return &redirectError{to: u.String()}
	}
	return &c
}

// imageURLAllowed: an image is downloaded over https, or from the
// endpoint's own host (a local server that serves its files over http).
func imageURLAllowed(raw string, ep advisor.Endpoint) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("the server's image URL is not valid")
	}
	if u.Scheme == "https" {
		return nil
	}
	if b, err := url.Parse(ep.BaseURL); err == nil && u.Scheme == "http" && b.Host != "" && u.Hostname() == b.Hostname() {
		return nil
	}
	return fmt.Errorf("the server named an image at %s; only https addresses or the endpoint's own host are downloaded", u.Redacted())
}

// isLocalLimit reports an error that is this computer's, not the server's:
// out of file descriptors (EMFILE for the process, ENFILE for the system).
func isLocalLimit(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE)
}

// fdRoom is fdHeadroom, replaced by tests.
var fdRoom = fdHeadroom

// fdHeadroom is how many more files (sockets) this process may open: the
// soft limit (Go raises it to the hard limit at start) less those open now,
// less a reserve for the database, documents and DNS. ok is false where it
// cannot be known.
func fdHeadroom() (n int, limit uint64, ok bool) {
	limit, ok = fdLimit()
	if !ok {
		return 0, 0, false
	}
	open := 64 // a guess where /proc is not there
	if runtime.GOOS == "linux" {
		if es, err := os.ReadDir("/proc/self/fd"); err == nil {
			open = len(es)
		}
	} else if es, err := filepath.Glob("/dev/fd/*"); err == nil && len(es) > 0 {
		open = len(es)
	}
	const reserve = 32
	if limit > 1<<30 {
		return 1 << 30, limit, true
	}
	return max(int(limit)-open-reserve, 1), limit, true
}
