package livetest

import (
	"errors"
	"fmt"
	"os"
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

// LookupKey finds the API key of an endpoint: the OS keyring (service
// "llm-advisor", user = the endpoint's name) first, then the environment
// variable the plan names. A keyring that is missing or locked (no secret
// service, as in CI) is not an error: the lookup just falls back. A local
// openai-compatible endpoint that names no variable needs no key ("" and no
// error); any other endpoint without a key gives a *MissingKeyError.
func LookupKey(ep advisor.Endpoint) (string, error) {
	if ep.Name != "" {
		if key, err := keyringGet(ep.Name); err == nil && key != "" {
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
