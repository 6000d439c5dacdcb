package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pigello-facade/pigello-facade/resilience"
	"github.com/pigello-facade/pigello-facade/upstream"
)

// Config is everything the facade is started with. The settings of each
// part sit in that part's own struct, which the flags fill (flagDefs) and
// the part is given whole. Credentials never print: upstream.Credentials
// masks itself in every format.
type Config struct {
	GRPCAddr       string
	HTTPAddr       string
	PigelloBaseURL string
	Credentials    upstream.Credentials
	Emulator       bool
	LogFormat      string
	LogLevel       string
	// LogFlushInterval is how long info and debug lines may wait in a
	// buffer before they are written; 0 writes each at once.
	LogFlushInterval time.Duration
	GRPCurlCommand   string
	ShowVersion      bool

	// EmulatorListEnvelope is the shape of the --emulator's list/ answers,
	// one of emulator.ListEnvelopes.
	EmulatorListEnvelope string

	// InsecureUpstream allows a plain http PigelloBaseURL beyond loopback.
	InsecureUpstream bool
	// Insecure allows listening beyond loopback with neither TLS nor tokens.
	Insecure bool
	// CredentialsFromMetadata is pass-through mode, which the Pigello
	// client, the gRPC server and the gateway each switch on.
	CredentialsFromMetadata bool

	Shutdown ShutdownConfig
	Upstream UpstreamConfig
	Server   ServerConfig
	Security SecurityConfig
	Memory   MemoryConfig

	// What operators see.
	Metrics bool
	// DebugAddr, when set, serves net/http/pprof there.
	DebugAddr string
}

// ShutdownConfig is how the facade stops (shutdown.go).
type ShutdownConfig struct {
	DrainDelay time.Duration // serving while not ready, before the drain
	Timeout    time.Duration // for in-flight calls once the drain begins
}

// MemoryConfig is what the Go runtime's memory budget and GC percentage are
// taken from (memory.go).
type MemoryConfig struct {
	Limit     int64 // the whole memory budget in bytes; autoMemoryLimit: from the environment
	GCPercent int   // a percentage, gcOff, or autoGCPercent: from GOGC or the default
}

// UpstreamConfig is how calls to Pigello behave under failure: each field
// is one option of upstream.New.
type UpstreamConfig struct {
	Retry          upstream.RetryPolicy
	AttemptTimeout time.Duration
	Limiter        resilience.LimiterConfig
	Breaker        resilience.BreakerConfig
}

// ServerConfig is what the gRPC server and the REST gateway take from
// every call.
type ServerConfig struct {
	DefaultTimeout  time.Duration // deadline of calls that arrive without one
	MaxRequestBytes int           // largest gRPC message and REST body
}

// SecurityConfig is who may call: the listeners' TLS and the bearer tokens
// (security.go), and how often their files are read again.
type SecurityConfig struct {
	TLSCertFile     string
	TLSKeyFile      string
	TLSClientCAFile string // mTLS when set
	TokensFile      string
	ReloadInterval  time.Duration
}

// parseConfig reads flags, each of which may also come from the environment
// (FACADE_GRPC_ADDR for --grpc-addr; the Pigello settings read PIGELLO_*);
// a flag on the command line wins over its variable. Every error is one
// line, naming the setting and never a credential. --help writes to output
// and returns flag.ErrHelp.
func parseConfig(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	var cfg Config
	defs := flagDefs(&cfg)
	err := setFlags(defs, args, getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printHelp(output, defs)
		return Config{}, err
	case cfg.ShowVersion:
		return cfg, nil
	case err != nil:
		return Config{}, err
	}
	creds, err := readCredentials(getenv)
	if err != nil {
		return Config{}, err
	}
	cfg.Credentials = creds
	return cfg, cfg.check()
}

// missingCredentials names the variable of each credential c lacks.
func missingCredentials(c upstream.Credentials) []string {
	var names []string
	for _, k := range upstream.CredentialList() {
		if k.Value(c) == "" {
			names = append(names, k.EnvVar())
		}
	}
	return names
}

// readCredentials takes each credential from NAME or from the file NAME_FILE
// names (as Kubernetes and Docker mount secrets), and checks it against
// upstream.CheckCredentialValue. Errors name the variable, never the value.
func readCredentials(getenv func(string) string) (upstream.Credentials, error) {
	var c upstream.Credentials
	var errs []string // one line for all of them
	for _, k := range upstream.CredentialList() {
		v, err := credential(k.EnvVar(), getenv)
		if err != nil {
			errs = append(errs, err.Error())
		}
		k.Set(&c, v)
	}
	if errs != nil {
		return upstream.Credentials{}, errors.New(strings.Join(errs, "; "))
	}
	return c, nil
}

// credential reads the variable name, or the file that name_FILE names,
// and checks the value. Errors name the variable the value came from.
func credential(name string, getenv func(string) string) (string, error) {
	from, value, file := name, getenv(name), getenv(name+"_FILE")
	switch {
	case value != "" && file != "":
		return "", fmt.Errorf("set %s or %s_FILE, not both", name, name)
	case file != "":
		from = name + "_FILE"
		b, err := os.ReadFile(file)
		if err != nil {
			// The path is configuration, not a secret; the error holds no content.
			return "", fmt.Errorf("%s: %w", from, err)
		}
		value = strings.TrimSpace(string(b))
	}
	if err := upstream.CheckCredentialValue(value); err != nil {
		return "", fmt.Errorf("%s: %w", from, err)
	}
	return value, nil
}

// check reports what keeps the configuration from starting, once each
// value has passed its own rule (setFlags): an unsafe base URL, everything
// missing at once, then inconsistent or unsafe settings.
func (c Config) check() error {
	if err := c.checkPlaintextUpstream(); err != nil {
		return err
	}
	if err := c.checkRequired(); err != nil {
		return err
	}
	if err := c.Security.checkTLS(); err != nil {
		return err
	}
	return c.checkExposure()
}

// checkRequired needs the base URL and, unless callers bring their own, the
// seven credentials. With --emulator nothing is required: the emulator
// supplies the URL, and demo credentials stand in for absent ones.
func (c Config) checkRequired() error {
	if c.Emulator {
		return nil
	}
	var missing []string
	if c.PigelloBaseURL == "" {
		missing = append(missing, "PIGELLO_BASE_URL (or --pigello-base-url)")
	}
	if !c.CredentialsFromMetadata {
		for _, name := range missingCredentials(c.Credentials) {
			missing = append(missing, name+" (or "+name+"_FILE)")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing configuration (or use --emulator): %s", strings.Join(missing, ", "))
	}
	return nil
}

func (c SecurityConfig) checkTLS() error {
	switch {
	case (c.TLSCertFile == "") != (c.TLSKeyFile == ""):
		return errors.New("--tls-cert-file and --tls-key-file go together")
	case c.TLSClientCAFile != "" && c.TLSCertFile == "":
		return errors.New("--tls-client-ca-file needs --tls-cert-file and --tls-key-file")
	}
	return nil
}
