package gateway

import (
	"context"
	"net/http"
	"net/textproto"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/pigello-facade/pigello-facade/observe"
	"github.com/pigello-facade/pigello-facade/server"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/grpc/metadata"
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

// forwardCredentials returns, for pass-through mode, a metadata annotator
// that passes the seven Pigello credential headers on under their
// lower-case names, which is where the service reads them, each value as it
// was sent. Not grpc-gateway's header matching: that drops a value gRPC
// metadata could not carry on a wire (a tab, a non-ASCII byte), and the
// service would then call a credential sent malformed missing; the call is
// in process, so the service sees the value and refuses it as malformed.
// No other X-Pigello-* header is passed on.
func forwardCredentials() func(context.Context, *http.Request) metadata.MD {
	var headers []string // in net/http's canonical form, as r.Header holds them
	for _, k := range upstream.CredentialList() {
		headers = append(headers, textproto.CanonicalMIMEHeaderKey(k.Header))
	}
	return func(_ context.Context, r *http.Request) metadata.MD {
		md := metadata.MD{}
		for _, h := range headers {
			if values := r.Header[h]; len(values) > 0 {
				md.Append(h, values...) // under h in lower case
			}
		}
		return md
	}
}

// headerMatcher forwards what grpc-gateway forwards by default and the
// request id (X-Request-Id, which observe.RequestIDHandler has made the
// call's one sane id) as x-request-id.
func headerMatcher(key string) (string, bool) {
	// EqualFold rather than ToLower: this runs for every header of every
	// request, and lower-casing allocates.
	if strings.EqualFold(key, observe.RequestIDHeader) {
		return observe.RequestIDMetadataKey, true
	}
	// Not Grpc-Metadata-*: a second x-request-id or traceparent could come
	// that way. The trace context is the HTTP handler's span, already in the
	// request's context.
	return runtime.DefaultHeaderMatcher(key)
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
