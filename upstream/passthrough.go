package upstream

import (
	"context"
	"fmt"
	"strings"
)

// credentialsKey is the context key of ContextWithCredentials.
type credentialsKey struct{}

// heldCredentials is how a context holds credentials: behind a closure,
// because fmt prints a func as an address, whereas a Credentials in the
// unexported field of the context's struct would be printed field by field
// by %#v.
type heldCredentials func() Credentials

// ContextWithCredentials returns a copy of ctx carrying c, for a Client built
// with WithCredentialsFromContext. The values are checked when a request is
// made, not here. Printing the context shows none of them.
func ContextWithCredentials(ctx context.Context, c Credentials) context.Context {
	return context.WithValue(ctx, credentialsKey{}, heldCredentials(func() Credentials { return c }))
}

// WithCredentialsFromContext switches the Client to pass-through mode: the
// seven X-PIGELLO-* headers of each request come from the credentials that
// ContextWithCredentials put in the call's context, not from WithCredentials
// (the two options exclude each other, so a caller's request can never go
// out under the facade's own credentials). A call whose context has no
// credentials, an empty value, or a value CheckCredentialValue refuses fails
// with an error wrapping ErrNoCredentials before anything is sent.
func WithCredentialsFromContext() Option {
	return func(cl *Client) { cl.fromContext = true }
}

// contextCredentials returns the credentials of a pass-through call, or an
// error naming the offending headers (never a value).
func contextCredentials(ctx context.Context, op string) (*Credentials, error) {
	held, ok := ctx.Value(credentialsKey{}).(heldCredentials)
	if !ok {
		return nil, fmt.Errorf("upstream: %s: %w", op, ErrNoCredentials)
	}
	c := held()
	if missing := c.Missing(); len(missing) > 0 {
		return nil, fmt.Errorf("upstream: %s: %w: missing %s", op, ErrNoCredentials, strings.Join(missing, ", "))
	}
	if name, err := c.invalidHeader(); err != nil {
		return nil, fmt.Errorf("upstream: %s: %w: %s %w", op, ErrNoCredentials, name, err)
	}
	return &c, nil
}
