package upstream

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

var (
	// ErrInvalidID is returned, before any request is sent, for an id that
	// is not a UUID in 8-4-4-4-12 hexadecimal form.
	ErrInvalidID = errors.New("upstream: id is not a UUID")
	// ErrResponseTooLarge is returned when a body exceeds 1 MiB, the most a
	// Client reads of one. For a non-2xx answer the *Error wraps it, so both
	// errors.Is(err, ErrResponseTooLarge) and errors.As(err, **Error) hold.
	ErrResponseTooLarge = errors.New("upstream: response body exceeds limit")
	// ErrMalformedResponse is wrapped by the error for a 2xx body that is not
	// the documented JSON: not JSON, not an object, wrong types, a missing or
	// empty id, or an unparsable created_at; or a list answer in neither
	// assumed envelope (an *EnvelopeError is in the chain too) or with an
	// item the caller could not decode.
	ErrMalformedResponse = errors.New("upstream: malformed response")
	// ErrUnreachable is wrapped by the error for an exchange that failed in
	// transport, before a whole answer arrived: refused or reset
	// connections, DNS and TLS failures, a body cut short. The transport's
	// own error stays in the chain too. Context errors are reported as
	// themselves instead.
	ErrUnreachable = errors.New("pigello unreachable")
	// ErrAttemptTimeout is wrapped, together with ErrUnreachable, by the
	// error for an attempt cut short by WithAttemptTimeout while the
	// caller's context was still alive. It is a transport failure, not the
	// caller's deadline: context.DeadlineExceeded is not in the chain.
	ErrAttemptTimeout = errors.New("attempt timed out")
	// ErrOutcomeUnknown is wrapped, next to ErrUnreachable or the caller's
	// context error, by the error of a PATCH or POST that may have reached
	// Pigello and got no whole answer: the connection failed after it
	// opened, the attempt timed out or the caller's context ended while the
	// answer was awaited. Pigello may or may not have applied it, and it is
	// not sent again. A request that never left (no connection was had for it) does
	// not wrap it, nor does a GET or DELETE, which are retried and safe to
	// repeat.
	ErrOutcomeUnknown = errors.New("outcome unknown: the request may have been applied")
	// ErrOverloaded is wrapped by the error for a call that found no free
	// slot under WithLimiter within the queue timeout. No request was
	// sent. If the caller's context ended while the call waited, its error
	// is in the chain too.
	ErrOverloaded = errors.New("too many requests in flight to pigello")
	// ErrCircuitOpen is wrapped by the error for a call refused by the
	// breaker of WithBreaker without sending a request.
	ErrCircuitOpen = errors.New("circuit breaker open")
	// ErrNoCredentials is wrapped by the error for a call, under
	// WithCredentialsFromContext, whose context carries no credentials or
	// credentials that are incomplete or not valid header values. No request
	// was sent. The error names headers, never values.
	ErrNoCredentials = errors.New("no valid credentials in context")
)

// maxMessagesInError bounds how many field errors Error() spells out, so
// one pathological answer does not produce a megabyte-long log line.
const maxMessagesInError = 5

// Error is every non-2xx answer from Pigello, 3xx included (redirects are
// never followed).
type Error struct {
	StatusCode  int
	Detail      string        // "detail" of a Django REST Framework body, if any
	FieldErrors []FieldError  // flattened DRF field errors, one per message, in body order
	RetryAfter  time.Duration // from Retry-After (delta-seconds or HTTP-date); 0 if absent or invalid
	Body        []byte        // the raw body as read, at most the response limit; nil if empty

	err error // ErrResponseTooLarge when the body was cut short
}

// BodyError is a successful (2xx) answer whose body could not be used. It
// wraps ErrResponseTooLarge or ErrMalformedResponse, and keeps the status so
// callers can still say what Pigello answered.
type BodyError struct {
	StatusCode int
	err        error
}

func (e *BodyError) Error() string { return e.err.Error() }

// Unwrap returns ErrResponseTooLarge or an error wrapping ErrMalformedResponse.
func (e *BodyError) Unwrap() error { return e.err }

// FieldError is one message about one field of a request.
type FieldError struct {
	// Field is a path with dots for nested objects and [i] for list items,
	// e.g. "name", "organization.id", "template_notifications[1].kind";
	// "" for non_field_errors and top-level lists.
	Field       string
	Description string
}

// Error returns e.g. "upstream: pigello answered 404 Not Found: Not found.".
// It holds no URL and no header value; Pigello's own messages are included
// because they are what an operator needs to see.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("upstream: pigello answered ")
	b.WriteString(strconv.Itoa(e.StatusCode))
	if text := http.StatusText(e.StatusCode); text != "" {
		b.WriteByte(' ')
		b.WriteString(text)
	}
	if e.err != nil {
		b.WriteString(" (response body exceeds limit)")
		return b.String()
	}
	sep := ": "
	if e.Detail != "" {
		b.WriteString(sep)
		b.WriteString(e.Detail)
		sep = "; "
	}
	for i, fe := range e.FieldErrors {
		if i == maxMessagesInError {
			b.WriteString("; and " + strconv.Itoa(len(e.FieldErrors)-i) + " more")
			break
		}
		b.WriteString(sep)
		sep = "; "
		if fe.Field != "" {
			b.WriteString(fe.Field)
			b.WriteString(": ")
		}
		b.WriteString(fe.Description)
	}
	return b.String()
}

// Unwrap returns ErrResponseTooLarge if the body was cut short, else nil.
func (e *Error) Unwrap() error { return e.err }
