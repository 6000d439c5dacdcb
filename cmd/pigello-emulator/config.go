package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/pigello-facade/pigello-facade/emulator"
)

// config is everything the command is configured with.
type config struct {
	addr        string
	credentials emulator.Credentials
	demo        bool // credentials are the public demo ones
	version     bool // print the version and exit

	listEnvelope emulator.ListEnvelope // the shape of list/ answers
}

// versionFlag names the one flag with no environment variable: asking for
// the version is a one-off, and EMULATOR_VERSION=true left in an environment
// would turn every start into printing it.
const versionFlag = "version"

// credentialVar ties one credential to its environment variable and the
// header it is sent in.
type credentialVar struct {
	env, header string
	value       *string
}

// credentialEnv lists the fields of *c with their variables, in the order
// of Pigello's documentation.
func credentialEnv(p *emulator.Credentials) []credentialVar {
	return []credentialVar{
		{"PIGELLO_APPLICATION_ID", "X-PIGELLO-APPLICATION-ID", &p.ApplicationID},
		{"PIGELLO_CLIENT_CT", "X-PIGELLO-CLIENT-CT", &p.ClientCT},
		{"PIGELLO_CLIENT_ENTITY", "X-PIGELLO-CLIENT-ENTITY", &p.ClientEntity},
		{"PIGELLO_CLIENT_SECRET", "X-PIGELLO-CLIENT-SECRET", &p.ClientSecret},
		{"PIGELLO_CUSTOMER_ID", "X-PIGELLO-CUSTOMER-ID", &p.CustomerID},
		{"PIGELLO_SERVICE_ID", "X-PIGELLO-SERVICE-ID", &p.ServiceID},
		{"PIGELLO_SERVICE_VERSION_ID", "X-PIGELLO-SERVICE-VERSION-ID", &p.ServiceVersionID},
	}
}

// parseConfig reads flags from args, with defaults from the environment.
func parseConfig(args []string, getenv func(string) string, stdout io.Writer) (config, error) {
	var cfg config
	fs := flag.NewFlagSet("pigello-emulator", flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:8000", "`address` to listen on (host:port; port 0 picks a free one)")
	cfg.listEnvelope = emulator.ListArray
	fs.Var((*envelopeFlag)(&cfg.listEnvelope), "list-envelope",
		"`shape` of list/ answers: array (a bare JSON array) or paginated (DRF's {\"count\", \"next\", \"previous\", \"results\"})")
	fs.BoolVar(&cfg.version, versionFlag, false, "print the version and exit")
	fs.Usage = func() { printUsage(stdout, fs) }
	if err := envDefaults(fs, getenv); err != nil {
		return config{}, err
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return config{}, errAnswered // fs printed the usage
		}
		return config{}, fmt.Errorf("pigello-emulator: %w", err)
	}
	if fs.NArg() > 0 {
		return config{}, fmt.Errorf("pigello-emulator: unexpected arguments %q", fs.Args())
	}
	if cfg.version {
		fmt.Fprintf(stdout, "pigello-emulator %s\n", version)
		return config{}, errAnswered
	}
	creds, demo, err := credentialsFromEnv(getenv)
	if err != nil {
		return config{}, err
	}
	cfg.credentials, cfg.demo = creds, demo
	return cfg, nil
}

// errAnswered is parseConfig's answer to --help and --version: it has
// printed what was asked, so run exits successfully without serving.
var errAnswered = errors.New("pigello-emulator: answered --help or --version")

// envName returns the environment variable of flag name, EMULATOR_ and the
// name in upper snake case, or "" for the version flag, which has none.
func envName(name string) string {
	if name == versionFlag {
		return ""
	}
	return "EMULATOR_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
}

// envDefaults sets each flag from its variable (envName) when that is set,
// before the command line is parsed, so that the command line wins.
func envDefaults(fs *flag.FlagSet, getenv func(string) string) error {
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		name := envName(f.Name)
		if name == "" {
			return
		}
		if v := getenv(name); v != "" {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("pigello-emulator: %s: %w", name, err))
			}
		}
	})
	return errors.Join(errs...)
}

// credentialsFromEnv reads the seven PIGELLO_* variables: all or none. A
// partial set is refused, naming what is missing, rather than silently
// falling back to the demo credentials.
func credentialsFromEnv(getenv func(string) string) (emulator.Credentials, bool, error) {
	var creds emulator.Credentials
	var missing []string
	vars := credentialEnv(&creds)
	for _, v := range vars {
		*v.value = getenv(v.env)
		if *v.value == "" {
			missing = append(missing, v.env)
		}
	}
	switch len(missing) {
	case 0:
		return creds, false, nil
	case len(vars):
		return emulator.DemoCredentials(), true, nil
	}
	return emulator.Credentials{}, false, fmt.Errorf("pigello-emulator: credentials partly set: missing %s", strings.Join(missing, ", "))
}

// envelopeFlag is --list-envelope: one of emulator.ListEnvelopes, checked
// when set, so a typo in the flag or its variable stops the start.
type envelopeFlag emulator.ListEnvelope

func (f *envelopeFlag) String() string { return string(*f) }

func (f *envelopeFlag) Set(s string) error {
	if !slices.Contains(emulator.ListEnvelopes(), emulator.ListEnvelope(s)) {
		return fmt.Errorf("%q is not one of %s", s, envelopeNames())
	}
	*f = envelopeFlag(s)
	return nil
}

func envelopeNames() string {
	var names []string
	for _, e := range emulator.ListEnvelopes() {
		names = append(names, string(e))
	}
	return strings.Join(names, ", ")
}
