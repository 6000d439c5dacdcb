package auth

import (
	"context"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"io"
	"io/fs"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

// serveTLS accepts connections on a loopback port until the test ends and
// writes "ok" on each one whose TLS handshake succeeds.
func serveTLS(t *testing.T, cfg *tls.Config) string {
	t.Helper()
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := lis.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { answer(tls.Server(c, cfg)) })
		}
	})
	t.Cleanup(func() {
		lis.Close()
		wg.Wait()
	})
	return lis.Addr().String()
}

func answer(c *tls.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(testkit.WaitTimeout))
	if c.Handshake() == nil {
		_, _ = c.Write([]byte("ok"))
	}
}

// dial connects with cfg and reads the server's "ok". With TLS 1.3 a client
// certificate is judged after the client's side of the handshake is done,
// so a rejection shows only on that read.
func dial(t *testing.T, addr string, cfg *tls.Config) (tls.ConnectionState, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testkit.WaitTimeout)
	defer cancel()
	c, err := (&tls.Dialer{Config: cfg}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return tls.ConnectionState{}, err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(testkit.WaitTimeout))
	if _, err := io.ReadFull(c, make([]byte, 2)); err != nil {
		return tls.ConnectionState{}, err
	}
	return c.(*tls.Conn).ConnectionState(), nil
}

// clientConfig trusts ca for the server and presents certs, if any.
func clientConfig(t *testing.T, ca *testCA, certs ...keyPair) *tls.Config {
	cfg := &tls.Config{RootCAs: ca.Pool(), ServerName: "localhost", NextProtos: []string{"h2"}}
	for _, kp := range certs {
		cfg.Certificates = append(cfg.Certificates, kp.TLSCertificate(t))
	}
	return cfg
}

// tlsEnv is a TLS server whose certificate, and client CAs if any, are
// reloaded from files by a running Watch.
type tlsEnv struct {
	ca                *testCA // issues the server's certificates
	certFile, keyFile string
	caFile            string // "" without mTLS
	reloader          *CertReloader
	addr              string
	logs              *logRecorder
}

// setupTLS serves a certificate for "server-1" from files, with mTLS
// against clientCAs if not nil, and watches the files.
func setupTLS(t *testing.T, clientCAs []byte) *tlsEnv {
	t.Helper()
	env := &tlsEnv{ca: newCA(t, "server CA")}
	env.certFile, env.keyFile = writePair(t, env.ca.ServerCert(t, "server-1"))
	if clientCAs != nil {
		env.caFile = filepath.Join(t.TempDir(), "client-ca.PEM")
		testkit.WriteFile(t, env.caFile, clientCAs)
	}
	return env.start(t)
}

// start loads the files, serves them, and watches them for events.
func (env *tlsEnv) start(t *testing.T) *tlsEnv {
	t.Helper()
	return env.startWatching(t, byEvent)
}

// startWatching loads the files, serves them, and watches them as how says.
func (env *tlsEnv) startWatching(t *testing.T, how noticer) *tlsEnv {
	t.Helper()
	var err error
	if env.reloader, err = NewCertReloader(env.certFile, env.keyFile); err != nil {
		t.Fatalf("NewCertReloader returned %v", err)
	}
	cfg, err := ServerTLSConfig(env.reloader, env.caFile)
	if err != nil {
		t.Fatalf("ServerTLSConfig returned %v", err)
	}
	env.addr = serveTLS(t, cfg)
	env.logs = startWatch(t, how, env.reloader.sources)
	return env
}

// servedCN returns the common name of the certificate the server presents.
func (env *tlsEnv) servedCN(t *testing.T, certs ...keyPair) string {
	t.Helper()
	st, err := dial(t, env.addr, clientConfig(t, env.ca, certs...))
	if err != nil {
		t.Fatalf("handshake failed: %v", err)
	}
	return st.PeerCertificates[0].Subject.CommonName
}

func TestServeCertificate(t *testing.T) {
	env := setupTLS(t, nil)
	st, err := dial(t, env.addr, clientConfig(t, env.ca))
	if err != nil {
		t.Fatalf("handshake failed: %v", err)
	}
	if got := st.PeerCertificates[0].Subject.CommonName; got != "server-1" {
		t.Errorf("served CN %q, want server-1", got)
	}
	if st.NegotiatedProtocol != "h2" {
		t.Errorf("negotiated protocol %q, want h2", st.NegotiatedProtocol)
	}
	old := clientConfig(t, env.ca)
	old.MinVersion, old.MaxVersion = tls.VersionTLS10, tls.VersionTLS11
	if _, err := dial(t, env.addr, old); err == nil {
		t.Error("handshake with TLS 1.1 succeeded")
	}
}

// keyLines returns the lines of a PEM private key's body: no log line may
// hold any of them.
func keyLines(kps ...keyPair) []string {
	var out []string
	for _, kp := range kps {
		for line := range strings.Lines(string(kp.Key)) {
			if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "-----") {
				out = append(out, line)
			}
		}
	}
	return append(out, "PRIVATE KEY-----")
}

// TestCertReloadRefusesBrokenPair: a pair that does not load keeps the one
// in force and logs why, without key material; a later change reloads.
func TestCertReloadRefusesBrokenPair(t *testing.T) {
	env := setupTLS(t, nil)
	second := env.ca.ServerCert(t, "server-2")
	writeKeyPair(t, second, env.certFile, env.keyFile)
	// Written one after the other, the two may be refused as mismatched once.
	testkit.Eventually(t, "server-2 served", func() bool { return env.servedCN(t) == "server-2" })

	third := env.ca.ServerCert(t, "server-3")
	broken := []struct {
		name string
		kp   keyPair
	}{
		{"garbage certificate", keyPair{Cert: []byte("not PEM"), Key: second.Key}},
		{"half a certificate", keyPair{Cert: third.Cert[:len(third.Cert)/2], Key: third.Key}},
		{"key of another certificate", keyPair{Cert: third.Cert, Key: second.Key}},
		{"empty files", keyPair{}},
	}
	for _, b := range broken {
		t.Run(b.name, func(t *testing.T) {
			before := len(env.logs.refusals(t))
			writeKeyPair(t, b.kp, env.certFile, env.keyFile)
			testkit.Eventually(t, "the refusal logged", func() bool { return len(env.logs.refusals(t)) > before })
			got := env.logs.refusals(t)[before]
			if !strings.HasPrefix(got.Error, "auth: ") || got.File != env.certFile || got.KeyFile != env.keyFile {
				t.Errorf("logged %+v, want a refusal naming both files", got)
			}
			if got := env.servedCN(t); got != "server-2" {
				t.Errorf("served CN %q after a broken update, want server-2", got)
			}
		})
	}
	fourth := env.ca.ServerCert(t, "server-4")
	writeKeyPair(t, fourth, env.certFile, env.keyFile)
	testkit.Eventually(t, "server-4 served", func() bool { return env.servedCN(t) == "server-4" })
	env.logs.assertHides(t, keyLines(second, third, fourth)...)
}

// TestCertReload: a new certificate is served to new connections however
// its files are replaced, noticed by an event or by the poll.
func TestCertReload(t *testing.T) {
	for _, l := range testkit.FileLayouts() {
		for _, how := range noticers {
			t.Run(l.Name+" by "+how.String(), func(t *testing.T) {
				env := &tlsEnv{ca: newCA(t, "server CA")}
				var issued []keyPair
				pair := func(cn string) map[string][]byte {
					kp := env.ca.ServerCert(t, cn)
					issued = append(issued, kp)
					return map[string][]byte{"tls.crt": kp.Cert, "tls.key": kp.Key}
				}
				files := l.Create(t, pair("server-1"))
				env.certFile, env.keyFile = files.Path("tls.crt"), files.Path("tls.key")
				env.startWatching(t, how)
				if got := env.servedCN(t); got != "server-1" {
					t.Fatalf("served CN %q, want server-1", got)
				}
				for n, cn := range []string{"server-2", "server-3"} {
					files.Update(pair(cn))
					testkit.Eventually(t, cn+" served", func() bool { return env.servedCN(t) == cn })
					testkit.Eventually(t, "the reload logged", func() bool {
						r := env.logs.reloads(t)
						return len(r) > n && !r[len(r)-1].refused()
					})
				}
				if r := env.logs.reloads(t); l.Atomic >= 2 && len(r) != 2 {
					t.Errorf("logged %+v, want two reloads (one per update)", r)
				}
				env.logs.assertHides(t, keyLines(issued...)...)
			})
		}
	}
}

func TestNewCertReloaderErrors(t *testing.T) {
	ca := newCA(t, "ca")
	kp, other := ca.ServerCert(t, "a"), ca.ServerCert(t, "b")
	tests := []struct {
		name string
		kp   keyPair
	}{
		{"empty", keyPair{}},
		{"mismatched", keyPair{Cert: kp.Cert, Key: other.Key}},
		{"swapped", keyPair{Cert: kp.Key, Key: kp.Cert}},
		{"key missing", keyPair{Cert: kp.Cert}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			certFile, keyFile := writePair(t, tt.kp)
			if _, err := NewCertReloader(certFile, keyFile); err == nil || !strings.HasPrefix(err.Error(), "auth: ") {
				t.Errorf("NewCertReloader returned %v, want an auth: error", err)
			}
		})
	}
	certFile, _ := writePair(t, kp)
	if _, err := NewCertReloader(certFile, filepath.Join(t.TempDir(), "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("NewCertReloader with a missing key returned %v, want fs.ErrNotExist", err)
	}
}

func TestServerTLSConfig(t *testing.T) {
	ca := newCA(t, "ca")
	r, err := NewCertReloader(writePair(t, ca.ServerCert(t, "s")))
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := ServerTLSConfig(r, "")
	if err != nil {
		t.Fatalf("ServerTLSConfig returned %v", err)
	}
	if cfg.MinVersion != tls.VersionTLS12 || cfg.ClientAuth != tls.NoClientCert || cfg.GetCertificate == nil ||
		strings.Join(cfg.NextProtos, ",") != "h2,http/1.1" {
		t.Errorf("ServerTLSConfig without client CAs = %+v", cfg)
	}

	caFile := filepath.Join(t.TempDir(), "ca.PEM")
	testkit.WriteFile(t, caFile, append([]byte("# bundle\n"), ca.PEM...))
	if cfg, err = ServerTLSConfig(r, caFile); err != nil {
		t.Fatalf("ServerTLSConfig returned %v", err)
	}
	if cfg.ClientAuth != tls.RequireAndVerifyClientCert || cfg.ClientCAs == nil || cfg.GetConfigForClient == nil {
		t.Errorf("ServerTLSConfig with client CAs = %+v", cfg)
	}
	inner, _ := cfg.GetConfigForClient(nil)
	if inner.ClientAuth != tls.RequireAndVerifyClientCert || inner.MinVersion != tls.VersionTLS12 {
		t.Errorf("GetConfigForClient returned %+v", inner)
	}

	bad := map[string][]byte{
		"empty":               nil,
		"no PEM":              []byte("hello"),
		"private key":         ca.ServerCert(t, "x").Key,
		"certificate and key": append(append([]byte{}, ca.PEM...), ca.ServerCert(t, "x").Key...),
		"damaged certificate": pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("junk")}),
	}
	for name, data := range bad {
		t.Run(name, func(t *testing.T) {
			testkit.WriteFile(t, caFile, data)
			if _, err := ServerTLSConfig(r, caFile); err == nil || !strings.HasPrefix(err.Error(), "auth: ") {
				t.Errorf("ServerTLSConfig returned %v, want an auth: error", err)
			}
		})
	}
	if _, err := ServerTLSConfig(r, filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("ServerTLSConfig with a missing CA file returned nil error")
	}
	if _, err := ServerTLSConfig(nil, ""); err == nil {
		t.Error("ServerTLSConfig(nil) returned nil error")
	}
}

func TestMutualTLS(t *testing.T) {
	clientCA, otherCA := newCA(t, "client CA"), newCA(t, "other CA")
	env := setupTLS(t, clientCA.PEM)
	tests := []struct {
		name   string
		certs  []keyPair
		wantOK bool
	}{
		{"right CA", []keyPair{clientCA.ClientCert(t, "c1")}, true},
		{"no certificate", nil, false},
		{"another CA", []keyPair{otherCA.ClientCert(t, "c2")}, false},
		{"server certificate of the right CA", []keyPair{clientCA.ServerCert(t, "c3")}, false},
		{"the server's own certificate", []keyPair{env.ca.ServerCert(t, "c4")}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dial(t, env.addr, clientConfig(t, env.ca, tt.certs...))
			if (err == nil) != tt.wantOK {
				t.Errorf("handshake returned %v, want success: %v", err, tt.wantOK)
			}
		})
	}
}

func TestClientCAReload(t *testing.T) {
	ca1, ca2 := newCA(t, "client CA 1"), newCA(t, "client CA 2")
	env := setupTLS(t, ca1.PEM)
	c1 := clientConfig(t, env.ca, ca1.ClientCert(t, "c1"))
	c1.ClientSessionCache = tls.NewLRUClientSessionCache(4)
	c2 := clientConfig(t, env.ca, ca2.ClientCert(t, "c2"))
	ok := func(cfg *tls.Config) bool { _, err := dial(t, env.addr, cfg); return err == nil }

	if _, err := dial(t, env.addr, c1); err != nil {
		t.Fatalf("c1 refused: %v", err)
	}
	if st, err := dial(t, env.addr, c1); err != nil || !st.DidResume {
		t.Fatalf("c1 did not resume (err %v): the test below would prove nothing", err)
	}
	if ok(c2) {
		t.Fatal("c2 accepted before its CA was")
	}

	// A broken CA file keeps the CAs in force.
	testkit.WriteFile(t, env.caFile, []byte("-----BEGIN CERTIFICATE-----\nbroken\n-----END CERTIFICATE-----\n"))
	testkit.Eventually(t, "the refusal logged", func() bool { return len(env.logs.refusals(t)) > 0 })
	if !ok(c1) || ok(c2) {
		t.Error("client CAs changed after a broken CA file")
	}

	testkit.RenameOver(t, env.caFile, ca2.PEM)
	testkit.Eventually(t, "c2 accepted", func() bool { return ok(c2) })
	// c1 holds a session ticket from when ca1 was trusted: resuming it must
	// not bypass the new CAs.
	if st, err := dial(t, env.addr, c1); err == nil {
		t.Errorf("c1 accepted after its CA was removed (resumed: %v)", st.DidResume)
	}
}

func TestCertReloaderWatchStopsOnCancel(t *testing.T) {
	env := setupTLS(t, newCA(t, "client CA").PEM)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		env.reloader.Watch(ctx, testkit.EventsOnly, nil)
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(testkit.WaitTimeout):
		t.Fatal("Watch did not return after cancel")
	}
}
