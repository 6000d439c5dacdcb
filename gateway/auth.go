package gateway

import (
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/pigello-facade/pigello-facade/observe"
	"github.com/pigello-facade/pigello-facade/server"
)

// requireToken answers 401 to a request whose Authorization header tokens
// does not accept, before anything else reads the request.
func requireToken(tokens server.TokenChecker, next http.Handler) http.Handler {
	if tokens == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := tokens.Check(r.Header.Get("Authorization")); err != nil {
			st := server.Status(r.Context(), err)
			w.Header().Set("WWW-Authenticate", `Bearer realm="pigello-facade"`)
			writeStatus(w, runtime.HTTPStatusFromCode(st.Code()), st)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// headerMatcher forwards what grpc-gateway forwards by default, the request
// id (X-Request-Id, which observe.RequestIDHandler has made the call's one
// sane id) as x-request-id, and, in pass-through mode, the X-Pigello-*
// credential headers under their lower-case names, which is where the gRPC
// server reads them.
func headerMatcher(forwardCredentials bool) runtime.HeaderMatcherFunc {
	const credentialPrefix = "x-pigello-"
	return func(key string) (string, bool) {
		// EqualFold rather than ToLower: this runs for every header of every
		// request, and lower-casing allocates.
		if strings.EqualFold(key, observe.RequestIDHeader) {
			return observe.RequestIDMetadataKey, true
		}
		if forwardCredentials && len(key) > len(credentialPrefix) && strings.EqualFold(key[:len(credentialPrefix)], credentialPrefix) {
			return strings.ToLower(key), true
		}
		// Not Grpc-Metadata-*: a second x-request-id or traceparent could
		// come that way. The trace context is the HTTP handler's span,
		// already in the request's context.
		return runtime.DefaultHeaderMatcher(key)
	}
}

// outgoingHeaderMatcher returns gRPC header metadata as Grpc-Metadata-*
// headers, as grpc-gateway does by default, except x-request-id:
// observe.RequestIDHandler has already set X-Request-Id, and it is sent once.
func outgoingHeaderMatcher(key string) (string, bool) {
	if strings.EqualFold(key, observe.RequestIDMetadataKey) {
		return "", false
	}
	return runtime.MetadataHeaderPrefix + key, true
}
