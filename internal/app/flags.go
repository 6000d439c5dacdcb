package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pigello-facade/pigello-facade/emulator"
	"github.com/pigello-facade/pigello-facade/upstream"
)

// flagDef is one flag: its name, where --help and the README list it, its
// typed value with default and rule, and what it does.
type flagDef struct {
	name  string
	group flagGroup
	value setting
	usage string
}

// flagGroup places a flag under a heading of --help and in one table of the
// README.
type flagGroup string

const (
	serviceFlags  flagGroup = "Service"
	upstreamFlags flagGroup = "Calls to Pigello"
	callerFlags   flagGroup = "Who may call"
)

// flagGroups is the order of the groups in --help.
var flagGroups = []flagGroup{serviceFlags, upstreamFlags, callerFlags}

// flagDefs declares every flag, bound to cfg. Each line is the one place a
// flag's name, default and allowed values are written: parsing, the check
// at start, --help and the README tables come from it. After a change,
// `go test ./internal/app -run TestREADMEFlagTables -update-readme` rewrites
// the README's tables.
func flagDefs(cfg *Config) []flagDef {
	return []flagDef{
		{"grpc-addr", serviceFlags, addrFlag(&cfg.GRPCAddr, ":9090"), "gRPC listen address"},
		{"http-addr", serviceFlags, addrFlag(&cfg.HTTPAddr, ":8080"), "REST gateway, health and metrics listen address"},
		{"pigello-base-url", serviceFlags, baseURLFlag(&cfg.PigelloBaseURL), "Pigello base URL: https://api.pigello.io in production, https://dev.api.pigello.io for development"},
		{"insecure-upstream", serviceFlags, boolFlag(&cfg.InsecureUpstream, false), "allow a plain http --pigello-base-url to a host beyond loopback, which sends the credentials unencrypted (logged as a warning)"},
		{"emulator", serviceFlags, boolFlag(&cfg.Emulator, false), "start an in-process Pigello emulator on loopback and use it instead of Pigello"},
		{"emulator-list-envelope", serviceFlags, listEnvelopeFlag(&cfg.EmulatorListEnvelope), "with --emulator, the shape of the emulator's list answers, which Pigello does not document: a bare JSON array, or Django REST framework's paginated object (count, next, previous, results)"},
		{"log-format", serviceFlags, choiceFlag(&cfg.LogFormat, "text", "text", "json"), "log format"},
		{"log-level", serviceFlags, choiceFlag(&cfg.LogLevel, "info", "debug", "info", "warn", "error"), "log level"},
		{"log-flush-interval", serviceFlags, durationFlag(&cfg.LogFlushInterval, time.Second), "how long an info or debug log line may wait in memory before it is written with others (a write per call's line costs about a tenth of the facade's CPU under load); a warning or an error is written at once with every line before it, and everything is written on exit (0s: each line at once)"},
		{"drain-delay", serviceFlags, durationFlag(&cfg.Shutdown.DrainDelay, 0), "on SIGTERM/SIGINT, how long to keep serving while reporting not-ready (/readyz 503, gRPC health NOT_SERVING) before the drain begins, so load balancers move traffic away first (0s: drain at once)"},
		{"shutdown-timeout", serviceFlags, positiveDurationFlag(&cfg.Shutdown.Timeout, 15*time.Second), "how long in-flight calls get to finish once the drain begins (after --drain-delay), when both listeners stop taking new ones; then they are cut off"},
		{"metrics", serviceFlags, boolFlag(&cfg.Metrics, true), "serve Prometheus metrics at /metrics on the HTTP listener, without a token (no secret is in them)"},
		{"debug-addr", serviceFlags, optionalAddrFlag(&cfg.DebugAddr), "serve Go's pprof profiles at /debug/pprof/ on this address, without a token; loopback only unless --insecure"},
		{"grpcurl-command", serviceFlags, commandFlag(&cfg.GRPCurlCommand, "grpcurl"), "how the example commands printed with --emulator invoke grpcurl"},
		{"memory-limit", serviceFlags, memoryLimitFlag(&cfg.Memory.Limit), memoryLimitUsage()},
		{"gc-percent", serviceFlags, gcPercentFlag(&cfg.Memory.GCPercent), "the GC percentage under the soft memory limit, as GOGC means it: the heap grows this many percent past the live data before a collection (off: only as memory nears the soft limit); setting both this and GOGC is refused"},
		{"version", serviceFlags, commandLineOnly{boolFlag(&cfg.ShowVersion, false)}, "print the version and exit"},

		{"default-timeout", upstreamFlags, positiveDurationFlag(&cfg.Server.DefaultTimeout, 10*time.Second), "deadline of calls that arrive without one (a caller's own deadline is always kept)"},
		{"attempt-timeout", upstreamFlags, durationFlag(&cfg.Upstream.AttemptTimeout, 5*time.Second), "timeout of each attempt at a Pigello request (0s: only the call's deadline)"},
		{"max-attempts", upstreamFlags, intFlag(&cfg.Upstream.Retry.MaxAttempts, 3, 1, 10), "tries per Pigello request, the first included (GET and DELETE; PATCH and POST only when the connection never opened; 1: no retries)"},
		{"upstream-max-concurrency", upstreamFlags, intFlag(&cfg.Upstream.Limiter.MaxConcurrency, 256, 0, 10000), "Pigello requests in flight at most (0: unbounded)"},
		{"upstream-queue-timeout", upstreamFlags, durationFlag(&cfg.Upstream.Limiter.QueueTimeout, time.Second), "how long a call waits for a free slot before RESOURCE_EXHAUSTED (0s: not at all)"},
		{"breaker-window", upstreamFlags, positiveDurationFlag(&cfg.Upstream.Breaker.Window, 10*time.Second), "circuit breaker: rolling window of counted requests"},
		{"breaker-min-requests", upstreamFlags, intFlag(&cfg.Upstream.Breaker.MinRequests, 20, 0, 100000), "circuit breaker: requests in the window before it may open (0: breaker off)"},
		{"breaker-failure-ratio", upstreamFlags, ratioFlag(&cfg.Upstream.Breaker.FailureRatio, 0.5), "circuit breaker: failed share of the window's requests that opens it"},
		{"breaker-open-for", upstreamFlags, positiveDurationFlag(&cfg.Upstream.Breaker.OpenFor, 5*time.Second), "circuit breaker: how long it stays open before one probe"},
		{"max-request-bytes", upstreamFlags, intFlag(&cfg.Server.MaxRequestBytes, 1<<20, 1, 64<<20), "largest gRPC request message and REST request body"},

		{"tls-cert-file", callerFlags, fileFlag(&cfg.Security.TLSCertFile), "PEM certificate for the gRPC and HTTP listeners (reloaded when it changes)"},
		{"tls-key-file", callerFlags, fileFlag(&cfg.Security.TLSKeyFile), "PEM private key for --tls-cert-file"},
		{"tls-client-ca-file", callerFlags, fileFlag(&cfg.Security.TLSClientCAFile), "PEM CA bundle; when set, callers must present a certificate it signed (mTLS)"},
		{"auth-tokens-file", callerFlags, fileFlag(&cfg.Security.TokensFile), "file of SHA-256 hex digests of accepted bearer tokens, one per line (re-read when it changes)"},
		{"reload-interval", callerFlags, positiveDurationFlag(&cfg.Security.ReloadInterval, 5*time.Second), "fallback poll: how often the tokens file and TLS files are read again in case a change sent no file system event (their directories are watched, so changes normally take effect within a second)"},
		{"insecure", callerFlags, boolFlag(&cfg.Insecure, false), "allow listening on a non-loopback address with neither TLS nor tokens"},
		{"credentials-from-metadata", callerFlags, boolFlag(&cfg.CredentialsFromMetadata, false), "take the seven Pigello credentials from each call's x-pigello-* metadata instead of the facade's own"},
	}
}

// listEnvelopeFlag chooses among the emulator's list envelopes, its
// default first.
func listEnvelopeFlag(p *string) *choiceSetting {
	var names []string
	for _, e := range emulator.ListEnvelopes() {
		names = append(names, string(e))
	}
	return choiceFlag(p, names[0], names...)
}

// commandLineOnly is a setting no variable may set: an action such as
// --version, which a stray FACADE_VERSION must not trigger.
type commandLineOnly struct{ setting }

// env is the variable a flag is read from, "" for command-line-only flags:
// pigello-base-url → PIGELLO_BASE_URL, grpc-addr → FACADE_GRPC_ADDR.
func (d flagDef) env() string {
	if _, ok := d.value.(commandLineOnly); ok {
		return ""
	}
	name := strings.ToUpper(strings.ReplaceAll(d.name, "-", "_"))
	if strings.HasPrefix(name, "PIGELLO_") {
		return name
	}
	return "FACADE_" + name
}

// set parses text, from the command line or from the flag's variable, and
// says in one line what is wrong with it: the flag and its variable (the
// one the text came from first), the text unless it may hold a secret, and
// what is allowed.
func (d flagDef) set(text string, fromEnv bool) error {
	err := d.value.parse(text)
	if err == nil {
		return nil
	}
	name := "--" + d.name
	if env := d.env(); fromEnv {
		name = env + " (" + name + ")"
	} else if env != "" {
		name += " (" + env + ")"
	}
	if _, ok := d.value.(hidden); ok {
		return fmt.Errorf("%s: %w", name, err)
	}
	return fmt.Errorf("%s = %q: %w", name, text, err)
}

// setFlags gives every flag its value: from the command line, else from its
// variable, else its default. It sets them all (so --version works whatever
// else is wrong) and returns the first refusal.
func setFlags(defs []flagDef, args []string, getenv func(string) string) error {
	given, err := readCommandLine(defs, args)
	if err != nil {
		return err
	}
	var first error
	for _, d := range defs {
		d.value.setDefault()
		text, ok := given[d.name]
		fromEnv := !ok && d.env() != "" && getenv(d.env()) != ""
		if fromEnv {
			text = getenv(d.env())
		}
		if ok || fromEnv {
			if err := d.set(text, fromEnv); err != nil && first == nil {
				first = err
			}
		}
	}
	return first
}

// readCommandLine returns the text of each flag on the command line. The
// flag package only splits the arguments: values are checked by setFlags,
// so both sources give the same one-line errors, and nothing here prints.
func readCommandLine(defs []flagDef, args []string) (map[string]string, error) {
	fs := flag.NewFlagSet("pigello-facade", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	given := map[string]string{}
	for _, d := range defs {
		// Booleans (kind "") may stand alone: --emulator is --emulator=true.
		fs.Var(flagText{given: given, name: d.name, isBool: d.value.kind() == ""}, d.name, d.usage)
	}
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		return nil, err
	case err != nil:
		return nil, fmt.Errorf("%w (pigello-facade --help lists the flags)", err)
	case fs.NArg() > 0:
		return nil, fmt.Errorf("unexpected arguments: %s (every setting is a --flag)", strings.Join(fs.Args(), " "))
	}
	return given, nil
}

// flagText is a flag.Value that records the text given; the last one wins.
type flagText struct {
	given  map[string]string
	name   string
	isBool bool
}

func (f flagText) String() string     { return "" }
func (f flagText) IsBoolFlag() bool   { return f.isBool }
func (f flagText) Set(s string) error { f.given[f.name] = s; return nil }

// printHelp writes --help: for each flag its type, what it does, its
// variable, what is allowed and its default, in the layout of Go's flag
// package (which tools/kubectl-validate/manifestcheck reads).
func printHelp(w io.Writer, defs []flagDef) {
	fmt.Fprint(w, helpIntro())
	for _, g := range flagGroups {
		fmt.Fprintf(w, "\n%s:\n", g)
		for _, d := range defs {
			if d.group == g {
				printFlagHelp(w, d)
			}
		}
	}
}

// helpIntro is the text above the flags; the credential variables come from
// upstream's list.
func helpIntro() string {
	var b strings.Builder
	b.WriteString(`Usage: pigello-facade [flags]

Each flag may also be set by its environment variable, shown in brackets; the
command line wins. A value outside what is allowed stops the start with one line.
Credentials come from these variables, each also as <NAME>_FILE naming a file
that holds the value:
`)
	for _, k := range upstream.CredentialList() {
		b.WriteString("  " + k.EnvVar() + "\n")
	}
	b.WriteString("  allowed: " + upstream.CredentialValueRule() + "\n")
	b.WriteString(`Traces are exported as the standard OTEL_* variables of the process environment say:
OTEL_TRACES_EXPORTER (otlp, console to stdout, or none; default none, or otlp when
OTEL_EXPORTER_OTLP_ENDPOINT is set), OTEL_EXPORTER_OTLP_*, OTEL_TRACES_SAMPLER.
`)
	return b.String()
}

func printFlagHelp(w io.Writer, d flagDef) {
	fmt.Fprintf(w, "  -%s", d.name)
	if k := d.value.kind(); k != "" {
		fmt.Fprintf(w, " %s", k)
	}
	fmt.Fprintf(w, "\n    \t%s", d.usage)
	if env := d.env(); env != "" {
		fmt.Fprintf(w, " [%s]", env)
	}
	if d.value.kind() != "" {
		fmt.Fprintf(w, "\n    \tallowed: %s", d.value.rule())
	}
	if def := d.value.defaultText(); def != "" {
		if d.value.kind() == "string" {
			def = fmt.Sprintf("%q", def)
		}
		fmt.Fprintf(w, " (default %s)", def)
	}
	fmt.Fprintln(w)
}
