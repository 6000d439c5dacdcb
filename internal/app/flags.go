package app

import (
	"flag"
	"time"
)

// defineFlags declares every flag; parseConfig adds each one's environment
// variable to its usage and reads it.
func defineFlags(fs *flag.FlagSet, cfg *Config) {
	fs.StringVar(&cfg.GRPCAddr, "grpc-addr", ":9090", "gRPC listen address")
	fs.StringVar(&cfg.HTTPAddr, "http-addr", ":8080", "REST gateway and health listen address")
	fs.StringVar(&cfg.PigelloBaseURL, "pigello-base-url", "", "Pigello base URL: https://api.pigello.io in production, https://dev.api.pigello.io for development")
	fs.BoolVar(&cfg.Emulator, "emulator", false, "start an in-process Pigello emulator on loopback and use it instead of Pigello")
	fs.StringVar(&cfg.LogFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&cfg.LogLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.DurationVar(&cfg.DrainDelay, "drain-delay", 0, "on SIGTERM/SIGINT, how long to keep serving while reporting not-ready (/readyz 503, gRPC health NOT_SERVING) before the drain begins, so load balancers move traffic away first (0: drain at once)")
	fs.DurationVar(&cfg.ShutdownTimeout, "shutdown-timeout", 15*time.Second, "how long in-flight calls get to finish once the drain begins (after --drain-delay), when both listeners stop taking new ones; then they are cut off")
	fs.StringVar(&cfg.GRPCurlCommand, "grpcurl-command", "grpcurl", "how the example commands printed with --emulator invoke grpcurl")
	fs.BoolVar(&cfg.ShowVersion, "version", false, "print the version and exit")

	fs.DurationVar(&cfg.DefaultTimeout, "default-timeout", 10*time.Second, "deadline of calls that arrive without one")
	fs.DurationVar(&cfg.AttemptTimeout, "attempt-timeout", 5*time.Second, "timeout of each attempt at a Pigello request (0: only the call's deadline)")
	fs.IntVar(&cfg.MaxAttempts, "max-attempts", 3, "tries per Pigello request, the first included (GET and DELETE; PATCH only when the connection never opened)")
	fs.IntVar(&cfg.UpstreamMaxConcurrency, "upstream-max-concurrency", 256, "Pigello requests in flight at most (0: unbounded)")
	fs.DurationVar(&cfg.UpstreamQueueTimeout, "upstream-queue-timeout", time.Second, "how long a call waits for a free slot before RESOURCE_EXHAUSTED")
	fs.DurationVar(&cfg.BreakerWindow, "breaker-window", 10*time.Second, "circuit breaker: rolling window of counted requests")
	fs.IntVar(&cfg.BreakerMinRequests, "breaker-min-requests", 20, "circuit breaker: requests in the window before it may open (0: breaker off)")
	fs.Float64Var(&cfg.BreakerFailureRatio, "breaker-failure-ratio", 0.5, "circuit breaker: failed share of the window's requests that opens it")
	fs.DurationVar(&cfg.BreakerOpenFor, "breaker-open-for", 5*time.Second, "circuit breaker: how long it stays open before one probe")
	fs.IntVar(&cfg.MaxRequestBytes, "max-request-bytes", 1<<20, "largest gRPC request message and REST request body")

	fs.StringVar(&cfg.TLSCertFile, "tls-cert-file", "", "PEM certificate for the gRPC and HTTP listeners (reloaded when it changes)")
	fs.StringVar(&cfg.TLSKeyFile, "tls-key-file", "", "PEM private key for --tls-cert-file")
	fs.StringVar(&cfg.TLSClientCAFile, "tls-client-ca-file", "", "PEM CA bundle; when set, callers must present a certificate it signed (mTLS)")
	fs.StringVar(&cfg.AuthTokensFile, "auth-tokens-file", "", "file of SHA-256 hex digests of accepted bearer tokens, one per line (re-read when it changes)")
	fs.DurationVar(&cfg.ReloadInterval, "reload-interval", 5*time.Second, "fallback poll: how often the tokens file and TLS files are read again in case a change sent no file system event (their directories are watched, so changes normally take effect within a second)")
	fs.BoolVar(&cfg.Insecure, "insecure", false, "allow listening on a non-loopback address with neither TLS nor tokens")
	fs.BoolVar(&cfg.CredentialsFromMetadata, "credentials-from-metadata", false, "take the seven Pigello credentials from each call's x-pigello-* metadata instead of the facade's own")

	fs.StringVar(&cfg.DebugAddr, "debug-addr", "", "serve Go's pprof profiles at /debug/pprof/ on this address, without a token; loopback only unless --insecure (default off)")
	fs.BoolVar(&cfg.Metrics, "metrics", true, "serve Prometheus metrics at /metrics on the HTTP listener, without a token (no secret is in them)")
}
