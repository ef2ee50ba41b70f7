// Package cli is the headless front end of LLM Advisor: the subcommands of
// shared/contract/answers.md, using the same engine, database and reports as
// the GUI. Exit status 0 on success, 1 when the work failed, 2 for bad usage
// or bad input, with the reason on stderr.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
	"github.com/llm-advisor/llm-advisor/data"
	"github.com/llm-advisor/llm-advisor/internal/redact"
	"github.com/llm-advisor/llm-advisor/workspace"
)

// Exit codes of the contract.
const (
	ExitOK    = 0
	ExitFail  = 1
	ExitUsage = 2
)

// usageError marks bad usage or bad input (exit 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// Env is what a subcommand gets: its arguments and the standard streams.
type Env struct {
	Args   []string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// red hides API keys in what the command prints; a live test teaches
	// it every key of the run.
	red *redact.Redactor
}

type command struct {
	name, usage string
	run         func(Env) error
}

func commands() []command {
	return []command{
		{"recommend", "recommend --answers FILE [--json]          print the recommendation", runRecommend},
		{"catalog", "catalog [--task T] [--license L] [--open] [--name TEXT] [--json] | --refresh [--from FILE|URL] | --check", runCatalog},
		{"test", testUsage + "   run a live test", runTest},
		{"report", "report --run ID|--decision ID --format pdf|html|md|csv|json|jsonl --out FILE [--db FILE]", runReport},
		{"compare", compareUsage + "   the verdict of a run: which candidate to pick and why", runCompare},
		{"verdict", verdictUsage + "   accept or reject a generated image", runVerdict},
		{"rate", rateUsage + "\n                                              a person's score of an answer, or a CSV of them", runRate},
		{"connect", connectUsage + "   connect a provider (checks the key with real calls)", runConnect},
		{"import", importUsage + "\n                                              a promptfoo config, or a CSV/TSV/XLSX cases file, as a plan", runImport},
		{"load", loadUsage + "\n                                              can an endpoint carry your traffic? (capacity sweep)", runLoad},
	}
}

// Run runs one subcommand and returns the process exit status.
func Run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "version") {
		fmt.Fprintln(stdout, VersionString())
		return ExitOK
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(stdout)
		return ExitOK
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		red := redact.FromEnv()
		err := c.run(Env{Args: args[1:], Stdin: stdin, Stdout: stdout, Stderr: stderr, red: red})
		if err == nil {
			return ExitOK
		}
		fmt.Fprintf(stderr, "llm-advisor %s: %s\n", c.name, termSafe(red.Clean(err.Error())))
		var ue *usageError
		if errors.As(err, &ue) {
			return ExitUsage
		}
		return ExitFail
	}
	fmt.Fprintf(stderr, "llm-advisor: unknown command %q\n", args[0])
	printUsage(stderr)
	return ExitUsage
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage:")
	fmt.Fprintln(w, "  llm-advisor                 open the desktop app")
	for _, c := range commands() {
		fmt.Fprintln(w, "  llm-advisor "+c.usage)
	}
}

// openExisting opens the database of a command that only reads (--db, else
// the default path); a missing one is bad usage and is never created.
func openExisting(ctx context.Context, dbPath string) (*data.Store, string, error) {
	path := dbPath
	if path == "" {
		p, err := data.DefaultPath()
		if err != nil {
			return nil, "", err
		}
		path = p
	}
	store, err := data.OpenExisting(ctx, path)
	if errors.Is(err, data.ErrNoDatabase) {
		return nil, path, usagef("no database at %s (set --db or %s)", path, data.EnvDB)
	}
	return store, path, err
}

// termSafe shows control characters (ANSI escapes in an endpoint, model or
// file name, a server's message) as \x.. instead of letting them drive the
// terminal.
func termSafe(s string) string {
	clean := true
	for _, r := range s {
		if unsafeRune(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unsafeRune(r) {
			fmt.Fprintf(&b, "\\x%02x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func unsafeRune(r rune) bool {
	return r < 0x20 && r != '\n' && r != '\t' || r == 0x7f || r >= 0x80 && r <= 0x9f
}

// Version is the release, set at build time with
// -ldflags "-X github.com/llm-advisor/llm-advisor/cli.Version=1.2.3".
var Version = "dev"

// VersionString is what --version prints for a bug report: the release,
// the module version and commit Go recorded, the Go version and the system.
func VersionString() string {
	s := "llm-advisor " + Version
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			s += " (" + bi.Main.Version + ")"
		}
		for _, kv := range bi.Settings {
			if kv.Key == "vcs.revision" && len(kv.Value) >= 12 {
				s += " commit " + kv.Value[:12]
			}
		}
	}
	return s + ", " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH
}

// Lang is the user's language for readable output: "pt-BR" when the locale
// says Portuguese, "en" otherwise. LLM_ADVISOR_LANG overrides the locale.
func Lang() string {
	for _, k := range []string{"LLM_ADVISOR_LANG", "LC_ALL", "LC_MESSAGES", "LANG"} {
		v := os.Getenv(k)
		if v == "" {
			continue
		}
		if strings.HasPrefix(strings.ToLower(v), "pt") {
			return "pt-BR"
		}
		return "en"
	}
	return "en"
}

// catalogPrices are the catalog's prices for commands that open no
// workspace (compare, --dry-run), the catalog loaded once per process; when
// it cannot be loaded, costs are unknown and said so.
var catalogPrices = sync.OnceValue(func() workspace.Prices {
	eng, err := advisor.NewEngine()
	if err != nil {
		return workspace.PricesOf(nil)
	}
	livetest.SetCatalogProviders(livetest.ProvidersFromCatalog(eng.Providers()))
	return workspace.PricesOf(eng)
})
