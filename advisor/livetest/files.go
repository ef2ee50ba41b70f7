package livetest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
	openai "github.com/sashabaranov/go-openai"
)

// mediaFile is a case's image or audio file, read and checked.
type mediaFile struct {
	name    string  // base name, sent as the upload's file name
	mime    string  // image/png, audio/wav, ...
	data    []byte  //
	seconds float64 // audio duration when the file says it (WAV), else 0
}

func (f mediaFile) dataURL() string {
	return "data:" + f.mime + ";base64," + base64.StdEncoding.EncodeToString(f.data)
}

// lazyFile reads a case's file once for all its cells.
type lazyFile struct {
	once sync.Once
	f    mediaFile
	err  error
}

// file reads case i's file once, checking its size against limit and its
// content against its extension with sniff. The error is a plain sentence
// for the result (class bad_request).
func (r *run) file(i int, path string, limit int64, sniff func(name string, head []byte) (mime string, err error)) (mediaFile, error) {
	lf := &r.files[i]
	lf.once.Do(func() { lf.f, lf.err = readMedia(path, limit, sniff) })
	return lf.f, lf.err
}

func readMedia(path string, limit int64, sniff func(string, []byte) (string, error)) (mediaFile, error) {
	name := filepath.Base(path)
	b, err := safefile.Read(path, limit)
	var tl *safefile.TooLargeError
	switch {
	case os.IsNotExist(err):
		return mediaFile{}, fmt.Errorf("%s: no such file (%s)", name, path)
	case errors.As(err, &tl):
		if st, serr := os.Stat(path); serr == nil && st.Size() > limit {
			return mediaFile{}, fmt.Errorf("%s is %s; the endpoint takes at most %s", name, sizeText(st.Size()), sizeText(limit))
		}
		return mediaFile{}, fmt.Errorf("%s is larger than %s, the most the endpoint takes", name, sizeText(limit))
	case errors.Is(err, safefile.ErrNotRegular):
		st, _ := os.Stat(path)
		if st != nil && st.IsDir() {
			return mediaFile{}, fmt.Errorf("%s is a folder, not a file", name)
		}
		return mediaFile{}, fmt.Errorf("%s is not a plain file (a device, pipe or socket); give an image or audio file", name)
	case err != nil:
		return mediaFile{}, fmt.Errorf("%s: cannot be read: %v", name, err)
	}
	mime, err := sniff(name, b)
	if err != nil {
		return mediaFile{}, err
	}
	f := mediaFile{name: name, mime: mime, data: b}
	if mime == "audio/wav" {
		sec, err := wavSeconds(b)
		if err != nil {
			return mediaFile{}, fmt.Errorf("%s: %v", name, err)
		}
		f.seconds = sec
	}
	return f, nil
}

func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// sniffImage checks that a png or jpg file is one.
func sniffImage(name string, b []byte) (string, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case ext == ".png" && bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "image/png", nil
	case (ext == ".jpg" || ext == ".jpeg") && bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return "image/jpeg", nil
	case ext == ".png" || ext == ".jpg" || ext == ".jpeg":
		return "", fmt.Errorf("%s is not a %s image (its content says otherwise)", name, strings.ToUpper(strings.TrimPrefix(ext, ".")))
	}
	return "", fmt.Errorf("%s is not a supported image; allowed: png, jpg", name)
}

// sniffAudio checks that a wav, mp3 or m4a file is one.
func sniffAudio(name string, b []byte) (string, error) {
	ext := strings.ToLower(filepath.Ext(name))
	isWAV := len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE"
	isMP3 := bytes.HasPrefix(b, []byte("ID3")) || (len(b) >= 2 && b[0] == 0xFF && b[1]&0xE0 == 0xE0)
	isM4A := len(b) >= 8 && string(b[4:8]) == "ftyp"
	switch {
	case ext == ".wav" && isWAV:
		return "audio/wav", nil
	case ext == ".mp3" && isMP3:
		return "audio/mpeg", nil
	case ext == ".m4a" && isM4A:
		return "audio/mp4", nil
	case ext == ".wav" || ext == ".mp3" || ext == ".m4a":
		return "", fmt.Errorf("%s is not a %s file (its content says otherwise)", name, strings.ToUpper(strings.TrimPrefix(ext, ".")))
	}
	return "", fmt.Errorf("%s is not a supported audio file; allowed: wav, mp3, m4a", name)
}

// wavSeconds reads a WAV file's duration from its fmt and data chunks.
func wavSeconds(b []byte) (float64, error) {
	var byteRate uint32
	for off := 12; off+8 <= len(b); {
		id := string(b[off : off+4])
		size := binary.LittleEndian.Uint32(b[off+4 : off+8])
		body := off + 8
		switch id {
		case "fmt ":
			if size < 16 || body+16 > len(b) {
				return 0, fmt.Errorf("the WAV header is cut short")
			}
			byteRate = binary.LittleEndian.Uint32(b[body+8 : body+12])
		case "data":
			if byteRate == 0 {
				return 0, fmt.Errorf("the WAV file has no format before its data")
			}
			n := int64(size)
			if rest := int64(len(b) - body); n > rest || size == 0xFFFFFFFF {
				n = rest // streamed WAVs leave the size unset
			}
			return float64(n) / float64(byteRate), nil
		}
		off = body + int(size) + int(size&1) // chunks are padded to even sizes
		if off < body {
			break
		}
	}
	return 0, fmt.Errorf("the WAV file has no audio data")
}

// attachImage turns the last user turn into text plus the image, the
// content parts of a multimodal chat request.
func attachImage(msgs []openai.ChatCompletionMessage, dataURL string) {
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Role != openai.ChatMessageRoleUser {
			continue
		}
		msgs[i].MultiContent = []openai.ChatMessagePart{
			{Type: openai.ChatMessagePartTypeText, Text: msgs[i].Content},
			{Type: openai.ChatMessagePartTypeImageURL, ImageURL: &openai.ChatMessageImageURL{URL: dataURL, Detail: openai.ImageURLDetailAuto}},
		}
		msgs[i].Content = ""
		return
	}
}

func (r *run) imageLimit() int64 {
	if r.opt.MaxImageBytes > 0 {
		return r.opt.MaxImageBytes
	}
	return MaxImageBytes
}

func (r *run) audioLimit() int64 {
	if r.opt.MaxAudioBytes > 0 {
		return r.opt.MaxAudioBytes
	}
	return MaxAudioBytes
}

// UnitPrice is the price of a transcription endpoint per minute of audio
// (kind transcription) or of an image endpoint per image (kind image): the
// plan's price_per_minute or price_per_image, else the catalog's through
// unitPrices when its unit matches. known is false when neither has one.
func UnitPrice(ep advisor.Endpoint, kind string, unitPrices func(string) (string, float64, bool)) (price float64, known bool) {
	want := ""
	switch kind {
	case advisor.CaseKindTranscription:
		if ep.PricePerMinute != nil {
			return *ep.PricePerMinute, true
		}
		want = advisor.PriceMinute
	case advisor.CaseKindImage:
		if ep.PricePerImage != nil {
			return *ep.PricePerImage, true
		}
		want = advisor.PriceImage
	default:
		return 0, false
	}
	if ep.CatalogID != "" && unitPrices != nil {
		if unit, p, ok := unitPrices(ep.CatalogID); ok && unit == want {
			return p, true
		}
	}
	return 0, false
}

// PriceKnown reports whether the cost of an endpoint's results of a kind
// can be counted: token prices for chat and embedding, the unit price for
// transcription and image (or, for image, token prices, which gpt-image
// models use).
func PriceKnown(ep advisor.Endpoint, kind string, prices func(string) (float64, float64, bool), unitPrices func(string) (string, float64, bool)) bool {
	switch kind {
	case advisor.CaseKindTranscription:
		_, ok := UnitPrice(ep, kind, unitPrices)
		return ok
	case advisor.CaseKindImage:
		if _, ok := UnitPrice(ep, kind, unitPrices); ok {
			return true
		}
	}
	_, _, ok := Pricing(ep, prices)
	return ok
}
