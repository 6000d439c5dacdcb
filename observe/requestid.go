package observe

import (
	"context"
	"crypto/rand"
	"encoding/hex"
)

const (
	// RequestIDHeader carries a call's request id over HTTP: from a REST
	// caller, back to it, and to Pigello.
	RequestIDHeader = "X-Request-Id"
	// RequestIDMetadataKey carries it in gRPC metadata, both ways.
	RequestIDMetadataKey = "x-request-id"
	// maxRequestIDLen bounds a caller's id; a longer one is replaced.
	maxRequestIDLen = 128
)

// ValidRequestID reports whether id is one the facade passes on: 1 to 128
// characters of [A-Za-z0-9._:-]. Anything else could smuggle separators or
// control characters into logs and headers, or bloat every log line.
func ValidRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := range len(id) {
		switch c := id[i]; {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '.', c == '_', c == ':', c == '-':
		default:
			return false
		}
	}
	return true
}

// NewRequestID returns a random id: 16 bytes from crypto/rand, in hex.
func NewRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand documents it)
	return hex.EncodeToString(b[:])
}

// requestIDFrom returns the caller's id when it sent exactly one valid id,
// and a new one otherwise: several values leave no way to choose.
func requestIDFrom(values []string) string {
	if len(values) == 1 && ValidRequestID(values[0]) {
		return values[0]
	}
	return NewRequestID()
}

type requestIDKey struct{}

// ContextWithRequestID returns ctx carrying id.
func ContextWithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, requestIDKey{}, id)
}

// RequestIDFromContext returns the request id ctx carries, "" if none.
func RequestIDFromContext(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
