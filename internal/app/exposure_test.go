package app

import (
	"strings"
	"testing"
)

func TestIsLoopback(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:9090", true},
		{"127.1.2.3:9090", true},
		{"[::1]:9090", true},
		{"localhost:9090", true},
		{":9090", false},
		{"0.0.0.0:9090", false},
		{"[::]:9090", false},
		{"10.0.0.5:9090", false},
		{"example.internal:9090", false},
		{"nonsense", false},
	}
	for _, tt := range tests {
		if got := isLoopback(tt.addr); got != tt.want {
			t.Errorf("isLoopback(%q) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

func TestCheckExposure(t *testing.T) {
	exposed := func(edit func(*Config)) Config {
		cfg := defaultConfig() // listens on :9090 and :8080, all interfaces
		edit(&cfg)
		return cfg
	}
	tests := []struct {
		name    string
		cfg     Config
		refused bool
	}{
		{"all interfaces, nothing set", exposed(func(*Config) {}), true},
		{"HTTP exposed only", exposed(func(c *Config) { c.GRPCAddr = "127.0.0.1:9090" }), true},
		{"loopback only", exposed(func(c *Config) { c.GRPCAddr, c.HTTPAddr = "127.0.0.1:9090", "[::1]:8080" }), false},
		{"TLS", exposed(func(c *Config) { c.Security.TLSCertFile, c.Security.TLSKeyFile = "c", "k" }), false},
		{"tokens", exposed(func(c *Config) { c.Security.TokensFile = "t" }), false},
		{"--insecure", exposed(func(c *Config) { c.Insecure = true }), false},
		{"--emulator", exposed(func(c *Config) { c.Emulator = true }), false},
		{"profiles on loopback", exposed(func(c *Config) { c.Security.TLSCertFile, c.DebugAddr = "c", "127.0.0.1:6060" }), false},
		{"profiles exposed, TLS set", exposed(func(c *Config) { c.Security.TLSCertFile, c.DebugAddr = "c", ":6060" }), true},
		{"profiles exposed, --emulator", exposed(func(c *Config) { c.Emulator, c.DebugAddr = true, ":6060" }), true},
		{"profiles exposed, --insecure", exposed(func(c *Config) { c.Insecure, c.DebugAddr = true, ":6060" }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.checkExposure()
			if (err != nil) != tt.refused {
				t.Fatalf("checkExposure() = %v, want refused=%v", err, tt.refused)
			}
			if err != nil && (strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "--insecure")) {
				t.Errorf("refusal %q should be one line naming --insecure", err)
			}
		})
	}
}

func TestCheckTLSFlags(t *testing.T) {
	tests := []struct {
		cert, key, ca string
		ok            bool
	}{
		{"", "", "", true},
		{"c", "k", "", true},
		{"c", "k", "ca", true},
		{"c", "", "", false},
		{"", "k", "", false},
		{"", "", "ca", false},
	}
	for _, tt := range tests {
		cfg := SecurityConfig{TLSCertFile: tt.cert, TLSKeyFile: tt.key, TLSClientCAFile: tt.ca}
		if err := cfg.checkTLS(); (err == nil) != tt.ok {
			t.Errorf("checkTLS(cert=%q key=%q ca=%q) = %v, want ok=%v", tt.cert, tt.key, tt.ca, err, tt.ok)
		}
	}
}

// TestRunRefusesExposure runs the binary's Run with a complete Pigello
// configuration on the default addresses (every interface) and nothing
// guarding them: it must refuse at once, in one line, without listening.
func TestRunRefusesExposure(t *testing.T) {
	env := credentialVars(testCreds)
	env["PIGELLO_BASE_URL"] = "https://dev.api.pigello.io"
	var out syncBuffer
	err := Run(t.Context(), nil, func(k string) string { return env[k] }, &out)
	if err == nil || !strings.Contains(err.Error(), "refusing to listen") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("Run returned %v, want a one-line refusal", err)
	}
	if strings.Contains(out.String(), "facade started") {
		t.Error("Run started the facade anyway")
	}
}
