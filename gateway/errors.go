package gateway

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"github.com/pigello-facade/pigello-facade/server"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// errorHandler writes errors as google.rpc.Status JSON with the HTTP status
// grpc-gateway assigns to the code. Every status the service returns already
// carries an ErrorInfo; one without was made by the gateway itself, from a
// request it could not parse, and is replaced by the facade's own account of
// what is wrong (explainRefusal). A status with RetryInfo also sets
// Retry-After, for HTTP clients that know no google.rpc details.
// Errors are written with errorMarshaler whatever the request's marshaler.
func (rs *routes) errorHandler(ctx context.Context, mux *runtime.ServeMux, _ runtime.Marshaler, w http.ResponseWriter, r *http.Request, err error) {
	httpStatus := 0
	var custom *runtime.HTTPStatusError
	if errors.As(err, &custom) {
		httpStatus, err = custom.HTTPStatus, custom.Err
	}
	st := status.Convert(err)
	if !hasErrorInfo(st) {
		st = rs.explainRefusal(ctx, r, st)
	}
	st = server.WithErrorInfo(st)
	if seconds, ok := retryAfter(st); ok {
		w.Header().Set("Retry-After", seconds)
	}
	err = st.Err()
	if httpStatus != 0 {
		err = &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: err}
	}
	runtime.DefaultHTTPErrorHandler(ctx, mux, errorMarshaler, w, r, err)
}

// explainRefusal turns an error the gateway made while parsing r, whose
// message is the parser's own ("proto: (line 1:9): ...",
// "strconv.ParseBool: ..."), into INVALID_REQUEST with a BadRequest naming
// each field at fault. An error made before parsing began (ctx names no RPC
// yet: an unusable Grpc-Timeout header) keeps the gateway's message, which
// says what is wrong.
func (rs *routes) explainRefusal(ctx context.Context, r *http.Request, st *status.Status) *status.Status {
	if _, parsing := runtime.RPCMethod(ctx); !parsing || st.Code() != codes.InvalidArgument {
		return st
	}
	if v := rs.explain(r); len(v) > 0 {
		return server.InvalidRequest(v...)
	}
	return status.New(codes.InvalidArgument, "the request could not be read")
}

// routingErrorHandler answers a request no route serves: 405 with an Allow
// header when its path is served under other methods, else 404.
func (rs *routes) routingErrorHandler(ctx context.Context, mux *runtime.ServeMux, m runtime.Marshaler, w http.ResponseWriter, r *http.Request, httpStatus int) {
	code, msg := codes.Internal, "the request could not be routed"
	switch httpStatus {
	case http.StatusMethodNotAllowed:
		if allowed := strings.Join(rs.allowed(r.URL), ", "); allowed != "" {
			w.Header().Set("Allow", allowed)
			st := server.WithErrorInfo(status.Newf(codes.Unimplemented, "%s is not served at this path; it serves %s", r.Method, allowed))
			rs.errorHandler(ctx, mux, m, w, r, &runtime.HTTPStatusError{HTTPStatus: httpStatus, Err: st.Err()})
			return
		}
		code, msg = codes.NotFound, "no REST route has this path"
	case http.StatusNotFound:
		code, msg = codes.NotFound, "no REST route has this path"
	case http.StatusBadRequest:
		code, msg = codes.InvalidArgument, "the request path must begin with /"
	}
	rs.errorHandler(ctx, mux, m, w, r, server.WithErrorInfo(status.New(code, msg)).Err())
}

func hasErrorInfo(st *status.Status) bool {
	for _, d := range st.Details() {
		if _, ok := d.(*errdetails.ErrorInfo); ok {
			return true
		}
	}
	return false
}

// retryAfter returns st's RetryInfo delay as a Retry-After value: whole
// seconds, rounded up so a client never retries early.
func retryAfter(st *status.Status) (string, bool) {
	for _, d := range st.Details() {
		if ri, ok := d.(*errdetails.RetryInfo); ok && ri.GetRetryDelay().AsDuration() > 0 {
			seconds := (ri.GetRetryDelay().AsDuration() + time.Second - 1) / time.Second
			return strconv.FormatInt(int64(seconds), 10), true
		}
	}
	return "", false
}
