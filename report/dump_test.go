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
