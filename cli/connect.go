package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/llm-advisor/llm-advisor/advisor"
	"github.com/llm-advisor/llm-advisor/advisor/livetest"
)

const connectUsage = "connect --provider ID [--key-stdin [--remember]] [--model M] [--resource NAME --deployment D] [--base-url URL] [--json] | --list | --remove ID | --pull TAG [--base-url URL]"

// connectResult is what `connect --json` prints.
type connectResult struct {
	Provider  string   `json:"provider"`
	OK        bool     `json:"ok"`
	Problem   string   `json:"problem,omitempty"`
	Message   string   `json:"message"`
	Models    []string `json:"models,omitempty"`
	Model     string   `json:"model,omitempty"`
	LatencyMs int64    `json:"latency_ms,omitempty"`
	KeyPlace  string   `json:"key_place,omitempty"`
}

// runConnect connects a provider the way the GUI's "Connect a provider"
// does: it checks the key with real calls (list models, a one-token
// request), says in plain words what is wrong, keeps the key (keyring, else
// this process only, else with --remember a 0600 file) and records the
// connection (no key) in the connections file the GUI reads too.
func runConnect(env Env) error {
	fs := flag.NewFlagSet("connect", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	provider := fs.String("provider", "", "models.dev provider id, or local")
	model := fs.String("model", "", "model for the one-token request")
	resource := fs.String("resource", "", "Azure resource name or endpoint")
	deployment := fs.String("deployment", "", "Azure deployment")
	baseURL := fs.String("base-url", "", "base URL (a local server, or another address for the provider)")
	keyStdin := fs.Bool("key-stdin", false, "read the key from the first line of standard input")
	remember := fs.Bool("remember", false, "without a keyring, keep the key in a file only you can read")
	asJSON := fs.Bool("json", false, "print JSON")
	list := fs.Bool("list", false, "list providers and connections")
	remove := fs.String("remove", "", "forget a provider's connection and key")
	pull := fs.String("pull", "", "download a model into a local Ollama (its tag)")
	if err := fs.Parse(env.Args); err != nil {
		return usagef("%v; usage: llm-advisor %s", err, connectUsage)
	}
	pt := Lang() == "pt-BR"
	path := livetest.ConnectionsPath()
	saved, err := livetest.LoadConnections(path)
	if err != nil {
		return err
	}
	switch {
	case *list:
		return connectList(env, saved, *asJSON)
	case *remove != "":
		kept := saved[:0:0]
		for _, c := range saved {
			if c.Provider != *remove {
				kept = append(kept, c)
			}
		}
		livetest.ForgetKey(livetest.ConnectionKeyName(*remove))
		return livetest.SaveConnections(path, kept)
	case *pull != "":
		return connectPull(env, *pull, *baseURL)
	case *provider == "":
		return usagef("--provider is needed (one of %s, or local); usage: llm-advisor %s", strings.Join(livetest.ProviderIDs(), ", "), connectUsage)
	}

	conn, err := connectionFor(*provider, *resource, *deployment, *baseURL)
	if err != nil {
		return err
	}
	key, err := connectKey(env, &conn, *keyStdin)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	res := livetest.CheckConnection(ctx, conn, key, *model)
	out := connectResult{Provider: conn.Provider, OK: res.OK(), Problem: res.Problem, Models: res.Models, Model: res.Model, LatencyMs: res.Latency.Milliseconds()}
	if res.OK() {
		if *keyStdin {
			place, err := livetest.StoreKey(livetest.ConnectionKeyName(conn.Provider), key, *remember)
			if err != nil {
				fmt.Fprintln(env.Stderr, "note: "+err.Error())
			}
			conn.KeyPlace = place
		}
		conn.Models, conn.CheckedAt = res.Models, time.Now().UTC()
		kept := saved[:0:0]
		for _, c := range saved {
			if c.Provider != conn.Provider || (conn.Provider == livetest.LocalProvider && c.BaseURL != conn.BaseURL) {
				kept = append(kept, c)
			}
		}
		if err := livetest.SaveConnections(path, append(kept, conn)); err != nil {
			return err
		}
		out.KeyPlace = string(conn.KeyPlace)
		out.Message = connectedMessage(conn, res, pt)
	} else {
		out.Message = problemMessage(conn, res, pt)
	}
	if *asJSON {
		b, _ := json.MarshalIndent(out, "", "  ")
		fmt.Fprintln(env.Stdout, string(b))
	} else {
		fmt.Fprintln(env.Stdout, out.Message)
	}
	if !res.OK() {
		if res.Problem == livetest.ProblemNoKey {
			return usagef("%s", out.Message)
		}
		return fmt.Errorf("%s", out.Message)
	}
	return nil
}

// connectionFor is the connection the flags describe: a local server at
// baseURL, or a models.dev provider (Azure needs its resource and
// deployment; baseURL may point it elsewhere).
func connectionFor(provider, resource, deployment, baseURL string) (conn livetest.Connection, err error) {
	if provider == livetest.LocalProvider {
		if baseURL == "" {
			return conn, usagef("--provider local needs --base-url, e.g. http://127.0.0.1:11434/v1")
		}
		conn = livetest.Connection{Provider: livetest.LocalProvider, Name: "Local server", Kind: advisor.KindCompatible, BaseURL: strings.TrimRight(baseURL, "/")}
	} else {
		p, ok := livetest.ProviderByID(provider)
		if !ok {
			return conn, usagef("--provider %q is not a provider this version knows; allowed: %s, local", provider, strings.Join(livetest.ProviderIDs(), ", "))
		}
		if p.Kind == advisor.KindAzure && (resource == "" || deployment == "") {
			return conn, usagef("--provider azure needs --resource (the resource name or endpoint) and --deployment")
		}
		conn = livetest.NewConnection(p, resource, deployment)
		if baseURL != "" {
			conn.BaseURL = strings.TrimRight(baseURL, "/")
		}
	}
	return conn, nil
}

// connectKey is the key to check the connection with: the first line of
// standard input with --key-stdin, else the one the keyring or environment
// has (a key from the environment is marked so in conn).
func connectKey(env Env, conn *livetest.Connection, keyStdin bool) (key string, err error) {
	if keyStdin {
		line, err := bufio.NewReader(io.LimitReader(env.Stdin, 16<<10)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", fmt.Errorf("read the key from standard input: %w", err)
		}
		key = strings.TrimSpace(line)
		if key == "" {
			return "", usagef("--key-stdin: standard input has no key")
		}
	} else if conn.Provider != livetest.LocalProvider {
		key, _ = livetest.LookupKey(advisor.Endpoint{Name: livetest.ConnectionKeyName(conn.Provider), Kind: conn.Kind, APIKeyEnv: conn.KeyEnv})
		if key != "" && os.Getenv(conn.KeyEnv) == key {
			conn.KeyPlace = livetest.KeyInEnv
		}
	}
	return key, nil
}

func connectList(env Env, saved []livetest.Connection, asJSON bool) error {
	if asJSON {
		b, _ := json.MarshalIndent(struct {
			Providers   []livetest.Provider   `json:"providers"`
			Connections []livetest.Connection `json:"connections"`
		}{livetest.Providers(), saved}, "", "  ")
		fmt.Fprintln(env.Stdout, string(b))
		return nil
	}
	for _, p := range livetest.Providers() {
		state := "-"
		for _, c := range saved {
			if c.Provider == p.ID {
				state = "connected (" + string(c.KeyPlace) + ")"
			}
		}
		fmt.Fprintf(env.Stdout, "%-12s %-16s %-58s %-22s %s\n", p.ID, p.Name, p.API, p.KeyEnv(), state)
	}
	for _, c := range saved {
		if c.Provider == livetest.LocalProvider {
			fmt.Fprintf(env.Stdout, "%-12s %-16s %s\n", c.Provider, c.Name, c.BaseURL)
		}
	}
	return nil
}

// connectPull downloads a model into a local Ollama with a progress line.
func connectPull(env Env, tag, baseURL string) error {
	if baseURL == "" {
		baseURL = "http://127.0.0.1:11434/v1"
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	last := ""
	err := livetest.PullModel(ctx, baseURL, tag, func(p livetest.PullProgress) {
		line := p.Status
		if p.Total > 0 {
			line = fmt.Sprintf("%s %3.0f%%", p.Status, 100*p.Fraction())
		}
		if line != last {
			fmt.Fprintln(env.Stderr, "progress: "+line)
			last = line
		}
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%s is ready in Ollama at %s\n", tag, livetest.OllamaRoot(baseURL))
	return nil
}

func connectedMessage(c livetest.Connection, r livetest.Check, pt bool) string {
	where := map[livetest.KeyPlace][2]string{
		livetest.KeyInKeyring: {"the key is in the system keyring", "a chave está no chaveiro do sistema"},
		livetest.KeyInFile:    {"the key is in " + livetest.KeyFilePath() + ", readable only by you", "a chave está em " + livetest.KeyFilePath() + ", que só você lê"},
		livetest.KeyInMemory:  {"no keyring here, so the key was not kept: run with --remember, or set " + c.KeyEnv, "sem chaveiro aqui, a chave não foi guardada: use --remember ou defina " + c.KeyEnv},
		livetest.KeyInEnv:     {"the key comes from " + c.KeyEnv, "a chave vem de " + c.KeyEnv},
	}[c.KeyPlace]
	i := 0
	if pt {
		i = 1
	}
	if where[i] == "" {
		where = [2]string{"no key needed", "não precisa de chave"}
	}
	if pt {
		return fmt.Sprintf("Conectado a %s: %d modelos; uma requisição de um token para %s respondeu em %d ms; %s.", c.Name, len(r.Models), r.Model, r.Latency.Milliseconds(), where[i])
	}
	return fmt.Sprintf("Connected to %s: %d models; a one-token request to %s answered in %d ms; %s.", c.Name, len(r.Models), r.Model, r.Latency.Milliseconds(), where[i])
}

func problemMessage(c livetest.Connection, r livetest.Check, pt bool) string {
	en := map[string]string{
		livetest.ProblemBadKey:      "%[1]s refused this key: check that you copied all of it, that it is a %[1]s key and that it has not been revoked.",
		livetest.ProblemModelAccess: "The key works, but %[1]s does not let it use the model %[2]s: enable the model for your account or project (on Azure, check the deployment name).",
		livetest.ProblemNoCredit:    "%[1]s accepted the key but says the account has no credit or quota left: add credit or a payment method in its console.",
		livetest.ProblemRegion:      "%[1]s does not offer this service in your region (or the resource's): use a resource in a supported region, or another provider.",
		livetest.ProblemUnreachable: "Nothing answered at %[3]s: check the internet connection, or that the local server is running and the address and port are right.",
		livetest.ProblemRateLimited: "%[1]s is limiting requests right now: wait a minute and try again.",
		livetest.ProblemNoKey:       "No key for %[1]s: pass it with --key-stdin, or set %[4]s.",
		livetest.ProblemOther:       "The check with %[1]s failed: %[5]s",
	}
	ptm := map[string]string{
		livetest.ProblemBadKey:      "A %[1]s recusou esta chave: confira se você copiou a chave inteira, se ela é da %[1]s e se não foi revogada.",
		livetest.ProblemModelAccess: "A chave funciona, mas a %[1]s não libera o modelo %[2]s para ela: ative o modelo na sua conta ou projeto (no Azure, confira o nome da implantação).",
		livetest.ProblemNoCredit:    "A %[1]s aceitou a chave, mas diz que a conta está sem crédito ou sem cota: adicione crédito ou uma forma de pagamento no painel dela.",
		livetest.ProblemRegion:      "A %[1]s não oferece este serviço na sua região (ou na do recurso): use um recurso numa região atendida ou outro provedor.",
		livetest.ProblemUnreachable: "Nada respondeu em %[3]s: confira a conexão com a internet, ou se o servidor local está rodando e se o endereço e a porta estão certos.",
		livetest.ProblemRateLimited: "A %[1]s está limitando as requisições agora: espere um minuto e tente de novo.",
		livetest.ProblemNoKey:       "Sem chave para %[1]s: passe-a com --key-stdin ou defina %[4]s.",
		livetest.ProblemOther:       "A verificação com a %[1]s falhou: %[5]s",
	}
	m := en
	if pt {
		m = ptm
	}
	f, ok := m[r.Problem]
	if !ok {
		f = m[livetest.ProblemOther]
	}
	return fmt.Sprintf(f, c.Name, r.Model, c.BaseURL, c.KeyEnv, r.Detail)
}
