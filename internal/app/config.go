package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

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
// a flag on the command line wins over its variable.
func parseConfig(args []string, getenv func(string) string, output io.Writer) (Config, error) {
	var cfg Config
	fs := flag.NewFlagSet("pigello-facade", flag.ContinueOnError)
	fs.SetOutput(output)
	defineFlags(fs, &cfg)
	fs.Usage = func() {
		fmt.Fprintf(output, "Usage: pigello-facade [flags]\n\nEach flag may also be set by its environment variable, shown in brackets.\nCredentials come from PIGELLO_APPLICATION_ID, PIGELLO_CLIENT_CT, PIGELLO_CLIENT_ENTITY,\nPIGELLO_CLIENT_SECRET, PIGELLO_CUSTOMER_ID, PIGELLO_SERVICE_ID and PIGELLO_SERVICE_VERSION_ID,\neach also as <NAME>_FILE naming a file that holds the value.\nTraces are exported as the standard OTEL_* variables of the process environment say:\nOTEL_TRACES_EXPORTER (otlp, console to stdout, or none; default none, or otlp when\nOTEL_EXPORTER_OTLP_ENDPOINT is set), OTEL_EXPORTER_OTLP_*, OTEL_TRACES_SAMPLER.\n\n")
		fs.PrintDefaults()
	}
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		f.Usage += " [" + name + "]"
		if v := getenv(name); v != "" {
			if err := f.Value.Set(v); err != nil {
				envErr = errors.Join(envErr, fmt.Errorf("%s: %w", name, err))
			}
		}
	})
	if envErr != nil {
		return Config{}, fmt.Errorf("app: %w", envErr)
	}
	if err := fs.Parse(args); err != nil {
		return Config{}, err
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("app: unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	creds, err := readCredentials(getenv)
	if err != nil {
		return Config{}, err
	}
	cfg.Credentials = creds
	return cfg, cfg.check()
}

// defaultConfig is the configuration with every flag at its default, for
// code that builds a Config without parsing a command line.
func defaultConfig() Config {
	var cfg Config
	defineFlags(flag.NewFlagSet("defaults", flag.ContinueOnError), &cfg)
	return cfg
}

// envName is the variable of a flag: pigello-base-url → PIGELLO_BASE_URL,
// grpc-addr → FACADE_GRPC_ADDR.
func envName(flagName string) string {
	name := strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
	if strings.HasPrefix(name, "PIGELLO_") {
		return name
	}
	return "FACADE_" + name
}

// readCredentials takes each credential from NAME or from the file NAME_FILE
// names (as Kubernetes and Docker mount secrets). Errors name the variable,
// never the value.
func readCredentials(getenv func(string) string) (upstream.Credentials, error) {
	var c upstream.Credentials
	var errs error
	for _, e := range credentialEnv {
		v, err := credential(e.name, getenv)
		errs = errors.Join(errs, err)
		e.set(&c, v)
	}
	if errs != nil {
		return upstream.Credentials{}, fmt.Errorf("app: %w", errs)
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

// check reports what keeps the configuration from starting: everything
// missing at once, then inconsistent or unsafe settings.
func (c Config) check() error {
	if c.ShowVersion {
		return nil
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
		return fmt.Errorf("app: missing configuration (or use --emulator): %s", strings.Join(missing, ", "))
	}
	return nil
}

func (c Config) checkTLS() error {
	switch {
	case (c.TLSCertFile == "") != (c.TLSKeyFile == ""):
		return errors.New("app: --tls-cert-file and --tls-key-file go together")
	case c.TLSClientCAFile != "" && c.TLSCertFile == "":
		return errors.New("app: --tls-client-ca-file needs --tls-cert-file and --tls-key-file")
	}
	return nil
}
