package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/pigello-facade/pigello-facade/observe"
	"github.com/pigello-facade/pigello-facade/upstream"
)

// Config is everything the facade is started with. Credentials never print:
// upstream.Credentials masks itself in every format.
type Config struct {
	GRPCAddr        string
	HTTPAddr        string
	PigelloBaseURL  string
	Credentials     upstream.Credentials
	Emulator        bool
	LogFormat       string
	LogLevel        string
	DrainDelay      time.Duration
	ShutdownTimeout time.Duration
	GRPCurlCommand  string
	ShowVersion     bool

	// InsecureUpstream allows a plain http PigelloBaseURL beyond loopback.
	InsecureUpstream bool

	// Calls to Pigello under failure.
	DefaultTimeout         time.Duration
	AttemptTimeout         time.Duration
	MaxAttempts            int
	UpstreamMaxConcurrency int
	UpstreamQueueTimeout   time.Duration
	BreakerWindow          time.Duration
	BreakerMinRequests     int
	BreakerFailureRatio    float64
	BreakerOpenFor         time.Duration
	MaxRequestBytes        int

	// Who may call.
	TLSCertFile             string
	TLSKeyFile              string
	TLSClientCAFile         string
	AuthTokensFile          string
	ReloadInterval          time.Duration
	Insecure                bool
	CredentialsFromMetadata bool

	// What operators see.
	Metrics bool
	// DebugAddr, when set, serves net/http/pprof there.
	DebugAddr string
	// Tracing is read from the standard OTEL_* variables, not from flags.
	Tracing observe.TracingConfig
}

// credentialEnv names the environment variable of each credential, in the
// order of upstream.Credentials.
var credentialEnv = []struct {
	name string
	set  func(*upstream.Credentials, string)
}{
	{"PIGELLO_APPLICATION_ID", func(c *upstream.Credentials, v string) { c.ApplicationID = v }},
	{"PIGELLO_CLIENT_CT", func(c *upstream.Credentials, v string) { c.ClientCT = v }},
	{"PIGELLO_CLIENT_ENTITY", func(c *upstream.Credentials, v string) { c.ClientEntity = v }},
	{"PIGELLO_CLIENT_SECRET", func(c *upstream.Credentials, v string) { c.ClientSecret = v }},
	{"PIGELLO_CUSTOMER_ID", func(c *upstream.Credentials, v string) { c.CustomerID = v }},
	{"PIGELLO_SERVICE_ID", func(c *upstream.Credentials, v string) { c.ServiceID = v }},
	{"PIGELLO_SERVICE_VERSION_ID", func(c *upstream.Credentials, v string) { c.ServiceVersionID = v }},
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
	if cfg.Tracing, err = observe.TracingConfigFromEnv(getenv); err != nil {
		return Config{}, err
	}
	return cfg, cfg.check()
}

// defaultConfig is the configuration with every flag at its default, for
// code that builds a Config without parsing a command line.
func defaultConfig() Config {
	var cfg Config
	for _, d := range flagDefs(&cfg) {
		d.value.setDefault()
	}
	return cfg
}

// readCredentials takes each credential from NAME or from the file NAME_FILE
// names (as Kubernetes and Docker mount secrets). Errors name the variable,
// never the value.
func readCredentials(getenv func(string) string) (upstream.Credentials, error) {
	var c upstream.Credentials
	var errs []string // one line for all of them
	for _, e := range credentialEnv {
		v, err := credential(e.name, getenv)
		if err != nil {
			errs = append(errs, err.Error())
		}
		e.set(&c, v)
	}
	if errs != nil {
		return upstream.Credentials{}, errors.New(strings.Join(errs, "; "))
	}
	return c, nil
}

func credential(name string, getenv func(string) string) (string, error) {
	value, file := getenv(name), getenv(name+"_FILE")
	switch {
	case value != "" && file != "":
		return "", fmt.Errorf("set %s or %s_FILE, not both", name, name)
	case file == "":
		return value, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		// The path is configuration, not a secret; the error holds no content.
		return "", fmt.Errorf("%s_FILE: %w", name, err)
	}
	return strings.TrimSpace(string(b)), nil
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
	if err := c.checkTLS(); err != nil {
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
		for _, header := range c.Credentials.Missing() {
			// X-PIGELLO-CLIENT-SECRET is read from PIGELLO_CLIENT_SECRET.
			name := strings.ReplaceAll(strings.TrimPrefix(header, "X-"), "-", "_")
			missing = append(missing, name+" (or "+name+"_FILE)")
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("missing configuration (or use --emulator): %s", strings.Join(missing, ", "))
	}
	return nil
}

func (c Config) checkTLS() error {
	switch {
	case (c.TLSCertFile == "") != (c.TLSKeyFile == ""):
		return errors.New("--tls-cert-file and --tls-key-file go together")
	case c.TLSClientCAFile != "" && c.TLSCertFile == "":
		return errors.New("--tls-client-ca-file needs --tls-cert-file and --tls-key-file")
	}
	return nil
}
