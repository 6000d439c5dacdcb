package server

import (
	"buf.build/go/protovalidate"
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
)

// GuardInterceptor turns a panic in a handler into INTERNAL for that call,
// logged with its stack, and makes sure every error status carries an
// ErrorInfo even if a code path forgot to build one.
func GuardInterceptor(logger *slog.Logger) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (resp any, err error) {
		defer func() {
			if r := recover(); r != nil {
				// The panic value is logged, never returned: it may hold anything.
				logger.ErrorContext(ctx, "panic in handler", "method", info.FullMethod,
					"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				resp, err = nil, newStatus(codes.Internal, ReasonInternal, "internal error", nil).Err()
			}
		}()
		resp, err = handler(ctx, req)
		if err != nil {
			err = WithErrorInfo(status.Convert(err)).Err()
		}
		return resp, err
	}
}

// WithErrorInfo returns st with a google.rpc.ErrorInfo added when it has none,
// its reason taken from the code (INVALID_ARGUMENT becomes INVALID_REQUEST,
// like the facade's own validation errors).
func WithErrorInfo(st *status.Status) *status.Status {
	for _, d := range st.Details() {
		if _, ok := d.(*errdetails.ErrorInfo); ok {
			return st
		}
	}
	reason := codeReason(st.Code())
	sp := st.Proto()
	rebuilt := newStatus(st.Code(), reason, sp.GetMessage(), nil)
	out := rebuilt.Proto()
	out.Details = append(out.Details, sp.GetDetails()...)
	return status.FromProto(out)
}

func codeReason(c codes.Code) string {
	if r, ok := codeReasons[c]; ok {
		return r
	}
	// codes.Code's String is CamelCase ("NotFound"); reasons are UPPER_SNAKE.
	var b strings.Builder
	for i, r := range c.String() {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return strings.ToUpper(b.String())
}

// codeReasons are the reasons WithErrorInfo gives the codes it is known to
// meet; any other code gets its own name in UPPER_SNAKE.
var codeReasons = map[codes.Code]string{
	codes.InvalidArgument:  ReasonInvalidRequest,
	codes.NotFound:         ReasonNotFound,
	codes.Unimplemented:    ReasonUnimplemented,
	codes.Internal:         ReasonInternal,
	codes.DeadlineExceeded: ReasonDeadlineExceeded,
	codes.Canceled:         ReasonCanceled,
}

// ValidationInterceptor checks each request against the contract's
// protovalidate rules before the handler runs, so nothing invalid reaches
// Pigello. A create's read-only fields, which it ignores, are not checked
// (createCheck), and a create that breaks a rule also hears which REQUIRED
// fields it left unset.
func ValidationInterceptor(v protovalidate.Validator) grpc.UnaryServerInterceptor {
	creates := createChecks()
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
		if m, ok := req.(proto.Message); ok {
			create := creates[info.FullMethod]
			var opts []protovalidate.ValidationOption
			if create != nil {
				opts = create.options
			}
			if err := v.Validate(m, opts...); err != nil {
				return nil, errorStatus(ctx, create.withMissing(m, err), "")
			}
		}
		return handler(ctx, req)
	}
}
