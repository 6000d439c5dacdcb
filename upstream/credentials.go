package upstream

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
)

// Credentials are the seven values Pigello requires on every request.
//
// The values are secrets: String, GoString, Format and LogValue report only
// how many are set, so a Credentials printed with any fmt verb or logged with
// log/slog never shows a value. Two ways around that remain, so avoid them:
// fmt cannot call methods on an unexported struct field, so a Credentials
// held in one is printed field by field along with its parent; and
// encoding/json marshals the fields as they are.
type Credentials struct {
	ApplicationID, ClientCT, ClientEntity, ClientSecret, CustomerID, ServiceID, ServiceVersionID string
}

// Credential is one of the seven values, known by the header Pigello reads
// it from. Every other name a credential has is derived from Header: the
// gRPC metadata key is Header in lower case (x-pigello-client-secret), the
// environment variable the facade reads it from is EnvVar
// (PIGELLO_CLIENT_SECRET). CredentialList makes them.
type Credential struct {
	// Header is the header name as Pigello documents it, such as
	// X-PIGELLO-CLIENT-SECRET.
	Header string
	index  int // of its value in Credentials.values
}

// credentialHeaders is the one list of the credentials: Pigello's header
// names in the order of its documentation, which is the order of the
// Credentials fields (Credentials.values).
var credentialHeaders = [...]string{
	"X-PIGELLO-APPLICATION-ID",
	"X-PIGELLO-CLIENT-CT",
	"X-PIGELLO-CLIENT-ENTITY",
	"X-PIGELLO-CLIENT-SECRET",
	"X-PIGELLO-CUSTOMER-ID",
	"X-PIGELLO-SERVICE-ID",
	"X-PIGELLO-SERVICE-VERSION-ID",
}

// credentialCount is the number of values in Credentials.
const credentialCount = len(credentialHeaders)

// values returns the addresses of c's fields in the order of
// credentialHeaders. A method rather than a func value per credential: the
// address of a Credentials passed through a func value would escape, and
// every request would allocate.
func (c *Credentials) values() [credentialCount]*string {
	return [...]*string{&c.ApplicationID, &c.ClientCT, &c.ClientEntity, &c.ClientSecret, &c.CustomerID, &c.ServiceID, &c.ServiceVersionID}
}

// CredentialList returns the seven credentials in Pigello's order, for code
// that reads, checks or names them one by one instead of by field.
func CredentialList() []Credential {
	list := make([]Credential, credentialCount)
	for i, h := range credentialHeaders {
		list[i] = Credential{Header: h, index: i}
	}
	return list
}

// Value returns k's value in c.
func (k Credential) Value(c Credentials) string { return *c.values()[k.index] }

// Set stores v as k's value in c.
func (k Credential) Set(c *Credentials, v string) { *c.values()[k.index] = v }

// EnvVar names the environment variable k is read from: Header without
// "X-", dashes as underscores (X-PIGELLO-CLIENT-SECRET → PIGELLO_CLIENT_SECRET).
func (k Credential) EnvVar() string {
	return strings.ReplaceAll(strings.TrimPrefix(k.Header, "X-"), "-", "_")
}

// MaxCredentialBytes bounds each credential value; Pigello's are short, and a
// caller's metadata must not make the facade hold or send more.
const MaxCredentialBytes = 256

// CredentialValueRule says in words what CheckCredentialValue accepts.
func CredentialValueRule() string {
	return fmt.Sprintf("at most %d bytes of printable ASCII (space to ~), not beginning or ending with a space", MaxCredentialBytes)
}

// CheckCredentialValue is the one rule for a credential value, wherever it
// comes from (a variable, a file, a caller's metadata or header):
// CredentialValueRule. That is what both ways a credential travels carry
// unchanged. gRPC metadata and grpc-gateway accept only printable ASCII in a
// text value (grpc-go's client refuses to send anything else, the gateway
// drops such a header), though HTTP allows tabs and bytes above 0x7e (RFC
// 9110 field-value, Go's httpguts.ValidHeaderFieldValue); and an HTTP field
// value never begins or ends with whitespace: HTTP/1.1 strips it, HTTP/2
// (RFC 9113 section 8.2.1) forbids it. An empty value passes: whether one
// may be missing is the caller's to say. The error says which part of the
// rule v breaks, worded to follow the credential's name, and never quotes v.
func CheckCredentialValue(v string) error {
	switch {
	case len(v) > MaxCredentialBytes:
		return fmt.Errorf("must be at most %d bytes", MaxCredentialBytes)
	case strings.ContainsFunc(v, func(r rune) bool { return r < ' ' || r > '~' }):
		return errors.New("must hold only printable ASCII, space to ~ (no tab, no line break)")
	case strings.HasPrefix(v, " ") || strings.HasSuffix(v, " "):
		return errors.New("must not begin or end with a space")
	}
	return nil
}

// pairs returns header names and values in field order. It returns an array,
// not a map, so iteration order is fixed and nothing escapes to the heap.
func (c Credentials) pairs() [credentialCount][2]string {
	var p [credentialCount][2]string
	for i, v := range c.values() {
		p[i] = [2]string{credentialHeaders[i], *v}
	}
	return p
}

// Missing returns the header names whose values are empty, in field order,
// so a caller can refuse to start with an incomplete configuration and say
// what is missing without saying what is present.
func (c Credentials) Missing() []string {
	var missing []string
	for _, p := range c.pairs() {
		if p[1] == "" {
			missing = append(missing, p[0])
		}
	}
	return missing
}

// String returns a masked description such as
// "upstream.Credentials{7 of 7 set}".
func (c Credentials) String() string {
	set := credentialCount - len(c.Missing())
	return "upstream.Credentials{" + strconv.Itoa(set) + " of " + strconv.Itoa(credentialCount) + " set}"
}

// GoString returns the same masked description as String, for %#v.
func (c Credentials) GoString() string { return c.String() }

// Format implements fmt.Formatter so that every verb, not only %v and %s
// (which String covers), prints the masked description: without it %d or %x
// would print the fields one by one.
func (c Credentials) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// LogValue implements slog.LogValuer with the same masking as String.
func (c Credentials) LogValue() slog.Value { return slog.StringValue(c.String()) }

// validate reports a value CheckCredentialValue refuses. The error names
// the header, never the value.
func (c Credentials) validate() error {
	if name, err := c.invalidHeader(); err != nil {
		return fmt.Errorf("upstream: credential %s %w", name, err)
	}
	return nil
}

// invalidHeader returns the name of the first header whose value
// CheckCredentialValue refuses, and why.
func (c Credentials) invalidHeader() (string, error) {
	for _, p := range c.pairs() {
		if err := CheckCredentialValue(p[1]); err != nil {
			return p[0], err
		}
	}
	return "", nil
}

// validHeaderValue follows RFC 9110 field-value as net/http does: visible
// characters, spaces, tabs and obs-text; no other control characters, so no
// CR or LF. It is the rule for headers other than the credentials.
func validHeaderValue(v string) bool {
	for i := 0; i < len(v); i++ {
		if b := v[i]; (b < ' ' && b != '\t') || b == 0x7f {
			return false
		}
	}
	return true
}

// setHeaders writes the credential headers into h.
func (c Credentials) setHeaders(h http.Header) {
	for _, p := range c.pairs() {
		h.Set(p[0], p[1])
	}
}
