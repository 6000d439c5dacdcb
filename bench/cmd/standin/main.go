// Command standin is a minimal HTTP stand-in for Pigello's work-engagement
// endpoints: it answers GET, PATCH and DELETE on
// /accounts/users/organization/workengagement/{pk}/ and GET on its list/
// with pre-serialised JSON, optionally after an injected latency, and counts
// the TCP connections it accepted, the TLS handshakes and the requests over
// HTTP/2 (GET /_stats; POST /_latency?d=20ms changes the latency), so a
// benchmark can see connection churn. It checks that the seven
// X-PIGELLO-* headers are present and nothing more.
//
// Besides plaintext HTTP/1.1 on -addr it can serve HTTPS with -cert and
// -key: HTTP/1.1 only on -tls-addr, and offering HTTP/2 by ALPN on
// -h2-addr. All listeners share one handler and one set of counters.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"
)

type config struct {
	addr, tlsAddr, h2Addr string
	cert, key             string
	latency               time.Duration
}

func main() {
	var c config
	flag.StringVar(&c.addr, "addr", "127.0.0.1:18000", "listen address, plaintext HTTP/1.1")
	flag.StringVar(&c.tlsAddr, "tls-addr", "", "also serve HTTPS, HTTP/1.1 only, on this address (needs -cert and -key)")
	flag.StringVar(&c.h2Addr, "h2-addr", "", "also serve HTTPS offering HTTP/2 by ALPN, and HTTP/1.1, on this address (needs -cert and -key)")
	flag.StringVar(&c.cert, "cert", "", "PEM certificate for the HTTPS listeners")
	flag.StringVar(&c.key, "key", "", "PEM private key for the HTTPS listeners")
	flag.DurationVar(&c.latency, "latency", 0, "latency added before every answer on the API paths")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		os.Exit(1)
	}
}

// run serves every listener c names until one fails.
func run(c config) error {
	ls, err := listen(c)
	if err != nil {
		return err
	}
	s := newServer(c.latency)
	errs := make(chan error, len(ls))
	for _, l := range ls {
		go func() { errs <- s.serve(l, l.cert, l.h2) }()
	}
	return <-errs
}

// listener is a bound listener and how it serves: plaintext without cert,
// else TLS, offering HTTP/2 when h2 is set.
type listener struct {
	net.Listener
	cert *tls.Certificate
	h2   bool
}

// listen binds the listeners c names, in the order addr, tls-addr,
// h2-addr, leaving out those not set.
func listen(c config) ([]listener, error) {
	var cert *tls.Certificate
	if c.tlsAddr != "" || c.h2Addr != "" {
		pair, err := tls.LoadX509KeyPair(c.cert, c.key)
		if err != nil {
			return nil, fmt.Errorf("-cert and -key: %w", err)
		}
		cert = &pair
	}
	var out []listener
	for _, l := range []struct {
		addr string
		cert *tls.Certificate
		h2   bool
	}{{c.addr, nil, false}, {c.tlsAddr, cert, false}, {c.h2Addr, cert, true}} {
		if l.addr == "" {
			continue
		}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			return nil, err
		}
		out = append(out, listener{ln, l.cert, l.h2})
	}
	return out, nil
}

// serve answers on ln: plaintext HTTP/1.1 without cert, else TLS with
// HTTP/1.1 and, when h2 is set, HTTP/2 offered by ALPN.
func (s *server) serve(ln net.Listener, cert *tls.Certificate, h2 bool) error {
	srv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: log.New(io.Discard, "", 0), Protocols: new(http.Protocols)}
	srv.Protocols.SetHTTP1(true)
	ln = countingListener{Listener: ln, accepted: &s.accepted}
	if cert == nil {
		return srv.Serve(ln)
	}
	srv.Protocols.SetHTTP2(h2)
	srv.TLSConfig = &tls.Config{
		Certificates: []tls.Certificate{*cert},
		// Called once per ClientHello: once per handshake, full or resumed.
		GetConfigForClient: func(*tls.ClientHelloInfo) (*tls.Config, error) {
			s.handshakes.Add(1)
			return nil, nil
		},
	}
	return srv.ServeTLS(ln, "", "")
}
