package gateway

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// keepBody reads the body of a request to a route that takes one and keeps
// it in the request's context, where deriveUpdateMask and, when the gateway
// cannot parse it, explain read it again. A body whose Content-Type is not
// JSON is refused with 415 before it is read: the gateway would otherwise
// try to read a form or plain text as JSON and report a JSON syntax error.
func (rs *routes) keepBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength == 0 {
			next.ServeHTTP(w, r)
			return
		}
		if rt := rs.match(r.Method, r.URL); rt == nil || rt.body == "" {
			// The gateway answers 404 or 405, or ignores the body.
			next.ServeHTTP(w, r)
			return
		}
		if msg, ok := checkJSONContentType(r.Header.Get("Content-Type")); !ok {
			if r.Method == http.MethodPatch {
				w.Header().Set("Accept-Patch", "application/json")
			}
			writeStatus(w, http.StatusUnsupportedMediaType, status.New(codes.InvalidArgument, msg))
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeTooLarge(w, tooLarge.Limit)
				return
			}
			writeStatus(w, http.StatusBadRequest, status.New(codes.InvalidArgument, "could not read the request body"))
			return
		}
		r = r.WithContext(context.WithValue(r.Context(), bodyKey{}, body))
		r.Body = io.NopCloser(bytes.NewReader(body))
		next.ServeHTTP(w, r)
	})
}

type bodyKey struct{}

// keptBody returns the body keepBody read, if it read one.
func keptBody(ctx context.Context) ([]byte, bool) {
	b, ok := ctx.Value(bodyKey{}).([]byte)
	return b, ok
}

// checkJSONContentType accepts application/json (in UTF-8, JSON's only
// encoding) and a missing Content-Type, since JSON is all the API reads.
// Otherwise it returns the message of the 415.
func checkJSONContentType(contentType string) (msg string, ok bool) {
	if contentType == "" {
		return "", true
	}
	const want = "the request body must be JSON, sent as Content-Type: application/json"
	mediaType, params, err := mime.ParseMediaType(contentType)
	switch {
	case err != nil:
		return want + "; the Content-Type header could not be parsed", false
	case mediaType != "application/json":
		return want + ", not " + mediaType, false
	case params["charset"] != "" && !strings.EqualFold(params["charset"], "utf-8"):
		return want + " in UTF-8 (charset=utf-8 or none)", false
	}
	return "", true
}
