package gateway

import (
	"net/http"
	"strings"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
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

// headerMatcher forwards what grpc-gateway forwards by default and, in
// pass-through mode, the X-Pigello-* credential headers under their
// lower-case names, which is where the gRPC server reads them.
func headerMatcher(forwardCredentials bool) runtime.HeaderMatcherFunc {
	return func(key string) (string, bool) {
		if forwardCredentials {
			if lower := strings.ToLower(key); strings.HasPrefix(lower, "x-pigello-") {
				return lower, true
			}
		}
		return runtime.DefaultHeaderMatcher(key)
	}
}
