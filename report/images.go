package report

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/gif" // decoders of the formats an image server may send
	"image/jpeg"
	_ "image/png"
	"runtime"
	"sync"

	"golang.org/x/image/draw"

	"github.com/llm-advisor/llm-advisor/internal/safefile"
	_ "golang.org/x/image/webp"
)

// Largest side, in pixels, of a gallery image: the HTML page shows images up
// to this size as they are, larger ones scaled down; the PDF's thumbnails
// are smaller still.
const (
	htmlImageSide = 768
	pdfImageSide  = 480
	maxImageBytes = 50 << 20 // larger than any generated image; a guard against reading a wrong file
)

// loadedImage is an image ready to embed: its bytes, MIME type and size.
type loadedImage struct {
	Data []byte
	MIME string
	W, H int
}

// readImage reads a generated image: a regular file of at most
// maxImageBytes (a device or a named pipe in its place is refused, not read).
func readImage(path string) ([]byte, error) {
	return safefile.Read(path, maxImageBytes)
}

// loadImage reads a generated image for embedding. keepOriginal keeps the
// file's own bytes when it is no larger than maxSide and its format is one
// of those (browsers show PNG, JPEG, GIF and WebP); otherwise the image is
// scaled to fit maxSide, laid on white and encoded as JPEG, which every
// viewer (and fpdf) reads whatever the source's bit depth or interlacing.
func loadImage(path string, maxSide int, keepOriginal bool) (loadedImage, error) {
	b, err := readImage(path)
	if err != nil {
		return loadedImage{}, err
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		return loadedImage{}, fmt.Errorf("%s: %w", path, err)
	}
	if keepOriginal && max(cfg.Width, cfg.Height) <= maxSide {
		return loadedImage{Data: b, MIME: "image/" + format, W: cfg.Width, H: cfg.Height}, nil
	}
	src, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		return loadedImage{}, fmt.Errorf("%s: %w", path, err)
	}
	sb := src.Bounds()
	w, h := sb.Dx(), sb.Dy()
	if w <= 0 || h <= 0 {
		return loadedImage{}, fmt.Errorf("%s: empty image", path)
	}
	if s := max(w, h); s > maxSide {
		w, h = max(1, w*maxSide/s), max(1, h*maxSide/s)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	// BiLinear widens its kernel when shrinking, so it averages every
	// source pixel like CatmullRom does, at about half the cost.
	draw.BiLinear.Scale(dst, dst.Bounds(), src, sb, draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 85}); err != nil {
		return loadedImage{}, fmt.Errorf("%s: %w", path, err)
	}
	return loadedImage{Data: out.Bytes(), MIME: "image/jpeg", W: w, H: h}, nil
}

// loadGallery loads the items' images on every core, in the items' order;
// a missing or unreadable image has a nil entry.
func loadGallery(items []galleryItem, maxSide int, keepOriginal bool) []*loadedImage {
	out := make([]*loadedImage, len(items))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, g := range items {
		if g.Missing {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if im, err := loadImage(g.File, maxSide, keepOriginal); err == nil {
				out[i] = &im
			}
		}()
	}
	wg.Wait()
	return out
}
