package app

import (
	"fmt"
	"net"
	"net/netip"
)

// checkExposure refuses, outside --emulator, to listen beyond loopback with
// neither TLS nor tokens: the facade holds Pigello credentials for a whole
// organisation, and an open port would hand them to anyone who can reach it.
// --insecure is the explicit way to say a network policy covers it.
func (c Config) checkExposure() error {
	if c.DebugAddr != "" && !c.Insecure && !isLoopback(c.DebugAddr) {
		// Profiles take no token and no TLS: loopback (or a port-forward) only.
		return fmt.Errorf("app: refusing to serve profiles on %q, beyond loopback: listen on 127.0.0.1 or pass --insecure", c.DebugAddr)
	}
	if c.Emulator || c.Insecure || c.TLSCertFile != "" || c.AuthTokensFile != "" {
		return nil
	}
	for _, addr := range []string{c.GRPCAddr, c.HTTPAddr} {
		if !isLoopback(addr) {
			return fmt.Errorf("app: refusing to listen on %q with neither TLS nor bearer tokens: "+
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
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
