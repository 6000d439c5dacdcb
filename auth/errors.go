package auth

import "errors"

// The errors of [Tokens.Check]. None of them, nor any other error of this
// package, contains a token.
var (
	// ErrMissingToken means the authorization value was empty: the caller
	// sent no credentials, so the answer is a challenge without an error
	// code (RFC 6750, section 3.1).
	ErrMissingToken = errors.New("auth: missing bearer token")
	// ErrMalformedToken means the authorization value was not
	// "Bearer <token>" with a token in RFC 6750's b64token syntax: another
	// scheme, no token, or a token with characters a bearer token cannot
	// have. It maps to RFC 6750's invalid_request.
	ErrMalformedToken = errors.New("auth: malformed bearer token")
	// ErrInvalidToken means a well-formed token whose digest is not in the
	// token file. It maps to RFC 6750's invalid_token.
	ErrInvalidToken = errors.New("auth: invalid bearer token")
)
