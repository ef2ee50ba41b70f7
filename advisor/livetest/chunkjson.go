package livetest

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// decodeChunk decodes one data: line into ck without reflection, for the
// chunks servers send token after token. It takes only what it can decode
// exactly as encoding/json would into streamChunk: one JSON object (and
// nothing after it) whose known fields have the right types, each once, and
// whose other names match none of them in any letter case. For anything
// else it returns false, leaving ck partly written, and the line goes to
// encoding/json, which gives the chunk or the error it always gave
// (FuzzDecodeChunk compares the two).
func decodeChunk(b []byte, ck *streamChunk) bool {
	p := jsonScan{b: b}
	if !p.object() {
		return false
	}
	var seen uint8
	for first := true; ; first = false {
		k, more := p.member(first)
		if !more {
			break
		}
		switch string(k) {
		case "choices":
			if !p.once(&seen, 1) || !p.choices(ck) {
				return false
			}
		case "usage":
			if !p.once(&seen, 2) || !p.usage(&ck.Usage) {
				return false
			}
		default:
			if !p.other(k, "choices", "usage") {
				return false
			}
		}
	}
	p.ws()
	return p.ok && p.i == len(p.b)
}

// jsonScan reads JSON from b at i; ok turns false at the first thing it
// does not take, and every method is then a no-op returning false.
type jsonScan struct {
	b  []byte
	i  int
	ok bool
}

const maxSkipDepth = 64

func (p *jsonScan) fail() bool {
	p.ok = false
	return false
}

func (p *jsonScan) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\r', '\n':
			p.i++
		default:
			return
		}
	}
}

// peek is the next byte after white space, 0 at the end.
func (p *jsonScan) peek() byte {
	p.ws()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

// object takes the '{' of an object (the first call also sets ok).
func (p *jsonScan) object() bool {
	if p.i == 0 {
		p.ok = true
	}
	if !p.ok || p.peek() != '{' {
		return p.fail()
	}
	p.i++
	return true
}

// member takes what comes after the '{' or a value inside an object: the
// next name and its ':' (more true), or the closing '}' (more false). A
// failure also gives more false, with ok false.
func (p *jsonScan) member(first bool) (name []byte, more bool) {
	if !p.ok {
		return nil, false
	}
	c := p.peek()
	if c == '}' {
		p.i++
		return nil, false
	}
	if !first {
		if c != ',' {
			return nil, p.fail()
		}
		p.i++
		c = p.peek()
	}
	if c != '"' {
		return nil, p.fail()
	}
	start := p.i + 1
	end, plain := p.stringEnd()
	if !plain || !p.ok {
		return nil, p.fail() // an escaped name: left to encoding/json
	}
	if p.peek() != ':' {
		return nil, p.fail()
	}
	p.i++
	return p.b[start:end], true
}

// once marks bit as seen, failing for a name given twice (encoding/json
// merges the two; this leaves that to it).
func (p *jsonScan) once(seen *uint8, bit uint8) bool {
	if *seen&bit != 0 {
		return p.fail()
	}
	*seen |= bit
	return true
}

// other skips the value of a name that is none of known; a name that
// encoding/json would match to one of them (letter case, or a name that is
// not ASCII, which its Unicode folding may match) fails.
func (p *jsonScan) other(name []byte, known ...string) bool {
	for _, c := range name {
		if c >= utf8.RuneSelf {
			return p.fail()
		}
	}
	for _, k := range known {
		if len(name) == len(k) && strings.EqualFold(string(name), k) {
			return p.fail()
		}
	}
	return p.skip(0)
}

// null takes a null if one comes next.
func (p *jsonScan) null() bool {
	if p.peek() == 'n' && p.i+4 <= len(p.b) && string(p.b[p.i:p.i+4]) == "null" {
		p.i += 4
		return true
	}
	return false
}

// stringEnd takes a string from its opening quote at i; end is the index
// of its closing quote and plain that it holds no escape. A control
// character, a bad escape or an unclosed string fails.
func (p *jsonScan) stringEnd() (end int, plain bool) {
	plain = true
	for j := p.i + 1; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			p.i = j + 1
			return j, plain
		case c < 0x20:
			return 0, p.fail()
		case c == '\\':
			plain = false
			j++
			if j >= len(p.b) {
				return 0, p.fail()
			}
			switch p.b[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(p.b) || !isHex4(p.b[j+1:j+5]) {
					return 0, p.fail()
				}
				j += 4
			default:
				return 0, p.fail()
			}
		}
	}
	return 0, p.fail()
}

func isHex4(b []byte) bool {
	for _, c := range b[:4] {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// str decodes a string or null (which leaves *dst as it is, as
// encoding/json does). Invalid UTF-8 and a lone UTF-16 surrogate escape,
// which encoding/json replaces, fail.
func (p *jsonScan) str(dst *string) bool {
	if !p.ok || p.null() {
		return p.ok
	}
	if p.peek() != '"' {
		return p.fail()
	}
	start := p.i + 1
	end, plain := p.stringEnd()
	if !p.ok {
		return false
	}
	raw := p.b[start:end]
	if plain {
		if !utf8.Valid(raw) {
			return p.fail()
		}
		*dst = internFinish(raw)
		return true
	}
	out := make([]byte, 0, len(raw))
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		i++
		switch raw[i] {
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r := hex4(raw[i+1:])
			i += 4
			if utf16.IsSurrogate(r) {
				// A pair makes one rune; a lone half, which encoding/json
				// replaces, fails.
				if i+6 >= len(raw) || raw[i+1] != '\\' || raw[i+2] != 'u' {
					return p.fail()
				}
				r = utf16.DecodeRune(r, hex4(raw[i+3:]))
				if r == utf8.RuneError {
					return p.fail()
				}
				i += 6
			}
			out = utf8.AppendRune(out, r)
		default: // '"', '\\', '/'
			out = append(out, raw[i])
		}
	}
	if !utf8.Valid(out) {
		return p.fail()
	}
	*dst = string(out)
	return true
}

// hex4 is the value of the 4 hex digits b starts with (checked by stringEnd).
func hex4(b []byte) rune {
	return rune(hexVal(b[0])<<12 | hexVal(b[1])<<8 | hexVal(b[2])<<4 | hexVal(b[3]))
}

func hexVal(c byte) int {
	switch {
	case c <= '9':
		return int(c - '0')
	case c >= 'a':
		return int(c-'a') + 10
	default:
		return int(c-'A') + 10
	}
}

// internFinish is the text of raw, without a copy for the finish reasons
// every stream ends with.
func internFinish(raw []byte) string {
	switch string(raw) {
	case "":
		return ""
	case "stop":
		return "stop"
	case "length":
		return "length"
	}
	return string(raw)
}

// integer decodes a whole number or null (which leaves *dst as it is). A
// fraction, an exponent or more digits than surely fit an int fail:
// encoding/json would refuse or could refuse them.
func (p *jsonScan) integer(dst *int) bool {
	if !p.ok || p.null() {
		return p.ok
	}
	p.peek()
	j, neg := p.i, false
	if j < len(p.b) && p.b[j] == '-' {
		neg = true
		j++
	}
	start, n := j, 0
	for j < len(p.b) && '0' <= p.b[j] && p.b[j] <= '9' {
		n = n*10 + int(p.b[j]-'0')
		j++
	}
	digits := j - start
	if digits == 0 || digits > 18 || digits > 1 && p.b[start] == '0' {
		return p.fail()
	}
	if j < len(p.b) {
		switch p.b[j] {
		case '.', 'e', 'E':
			return p.fail()
		}
	}
	if neg {
		n = -n
	}
	p.i, *dst = j, n
	return true
}

// choices decodes the choices array (null makes it nil) into ck.Choices,
// growing it as encoding/json does (an empty array is a new empty slice).
func (p *jsonScan) choices(ck *streamChunk) bool {
	if !p.ok {
		return false
	}
	if p.null() {
		ck.Choices = nil
		return true
	}
	if p.peek() != '[' {
		return p.fail()
	}
	p.i++
	if p.peek() == ']' {
		p.i++
		ck.Choices = []streamChoice{}
		return true
	}
	for n := 0; ; n++ {
		if n < cap(ck.Choices) {
			ck.Choices = ck.Choices[:n+1]
		} else {
			ck.Choices = append(ck.Choices[:n], streamChoice{})
		}
		if !p.null() && !p.choice(&ck.Choices[n]) {
			return false
		}
		switch p.peek() {
		case ',':
			p.i++
		case ']':
			p.i++
			return true
		default:
			return p.fail()
		}
	}
}

// choice decodes one element of choices.
func (p *jsonScan) choice(ch *streamChoice) bool {
	if !p.object() {
		return false
	}
	var seen uint8
	for first := true; ; first = false {
		k, more := p.member(first)
		if !more {
			return p.ok
		}
		switch string(k) {
		case "index":
			p.once(&seen, 1)
			p.integer(&ch.Index)
		case "finish_reason":
			p.once(&seen, 2)
			p.str(&ch.FinishReason)
		case "delta":
			p.once(&seen, 4)
			p.delta(&ch.Delta.Content, &ch.Delta.Reasoning, &ch.Delta.ReasoningContent)
		default:
			p.other(k, "index", "finish_reason", "delta")
		}
		if !p.ok {
			return false
		}
	}
}

// delta decodes a choice's delta (null leaves it as it is).
func (p *jsonScan) delta(content, reasoning, reasoningContent *string) bool {
	if !p.ok || p.null() {
		return p.ok
	}
	if !p.object() {
		return false
	}
	var seen uint8
	for first := true; ; first = false {
		k, more := p.member(first)
		if !more {
			return p.ok
		}
		switch string(k) {
		case "content":
			p.once(&seen, 1)
			p.str(content)
		case "reasoning":
			p.once(&seen, 2)
			p.str(reasoning)
		case "reasoning_content":
			p.once(&seen, 4)
			p.str(reasoningContent)
		default:
			p.other(k, "content", "reasoning", "reasoning_content")
		}
		if !p.ok {
			return false
		}
	}
}

// usage decodes the usage object (null makes it nil).
func (p *jsonScan) usage(dst **usage) bool {
	if !p.ok {
		return false
	}
	if p.null() {
		*dst = nil
		return true
	}
	if !p.object() {
		return false
	}
	if *dst == nil {
		*dst = new(usage)
	}
	u := *dst
	var seen uint8
	for first := true; ; first = false {
		k, more := p.member(first)
		if !more {
			return p.ok
		}
		switch string(k) {
		case "prompt_tokens":
			p.once(&seen, 1)
			p.integer(&u.PromptTokens)
		case "completion_tokens":
			p.once(&seen, 2)
			p.integer(&u.CompletionTokens)
		case "prompt_cache_hit_tokens":
			p.once(&seen, 4)
			p.integer(&u.PromptCacheHitTokens)
		case "prompt_tokens_details":
			p.once(&seen, 8)
			if p.nullOr(func() { u.PromptTokensDetails = nil }) {
				if u.PromptTokensDetails == nil {
					u.PromptTokensDetails = new(promptDetails)
				}
				p.counted(&u.PromptTokensDetails.CachedTokens, "cached_tokens")
			}
		case "completion_tokens_details":
			p.once(&seen, 16)
			if p.nullOr(func() { u.CompletionTokensDetails = nil }) {
				if u.CompletionTokensDetails == nil {
					u.CompletionTokensDetails = new(completionDetails)
				}
				p.counted(&u.CompletionTokensDetails.ReasoningTokens, "reasoning_tokens")
			}
		default:
			p.other(k, "prompt_tokens", "completion_tokens", "prompt_cache_hit_tokens", "prompt_tokens_details", "completion_tokens_details")
		}
		if !p.ok {
			return false
		}
	}
}

// nullOr runs setNil for a null and tells whether an object comes
// instead (its '{' taken); anything else fails.
func (p *jsonScan) nullOr(setNil func()) bool {
	if !p.ok {
		return false
	}
	if p.null() {
		setNil()
		return false
	}
	return p.object()
}

// counted decodes the rest of an object of one counted field, name, after
// its '{'.
func (p *jsonScan) counted(dst *int, name string) bool {
	var seen uint8
	for first := true; ; first = false {
		k, more := p.member(first)
		if !more {
			return p.ok
		}
		if string(k) == name {
			p.once(&seen, 1)
			p.integer(dst)
		} else {
			p.other(k, name)
		}
		if !p.ok {
			return false
		}
	}
}

// skip takes any valid JSON value.
func (p *jsonScan) skip(depth int) bool {
	if !p.ok {
		return false
	}
	if depth > maxSkipDepth {
		return p.fail()
	}
	switch c := p.peek(); {
	case c == '"':
		p.stringEnd()
		return p.ok
	case c == '{':
		p.i++
		for first := true; ; first = false {
			_, more := p.member(first)
			if !more {
				return p.ok
			}
			if !p.skip(depth + 1) {
				return false
			}
		}
	case c == '[':
		p.i++
		if p.peek() == ']' {
			p.i++
			return true
		}
		for {
			if !p.skip(depth + 1) {
				return false
			}
			switch p.peek() {
			case ',':
				p.i++
			case ']':
				p.i++
				return true
			default:
				return p.fail()
			}
		}
	case c == '-' || '0' <= c && c <= '9':
		return p.number()
	default:
		for _, lit := range []string{"true", "false", "null"} {
			if p.i+len(lit) <= len(p.b) && string(p.b[p.i:p.i+len(lit)]) == lit {
				p.i += len(lit)
				return true
			}
		}
		return p.fail()
	}
}

// number takes a JSON number: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
func (p *jsonScan) number() bool {
	b, j := p.b, p.i
	digits := func() int {
		s := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		return j - s
	}
	if j < len(b) && b[j] == '-' {
		j++
	}
	if j < len(b) && b[j] == '0' {
		j++
	} else if digits() == 0 {
		return p.fail()
	}
	if j < len(b) && b[j] == '.' {
		j++
		if digits() == 0 {
			return p.fail()
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		if digits() == 0 {
			return p.fail()
		}
	}
	p.i = j
	return true
}
