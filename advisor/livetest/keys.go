package livetest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sync"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/zalando/go-keyring"
)

// KeyringService is the OS keyring service under which API keys are kept,
// one per endpoint name.
const KeyringService = "llm-advisor"

// keyringTimeout bounds a keyring call: without a desktop session the D-Bus
// secret service may be absent or slow to answer.
const keyringTimeout = 3 * time.Second

// MissingKeyError says where the key of an endpoint was looked for.
type MissingKeyError struct {
	Endpoint string
	Env      string
}

func (e *MissingKeyError) Error() string {
	if e.Env != "" {
		return fmt.Sprintf("no API key for endpoint %q: none in the OS keyring and the environment variable %s is empty", e.Endpoint, e.Env)
	}
	return fmt.Sprintf("no API key for endpoint %q: none in the OS keyring and the plan names no api_key_env", e.Endpoint)
}

// LookupKey finds the API key of an endpoint: one kept for this session
// (StoreKey without a keyring), the OS keyring (service "llm-advisor", user =
// the endpoint's name), the user's key file (StoreKey with remember, where no
// keyring exists) — each first under the endpoint's name, then under its
// provider's connection — then the environment variable the plan names. A keyring that is missing or locked (no secret
// service, as in CI) is not an error: the lookup just falls back. A local
// openai-compatible endpoint that names no variable needs no key ("" and no
// error); any other endpoint without a key gives a *MissingKeyError.
func LookupKey(ep advisor.Endpoint) (string, error) {
	names := []string{ep.Name}
	if ep.Provider != "" {
		names = append(names, ConnectionKeyName(ep.Provider))
	}
	for _, n := range names {
		if n == "" {
			continue
		}
		if key := memKey(n); key != "" {
			return key, nil
		}
		if key, err := keyringGet(n); err == nil && key != "" {
			return key, nil
		}
		if key := fileKey(n); key != "" {
			return key, nil
		}
	}
	if ep.APIKeyEnv != "" {
		if key := os.Getenv(ep.APIKeyEnv); key != "" {
			return key, nil
		}
	}
	if ep.Kind == advisor.KindCompatible && ep.APIKeyEnv == "" {
		return "", nil
	}
	return "", &MissingKeyError{Endpoint: ep.Name, Env: ep.APIKeyEnv}
}

func keyringGet(user string) (string, error) {
	type res struct {
		key string
		err error
	}
	ch := make(chan res, 1)
	go func() {
		k, err := keyring.Get(KeyringService, user)
		ch <- res{k, err}
	}()
	select {
	case r := <-ch:
		return r.key, r.err
	case <-time.After(keyringTimeout):
		return "", errors.New("the OS keyring did not answer")
	}
}

// SaveKey keeps the API key of an endpoint in the OS keyring.
func SaveKey(name, key string) error {
	if err := keyring.Set(KeyringService, name, key); err != nil {
		return fmt.Errorf("the OS keyring is not available (%v); set the key in an environment variable and name it in api_key_env instead", err)
	}
	return nil
}

// DeleteKey removes the API key of an endpoint from the OS keyring; a key
// that is not there is not an error.
func DeleteKey(name string) error {
	err := keyring.Delete(KeyringService, name)
	if err == nil || errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return fmt.Errorf("the OS keyring is not available: %v", err)
}

// ConnectionKeyName is the name a provider connection's key is kept under
// (in the keyring, the session or the key file); every endpoint of that
// provider finds it.
func ConnectionKeyName(providerID string) string { return "connection:" + providerID }

// KeyPlace says where StoreKey kept a key.
type KeyPlace string

// Where a key can be kept.
const (
	KeyInKeyring KeyPlace = "keyring" // the OS keyring
	KeyInFile    KeyPlace = "file"    // the user's key file (0600), only when asked
	KeyInMemory  KeyPlace = "memory"  // this process only, gone when it ends
	KeyInEnv     KeyPlace = "env"     // an environment variable the user set
)

var (
	memMu   sync.Mutex
	memKeys = map[string]string{}
)

func memKey(name string) string {
	memMu.Lock()
	defer memMu.Unlock()
	return memKeys[name]
}

// keyringSet is keyring.Set with keyringTimeout.
func keyringSet(user, key string) error {
	ch := make(chan error, 1)
	go func() { ch <- keyring.Set(KeyringService, user, key) }()
	select {
	case err := <-ch:
		return err
	case <-time.After(keyringTimeout):
		return errors.New("the OS keyring did not answer")
	}
}

// StoreKey keeps a key: in the OS keyring when there is one; without one
// (a Linux desktop without Secret Service, a container), in this process's
// memory until it ends, or — when the user asked to remember it on this
// computer — in the key file (KeyFilePath), which only the user can read
// (0600). It is also kept in memory for the session either way. It says
// where the key went; an error means only the memory copy exists.
func StoreKey(name, key string, remember bool) (KeyPlace, error) {
	if name == "" || key == "" {
		return "", errors.New("store key: a name and a key are needed")
	}
	memMu.Lock()
	memKeys[name] = key
	memMu.Unlock()
	kerr := keyringSet(name, key)
	if kerr == nil {
		removeFileKey(name) // an older remembered copy is no longer needed
		return KeyInKeyring, nil
	}
	if !remember {
		return KeyInMemory, nil
	}
	if err := writeFileKey(name, key); err != nil {
		return KeyInMemory, fmt.Errorf("the key could not be written to %s (%v); it is kept until the app closes", KeyFilePath(), err)
	}
	return KeyInFile, nil
}

// ForgetKey removes a key from the session, the keyring (where there is
// one) and the key file.
func ForgetKey(name string) {
	memMu.Lock()
	delete(memKeys, name)
	memMu.Unlock()
	removeFileKey(name)
	// Without a keyring there is nothing to delete there.
	_ = DeleteKey(name)
}

// KeyFileName is the key file's name inside the user's configuration folder.
const KeyFileName = "keys.json"

// maxKeyFile bounds what is read of the key file.
const maxKeyFile = 256 << 10

// KeyFilePath is the key file: llm-advisor/keys.json in the user's
// configuration folder (os.UserConfigDir; $XDG_CONFIG_HOME on Linux). It is
// used only where no keyring exists and the user asked to remember a key.
func KeyFilePath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "llm-advisor", KeyFileName)
}

var fileMu sync.Mutex

// readKeyFile reads the key file; a file others can read is made private
// first (it is ours, and only its owner should ever see it).
func readKeyFile() map[string]string {
	path := KeyFilePath()
	if path == "" {
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Mode().Perm()&0o077 != 0 {
		_ = os.Chmod(path, 0o600)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil || len(b) > maxKeyFile {
		return nil
	}
	var doc struct {
		Keys map[string]string `json:"keys"`
	}
	if json.Unmarshal(b, &doc) != nil {
		return nil
	}
	return doc.Keys
}

func fileKey(name string) string {
	fileMu.Lock()
	defer fileMu.Unlock()
	return readKeyFile()[name]
}

func writeFileKey(name, key string) error {
	fileMu.Lock()
	defer fileMu.Unlock()
	keys := readKeyFile()
	if keys == nil {
		keys = map[string]string{}
	}
	keys[name] = key
	return writeKeyFile(keys)
}

func removeFileKey(name string) {
	fileMu.Lock()
	defer fileMu.Unlock()
	keys := readKeyFile()
	if _, ok := keys[name]; !ok {
		return
	}
	delete(keys, name)
	if len(keys) == 0 {
		_ = os.Remove(KeyFilePath())
		return
	}
	_ = writeKeyFile(keys)
}

// writeKeyFile replaces the key file atomically; the file is created 0600
// and its folder 0700, so no other user ever sees a key, even for a moment.
func writeKeyFile(keys map[string]string) error {
	path := KeyFilePath()
	if path == "" {
		return errors.New("no configuration folder")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(struct {
		Note string            `json:"note"`
		Keys map[string]string `json:"keys"`
	}{"API keys LLM Advisor keeps because this computer has no keyring; readable by you only.", keys}, "", "  ")
	if err != nil {
		return err
	}
	return writePrivateFile(path, b)
}

// writePrivateFile replaces path atomically with b: a temporary file in the
// same folder, created 0600, renamed over it.
func writePrivateFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// keyEnvName is a name that says it holds an API key (OPENAI_API_KEY,
// GROQ_APIKEY, MISTRAL_API_TOKEN): only such variables are read without the
// user's confirmation, so a plan from elsewhere cannot send, say,
// AWS_SECRET_ACCESS_KEY to a host of its choosing.
var keyEnvName = regexp.MustCompile(`(?i)API_?(KEY|TOKEN)`)

// envName is what an environment variable's name may be.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)

// KeyEnvLooksRight reports whether an api_key_env names what looks like an
// API-key variable.
func KeyEnvLooksRight(name string) bool { return keyEnvName.MatchString(name) }

// UnconfirmedKeyEnvError is an endpoint whose api_key_env does not look like
// an API-key variable and that the user did not confirm.
type UnconfirmedKeyEnvError struct {
	Endpoint string
	Env      string
	Host     string
}

func (e *UnconfirmedKeyEnvError) Error() string {
	return fmt.Sprintf("endpoint %q: api_key_env %s does not look like an API-key variable (its name has no API_KEY), and its value would be sent to %s; "+
		"if that is what you want, confirm it (command line: --allow-key-env %s)", e.Endpoint, e.Env, e.Host, e.Env)
}

// CheckKeyEnv refuses an endpoint's api_key_env that does not look like an
// API-key variable unless allowed lists it.
func CheckKeyEnv(ep advisor.Endpoint, allowed []string) error {
	if ep.APIKeyEnv == "" || KeyEnvLooksRight(ep.APIKeyEnv) || slices.Contains(allowed, ep.APIKeyEnv) {
		return nil
	}
	return &UnconfirmedKeyEnvError{Endpoint: ep.Name, Env: ep.APIKeyEnv, Host: endpointHost(ep)}
}

// UnconfirmedKeyEnvs lists the plan's endpoints (judge and embedding
// included) whose api_key_env needs the user's confirmation.
func UnconfirmedKeyEnvs(p advisor.Plan, allowed []string) []*UnconfirmedKeyEnvError {
	var out []*UnconfirmedKeyEnvError
	seen := map[string]bool{}
	for _, ep := range allEndpoints(p) {
		var ue *UnconfirmedKeyEnvError
		if err := CheckKeyEnv(ep, allowed); errors.As(err, &ue) && !seen[ep.Name+"\x00"+ep.APIKeyEnv] {
			seen[ep.Name+"\x00"+ep.APIKeyEnv] = true
			out = append(out, ue)
		}
	}
	return out
}

// allEndpoints is every endpoint of a plan: each set's, the judge and the
// embedding endpoint.
func allEndpoints(p advisor.Plan) []advisor.Endpoint {
	var eps []advisor.Endpoint
	eps = append(eps, p.Endpoints...)
	for _, s := range p.CaseSets {
		eps = append(eps, s.Endpoints...)
	}
	for _, e := range []*advisor.Endpoint{p.Judge, p.Embedding} {
		if e != nil {
			eps = append(eps, *e)
		}
	}
	return eps
}

func endpointHost(ep advisor.Endpoint) string {
	if ep.BaseURL == "" {
		return "api.openai.com"
	}
	if u, err := url.Parse(ep.BaseURL); err == nil && u.Host != "" {
		return u.Host
	}
	return "the endpoint's server"
}
