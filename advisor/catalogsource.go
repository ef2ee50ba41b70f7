package advisor

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/llm-advisor/llm-advisor/assets"
	"github.com/llm-advisor/llm-advisor/internal/safefile"
)

// EnvDB names the variable that moves the database (and with it the data
// folder); data.EnvDB is the same name.
const EnvDB = "LLM_ADVISOR_DB"

// DataDir is the app's data folder: the folder of $LLM_ADVISOR_DB when set,
// otherwise an llm-advisor folder of the user's data folder ($XDG_DATA_HOME
// or ~/.local/share on Linux and other Unix systems, ~/Library/Application
// Support on macOS, %AppData% on Windows). The database and the last good
// copy of the models.dev catalog live there.
func DataDir() (string, error) {
	if p := os.Getenv(EnvDB); p != "" {
		return filepath.Dir(p), nil
	}
	var base string
	switch runtime.GOOS {
	case "windows", "darwin", "ios", "plan9":
		dir, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("find the user data folder: %w", err)
		}
		base = dir
	default:
		if x := os.Getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
			base = x
		} else {
			home, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("find the user data folder: %w", err)
			}
			base = filepath.Join(home, ".local", "share")
		}
	}
	return filepath.Join(base, "llm-advisor"), nil
}

// Files of the last good models.dev catalog in the data folder.
const (
	ModelsDevFile = "models.dev-api.json"
	modelsDevMeta = "models.dev-api.meta.json"
)

// MaxModelsDevBytes bounds a models.dev file read from disk or the network
// (the live file is a few MB).
const MaxModelsDevBytes = 64 << 20

// CatalogInfo says where the models.dev part of the catalog comes from and
// how old its facts are.
type CatalogInfo struct {
	AsOf      string `json:"as_of"`  // YYYY-MM-DD
	Source    string `json:"source"` // "bundled", a URL or a file
	FetchedAt string `json:"fetched_at,omitempty"`
	Providers int    `json:"providers"`
	Models    int    `json:"models"` // models.dev models read
	Catalog   int    `json:"catalog"`
	Stale     bool   `json:"stale"` // older than StaleAfterMonths on the engine's today
}

// StaleAfterMonths is when prices are flagged as possibly out of date.
const StaleAfterMonths = 6

// StaleOn reports whether prices as of asOf may be out of date on today
// (both YYYY-MM-DD): more than StaleAfterMonths months apart.
func StaleOn(asOf, today string) bool {
	a, err1 := time.Parse("2006-01-02", asOf)
	t, err2 := time.Parse("2006-01-02", today)
	if err1 != nil || err2 != nil {
		return false
	}
	return a.AddDate(0, StaleAfterMonths, 0).Before(t)
}

type modelsDevMetaFile struct {
	AsOf      string `json:"as_of"`
	Source    string `json:"source"`
	FetchedAt string `json:"fetched_at"`
}

var reDate = regexp.MustCompile(`(\d{4}-\d{2}-\d{2})`)

// DateInName is the YYYY-MM-DD date in a file name such as api-2026-07-02.json, or "".
func DateInName(name string) string {
	if m := reDate.FindStringSubmatch(path.Base(filepath.ToSlash(name))); m != nil && validDate(m[1]) {
		return m[1]
	}
	return ""
}

// bundledModelsDev reads the newest api-YYYY-MM-DD.json of the built-in catalog folder.
// bundled keeps the parse of the embedded models.dev copy: it never changes
// while the program runs, so every engine starts from the one parse (each
// with its own copy of the model list; the models' lists are never changed
// in place).
var bundled struct {
	once   sync.Once
	md     *ModelsDev
	models []Model
	err    error
}

// bundledCatalog is the bundled models.dev catalog of fsys and its models;
// the embedded one (assets.Catalog) is read once per process.
func bundledCatalog(fsys fs.FS, dir string) (*ModelsDev, []Model, error) {
	if fsys != fs.FS(assets.Catalog) || dir != "catalog" {
		md, err := bundledModelsDev(fsys, dir)
		if err != nil || md == nil {
			return md, nil, err
		}
		return md, md.toModels(), nil
	}
	bundled.once.Do(func() {
		bundled.md, bundled.err = bundledModelsDev(fsys, dir)
		if bundled.md != nil {
			bundled.models = bundled.md.toModels()
		}
	})
	return bundled.md, slices.Clone(bundled.models), bundled.err
}

func bundledModelsDev(fsys fs.FS, dir string) (*ModelsDev, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "modelsdev", "api-*.json"))
	if err != nil || len(names) == 0 {
		return nil, err
	}
	sort.Strings(names)
	name := names[len(names)-1]
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	d, err := ParseModelsDev(b, DateInName(name), "bundled")
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return d, nil
}

// LoadModelsDevCopy reads the last good models.dev catalog kept in dir; a
// missing copy is (nil, nil).
func LoadModelsDevCopy(dir string) (*ModelsDev, error) {
	p := filepath.Join(dir, ModelsDevFile)
	f, err := safefile.Open(p)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxModelsDevBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxModelsDevBytes {
		return nil, &ModelsDevError{Reason: fmt.Sprintf("%s is larger than %d MB", p, MaxModelsDevBytes>>20)}
	}
	var meta modelsDevMetaFile
	if mb, err := os.ReadFile(filepath.Join(dir, modelsDevMeta)); err == nil {
		_ = json.Unmarshal(mb, &meta)
	}
	if meta.AsOf == "" {
		if st, err := f.Stat(); err == nil {
			meta.AsOf = st.ModTime().UTC().Format("2006-01-02")
		}
	}
	if meta.Source == "" {
		meta.Source = p
	}
	d, err := ParseModelsDev(b, meta.AsOf, meta.Source)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	d.FetchedAt = meta.FetchedAt
	return d, nil
}

// SaveModelsDevCopy keeps b (already checked by ParseModelsDev into d) as
// the last good catalog in dir. The file is written beside and renamed over
// the old one, so a failed write never leaves a half file.
func SaveModelsDevCopy(dir string, b []byte, d *ModelsDev) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	write := func(name string, data []byte) error {
		tmp, err := os.CreateTemp(dir, name+".*.tmp")
		if err != nil {
			return err
		}
		if _, err := tmp.Write(data); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return err
		}
		if err := tmp.Close(); err != nil {
			os.Remove(tmp.Name())
			return err
		}
		return os.Rename(tmp.Name(), filepath.Join(dir, name))
	}
	meta, _ := json.MarshalIndent(modelsDevMetaFile{AsOf: d.AsOf, Source: d.Source, FetchedAt: d.FetchedAt}, "", "  ")
	if err := write(ModelsDevFile, b); err != nil {
		return fmt.Errorf("keep the catalog in %s: %w", dir, err)
	}
	if err := write(modelsDevMeta, meta); err != nil {
		return fmt.Errorf("keep the catalog in %s: %w", dir, err)
	}
	return nil
}
