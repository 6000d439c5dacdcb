package auth

import "strings"

// maxTokenLen bounds the token Check hashes. Header limits already bound it;
// this keeps the cost of a rejected call small whatever the transport allows.
const maxTokenLen = 4096

// bearerToken extracts the token from an authorization value of the form
// "Bearer <token>" (RFC 6750, section 2.1): the scheme in any case, then one
// or more spaces, then a b64token. Surrounding spaces and tabs are ignored,
// as HTTP ignores them around any field value.
func bearerToken(authorization string) (string, error) {
	v := strings.Trim(authorization, " \t")
	if v == "" {
		return "", ErrMissingToken
	}
	scheme, token, ok := strings.Cut(v, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", ErrMalformedToken
	}
	token = strings.TrimLeft(token, " ")
	if !isB64Token(token) {
		return "", ErrMalformedToken
	}
	return token, nil
}

// isB64Token reports whether s matches RFC 6750's
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
func isB64Token(s string) bool {
	if len(s) > maxTokenLen {
		return false
	}
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		case c == '-', c == '.', c == '_', c == '~', c == '+', c == '/':
		default:
			return false
		}
	}
	return true
}
