// Package modelsdev refreshes the model catalog from models.dev: it fetches
// an api.json from the live URL, another URL or a file, with a time limit
// and a size limit, has advisor.ParseModelsDev check it, and keeps it as the
// last good copy in the data folder. A file that is refused leaves the last
// good copy as it was.
package modelsdev

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
)

// DefaultURL is the live models.dev database.
const DefaultURL = "https://models.dev/api.json"

// Timeout bounds one download.
const Timeout = 60 * time.Second

// Progress reports bytes read so far and the total (-1 when the server does not say).
type Progress func(read, total int64)

// Options configure Refresh.
type Options struct {
	From     string       // a URL (http or https) or a file; DefaultURL when empty
	DataDir  string       // where the last good copy is kept; advisor.DataDir() when empty
	Client   *http.Client // nil: a client with Timeout
	Progress Progress
	Now      func() time.Time // nil: time.Now
}

// Result is a refresh that was accepted and kept.
type Result struct {
	Catalog *advisor.ModelsDev
	Path    string // the kept copy
	Bytes   int64
}

// Error is a refresh that could not be done, in plain words; the last good
// catalog is kept whenever a refresh fails.
type Error struct {
	Kind    string // one of the Err* kinds, so the GUI can say it in the user's language
	Detail  string // the host, file, HTTP status or reason the sentence names
	Offline bool   // the network could not be reached at all
	Err     error
}

// Kinds of Error.
const (
	ErrOffline   = "offline"   // no network, name not found, connection refused
	ErrTimeout   = "timeout"   // no answer within Timeout
	ErrCancelled = "cancelled" // the user cancelled
	ErrHTTP      = "http"      // the server answered with an error status
	ErrFile      = "file"      // the file cannot be read
	ErrTooLarge  = "too_large" // over advisor.MaxModelsDevBytes
	ErrRefused   = "refused"   // read, but not a whole models.dev catalog (Detail: the reason)
	ErrSave      = "save"      // the copy could not be kept
)

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Refresh fetches, checks and keeps a models.dev api.json. Every failure is
// an *Error; a refused file is wrapped with its *advisor.ModelsDevError.
func Refresh(ctx context.Context, o Options) (*Result, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	dir := o.DataDir
	if dir == "" {
		d, err := advisor.DataDir()
		if err != nil {
			return nil, &Error{Kind: ErrSave, Detail: err.Error(), Err: err}
		}
		dir = d
	}
	src := strings.TrimSpace(o.From)
	if src == "" {
		src = DefaultURL
	}
	var (
		b    []byte
		asOf string
		err  error
	)
	if isURL(src) {
		b, err = download(ctx, o.Client, src, o.Progress)
		asOf = now().UTC().Format("2006-01-02")
	} else {
		b, asOf, err = readFile(src, o.Progress)
	}
	if err != nil {
		return nil, err
	}
	d, err := advisor.ParseModelsDev(b, asOf, src)
	if err != nil {
		reason := err.Error()
		var me *advisor.ModelsDevError
		if errors.As(err, &me) {
			reason = me.Reason
			if me.Where != "" {
				reason = me.Where + ": " + me.Reason
			}
		}
		return nil, &Error{Kind: ErrRefused, Detail: reason, Err: fmt.Errorf("%s was refused and the last good catalog kept: %w", src, err)}
	}
	d.FetchedAt = now().UTC().Format(time.RFC3339)
	if err := advisor.SaveModelsDevCopy(dir, b, d); err != nil {
		return nil, &Error{Kind: ErrSave, Detail: dir, Err: err}
	}
	return &Result{Catalog: d, Path: dir + string(os.PathSeparator) + advisor.ModelsDevFile, Bytes: int64(len(b))}, nil
}

func isURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

func readFile(p string, progress Progress) ([]byte, string, error) {
	f, err := os.Open(p)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, "", &Error{Kind: ErrFile, Detail: p, Err: fmt.Errorf("no file at %s", p)}
		}
		return nil, "", &Error{Kind: ErrFile, Detail: p, Err: fmt.Errorf("read %s: %w", p, err)}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, "", &Error{Kind: ErrFile, Detail: p, Err: fmt.Errorf("read %s: %w", p, err)}
	}
	if st.IsDir() {
		return nil, "", &Error{Kind: ErrFile, Detail: p, Err: fmt.Errorf("%s is a folder; give the api.json file", p)}
	}
	b, err := readLimited(f, st.Size(), progress)
	if err != nil {
		return nil, "", &Error{Kind: ErrTooLarge, Detail: p, Err: fmt.Errorf("%s: %w", p, err)}
	}
	// A snapshot named by its date (api-2026-07-02.json) is as of that
	// date; otherwise as of when the file was last written.
	asOf := advisor.DateInName(p)
	if asOf == "" {
		asOf = st.ModTime().UTC().Format("2006-01-02")
	}
	return b, asOf, nil
}

func download(ctx context.Context, c *http.Client, u string, progress Progress) ([]byte, error) {
	if c == nil {
		c = &http.Client{Timeout: Timeout}
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, &Error{Kind: ErrFile, Detail: u, Err: fmt.Errorf("%s: %w", u, err)}
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, netError(ctx, u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return nil, &Error{Kind: ErrHTTP, Detail: resp.Status, Err: fmt.Errorf("%s answered %s; the last good catalog is kept", u, resp.Status)}
	}
	b, err := readLimited(resp.Body, resp.ContentLength, progress)
	if err != nil {
		if ctx.Err() != nil || errors.Is(err, context.Canceled) {
			return nil, netError(ctx, u, err)
		}
		return nil, &Error{Kind: ErrTooLarge, Detail: u, Err: fmt.Errorf("%s: %w", u, err)}
	}
	return b, nil
}

// readLimited reads at most advisor.MaxModelsDevBytes, reporting progress.
func readLimited(r io.Reader, total int64, progress Progress) ([]byte, error) {
	if total > advisor.MaxModelsDevBytes {
		return nil, fmt.Errorf("%d MB is larger than a models.dev catalog can be (%d MB)", total>>20, advisor.MaxModelsDevBytes>>20)
	}
	if total <= 0 {
		total = -1
	}
	var buf []byte
	chunk := make([]byte, 64<<10)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if len(buf) > advisor.MaxModelsDevBytes {
			return nil, fmt.Errorf("larger than a models.dev catalog can be (%d MB)", advisor.MaxModelsDevBytes>>20)
		}
		if progress != nil && n > 0 {
			progress(int64(len(buf)), total)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// netError says in plain words why a download failed.
func netError(ctx context.Context, u string, err error) error {
	host := u
	if pu, perr := url.Parse(u); perr == nil {
		host = pu.Host
	}
	var dnsErr *net.DNSError
	var opErr *net.OpError
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(ctx.Err(), context.Canceled):
		return &Error{Kind: ErrCancelled, Err: errors.New("refresh cancelled; the last good catalog is kept")}
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded):
		return &Error{Kind: ErrTimeout, Detail: host, Offline: true, Err: fmt.Errorf("%s did not answer within %s; the last good catalog is kept", host, Timeout)}
	case errors.As(err, &dnsErr):
		return &Error{Kind: ErrOffline, Detail: host, Offline: true, Err: fmt.Errorf("cannot reach %s: no internet connection or the name is not found; the last good catalog is kept", host)}
	case errors.As(err, &opErr):
		return &Error{Kind: ErrOffline, Detail: host, Offline: true, Err: fmt.Errorf("cannot reach %s: you seem to be offline or a firewall blocks it; the last good catalog is kept", host)}
	}
	return &Error{Kind: ErrOffline, Detail: host, Err: fmt.Errorf("download %s: %v; the last good catalog is kept", host, err)}
}
