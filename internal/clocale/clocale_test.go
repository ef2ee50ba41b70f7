package clocale

import (
	"os"
	"testing"
)

func TestNormalize(t *testing.T) {
	cases := []struct {
		name              string
		all, msgs, lang   string
		wantAll, wantLang string
	}{
		{"C.UTF-8 in LANG", "", "", "C.UTF-8", "", "C"},
		{"POSIX with charset", "", "", "POSIX.utf8", "", "C"},
		{"a real language is kept", "", "", "pt_BR.UTF-8", "", "pt_BR.UTF-8"},
		{"plain C is kept", "", "", "C", "", "C"},
		{"LC_ALL decides", "C.UTF-8", "", "pt_BR.UTF-8", "C", "pt_BR.UTF-8"},
		{"LC_ALL real, LANG untouched", "en_GB.UTF-8", "", "C.UTF-8", "en_GB.UTF-8", "C.UTF-8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := func(k, v string) {
				if v == "" {
					t.Setenv(k, "x") // registers the restore
					os.Unsetenv(k)
				} else {
					t.Setenv(k, v)
				}
			}
			set("LC_ALL", c.all)
			set("LC_MESSAGES", c.msgs)
			set("LANG", c.lang)
			Normalize()
			if got := os.Getenv("LC_ALL"); got != c.wantAll {
				t.Errorf("LC_ALL = %q, want %q", got, c.wantAll)
			}
			if got := os.Getenv("LANG"); got != c.wantLang {
				t.Errorf("LANG = %q, want %q", got, c.wantLang)
			}
		})
	}
}
