package server

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"buf.build/go/protovalidate"
	"github.com/pigello-facade/pigello-facade/auth"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	spb "google.golang.org/genproto/googleapis/rpc/status"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

// Domain is the google.rpc.ErrorInfo domain of every error the facade returns.
const Domain = "pigello.io"

// Reasons are the google.rpc.ErrorInfo reasons (domain Domain) of every
// error the facade returns, for clients to compare against; README's Errors
// section says when each is given.
const (
	// The facade's own checks and the call itself.
	ReasonInvalidRequest   = "INVALID_REQUEST"   // the request breaks the contract's or the mask's rules
	ReasonDeadlineExceeded = "DEADLINE_EXCEEDED" // the caller's deadline passed
	ReasonCanceled         = "CANCELED"          // the caller canceled
	ReasonInternal         = "INTERNAL"          // a failure the facade did not expect (logged)
	ReasonTokenMissing     = "TOKEN_MISSING"     // no bearer token
	ReasonTokenInvalid     = "TOKEN_INVALID"     // a bearer token not accepted
	ReasonOverloaded       = "FACADE_OVERLOADED" // no free slot for a Pigello request in time
	ReasonNotFound         = "NOT_FOUND"         // REST: no route has the path
	ReasonUnimplemented    = "UNIMPLEMENTED"     // REST: the path is not served under the method

	// Pass-through credentials.
	ReasonCredentialsMissing  = "PIGELLO_CREDENTIALS_MISSING" // missing from the call's metadata
	ReasonCredentialsRejected = "PIGELLO_UNAUTHENTICATED"     // Pigello answered 401

	// Pigello's answers, by HTTP status (pigelloRefusals, pigelloFailures).
	ReasonPigelloBadRequest         = "PIGELLO_BAD_REQUEST"         // 400
	ReasonPigelloPermissionDenied   = "PIGELLO_PERMISSION_DENIED"   // 403
	ReasonPigelloNotFound           = "PIGELLO_NOT_FOUND"           // 404
	ReasonPigelloConflict           = "PIGELLO_CONFLICT"            // 409
	ReasonPigelloPreconditionFailed = "PIGELLO_PRECONDITION_FAILED" // 412
	ReasonPigelloRateLimited        = "PIGELLO_RATE_LIMITED"        // 429
	ReasonPigelloInternalError      = "PIGELLO_INTERNAL_ERROR"      // 500
	ReasonPigelloNotImplemented     = "PIGELLO_NOT_IMPLEMENTED"     // 501
	ReasonPigelloUnavailable        = "PIGELLO_UNAVAILABLE"         // 502, 503
	ReasonTimeout                   = "PIGELLO_TIMEOUT"             // 504, or an attempt timed out
	ReasonUnexpectedStatus          = "PIGELLO_UNEXPECTED_STATUS"   // any other status

	// Pigello's answer missing or unusable.
	ReasonUnreachable       = "PIGELLO_UNREACHABLE"        // no connection, or no answer to a Get or Delete
	ReasonOutcomeUnknown    = "PIGELLO_OUTCOME_UNKNOWN"    // an Update's or Create's answer was lost: it may have been applied
	ReasonMalformedResponse = "PIGELLO_MALFORMED_RESPONSE" // not the documented JSON
	ReasonResponseTooLarge  = "PIGELLO_RESPONSE_TOO_LARGE" // over 1 MiB
	ReasonCircuitOpen       = "PIGELLO_CIRCUIT_OPEN"       // the circuit breaker is open
)

// outcome is how one kind of Pigello answer reaches the caller.
type outcome struct {
	code   codes.Code
	reason string
	// message is what the caller reads; Pigello's detail is appended where
	// it helps the caller and reveals nothing of the facade's setup.
	message    string
	withDetail bool
}

// pigelloRefusals maps Pigello's 4xx answers to the caller's status. Where
// the caller can act on it, Pigello's detail is appended to the message.
var pigelloRefusals = map[int]outcome{
	400: {codes.InvalidArgument, ReasonPigelloBadRequest, "Pigello rejected the request", true},
	// The facade's own credentials were refused: operators must act, callers
	// can do nothing, so they get a plain internal error.
	401: {codes.Internal, ReasonCredentialsRejected, "the facade could not authenticate to Pigello", false},
	403: {codes.PermissionDenied, ReasonPigelloPermissionDenied, "Pigello denied access", true},
	404: {codes.NotFound, ReasonPigelloNotFound, "work engagement not found", false},
	409: {codes.Aborted, ReasonPigelloConflict, "Pigello reported a conflict", true},
	412: {codes.FailedPrecondition, ReasonPigelloPreconditionFailed, "Pigello reported a failed precondition", true},
	429: {codes.ResourceExhausted, ReasonPigelloRateLimited, "Pigello's rate limit was reached", false},
}

// pigelloFailures maps Pigello's 5xx answers to the caller's status. Their
// detail is never passed on: what Pigello says of its own failure is no
// help to the caller and may describe its internals.
var pigelloFailures = map[int]outcome{
	500: {code: codes.Internal, reason: ReasonPigelloInternalError, message: "Pigello failed with an internal error"},
	501: {code: codes.Unimplemented, reason: ReasonPigelloNotImplemented, message: "Pigello does not implement this operation"},
	502: {code: codes.Unavailable, reason: ReasonPigelloUnavailable, message: "Pigello is unavailable (bad gateway)"},
	503: {code: codes.Unavailable, reason: ReasonPigelloUnavailable, message: "Pigello is unavailable"},
	504: {code: codes.DeadlineExceeded, reason: ReasonTimeout, message: "Pigello timed out (gateway timeout)"},
}

// upstreamOutcome is the outcome of Pigello's HTTP status, if it has one.
func upstreamOutcome(status int) (outcome, bool) {
	if o, ok := pigelloRefusals[status]; ok {
		return o, true
	}
	o, ok := pigelloFailures[status]
	return o, ok
}

// invalidArgumentError is a request the facade refuses before calling Pigello.
type invalidArgumentError struct {
	violations []*errdetails.BadRequest_FieldViolation
}

func (e *invalidArgumentError) add(field, description string) {
	e.violations = append(e.violations, &errdetails.BadRequest_FieldViolation{Field: field, Description: description})
}

func (e *invalidArgumentError) Error() string {
	return "server: invalid request: " + summarize(e.violations)
}

// errorStatus turns err into the status the caller gets and notes err for
// the call's log line. body names the request field Pigello's field errors
// refer to ("work_engagement" for an update), or "".
func errorStatus(ctx context.Context, err error, body string) error {
	noteError(ctx, err)
	return toStatus(ctx, err, body).Err()
}

// Status returns the status a caller gets for err, for the REST gateway's own
// checks (tokens, body limits) so they answer exactly as the RPCs do.
func Status(ctx context.Context, err error) *status.Status {
	return toStatus(ctx, err, "")
}

// toStatus is the one place an error becomes a gRPC status.
func toStatus(ctx context.Context, err error, body string) *status.Status {
	var invalid *invalidArgumentError
	var violations *protovalidate.ValidationError
	var pigello *upstream.Error
	var missing *missingCredentialsError
	if st := endedStatus(ctx, err); st != nil {
		return st // the code the caller got, whatever else went wrong
	}
	switch {
	case errors.Is(err, auth.ErrMissingToken):
		return newStatus(codes.Unauthenticated, ReasonTokenMissing, "a bearer token is required (authorization: Bearer <token>)", nil)
	case errors.Is(err, auth.ErrMalformedToken) || errors.Is(err, auth.ErrInvalidToken):
		return newStatus(codes.Unauthenticated, ReasonTokenInvalid, "the bearer token is not valid", nil)
	case errors.As(err, &missing):
		return newStatus(codes.Unauthenticated, ReasonCredentialsMissing,
			"Pigello credentials missing from metadata: "+strings.Join(missing.keys, ", "),
			map[string]string{"missing": strings.Join(missing.keys, ",")})
	case errors.As(err, &invalid):
		return badRequest(invalid.violations)
	case errors.As(err, &violations):
		return badRequest(fromValidation(violations))
	case errors.Is(err, upstream.ErrInvalidID):
		return badRequest([]*errdetails.BadRequest_FieldViolation{{Field: joinField(body, "id"), Description: "must be a valid UUID"}})
	case errors.As(err, &pigello):
		return fromUpstream(pigello, body, passThrough(ctx))
	case errors.Is(err, upstream.ErrOverloaded):
		return newStatus(codes.ResourceExhausted, ReasonOverloaded, "too many calls to Pigello in flight; try again shortly", nil)
	case errors.Is(err, upstream.ErrCircuitOpen):
		return newStatus(codes.Unavailable, ReasonCircuitOpen, "Pigello is failing; calls are paused for a moment", nil)
	case errors.Is(err, upstream.ErrResponseTooLarge):
		return newStatus(codes.Internal, ReasonResponseTooLarge, "Pigello's response was too large", answered(err))
	case errors.Is(err, upstream.ErrMalformedResponse):
		return newStatus(codes.Internal, ReasonMalformedResponse, "Pigello's response could not be read", answered(err))
	case errors.Is(err, upstream.ErrOutcomeUnknown):
		// Before the timeout and unreachable cases, whose errors it wraps.
		return newStatus(codes.Unavailable, ReasonOutcomeUnknown,
			"Pigello's answer was lost"+outcomeUnknown+"; check what Pigello holds (Get, or List after a create) before trying again", nil)
	case errors.Is(err, upstream.ErrAttemptTimeout):
		return newStatus(codes.DeadlineExceeded, ReasonTimeout, "Pigello did not answer in time", nil)
	case errors.Is(err, upstream.ErrUnreachable):
		return newStatus(codes.Unavailable, ReasonUnreachable, "Pigello could not be reached", nil)
	default:
		return newStatus(codes.Internal, ReasonInternal, "internal error", nil)
	}
}

// fromUpstream maps an answer from Pigello through upstreamOutcome. In
// pass-through mode the credentials were the caller's, so Pigello refusing
// them is the caller's UNAUTHENTICATED, not the facade's INTERNAL.
func fromUpstream(e *upstream.Error, body string, passThrough bool) *status.Status {
	o, ok := upstreamOutcome(e.StatusCode)
	switch {
	case passThrough && e.StatusCode == 401:
		o = outcome{codes.Unauthenticated, ReasonCredentialsRejected, "Pigello refused the credentials in the call's metadata", true}
	case !ok:
		o = outcome{codes.Unknown, ReasonUnexpectedStatus, "Pigello answered with unexpected HTTP status " + strconv.Itoa(e.StatusCode), false}
	}
	msg := o.message
	if o.withDetail && e.Detail != "" {
		msg += ": " + e.Detail
	}
	var details []proto.Message
	if len(e.FieldErrors) > 0 && o.code == codes.InvalidArgument {
		v := make([]*errdetails.BadRequest_FieldViolation, len(e.FieldErrors))
		for i, fe := range e.FieldErrors {
			v[i] = &errdetails.BadRequest_FieldViolation{Field: joinField(body, fe.Field), Description: fe.Description}
		}
		details = append(details, &errdetails.BadRequest{FieldViolations: v})
		msg += ": " + summarize(v)
	}
	if e.RetryAfter > 0 {
		details = append(details, &errdetails.RetryInfo{RetryDelay: durationpb.New(e.RetryAfter)})
		msg += fmt.Sprintf("; retry after %s", e.RetryAfter)
	}
	meta := map[string]string{"upstream_status": strconv.Itoa(e.StatusCode)}
	return newStatus(o.code, o.reason, msg, meta, details...)
}

// answered is the ErrorInfo metadata for an answer Pigello gave whose body
// the facade could not use.
func answered(err error) map[string]string {
	var be *upstream.BodyError
	if !errors.As(err, &be) {
		return nil
	}
	return map[string]string{"upstream_status": strconv.Itoa(be.StatusCode)}
}

// InvalidRequest is the status of a request refused for the field problems
// v, as the RPCs refuse one: INVALID_ARGUMENT, reason INVALID_REQUEST and a
// BadRequest. The REST gateway uses it for what it cannot parse.
func InvalidRequest(v ...*errdetails.BadRequest_FieldViolation) *status.Status {
	return badRequest(v)
}

func badRequest(v []*errdetails.BadRequest_FieldViolation) *status.Status {
	return newStatus(codes.InvalidArgument, ReasonInvalidRequest, "invalid request: "+summarize(v), nil,
		&errdetails.BadRequest{FieldViolations: v})
}

// fromValidation converts protovalidate's violations, keeping the rule id as
// the violation's reason (string.uuid → STRING_UUID).
func fromValidation(e *protovalidate.ValidationError) []*errdetails.BadRequest_FieldViolation {
	out := make([]*errdetails.BadRequest_FieldViolation, 0, len(e.Violations))
	for _, v := range e.Violations {
		out = append(out, &errdetails.BadRequest_FieldViolation{
			Field:       protovalidate.FieldPathString(v.Proto.GetField()),
			Description: v.Proto.GetMessage(),
			Reason:      strings.ToUpper(strings.NewReplacer(".", "_", "-", "_").Replace(v.Proto.GetRuleId())),
		})
	}
	return out
}

// newStatus builds a status whose first detail is always an ErrorInfo.
func newStatus(code codes.Code, reason, msg string, meta map[string]string, details ...proto.Message) *status.Status {
	info := &errdetails.ErrorInfo{Reason: reason, Domain: Domain, Metadata: meta}
	sp := &spb.Status{Code: int32(code), Message: msg}
	for _, d := range append([]proto.Message{info}, details...) {
		// anypb.New fails only for messages that cannot be marshalled; these
		// are plain detail messages.
		if a, err := anypb.New(d); err == nil {
			sp.Details = append(sp.Details, a)
		}
	}
	return status.FromProto(sp)
}

// summarize renders violations for the status message, for people reading
// grpcurl or logs; programs read the BadRequest detail.
func summarize(v []*errdetails.BadRequest_FieldViolation) string {
	parts := make([]string, 0, len(v))
	for _, fv := range v {
		if fv.GetField() == "" {
			parts = append(parts, fv.GetDescription())
			continue
		}
		parts = append(parts, fv.GetField()+": "+fv.GetDescription())
	}
	return strings.Join(parts, "; ")
}

func joinField(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "":
		return prefix
	}
	return prefix + "." + field
}
