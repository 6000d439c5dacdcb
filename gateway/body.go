package gateway

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/schema"
	"github.com/pigello-facade/pigello-facade/server"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// limitBody answers 413 for a body over max instead of reading it.
func limitBody(max int64, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			writeTooLarge(w, max)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// deriveUpdateMask gives a PATCH without update_mask the mask of its body's
// writable top-level keys. grpc-gateway would derive one from every key,
// read-only ones included, and the facade refuses masks naming read-only
// fields; but a body is not an explicit mask, and AIP-203 says output-only
// fields in a request body are ignored. So a client can send back what it
// read, and {"color_code": null} still clears the colour. The body is the
// one keepBody read. A query string that does not parse is left as it is,
// for the gateway to refuse: rewriting it would drop the broken parameter.
func deriveUpdateMask(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, kept := keptBody(r.Context())
		q, err := url.ParseQuery(r.URL.RawQuery)
		if r.Method != http.MethodPatch || !kept || err != nil || q.Has("update_mask") || q.Has("updateMask") {
			next.ServeHTTP(w, r)
			return
		}
		if paths, ok := bodyMask(body); ok {
			q.Set("update_mask", strings.Join(paths, ","))
			r.URL.RawQuery = q.Encode()
		}
		next.ServeHTTP(w, r)
	})
}

// bodyMask lists the top-level keys of a JSON object as proto field names,
// leaving out read-only fields. Unknown keys stay, so the gateway reports
// them. ok is false when the body is not a JSON object; the gateway's
// decoder then says what is wrong with it.
func bodyMask(body []byte) (paths []string, ok bool) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return nil, false
	}
	for key := range obj {
		name, known := bodyFields[key]
		switch {
		case !known:
			paths = append(paths, key)
		case name != "":
			paths = append(paths, name)
		}
	}
	return paths, true
}

// bodyFields maps each key a work engagement may have in JSON (proto name
// or lowerCamel JSON name) to its proto name, or to "" for read-only fields
// (schema.ReadOnly, the rule the service's own mask check follows).
var bodyFields = func() map[string]string {
	m := map[string]string{}
	fields := (&accountsv1.WorkEngagement{}).ProtoReflect().Descriptor().Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		name := string(fd.Name())
		if schema.ReadOnly(fd) {
			name = ""
		}
		m[string(fd.Name())] = name
		m[fd.JSONName()] = name
	}
	return m
}()

func writeTooLarge(w http.ResponseWriter, max int64) {
	st := status.Newf(codes.InvalidArgument, "request body exceeds %d bytes", max)
	writeStatus(w, http.StatusRequestEntityTooLarge, st)
}

// writeStatus writes st as google.rpc.Status JSON, as the gateway does.
func writeStatus(w http.ResponseWriter, httpStatus int, st *status.Status) {
	b, err := errorMarshaler.Marshal(server.WithErrorInfo(st).Proto())
	if err != nil {
		http.Error(w, http.StatusText(httpStatus), httpStatus)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_, _ = w.Write(b)
}
