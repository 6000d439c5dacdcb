package server

import (
	"context"
	"strings"

	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
)

// passThroughCredential is a credential and the metadata key it comes in:
// Pigello's header name in lower case, as HTTP/2 and gRPC carry names.
type passThroughCredential struct {
	upstream.Credential
	key string
}

// passThroughCredentials lists, once, what each pass-through call reads.
var passThroughCredentials = func() []passThroughCredential {
	list := upstream.CredentialList()
	out := make([]passThroughCredential, len(list))
	for i, k := range list {
		out[i] = passThroughCredential{k, strings.ToLower(k.Header)}
	}
	return out
}()

// missingCredentialsError names metadata keys, never values.
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

// credentialsFromMetadata reads the seven credentials of a call, each sent
// once and passing upstream.CheckCredentialValue. Errors name metadata
// keys, never values.
func credentialsFromMetadata(ctx context.Context) (upstream.Credentials, error) {
	md, _ := metadata.FromIncomingContext(ctx)
	var creds upstream.Credentials
	var missing missingCredentialsError
	var invalid invalidArgumentError
	for _, k := range passThroughCredentials {
		v := md.Get(k.key)
		switch {
		case len(v) == 0 || v[0] == "":
			missing.keys = append(missing.keys, k.key)
		case len(v) > 1:
			invalid.add(k.key, "must be sent once")
		default:
			if err := upstream.CheckCredentialValue(v[0]); err != nil {
				invalid.add(k.key, err.Error())
			}
			k.Set(&creds, v[0])
		}
	}
	if len(missing.keys) > 0 {
		return upstream.Credentials{}, &missing
	}
	if len(invalid.violations) > 0 {
		return upstream.Credentials{}, &invalid
	}
	return creds, nil
}

// passThrough reports whether the call's Pigello credentials are the
// caller's own, so Pigello refusing them is the caller's to fix.
func passThrough(ctx context.Context) bool {
	v, _ := ctx.Value(passThroughKey{}).(bool)
	return v
}
