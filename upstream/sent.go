package upstream

import (
	"context"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
)

// watchSend returns ctx for a request with method, and a function telling,
// once the request has failed, whether it may have reached Pigello: whether
// net/http got a connection for it. Until then nothing can have left, as
// when the dial, DNS lookup or TLS handshake failed or the attempt timed out
// while they ran; after it, bytes may have been written, even if net/http
// then reports the connection closed or reset. This is what decides whether
// a PATCH or POST may be sent again and whether its outcome is unknown.
//
// A GET is not watched, to keep the trace's allocations off the hot path:
// it is retried after any transport failure and changes nothing, so it is
// taken as sent.
func watchSend(ctx context.Context, method string) (context.Context, func() bool) {
	if method == http.MethodGet {
		return ctx, assumeSent
	}
	var connected atomic.Bool // net/http may call GotConn on another goroutine
	trace := &httptrace.ClientTrace{GotConn: func(httptrace.GotConnInfo) { connected.Store(true) }}
	return httptrace.WithClientTrace(ctx, trace), connected.Load
}

func assumeSent() bool { return true }
