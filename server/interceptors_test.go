package server

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pigello-facade/pigello-facade/auth"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// tokenFunc adapts a function to TokenChecker.
type tokenFunc func(string) error

func (f tokenFunc) Check(a string) error { return f(a) }

// acceptOnly accepts "Bearer good" and answers like auth.Tokens otherwise.
var acceptOnly = tokenFunc(func(a string) error {
	switch a {
	case "Bearer good":
		return nil
	case "":
		return auth.ErrMissingToken
	}
	return auth.ErrInvalidToken
})

// callUnary runs req, a request of method, through i, and reports whether
// i handed it on to the handler.
func callUnary(t *testing.T, i grpc.UnaryServerInterceptor, ctx context.Context, method string, req any) (reached bool, err error) {
	t.Helper()
	_, err = i(ctx, req, &grpc.UnaryServerInfo{FullMethod: method}, func(context.Context, any) (any, error) {
		reached = true
		return nil, nil
	})
	return reached, err
}

func TestAuthUnaryInterceptor(t *testing.T) {
	const rpc = "/pigello.accounts.v1.WorkEngagementService/GetWorkEngagement"
	tests := []struct {
		name   string
		method string
		auth   []string
		reason string // "" means let through
	}{
		{"valid token", rpc, []string{"Bearer good"}, ""},
		{"no token", rpc, nil, ReasonTokenMissing},
		{"wrong token", rpc, []string{"Bearer bad"}, ReasonTokenInvalid},
		{"two values", rpc, []string{"Bearer good", "Bearer good"}, ReasonTokenInvalid},
		{"health stays open", "/grpc.health.v1.Health/Check", nil, ""},
		{"reflection needs a token", "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", nil, ReasonTokenMissing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := metadata.MD{}
			for _, v := range tt.auth {
				md.Append("authorization", v)
			}
			ctx := metadata.NewIncomingContext(context.Background(), md)
			reached, err := callUnary(t, AuthUnaryInterceptor(acceptOnly), ctx, tt.method, nil)
			if tt.reason == "" {
				if err != nil || !reached {
					t.Fatalf("call returned %v (reached handler: %v), want it let through", err, reached)
				}
				return
			}
			if reached {
				t.Error("the handler ran for an unauthenticated call")
			}
			testkit.AssertStatus(t, err, codes.Unauthenticated, tt.reason)
			if strings.Contains(status.Convert(err).Message(), "bad") {
				t.Errorf("message %q repeats the token", status.Convert(err).Message())
			}
		})
	}
}

func TestDeadlineInterceptor(t *testing.T) {
	i := DeadlineInterceptor(time.Second)
	var got time.Time
	_, _ = i(context.Background(), nil, &grpc.UnaryServerInfo{}, func(ctx context.Context, _ any) (any, error) {
		got, _ = ctx.Deadline()
		return nil, nil
	})
	if d := time.Until(got); d <= 0 || d > time.Second {
		t.Errorf("a call without deadline got one %v away, want within 1s", d)
	}
	own, cancel := context.WithTimeout(context.Background(), time.Hour)
	defer cancel()
	want, _ := own.Deadline()
	_, _ = i(own, nil, &grpc.UnaryServerInfo{}, func(ctx context.Context, _ any) (any, error) {
		got, _ = ctx.Deadline()
		return nil, nil
	})
	if !got.Equal(want) {
		t.Errorf("a call's own deadline became %v, want it kept at %v", got, want)
	}
}

func TestPassThroughInterceptor(t *testing.T) {
	const rpc = "/pigello.accounts.v1.WorkEngagementService/GetWorkEngagement"
	all := func() metadata.MD {
		md := metadata.MD{}
		for _, k := range upstream.CredentialList() {
			md.Set(k.Header, "value-of-"+k.Header) // Set lower-cases the key
		}
		return md
	}
	// The metadata keys are spelled out: they are what callers send.
	tests := []struct {
		name   string
		edit   func(metadata.MD)
		code   codes.Code
		reason string
	}{
		{"all seven", func(metadata.MD) {}, codes.OK, ""},
		{"256 bytes", func(md metadata.MD) { md.Set("x-pigello-client-ct", strings.Repeat("a", 256)) }, codes.OK, ""},
		{"spaces inside", func(md metadata.MD) { md.Set("x-pigello-client-ct", "a b") }, codes.OK, ""},
		{"one missing", func(md metadata.MD) { delete(md, "x-pigello-client-secret") }, codes.Unauthenticated, ReasonCredentialsMissing},
		{"one empty", func(md metadata.MD) { md.Set("x-pigello-customer-id", "") }, codes.Unauthenticated, ReasonCredentialsMissing},
		{"too long", func(md metadata.MD) { md.Set("x-pigello-client-ct", strings.Repeat("a", 257)) }, codes.InvalidArgument, ReasonInvalidRequest},
		{"tab", func(md metadata.MD) { md.Set("x-pigello-client-ct", "a\tb") }, codes.InvalidArgument, ReasonInvalidRequest},
		{"line break", func(md metadata.MD) { md.Set("x-pigello-application-id", "a\r\nb") }, codes.InvalidArgument, ReasonInvalidRequest},
		{"non-ASCII", func(md metadata.MD) { md.Set("x-pigello-client-entity", "bolag-å") }, codes.InvalidArgument, ReasonInvalidRequest},
		{"leading space", func(md metadata.MD) { md.Set("x-pigello-service-version-id", " a") }, codes.InvalidArgument, ReasonInvalidRequest},
		{"trailing space", func(md metadata.MD) { md.Set("x-pigello-service-version-id", "a ") }, codes.InvalidArgument, ReasonInvalidRequest},
		{"sent twice", func(md metadata.MD) { md.Append("x-pigello-service-id", "again") }, codes.InvalidArgument, ReasonInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			md := all()
			tt.edit(md)
			ctx := metadata.NewIncomingContext(context.Background(), md)
			reached, err := callUnary(t, PassThroughInterceptor(), ctx, rpc, nil)
			if tt.code == codes.OK {
				if err != nil || !reached {
					t.Fatalf("call returned %v (reached: %v), want it let through", err, reached)
				}
				return
			}
			if reached {
				t.Error("the handler ran without usable credentials")
			}
			st := testkit.AssertStatus(t, err, tt.code, tt.reason)
			if strings.Contains(st.Message(), "value-of-") || strings.Contains(st.Message(), "aaaa") {
				t.Errorf("message %q contains a credential value", st.Message())
			}
		})
	}
}

func TestPassThroughUnauthenticatedIsTheCallers(t *testing.T) {
	ctx := context.WithValue(context.Background(), passThroughKey{}, true)
	st := toStatus(ctx, errors.Join(errPigello401), "")
	testkit.AssertStatus(t, st.Err(), codes.Unauthenticated, ReasonCredentialsRejected)
	testkit.AssertStatus(t, toStatus(context.Background(), errPigello401, "").Err(), codes.Internal, ReasonCredentialsRejected)
}

var errPigello401 = &upstream.Error{StatusCode: 401}
