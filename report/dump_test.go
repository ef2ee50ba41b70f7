//go:build dump

// The dumps write sample charts and reports into the folder REPORT_DUMP names,
// to look at by eye; they are opt-in (not part of make test):
//
//	REPORT_DUMP=/tmp/dump go test -tags sqlite_fts5,dump -run TestDump ./report
package report

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

func TestDumpCharts(t *testing.T) {
	dir := os.Getenv("REPORT_DUMP")
	if dir == "" {
		t.Fatal("set REPORT_DUMP to a folder to write into")
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
		t.Fatal("set REPORT_DUMP to a folder to write into")
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

func TestDumpKinds(t *testing.T) {
	dir := os.Getenv("REPORT_DUMP")
	if dir == "" {
		t.Fatal("set REPORT_DUMP to a folder to write into")
	}
	root := t.TempDir()
	tinyPNG(t, filepath.Join(root, "images", "run-12", "painter-6-0.png"), 1024, 1024)
	for _, lang := range []string{"en", "pt-BR"} {
		in := kindsFixture(lang, root)
		// More images than one row, one of them wide, one rejected.
		extra := in.Results[len(in.Results)-2]
		for i := 0; i < 3; i++ {
			r := extra
			r.Repeat = i + 1
			r.Artifact = filepath.Join(root, fmt.Sprintf("wide-%d.png", i))
			r.Verdict = bptr(i != 1)
			tinyPNG(t, r.Artifact, 1536, 1024)
			in.Results = append(in.Results, r)
		}
		in.Run.Plan.Repeats = 4
		f, _ := os.Create(filepath.Join(dir, "kinds-"+lang+".pdf"))
		if err := WritePDF(f, in); err != nil {
			t.Fatal(err)
		}
		f.Close()
		h, _ := os.Create(filepath.Join(dir, "kinds-"+lang+".html"))
		if err := WriteHTML(h, in); err != nil {
			t.Fatal(err)
		}
		h.Close()
		if _, err := WriteMarkdown(dir, "kinds-"+lang, in); err != nil {
			t.Fatal(err)
		}
		cs, err := Charts(in, ChartOptions{PNG: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			os.WriteFile(filepath.Join(dir, "kinds-"+lang+"-"+c.Name+".png"), c.PNG, 0o644)
		}
	}
}
