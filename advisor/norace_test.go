package advisor

import (
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestNoRaceTestsAreInMakeTest: the tests of advisor/ built only without the
// race detector (//go:build !race) are exactly the ones make test runs in
// its step without it (NORACE_ADVISOR in the Makefile), so none is lost from
// make test and none is listed that does not exist.
func TestNoRaceTestsAreInMakeTest(t *testing.T) {
	mk, err := os.ReadFile(filepath.Join("..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^NORACE_ADVISOR := \^\(([\w|]+)\)\$\$$`).FindSubmatch(mk)
	if m == nil {
		t.Fatal("the Makefile has no line NORACE_ADVISOR := ^(TestA|TestB)$$")
	}
	listed := strings.Split(string(m[1]), "|")
	sort.Strings(listed)
	// One go test without -race whose -run has the list, over this package
	// (with others, maybe).
	if !regexp.MustCompile(`(?m)^test:[^\n]*\n(\t[^\n]*\n)*\tgo test -count=1 [^\n]*-run '[^'\n]*\$\(NORACE_ADVISOR\)[^'\n]*'( \./\w+)* \./advisor( \./\w+)*\n`).Match(mk) {
		t.Error("make test does not run go test -run '$(NORACE_ADVISOR)' ./advisor without -race")
	}

	files, _ := filepath.Glob("*_test.go")
	testFunc := regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`)
	var built []string
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(string(b), "//go:build !race\n") {
			continue
		}
		for _, m := range testFunc.FindAllSubmatch(b, -1) {
			built = append(built, string(m[1]))
		}
	}
	sort.Strings(built)
	if len(built) == 0 {
		t.Fatal("no test file is built only without the race detector")
	}
	if strings.Join(built, " ") != strings.Join(listed, " ") {
		t.Errorf("tests built only without -race: %v; make test runs without -race: %v", built, listed)
	}
}
