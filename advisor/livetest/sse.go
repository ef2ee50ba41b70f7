package livetest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"

	openai "github.com/sashabaranov/go-openai"
)

// The stream of a chat completion is read once, here (issue 13: the
// runner's overhead at concurrency 100). go-openai still builds and sends
// the request and decodes an HTTP error; the body of a successful reply is
// then read by sseReader instead of go-openai's stream reader (bufio
// ReadBytes and two regexps per line) behind a sniffer that scanned the
// same bytes again for what go-openai drops. sseReader keeps go-openai
// v1.43.0's reading (stream_reader.go, processLines) line for line: the
// same data: lines, the same errors and the same limit on lines that are
// not data; TestSSEReaderMatchesGoOpenAI compares the two.

// emptyMessagesLimit is go-openai's ClientConfig.EmptyMessagesLimit, which
// newClient leaves at its default: more lines than this that are not data
// before the next data: line end the stream (ErrTooManyEmptyStreamMessages).
const emptyMessagesLimit = 300

// sseReader reads the data: lines of a stream from its body, as go-openai's
// ChatCompletionStream.RecvRaw does, and keeps what go-openai drops (an
// `error:` line, the final data: [DONE]) in the probe when there is one.
type sseReader struct {
	r          io.Reader
	pr         *probe // nil: nothing is kept (a reply that is not SSE)
	buf        []byte
	start, end int   // unread bytes: buf[start:end]
	scanned    int   // buf[start:scanned] holds no newline
	err        error // the read error once buf's bytes are used up
	acc        []byte
	finished   bool    // data: [DONE] was read
	pooled     *[]byte // where buf came from (sseBufs)
}

func newSSEReader(r io.Reader, pr *probe) *sseReader {
	p := sseBufs.Get().(*[]byte)
	return &sseReader{r: r, pr: pr, buf: *p, pooled: p}
}

// sseBufs holds the line buffers of streams that ended (release).
var sseBufs = sync.Pool{New: func() any { b := make([]byte, 4096); return &b }}

// release gives the buffer back once nothing reads the stream any more: no
// line RecvRaw gave may be used after it. A buffer that grew for a long
// line is left to the garbage collector.
func (s *sseReader) release() {
	if s.pooled != nil && len(s.buf) == len(*s.pooled) {
		sseBufs.Put(s.pooled)
	}
	s.pooled, s.buf, s.start, s.end, s.scanned = nil, nil, 0, 0, 0
}

// line is the next line without its newline, valid until the next call,
// or the read error that came before a newline (the bytes before it are
// dropped, as bufio.Reader.ReadBytes' are by go-openai).
func (s *sseReader) line() ([]byte, error) {
	for {
		if i := bytes.IndexByte(s.buf[s.scanned:s.end], '\n'); i >= 0 {
			l := s.buf[s.start : s.scanned+i]
			s.start = s.scanned + i + 1
			s.scanned = s.start
			return l, nil
		}
		s.scanned = s.end
		if s.err != nil {
			return nil, s.err
		}
		s.fill()
	}
}

// fill reads more of the body after the unread bytes, moving them to the
// front or growing the buffer when it is full. A line is bounded by the
// body (sseGuard: maxStreamLine; a reply that is not SSE: maxBody).
func (s *sseReader) fill() {
	if s.start > 0 {
		n := copy(s.buf, s.buf[s.start:s.end])
		s.scanned -= s.start
		s.start, s.end = 0, n
	}
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.err = err
			return
		}
		if n > 0 {
			return
		}
	}
	s.err = io.ErrNoProgress
}

// RecvRaw is the JSON of the next data: line, io.EOF after data: [DONE] or
// at the end of the body, or the error go-openai's RecvRaw would give.
func (s *sseReader) RecvRaw() ([]byte, error) {
	if s.finished {
		return nil, io.EOF
	}
	var empty uint
	errorPrefix := false
	for {
		raw, readErr := s.line()
		var line []byte
		if readErr == nil {
			line = bytes.TrimSpace(raw)
			s.sniff(raw, line)
		}
		if readErr != nil || errorPrefix {
			if e := s.accError(); e != nil {
				return nil, fmt.Errorf("error, %w", e)
			}
			return nil, readErr
		}
		payload, data := cutData(line)
		if data && bytes.HasPrefix(payload, []byte(`{"error":`)) {
			errorPrefix = true
		}
		if !data || errorPrefix {
			if errorPrefix {
				line = payload
			}
			s.acc = append(s.acc, line...)
			empty++
			if empty > emptyMessagesLimit {
				return nil, openai.ErrTooManyEmptyStreamMessages
			}
			continue
		}
		if string(payload) == "[DONE]" {
			s.finished = true
			s.sniffRest()
			return nil, io.EOF
		}
		return payload, nil
	}
}

// cutData is line after "data:" and the white space after it (the regexp
// `^data:\s*` of go-openai; RE2's \s is [\t\n\f\r ]), and whether line is a
// data: line at all.
func cutData(line []byte) ([]byte, bool) {
	rest, ok := bytes.CutPrefix(line, []byte("data:"))
	if !ok {
		return nil, false
	}
	for len(rest) > 0 {
		switch rest[0] {
		case ' ', '\t', '\n', '\f', '\r':
			rest = rest[1:]
			continue
		}
		break
	}
	return rest, true
}

// accError is the error object in the lines that were not data, as
// go-openai decodes it (unmarshalError); nil when there is none.
func (s *sseReader) accError() *openai.APIError {
	if len(s.acc) == 0 {
		return nil
	}
	var er *openai.ErrorResponse
	if json.Unmarshal(s.acc, &er) != nil || er == nil {
		return nil
	}
	return er.Error
}

// sniff keeps an `error: {...}` line (llama.cpp sends one with status 200
// when a streamed request fails) and notes data: [DONE]. A line longer
// than maxSniffLine is too long to be either.
func (s *sseReader) sniff(raw, line []byte) {
	if s.pr == nil || len(raw) > maxSniffLine {
		return
	}
	switch {
	case bytes.HasPrefix(line, []byte("error:")):
		e := bytes.TrimSpace(append([]byte(nil), line[len("error:"):]...))
		s.pr.mu.Lock()
		s.pr.st.streamErr = e
		s.pr.mu.Unlock()
	case bytes.HasPrefix(line, []byte("data:")) && string(bytes.TrimSpace(line[len("data:"):])) == "[DONE]":
		s.pr.mu.Lock()
		s.pr.st.sawDone = true
		s.pr.mu.Unlock()
	}
}

// sniffRest sniffs the whole lines already read after data: [DONE]: an
// `error:` line that came with it counts, as it did when the transport
// watched every byte it passed on.
func (s *sseReader) sniffRest() {
	for {
		i := bytes.IndexByte(s.buf[s.start:s.end], '\n')
		if i < 0 {
			return
		}
		raw := s.buf[s.start : s.start+i]
		s.start += i + 1
		s.sniff(raw, bytes.TrimSpace(raw))
	}
}

const maxSniffLine = 64 << 10

// chunkReader decodes the chunks of a stream from its data: lines. A line
// that is one JSON object of the usual shape is decoded by decodeChunk;
// anything else goes to one encoding/json Decoder over all the lines, each
// followed by a newline, which is what every line went through before: the
// same chunks and the same errors (a value over two lines, two values on
// one, a line cut inside its JSON).
type chunkReader struct {
	lines dataLines
	dec   *json.Decoder
	inDec bool // the decoder holds part of the stream: the next value is its
}

func newChunkReader(s interface{ RecvRaw() ([]byte, error) }) *chunkReader {
	return &chunkReader{lines: dataLines{s: s}}
}

// next decodes the next chunk into ck (cleared by the caller). It returns
// io.EOF at the end (done() then tells a whole stream from a cut one).
func (r *chunkReader) next(ck *streamChunk) error {
	if !r.inDec {
		raw, err := r.lines.s.RecvRaw()
		for err == nil && len(raw) == 0 {
			raw, err = r.lines.s.RecvRaw() // an empty data: line is white space
		}
		if err != nil {
			r.lines.done = errors.Is(err, io.EOF)
			return err
		}
		if decodeChunk(raw, ck) {
			return nil
		}
		resetChunk(ck)
		r.lines.line, r.lines.nl = raw, true
		if r.dec == nil {
			r.dec = json.NewDecoder(&r.lines)
		}
	}
	err := r.dec.Decode(ck)
	r.inDec = err == nil && r.pending()
	return err
}

// done tells that the lines ended with the stream's end (io.EOF).
func (r *chunkReader) done() bool { return r.lines.done }

// pending tells whether the decoder or its reader still holds anything
// but white space of the lines given to it.
func (r *chunkReader) pending() bool {
	if len(r.lines.line) > 0 {
		return true
	}
	b, _ := io.ReadAll(r.dec.Buffered())
	return len(bytes.TrimLeft(b, " \t\r\n")) > 0
}

// resetChunk clears ck for the next chunk: encoding/json decodes into the
// slice's old elements, keeping the fields a chunk leaves out.
func resetChunk(ck *streamChunk) {
	clear(ck.Choices[:cap(ck.Choices)])
	ck.Choices, ck.Usage = ck.Choices[:0], nil
}

// dataLines reads a stream's data: lines (RecvRaw, which drops the "data: "
// prefix, comments and [DONE]) as one stream of JSON values, each line
// followed by a newline so that one never runs into the next.
type dataLines struct {
	s interface{ RecvRaw() ([]byte, error) }
	// line is what is left of the current line; nl that its newline is
	// still to come; done that the stream ended (RecvRaw gave io.EOF).
	line []byte
	nl   bool
	done bool
}

func (d *dataLines) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if len(d.line) == 0 {
		if d.nl {
			d.nl = false
			p[0] = '\n'
			return 1, nil
		}
		raw, err := d.s.RecvRaw()
		if err != nil {
			d.done = errors.Is(err, io.EOF)
			return 0, err
		}
		d.line, d.nl = raw, true
	}
	n := copy(p, d.line)
	d.line = d.line[n:]
	return n, nil
}
