package app

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"github.com/pigello-facade/pigello-facade/internal/testpki"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	reflectionv1 "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
)

// withTokens configures a tokens file accepting token; it returns the
// file's path.
func withTokens(t *testing.T, token string) (string, func(*Config)) {
	t.Helper()
	path := testkit.WriteFile(t, filepath.Join(t.TempDir(), "tokens"), testkit.TokensFile(token))
	return path, func(c *Config) { c.Security.TokensFile = path }
}

func bearer(ctx context.Context, token string) context.Context {
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+token)
}

func dial(t *testing.T, addr string, creds credentials.TransportCredentials) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(creds))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestTokens: with --auth-tokens-file, a call without an accepted bearer
// token is UNAUTHENTICATED (HTTP 401 with a WWW-Authenticate challenge) over
// gRPC and REST, and never reaches Pigello; health stays open.
func TestTokens(t *testing.T) {
	_, tokens := withTokens(t, "good-token")
	env := setup(t, tokens)
	req := &accountsv1.GetWorkEngagementRequest{Id: env.demo().full}
	tests := []struct {
		name   string
		ctx    func(context.Context) context.Context
		reason string
	}{
		{"no token", func(c context.Context) context.Context { return c }, "TOKEN_MISSING"},
		{"wrong token", func(c context.Context) context.Context { return bearer(c, "bad-token") }, "TOKEN_INVALID"},
		{"basic auth", func(c context.Context) context.Context {
			return metadata.AppendToOutgoingContext(c, "authorization", "Basic Z29vZA==")
		}, "TOKEN_INVALID"},
	}
	for _, tr := range env.transports() {
		for _, tt := range tests {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				env.emu.ResetRequests()
				a := tr.Get(tt.ctx(callCtx(t)), req)
				a.assertError(t, wantError{code: codes.Unauthenticated, http: http.StatusUnauthorized, reason: tt.reason})
				if got := a.header.Get("WWW-Authenticate"); a.header != nil && got != `Bearer realm="pigello-facade"` {
					t.Errorf("WWW-Authenticate = %q, want the Bearer challenge", got)
				}
				env.assertNoUpstream(t)
			})
		}
		if a := tr.Get(bearer(callCtx(t), "good-token"), req); a.err != nil {
			t.Errorf("%s Get with the right token returned %v", tr.name, a.err)
		}
		if a := tr.List(bearer(callCtx(t), "good-token"), &accountsv1.ListWorkEngagementsRequest{}); a.err != nil {
			t.Errorf("%s List with the right token returned %v", tr.name, a.err)
		}
	}
	conn := dial(t, env.grpcAddr, insecure.NewCredentials())
	if resp, err := healthpb.NewHealthClient(conn).Check(callCtx(t), &healthpb.HealthCheckRequest{}); err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("health check without a token = %v, %v; want SERVING", resp, err)
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		resp, err := http.Get(env.restURL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s without a token = %d, want 200", path, resp.StatusCode)
		}
	}
	stream, err := reflectionv1.NewServerReflectionClient(conn).ServerReflectionInfo(callCtx(t))
	if err == nil {
		_ = stream.Send(&reflectionv1.ServerReflectionRequest{MessageRequest: &reflectionv1.ServerReflectionRequest_ListServices{}})
		_, err = stream.Recv()
	}
	assertStatus(t, err, codes.Unauthenticated, "TOKEN_MISSING")
	for _, token := range []string{"good-token", "bad-token", "Z29vZA=="} {
		if strings.Contains(env.logs.String(), token) {
			t.Errorf("the log holds the token %q", token)
		}
	}
}

// TestTokensRevokedOnChange: a token taken out of the tokens file is
// refused over gRPC and REST as soon as the file changes, however it is
// replaced, with no restart; the tokens left and added work. The fallback
// poll is an hour, so only the file watcher can explain it.
func TestTokensRevokedOnChange(t *testing.T) {
	for _, l := range testkit.FileLayouts() {
		t.Run(l.Name, func(t *testing.T) {
			files := l.Create(t, map[string][]byte{"tokens": testkit.TokensFile("old-token", "kept-token")})
			path := files.Path("tokens")
			env := setup(t, func(c *Config) { c.Security.TokensFile, c.Security.ReloadInterval = path, testkit.EventsOnly })
			req := &accountsv1.GetWorkEngagementRequest{Id: env.demo().full}
			get := func(token string) error {
				_, err := env.client.GetWorkEngagement(bearer(callCtx(t), token), req)
				return err
			}
			if err := get("old-token"); err != nil {
				t.Fatalf("Get with old-token before the change returned %v", err)
			}
			files.Update(map[string][]byte{"tokens": testkit.TokensFile("kept-token", "new-token")})
			// Until new-token works the file may have been caught half
			// written (empty), which refuses old-token too.
			testkit.Eventually(t, "new-token accepted", func() bool { return get("new-token") == nil })
			assertStatus(t, get("old-token"), codes.Unauthenticated, "TOKEN_INVALID")
			for _, token := range []string{"kept-token", "new-token"} {
				if err := get(token); err != nil {
					t.Errorf("Get with %s after the change returned %v", token, err)
				}
			}
			restGet := func(token string) int {
				r, _ := http.NewRequestWithContext(callCtx(t), http.MethodGet, env.restURL+workEngagementsPath(req.GetId()), nil)
				r.Header.Set("Authorization", "Bearer "+token)
				resp, err := http.DefaultClient.Do(r)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				return resp.StatusCode
			}
			if got := restGet("old-token"); got != http.StatusUnauthorized {
				t.Errorf("REST GET with old-token after the change = %d, want 401", got)
			}
			if got := restGet("new-token"); got != http.StatusOK {
				t.Errorf("REST GET with new-token after the change = %d, want 200", got)
			}
			env.assertReloadLogged(t, "reloaded tokens file", path, "old-token", "kept-token", "new-token")
		})
	}
}

// assertReloadLogged waits for the log line of a reload of file, checks no
// reload was refused and that the log holds none of secrets nor their
// digests.
func (e *testEnv) assertReloadLogged(t *testing.T, msg, file string, secrets ...string) {
	t.Helper()
	testkit.Eventually(t, "the log line "+msg, func() bool {
		for _, rec := range e.allLogRecords(t) {
			if rec["msg"] == msg && rec["file"] == file && rec["level"] == "INFO" {
				return true
			}
		}
		return false
	})
	for _, rec := range e.allLogRecords(t) {
		if m, _ := rec["msg"].(string); strings.HasPrefix(m, "refused to reload") {
			t.Errorf("logged %v", rec)
		}
	}
	for _, s := range secrets {
		if log := e.logs.String(); strings.Contains(log, s) || strings.Contains(log, testkit.TokenDigest(s)) {
			t.Errorf("the log holds the token %q or its digest", s)
		}
	}
}

// TestTLSCertificateRotates: a certificate renewed in a Kubernetes Secret
// is served to new connections on both listeners, with no restart and the
// fallback poll an hour away.
func TestTLSCertificateRotates(t *testing.T) {
	ca := testpki.NewCA(t, "test CA")
	var keys []testpki.KeyPair
	pair := func(cn string) map[string][]byte {
		kp := ca.ServerCert(t, cn)
		keys = append(keys, kp)
		return map[string][]byte{"tls.crt": kp.Cert, "tls.key": kp.Key}
	}
	secret := testkit.NewSecretDir(t, pair("facade-1"))
	certFile, keyFile := secret.Path("tls.crt"), secret.Path("tls.key")
	env := setup(t, func(c *Config) {
		c.Security.TLSCertFile, c.Security.TLSKeyFile, c.Security.ReloadInterval = certFile, keyFile, testkit.EventsOnly
	})
	servedCN := func(addr string) string {
		d := tls.Dialer{Config: &tls.Config{RootCAs: ca.Pool(), NextProtos: []string{"h2"}}}
		conn, err := d.DialContext(callCtx(t), "tcp", addr)
		if err != nil {
			t.Fatalf("TLS handshake with %s: %v", addr, err)
		}
		defer conn.Close()
		return conn.(*tls.Conn).ConnectionState().PeerCertificates[0].Subject.CommonName
	}
	for _, addr := range []string{env.grpcAddr, env.httpAddr} {
		if got := servedCN(addr); got != "facade-1" {
			t.Fatalf("%s served %q, want facade-1", addr, got)
		}
	}
	secret.Update(pair("facade-2"))
	for _, addr := range []string{env.grpcAddr, env.httpAddr} {
		testkit.Eventually(t, "facade-2 served", func() bool { return servedCN(addr) == "facade-2" })
	}
	client := accountsv1.NewWorkEngagementServiceClient(dial(t, env.grpcAddr, credentials.NewTLS(&tls.Config{RootCAs: ca.Pool()})))
	if _, err := client.GetWorkEngagement(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: env.demo().full}); err != nil {
		t.Errorf("Get over TLS after the renewal returned %v", err)
	}
	env.assertReloadLogged(t, "reloaded TLS certificate", certFile)
	for _, kp := range keys {
		if strings.Contains(env.logs.String(), strings.Split(string(kp.Key), "\n")[1]) {
			t.Error("the log holds key material")
		}
	}
}

func TestTLSAndMutualTLS(t *testing.T) {
	ca, other := testpki.NewCA(t, "test CA"), testpki.NewCA(t, "other CA")
	dir := t.TempDir()
	server := ca.ServerCert(t, "facade")
	certFile, keyFile := testkit.WriteFile(t, filepath.Join(dir, "tls.crt"), server.Cert), testkit.WriteFile(t, filepath.Join(dir, "tls.key"), server.Key)
	caFile := testkit.WriteFile(t, filepath.Join(dir, "ca.crt"), ca.PEM)
	env := setup(t, func(c *Config) {
		c.Security.TLSCertFile, c.Security.TLSKeyFile, c.Security.TLSClientCAFile = certFile, keyFile, caFile
	})
	req := &accountsv1.GetWorkEngagementRequest{Id: env.demo().full}
	tests := []struct {
		name  string
		creds credentials.TransportCredentials
		ok    bool
	}{
		{"plaintext", insecure.NewCredentials(), false},
		{"TLS without a client certificate", credentials.NewTLS(&tls.Config{RootCAs: ca.Pool()}), false},
		{"client certificate from another CA", credentials.NewTLS(&tls.Config{RootCAs: ca.Pool(), Certificates: []tls.Certificate{other.ClientCert(t, "client").TLSCertificate(t)}}), false},
		{"client certificate from the CA", credentials.NewTLS(&tls.Config{RootCAs: ca.Pool(), Certificates: []tls.Certificate{ca.ClientCert(t, "client").TLSCertificate(t)}}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client := accountsv1.NewWorkEngagementServiceClient(dial(t, env.grpcAddr, tt.creds))
			_, err := client.GetWorkEngagement(callCtx(t), req)
			if (err == nil) != tt.ok {
				t.Errorf("Get returned %v, want ok=%v", err, tt.ok)
			}
		})
	}
	https := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: ca.Pool(), Certificates: []tls.Certificate{ca.ClientCert(t, "client").TLSCertificate(t)}}}}
	t.Cleanup(https.CloseIdleConnections)
	resp, err := https.Get("https://" + env.httpAddr + workEngagementsPath(req.GetId()))
	if err != nil {
		t.Fatalf("GET over mTLS returned %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET over mTLS = %d, want 200", resp.StatusCode)
	}
}

func TestCredentialsFromMetadata(t *testing.T) {
	emu := emulator.New(emulator.Config{})
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	env := startFacade(t, srv.URL, testCreds, func(c *Config) { c.CredentialsFromMetadata = true })
	demo := emulator.DemoCredentials()
	good := metadata.Pairs(
		"x-pigello-application-id", demo.ApplicationID, "x-pigello-client-ct", demo.ClientCT,
		"x-pigello-client-entity", demo.ClientEntity, "x-pigello-client-secret", demo.ClientSecret,
		"x-pigello-customer-id", demo.CustomerID, "x-pigello-service-id", demo.ServiceID,
		"x-pigello-service-version-id", demo.ServiceVersionID)
	req := &accountsv1.GetWorkEngagementRequest{Id: emu.DemoIDs()[0]}

	if _, err := env.client.GetWorkEngagement(metadata.NewOutgoingContext(callCtx(t), good), req); err != nil {
		t.Fatalf("Get with the caller's credentials returned %v", err)
	}
	if got := emu.Requests()[0].Header.Get("X-Pigello-Client-Secret"); got != demo.ClientSecret {
		t.Errorf("Pigello got client secret %q, want the caller's", got)
	}
	emu.ResetRequests()

	missing := good.Copy()
	delete(missing, "x-pigello-client-secret")
	malformed := good.Copy()
	malformed.Set("x-pigello-client-ct", strings.Repeat("a", 257))
	wrong := good.Copy()
	wrong.Set("x-pigello-client-secret", "not-the-secret")
	tests := []struct {
		name  string
		md    metadata.MD
		want  wantError
		calls int // requests Pigello gets
	}{
		{"missing", missing, wantError{code: codes.Unauthenticated, http: 401, reason: "PIGELLO_CREDENTIALS_MISSING"}, 0},
		{"malformed", malformed, wantError{code: codes.InvalidArgument, http: 400, reason: "INVALID_REQUEST", fields: []string{"x-pigello-client-ct"}}, 0},
		{"refused by Pigello", wrong, wantError{code: codes.Unauthenticated, http: 401, reason: "PIGELLO_UNAUTHENTICATED", upstream: "401"}, 1},
	}
	for _, tr := range env.transports() {
		for _, tt := range tests {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				emu.ResetRequests()
				tr.Get(metadata.NewOutgoingContext(callCtx(t), tt.md), req).assertError(t, tt.want)
				if n := len(emu.Requests()); n != tt.calls {
					t.Errorf("Pigello got %d requests, want %d", n, tt.calls)
				}
			})
		}
	}

	// Values only one protocol can carry, refused as malformed there too
	// (not as missing): grpc-go will not send a tab or a non-ASCII byte,
	// which HTTP carries; HTTP/1.1 strips a space at either end.
	oneProtocol := []struct {
		transport, name, key, value string
	}{
		{"REST", "tab", "x-pigello-client-ct", "ct\tvalue"},
		{"REST", "non-ASCII", "x-pigello-client-entity", "bolag-å"},
		{"gRPC", "leading space", "x-pigello-client-secret", " " + demo.ClientSecret},
	}
	for _, tr := range env.transports() {
		for _, tt := range oneProtocol {
			if tt.transport != tr.name {
				continue
			}
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				emu.ResetRequests()
				md := good.Copy()
				md.Set(tt.key, tt.value)
				tr.Get(metadata.NewOutgoingContext(callCtx(t), md), req).assertInvalid(t, tt.key)
				if n := len(emu.Requests()); n != 0 {
					t.Errorf("Pigello got %d requests, want none", n)
				}
			})
		}
	}

	rest, _ := http.NewRequestWithContext(callCtx(t), http.MethodGet, env.restURL+workEngagementsPath(req.GetId()), nil)
	for k, v := range good {
		rest.Header.Set(k, v[0])
	}
	resp, err := http.DefaultClient.Do(rest)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("REST GET with X-Pigello-* headers = %d, want 200", resp.StatusCode)
	}
	for _, secret := range []string{demo.ClientSecret, "not-the-secret"} {
		if strings.Contains(env.logs.String(), secret) {
			t.Errorf("the log holds the pass-through credential %q", secret)
		}
	}
}

// TestOversizedMessages: a gRPC request over --max-request-bytes is refused
// by the transport and never reaches Pigello.
func TestOversizedMessages(t *testing.T) {
	env := setup(t, func(c *Config) { c.Server.MaxRequestBytes = 64 << 10 })
	big := strings.Repeat("x", 100<<10)
	_, err := env.client.UpdateWorkEngagement(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{
		WorkEngagement: &accountsv1.WorkEngagement{Id: env.demo().full, CustomId: &big},
	})
	if status.Code(err) != codes.ResourceExhausted {
		t.Errorf("Update with a 100 KiB message returned %v, want RESOURCE_EXHAUSTED", err)
	}
	env.assertNoUpstream(t)
}

// TestHeaderLimit: HTTP headers over 64 KiB are refused by the server.
func TestHeaderLimit(t *testing.T) {
	env := setup(t)
	req, _ := http.NewRequestWithContext(callCtx(t), http.MethodGet, env.restURL+workEngagementsPath(env.demo().full), nil)
	req.Header.Set("X-Padding", strings.Repeat("p", 80<<10))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("GET with 80 KiB of headers = %d, want 431", resp.StatusCode)
	}
	env.assertNoUpstream(t)
}
