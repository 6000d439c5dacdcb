package emulator

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
)

// The two 401 details DRF gives: one when credentials are absent, one when
// they are present but wrong.
const (
	detailNotProvided = "Authentication credentials were not provided."
	detailIncorrect   = "Incorrect authentication credentials."
)

// credentialHeader pairs one X-PIGELLO-* header with the value expected in it.
type credentialHeader struct {
	name, value string
}

// headers lists c as the seven headers Pigello's documentation names, in its order.
func (c Credentials) headers() []credentialHeader {
	return []credentialHeader{
		{"X-PIGELLO-APPLICATION-ID", c.ApplicationID},
		{"X-PIGELLO-CLIENT-CT", c.ClientCT},
		{"X-PIGELLO-CLIENT-ENTITY", c.ClientEntity},
		{"X-PIGELLO-CLIENT-SECRET", c.ClientSecret},
		{"X-PIGELLO-CUSTOMER-ID", c.CustomerID},
		{"X-PIGELLO-SERVICE-ID", c.ServiceID},
		{"X-PIGELLO-SERVICE-VERSION-ID", c.ServiceVersionID},
	}
}

// missing returns the header names whose value c leaves empty.
func (c Credentials) missing() []string {
	var names []string
	for _, h := range c.headers() {
		if h.value == "" {
			names = append(names, h.name)
		}
	}
	return names
}

// authenticate returns "" if h carries all of c, else the 401 detail to send.
// Absence is judged first, as DRF does, since "not provided" tells a client
// something different from "incorrect".
func (c Credentials) authenticate(h http.Header) string {
	for _, want := range c.headers() {
		if received(h, want.name) == "" {
			return detailNotProvided
		}
	}
	// Every value is compared, and in constant time, so the answer's timing
	// does not tell which header (or how much of it) was right.
	match := 1
	for _, want := range c.headers() {
		match &= subtle.ConstantTimeCompare([]byte(received(h, want.name)), []byte(want.value))
	}
	if match != 1 {
		return detailIncorrect
	}
	return ""
}

// received returns header name as Django reads it from request.META: a
// header sent in several field lines arrives as one value, the lines joined
// with commas (Django's ASGI handler and gunicorn both combine them so, as
// RFC 9110 allows). A credential sent twice therefore never matches, whether
// the second value differs or repeats the first, and an empty line followed
// by the right value is not "not provided" but incorrect.
func received(h http.Header, name string) string {
	return strings.Join(h.Values(name), ",")
}

// Format prints c with every value redacted, whatever the verb, so that
// configured (possibly real) credentials never reach a log by accident.
func (c Credentials) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "emulator.Credentials{%d of 7 set, redacted}", len(c.headers())-len(c.missing()))
}
