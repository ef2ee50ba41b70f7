package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// TestNoRaceTestsAreInMakeTest: the tests built only without the race
// detector (test files starting //go:build !race) are, package by package,
// exactly the ones make test runs without it: the Makefile's exported
// NORACE_<PACKAGE> list, named in the -run of scripts/test.sh's go test
// without -race, with the package among its arguments. So none is lost from
// make test and none is listed that does not exist.
func TestNoRaceTestsAreInMakeTest(t *testing.T) {
	mk, err := os.ReadFile("Makefile")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string][]string{} // NORACE_<NAME> → its tests
	for _, m := range regexp.MustCompile(`(?m)^export NORACE_(\w+) := \^\(([\w|]+)\)\$\$$`).FindAllSubmatch(mk, -1) {
		names := strings.Split(string(m[2]), "|")
		sort.Strings(names)
		listed[string(m[1])] = names
	}
	if !regexp.MustCompile(`(?m)^test:[^\n]*\n(?:\t[^\n]*\n)*?\tbash scripts/test\.sh\n`).Match(mk) {
		t.Fatal("make test does not run scripts/test.sh")
	}
	script, err := os.ReadFile(filepath.Join("scripts", "test.sh"))
	if err != nil {
		t.Fatal(err)
	}
	step := regexp.MustCompile(`(?m)^start "norace" go test -count=1 [^\n]*-run "([^"\n]*)"((?: \./[\w/]+)+)\n`).FindSubmatch(script)
	if step == nil {
		t.Fatal(`scripts/test.sh has no go test -count=1 … -run "…" ./pkg … without -race`)
	}
	run, pkgs := string(step[1]), strings.Fields(string(step[2]))

	built := map[string][]string{} // package dir → its !race tests
	testFunc := regexp.MustCompile(`(?m)^func (Test\w+)\(t \*testing\.T\)`)
	err = filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".")) && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasPrefix(string(b), "//go:build !race\n") {
			dir := filepath.Dir(path)
			for _, m := range testFunc.FindAllSubmatch(b, -1) {
				built[dir] = append(built[dir], string(m[1]))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(built) == 0 {
		t.Fatal("no test file is built only without the race detector")
	}
	for dir, tests := range built {
		sort.Strings(tests)
		name := strings.ToUpper(strings.ReplaceAll(dir, "/", "_"))
		if strings.Join(listed[name], " ") != strings.Join(tests, " ") {
			t.Errorf("%s: tests built only without -race %v; the Makefile's NORACE_%s lists %v", dir, tests, name, listed[name])
		}
		if !strings.Contains(run, "$NORACE_"+name) || !contains(pkgs, "./"+dir) {
			t.Errorf("%s: scripts/test.sh's go test without -race (-run \"%s\" %s) does not run $NORACE_%s in ./%s", dir, run, strings.Join(pkgs, " "), name, dir)
		}
	}
	for name := range listed {
		dir := strings.ToLower(strings.ReplaceAll(name, "_", "/"))
		if _, ok := built[dir]; !ok {
			t.Errorf("the Makefile lists NORACE_%s, but %s has no test built only without -race", name, dir)
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
