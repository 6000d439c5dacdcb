package server

import (
	"context"
	"fmt"
	"strings"

	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// CredentialMetadataKeys are the metadata keys pass-through mode reads, in
// the order of upstream.Credentials: Pigello's header names in lower case.
var CredentialMetadataKeys = []string{
	"x-pigello-application-id",
	"x-pigello-client-ct",
	"x-pigello-client-entity",
	"x-pigello-client-secret",
	"x-pigello-customer-id",
	"x-pigello-service-id",
	"x-pigello-service-version-id",
}

// maxCredentialBytes bounds each pass-through value; Pigello's are short.
const maxCredentialBytes = 256

// missingCredentialsError and invalidCredentialsError name metadata keys,
// never values.
type missingCredentialsError struct{ keys []string }

func (e *missingCredentialsError) Error() string {
	return "server: missing Pigello credentials in metadata: " + strings.Join(e.keys, ", ")
}

type passThroughKey struct{}

// PassThroughInterceptor takes the seven Pigello credentials of each
// WorkEngagementService call from its metadata (pass-through mode, for
// multi-tenant callers). A missing one is UNAUTHENTICATED, a malformed one
// INVALID_ARGUMENT; neither reaches Pigello. Values are never logged.
func PassThroughInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if strings.HasPrefix(info.FullMethod, healthPrefix) {
			return handler(ctx, req)
		}
		creds, err := credentialsFromMetadata(ctx)
		if err != nil {
			return nil, errorStatus(ctx, err, "")
		}
		ctx = context.WithValue(upstream.ContextWithCredentials(ctx, creds), passThroughKey{}, true)
		return handler(ctx, req)
	}
}

func credentialsFromMetadata(ctx context.Context) (upstream.Credentials, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	values := make([]string, len(CredentialMetadataKeys))
	var missing missingCredentialsError
	var invalid invalidArgumentError
	for i, key := range CredentialMetadataKeys {
		v := md.Get(key)
		switch {
		case len(v) == 0 || v[0] == "":
			missing.keys = append(missing.keys, key)
		case len(v) > 1:
			invalid.add(key, "must be sent once")
		case len(v[0]) > maxCredentialBytes:
			invalid.add(key, fmt.Sprintf("must be at most %d bytes", maxCredentialBytes))
		case strings.ContainsFunc(v[0], isControl):
			invalid.add(key, "must not contain control characters")
		default:
			values[i] = v[0]
		}
	}
	if len(missing.keys) > 0 {
		return upstream.Credentials{}, &missing
	}
	if len(invalid.violations) > 0 {
		return upstream.Credentials{}, &invalid
	}
	return upstream.Credentials{
		ApplicationID: values[0], ClientCT: values[1], ClientEntity: values[2], ClientSecret: values[3],
		CustomerID: values[4], ServiceID: values[5], ServiceVersionID: values[6],
	}, nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// passThrough reports whether the call's Pigello credentials are the
// caller's own, so Pigello refusing them is the caller's to fix.
func passThrough(ctx context.Context) bool {
	v, _ := ctx.Value(passThroughKey{}).(bool)
	return v
}
