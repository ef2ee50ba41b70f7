package report

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDumpCharts(t *testing.T) {
	dir := os.Getenv("REPORT_DUMP")
	if dir == "" {
		t.Skip("set REPORT_DUMP to a folder to write the charts there")
	}
	for _, lang := range []string{"en", "pt-BR"} {
		cs, err := Charts(fixture(lang, 20), ChartOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			os.WriteFile(filepath.Join(dir, lang+"-"+c.Name+".png"), c.PNG, 0o644)
			os.WriteFile(filepath.Join(dir, lang+"-"+c.Name+".svg"), c.SVG, 0o644)
		}
	}
}

func TestDumpReports(t *testing.T) {
	dir := os.Getenv("REPORT_DUMP")
	if dir == "" {
		t.Skip("set REPORT_DUMP to a folder to write the reports there")
	}
	for _, lang := range []string{"en", "pt-BR"} {
		in := fixture(lang, 20)
		f, _ := os.Create(filepath.Join(dir, lang+".pdf"))
		if err := WritePDF(f, in); err != nil {
			t.Fatal(err)
		}
		f.Close()
		h, _ := os.Create(filepath.Join(dir, lang+".html"))
		if err := WriteHTML(h, in); err != nil {
			t.Fatal(err)
		}
		h.Close()
		if _, err := WriteMarkdown(dir, lang, in); err != nil {
			t.Fatal(err)
		}
	}
}
