package livetest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// onePagePDF builds a valid one-page PDF whose page shows lines (ASCII),
// with a correct cross-reference table, so pdftotext reads it back.
func onePagePDF(lines ...string) []byte {
	var content strings.Builder
	content.WriteString("BT /F1 12 Tf 72 720 Td 14 TL\n")
	for _, l := range lines {
		fmt.Fprintf(&content, "(%s) Tj T*\n", strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(l))
	}
	content.WriteString("ET")
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len()+1, content.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

func needPDFTool(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing on CI: `make deps` installs poppler-utils")
		}
		t.Skip("pdftotext not installed (make deps)")
	}
}

func TestScanFolderReadsPDFs(t *testing.T) {
	needPDFTool(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "policy.pdf"), onePagePDF("Refunds are paid within 5 working days.", "Returns are free for 30 days."), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.md"), []byte("Shipping takes 2 to 4 days."), 0o644)
	os.WriteFile(filepath.Join(dir, "broken.pdf"), []byte("%PDF-1.4 this is not really a PDF"), 0o644)
	os.WriteFile(filepath.Join(dir, "scan.pdf"), onePagePDF(), 0o644) // no text layer
	chunks, skipped, err := ScanFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	bySource := map[string]string{}
	for _, c := range chunks {
		bySource[c.Source] += c.Text
	}
	if !strings.Contains(bySource["policy.pdf"], "Refunds are paid within 5 working days.") || !strings.Contains(bySource["policy.pdf"], "30 days") {
		t.Errorf("PDF text not read: %q", bySource["policy.pdf"])
	}
	if bySource["notes.md"] == "" {
		t.Error("the Markdown file was lost")
	}
	if len(skipped) != 2 || !strings.HasPrefix(skipped[0], "broken.pdf (") || !strings.Contains(skipped[1], "scan.pdf (the PDF has no text layer") {
		t.Errorf("skipped = %q", skipped)
	}
}

func TestScanFolderWithoutPDFTool(t *testing.T) {
	none := ""
	PDFToTextPath = &none
	t.Cleanup(func() { PDFToTextPath = nil })
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "policy.pdf"), onePagePDF("Refunds are paid within 5 working days."), 0o644)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("Shipping takes 2 to 4 days."), 0o644)
	chunks, skipped, err := ScanFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 1 || chunks[0].Source != "notes.txt" {
		t.Errorf("chunks = %+v", chunks)
	}
	if len(skipped) != 1 || !strings.Contains(skipped[0], "install poppler-utils") {
		t.Errorf("skipped = %q: the user is not told how to read PDFs", skipped)
	}
}
