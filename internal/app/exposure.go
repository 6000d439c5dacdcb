package app

import (
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strings"
)

// checkExposure refuses, outside --emulator, to listen beyond loopback with
// neither TLS nor tokens: the facade holds Pigello credentials for a whole
// organisation, and an open port would hand them to anyone who can reach it.
// --insecure is the explicit way to say a network policy covers it.
func (c Config) checkExposure() error {
	if c.DebugAddr != "" && !c.Insecure && !isLoopback(c.DebugAddr) {
		// Profiles take no token and no TLS: loopback (or a port-forward) only.
		return fmt.Errorf("refusing to serve profiles on %q, beyond loopback: listen on 127.0.0.1 or pass --insecure", c.DebugAddr)
	}
	if c.Emulator || c.Insecure || c.Security.TLSCertFile != "" || c.Security.TokensFile != "" {
		return nil
	}
	for _, addr := range []string{c.GRPCAddr, c.HTTPAddr} {
		if !isLoopback(addr) {
			return fmt.Errorf("refusing to listen on %q with neither TLS nor bearer tokens: "+
				"set --tls-cert-file and --tls-key-file or --auth-tokens-file, listen on 127.0.0.1, or pass --insecure", addr)
		}
	}
	return nil
}

// isLoopback reports whether a listen address accepts loopback connections
// only. An empty host listens on every interface; a name other than
// localhost could resolve anywhere, so it counts as exposed.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	return err == nil && isLoopbackHost(host)
}

// isLoopbackHost reports whether host (without port or brackets) names this
// machine only: 127.0.0.0/8, ::1 (also as ::ffff:127.x.y.z) or localhost.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback() // ::ffff:127.0.0.1 too
}

// checkPlaintextUpstream refuses a plain http Pigello base URL beyond
// loopback: every request carries the seven credentials, which would cross
// the network unencrypted. Loopback (the emulator, a local proxy) is safe;
// --insecure-upstream is the explicit way to say the network is trusted.
// The URL is repeated: its form was checked, it holds no user info or query.
func (c Config) checkPlaintextUpstream() error {
	if !c.plaintextUpstream() || c.InsecureUpstream {
		return nil
	}
	return fmt.Errorf("--pigello-base-url (PIGELLO_BASE_URL) = %q: plain http beyond loopback would send the Pigello credentials unencrypted: "+
		"use https, or pass --insecure-upstream (FACADE_INSECURE_UPSTREAM) if the network is trusted", c.PigelloBaseURL)
}

// plaintextUpstream reports whether calls to Pigello would go over plain
// http to a host beyond loopback. With --emulator they go to the emulator,
// on loopback, whatever the base URL says.
func (c Config) plaintextUpstream() bool {
	u, err := url.Parse(c.PigelloBaseURL)
	if c.Emulator || c.PigelloBaseURL == "" || err != nil {
		return false
	}
	return u.Scheme == "http" && !isLoopbackHost(u.Hostname())
}
