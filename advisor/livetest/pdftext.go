package livetest

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/llm-advisor/llm-advisor/internal/safefile"
)

// PDF documents are read with poppler's pdftotext when it is installed
// (Debian: poppler-utils, which `make deps` installs; macOS: brew install
// poppler). No maintained pure-Go library extracts PDF text well, so without
// the tool PDFs are skipped and the run says so.

// pdfTimeout bounds one PDF's extraction: a huge or hostile file must not
// hold up the run.
const pdfTimeout = 60 * time.Second

var (
	pdfToolOnce sync.Once
	pdfToolPath string
)

// pdfTool is the path of pdftotext, or "" when it is not installed.
// PDFToTextPath overrides the lookup (tests).
func pdfTool() string {
	if PDFToTextPath != nil {
		return *PDFToTextPath
	}
	pdfToolOnce.Do(func() { pdfToolPath, _ = exec.LookPath("pdftotext") })
	return pdfToolPath
}

// PDFToTextPath, when set, replaces the PATH lookup of pdftotext ("" turns
// PDF reading off).
var PDFToTextPath *string

// pdfText extracts the text of a PDF file (UTF-8, reading order).
func pdfText(parent context.Context, path string) (string, error) {
	tool := pdfTool()
	if tool == "" {
		return "", fmt.Errorf("pdftotext is not installed")
	}
	ctx, cancel := context.WithTimeout(parent, pdfTimeout)
	defer cancel()
	// The text is kept up to the size of a text document; the tool's
	// error output up to a line's worth.
	out := &cappedBuf{max: MaxDocumentBytes}
	errOut := &cappedBuf{max: 4 << 10}
	cmd := exec.CommandContext(ctx, tool, "-q", "-enc", "UTF-8", "--", path, "-")
	cmd.Stdout, cmd.Stderr = out, errOut
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(errOut.String())
		if ctx.Err() != nil {
			msg = "took longer than " + pdfTimeout.String()
		}
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("read PDF text: %s", msg)
	}
	if out.over {
		return "", fmt.Errorf("its text is larger than %s", safefile.Size(MaxDocumentBytes))
	}
	text := strings.TrimSpace(out.String())
	if text == "" {
		return "", fmt.Errorf("the PDF has no text layer (a scan?)")
	}
	return text, nil
}

// cappedBuf keeps the first max bytes written to it and notes that more came;
// writing never fails, so the command runs to its end or its timeout.
type cappedBuf struct {
	bytes.Buffer
	max  int
	over bool
}

func (c *cappedBuf) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); room < len(p) {
		c.over = true
		if room > 0 {
			c.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return c.Buffer.Write(p)
}
