// Package clocale reads the C locale with a charset ("C.UTF-8", the default
// of containers and CI machines) as the plain C locale before Fyne's lang
// package looks at it. Both mean untranslated English, but Fyne cannot parse
// "C.UTF-8" as a language and logs an error on every start, which would
// clutter the command line's stderr.
//
// main imports it for its side effect. Go initialises packages in import-path
// order as soon as their own imports are initialised, so this package, which
// needs only os and strings, runs before fyne.io/fyne/v2/lang, which waits for
// golang.org/x/text/language (a later path than this one).
package clocale

import (
	"os"
	"strings"
)

func init() { Normalize() }

// Normalize rewrites the locale variable that decides the language
// (LC_ALL, else LC_MESSAGES, else LANG) from "C.<charset>" or
// "POSIX.<charset>" to "C". Every other value is left as it is.
func Normalize() {
	for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if strings.HasPrefix(v, "C.") || strings.HasPrefix(v, "POSIX.") {
			os.Setenv(k, "C")
		}
		return
	}
}
