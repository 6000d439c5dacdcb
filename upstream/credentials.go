package upstream

import (
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
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

// Header names as Pigello documents them. The order is the order of the
// Credentials fields, which Missing and header building both rely on.
const (
	headerApplicationID    = "X-PIGELLO-APPLICATION-ID"
	headerClientCT         = "X-PIGELLO-CLIENT-CT"
	headerClientEntity     = "X-PIGELLO-CLIENT-ENTITY"
	headerClientSecret     = "X-PIGELLO-CLIENT-SECRET"
	headerCustomerID       = "X-PIGELLO-CUSTOMER-ID"
	headerServiceID        = "X-PIGELLO-SERVICE-ID"
	headerServiceVersionID = "X-PIGELLO-SERVICE-VERSION-ID"
)

// credentialCount is the number of values in Credentials.
const credentialCount = 7

// pairs returns header names and values in field order. It returns an array,
// not a map, so iteration order is fixed and nothing escapes to the heap.
func (c Credentials) pairs() [credentialCount][2]string {
	return [credentialCount][2]string{
		{headerApplicationID, c.ApplicationID},
		{headerClientCT, c.ClientCT},
		{headerClientEntity, c.ClientEntity},
		{headerClientSecret, c.ClientSecret},
		{headerCustomerID, c.CustomerID},
		{headerServiceID, c.ServiceID},
		{headerServiceVersionID, c.ServiceVersionID},
	}
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

// validate reports a value that net/http would refuse to send. The error
// names the header, never the value.
func (c Credentials) validate() error {
	if name, ok := c.invalidHeader(); ok {
		return fmt.Errorf("upstream: credential %s contains a character not allowed in a header value", name)
	}
	return nil
}

// invalidHeader returns the name of the first header whose value net/http
// would refuse to send.
func (c Credentials) invalidHeader() (string, bool) {
	for _, p := range c.pairs() {
		if !validHeaderValue(p[1]) {
			return p[0], true
		}
	}
	return "", false
}

// validHeaderValue follows RFC 9110 field-value: visible characters, spaces,
// tabs and obs-text; no other control characters, so no CR or LF.
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
