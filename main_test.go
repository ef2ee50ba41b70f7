package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/bits"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestGUISmoke builds the real binary, starts it under its own Xvfb, waits for
// its window to paint, takes a screenshot and checks it is not blank. CI has no
// display, so the test brings its own; `make deps` installs Xvfb and xwd.
func TestGUISmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a real window")
	}
	for _, tool := range []string{"Xvfb", "xwd"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is missing on CI: `make deps` should have installed it", tool)
			}
			t.Skipf("%s not installed (run `make deps`)", tool)
		}
	}
	dir := t.TempDir()
	bin := appBinary(t)

	display := startXvfb(t)
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin)
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	cmd.Env = append(os.Environ(),
		"DISPLAY="+display,
		"HOME="+home,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_DATA_HOME="+filepath.Join(home, ".local", "share"),
		"LLM_ADVISOR_DB="+filepath.Join(dir, "advisor.db"),
	)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _, _ = cmd.Process.Wait() })

	var shot *screenshot
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		time.Sleep(250 * time.Millisecond)
		s, err := grab(display)
		if err != nil {
			continue
		}
		if s.painted() {
			shot = s
			break
		}
	}
	if shot == nil {
		t.Fatalf("no painted window within 90 s; app output:\n%s", logs.String())
	}
	t.Logf("first painted frame after %v (cold start under Xvfb, build excluded)", time.Since(start).Round(time.Millisecond))
	// Let the first screen finish loading, then check again and keep the picture.
	time.Sleep(time.Second)
	if s, err := grab(display); err == nil {
		shot = s
	}
	if !shot.painted() {
		t.Fatal("window went blank")
	}
	out := os.Getenv("SMOKE_SCREENSHOT")
	if out == "" {
		out = filepath.Join(dir, "smoke.png")
	}
	if err := shot.savePNG(out); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d colours)", out, shot.colours())
	if err := cmd.Process.Signal(syscall.Signal(0)); err != nil {
		t.Fatalf("app is no longer running after painting its window: %v\n%s", err, logs.String())
	}
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// appBinary builds the binary as `make build` ships it (tags from the
// Makefile), once for every test of the package.
func appBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "llm-advisor-bin")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "llm-advisor")
		if runtime.GOOS == "windows" {
			binPath += ".exe"
		}
		out, err := exec.Command("go", "build", "-tags", "sqlite_fts5,migrated_fynedo,no_emoji", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binPath != "" {
		os.RemoveAll(filepath.Dir(binPath))
	}
	os.Exit(code)
}

// TestCLIQuietInCLocale: in the C.UTF-8 locale of containers and CI, a
// command prints its answer and nothing on stderr (Fyne used to log that it
// cannot parse the locale).
func TestCLIQuietInCLocale(t *testing.T) {
	bin := appBinary(t)
	for _, loc := range []string{"C.UTF-8", "C", "POSIX", "en_US.UTF-8", "pt_BR.UTF-8"} {
		cmd := exec.Command(bin, "catalog", "--type", "speech-to-text")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		cmd.Env = append(os.Environ(), "LANG="+loc, "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=", "XDG_CONFIG_HOME="+t.TempDir())
		if err := cmd.Run(); err != nil {
			t.Fatalf("LANG=%s: %v\n%s", loc, err, stderr.String())
		}
		if stderr.Len() > 0 {
			t.Errorf("LANG=%s: stderr not empty:\n%s", loc, stderr.String())
		}
		if !strings.Contains(stdout.String(), "whisper") {
			t.Errorf("LANG=%s: no speech-to-text model listed:\n%s", loc, stdout.String())
		}
	}
}

// startXvfb starts Xvfb on the first free display from :90 and returns it.
func startXvfb(t *testing.T) string {
	t.Helper()
	for n := 90; n < 110; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		display := fmt.Sprintf(":%d", n)
		x := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
		if err := x.Start(); err != nil {
			t.Fatalf("start Xvfb: %v", err)
		}
		t.Cleanup(func() { _ = x.Process.Kill(); _, _ = x.Process.Wait() })
		for i := 0; i < 100; i++ {
			if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
				return display
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("Xvfb %s did not come up", display)
	}
	t.Fatal("no free X display")
	return ""
}

// screenshot is the root window as xwd dumps it (ZPixmap, 24/32-bit TrueColor).
type screenshot struct {
	w, h                int
	bpp, stride         int
	lsb                 bool
	rmask, gmask, bmask uint32
	pix                 []byte
}

func grab(display string) (*screenshot, error) {
	out, err := exec.Command("xwd", "-root", "-silent", "-display", display).Output()
	if err != nil {
		return nil, err
	}
	return parseXWD(out)
}

func parseXWD(b []byte) (*screenshot, error) {
	if len(b) < 100 {
		return nil, fmt.Errorf("xwd: short header")
	}
	u := func(off int) uint32 { return binary.BigEndian.Uint32(b[off:]) }
	s := &screenshot{
		w: int(u(16)), h: int(u(20)), lsb: u(28) == 0,
		bpp: int(u(44)), stride: int(u(48)),
		rmask: u(56), gmask: u(60), bmask: u(64),
	}
	if s.bpp != 32 && s.bpp != 24 {
		return nil, fmt.Errorf("xwd: %d bits per pixel not handled", s.bpp)
	}
	start := int(u(0)) + int(u(76))*12
	if start+s.stride*s.h > len(b) {
		return nil, fmt.Errorf("xwd: truncated image")
	}
	s.pix = b[start : start+s.stride*s.h]
	return s, nil
}

func (s *screenshot) pixel(x, y int) uint32 {
	n := s.bpp / 8
	p := s.pix[y*s.stride+x*n : y*s.stride+x*n+n]
	var v uint32
	for i := 0; i < n; i++ {
		if s.lsb {
			v |= uint32(p[i]) << (8 * i)
		} else {
			v = v<<8 | uint32(p[i])
		}
	}
	return v
}

func channel(v, mask uint32) uint8 {
	if mask == 0 {
		return 0
	}
	shift := bits.TrailingZeros32(mask)
	width := bits.OnesCount32(mask)
	c := (v & mask) >> shift
	return uint8(c << (8 - width))
}

func (s *screenshot) colours() int {
	seen := map[uint32]bool{}
	for y := 0; y < s.h; y += 2 {
		for x := 0; x < s.w; x += 2 {
			seen[s.pixel(x, y)&(s.rmask|s.gmask|s.bmask)] = true
		}
	}
	return len(seen)
}

// painted says the screen shows a drawn window: many colours (text and
// widgets are antialiased) and a good share of pixels unlike the empty root.
func (s *screenshot) painted() bool {
	bg := s.pixel(s.w-1, s.h-1) & (s.rmask | s.gmask | s.bmask)
	differ, total := 0, 0
	for y := 0; y < s.h; y += 4 {
		for x := 0; x < s.w; x += 4 {
			total++
			if s.pixel(x, y)&(s.rmask|s.gmask|s.bmask) != bg {
				differ++
			}
		}
	}
	return s.colours() >= 8 && differ*10 >= total
}

func (s *screenshot) savePNG(path string) error {
	img := image.NewRGBA(image.Rect(0, 0, s.w, s.h))
	for y := 0; y < s.h; y++ {
		for x := 0; x < s.w; x++ {
			v := s.pixel(x, y)
			img.Set(x, y, color.RGBA{channel(v, s.rmask), channel(v, s.gmask), channel(v, s.bmask), 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
