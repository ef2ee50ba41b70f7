package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/llm-advisor/llm-advisor/app"
)

// TestPackage builds the Linux package with `make package` (Fyne's packaging
// tool) and checks what a user's double-click depends on: the binary, a
// desktop entry whose Exec and Icon point at it, and the icon file.
func TestPackage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the release package")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the Linux package is built on Linux")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "llm-advisor")
	dist := filepath.Join(dir, "dist")
	// The binary appBinary built for the other tests: go build sees it is
	// up to date (its build ID) and does not link it again.
	if b, err := os.ReadFile(appBinary(t)); err != nil || os.WriteFile(bin, b, 0o755) != nil {
		t.Fatalf("copy the built binary: %v", err)
	}
	cmd := exec.Command("make", "-s", "package", "BIN="+bin, "DIST="+dist)
	// xz's fastest level (10 s instead of 52 s for the 54 MB binary on this
	// 2-core machine): the test checks what is in the package, not how small.
	cmd.Env = append(os.Environ(), "XZ_OPT=-0 -T0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make package: %v\n%s", err, out)
	}
	matches, _ := filepath.Glob(filepath.Join(dist, "llm-advisor-linux-*.tar.xz"))
	if len(matches) != 1 {
		t.Fatalf("want one package in %s, got %v", dist, matches)
	}
	root := filepath.Join(dir, "unpacked")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("tar", "-xJf", matches[0], "-C", root).CombinedOutput(); err != nil {
		t.Fatalf("unpack: %v\n%s", err, out)
	}
	base := filepath.Join(root, "llm-advisor", "usr", "local")

	exe := filepath.Join(base, "bin", "llm-advisor")
	st, err := os.Stat(exe)
	if err != nil {
		t.Fatalf("package has no binary: %v", err)
	}
	if st.Mode()&0o111 == 0 {
		t.Errorf("binary %s is not executable", exe)
	}
	// The packaged binary is the real program: its command line answers.
	out, err := exec.Command(exe, "help").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "recommend") {
		t.Errorf("packaged binary does not run its CLI: %v\n%s", err, out)
	}

	desktop, err := os.ReadFile(filepath.Join(base, "share", "applications", app.ID+".desktop"))
	if err != nil {
		t.Fatalf("package has no desktop entry: %v", err)
	}
	entry := parseDesktop(string(desktop))
	for key, want := range map[string]string{"Type": "Application", "Name": "LLM Advisor", "Exec": "llm-advisor", "Icon": app.ID} {
		if entry[key] != want {
			t.Errorf("desktop entry %s = %q, want %q", key, entry[key], want)
		}
	}
	if entry["Comment"] == "" || entry["Categories"] == "" {
		t.Errorf("desktop entry lacks Comment or Categories: %q", desktop)
	}

	icon, err := os.ReadFile(filepath.Join(base, "share", "pixmaps", entry["Icon"]+".png"))
	if err != nil {
		t.Fatalf("package has no icon named by the desktop entry: %v", err)
	}
	if len(icon) < 8 || string(icon[1:4]) != "PNG" {
		t.Error("icon is not a PNG file")
	}
}

func parseDesktop(s string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}
