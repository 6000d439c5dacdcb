package app

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
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

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func digest(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// withTokens configures a tokens file accepting token, checked for changes
// every 20ms; it returns the file's path.
func withTokens(t *testing.T, token string) (string, func(*Config)) {
	t.Helper()
	path := writeFile(t, t.TempDir(), "tokens", []byte("# test\n"+digest(token)+"\n"))
	return path, func(c *Config) { c.AuthTokensFile, c.ReloadInterval = path, 20*time.Millisecond }
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

// TestTokensRotate replaces the tokens file as Kubernetes does, by a rename,
// and sees the new token accepted and the old one refused without a restart.
func TestTokensRotate(t *testing.T) {
	path, tokens := withTokens(t, "old-token")
	env := setup(t, tokens)
	req := &accountsv1.GetWorkEngagementRequest{Id: env.demo().full}
	next := writeFile(t, t.TempDir(), "next", []byte(digest("new-token")+"\n"))
	if err := os.Rename(next, path); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() bool {
		_, err := env.client.GetWorkEngagement(bearer(callCtx(t), "new-token"), req)
		return err == nil
	})
	_, err := env.client.GetWorkEngagement(bearer(callCtx(t), "old-token"), req)
	assertStatus(t, err, codes.Unauthenticated, "TOKEN_INVALID")
}

func TestTLSAndMutualTLS(t *testing.T) {
	ca, other := testpki.NewCA(t, "test CA"), testpki.NewCA(t, "other CA")
	dir := t.TempDir()
	server := ca.ServerCert(t, "facade")
	certFile, keyFile := writeFile(t, dir, "tls.crt", server.Cert), writeFile(t, dir, "tls.key", server.Key)
	caFile := writeFile(t, dir, "ca.crt", ca.PEM)
	env := setup(t, func(c *Config) { c.TLSCertFile, c.TLSKeyFile, c.TLSClientCAFile = certFile, keyFile, caFile })
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

// eventually polls cond for up to five seconds.
func eventually(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestOversizedMessages: a gRPC request over --max-request-bytes is refused
// by the transport and never reaches Pigello.
func TestOversizedMessages(t *testing.T) {
	env := setup(t, func(c *Config) { c.MaxRequestBytes = 64 << 10 })
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
