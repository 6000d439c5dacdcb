package upstream

import (
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCredentialListCoversEveryField: the list sets each field of
// Credentials exactly once, reads back what it set, and names each header
// once, so a field added to Credentials without its header fails here.
func TestCredentialListCoversEveryField(t *testing.T) {
	list := CredentialList()
	if n := reflect.TypeFor[Credentials]().NumField(); len(list) != n {
		t.Fatalf("CredentialList has %d entries, Credentials %d fields", len(list), n)
	}
	var c Credentials
	headers := map[string]bool{}
	for _, k := range list {
		if headers[k.Header] || !strings.HasPrefix(k.Header, "X-PIGELLO-") || strings.ToUpper(k.Header) != k.Header {
			t.Errorf("header %q is repeated or not an upper-case X-PIGELLO-* name", k.Header)
		}
		headers[k.Header] = true
		k.Set(&c, "v-"+k.Header)
	}
	fields := reflect.ValueOf(c)
	for i := range fields.NumField() {
		if v := fields.Field(i).String(); !headers[strings.TrimPrefix(v, "v-")] {
			t.Errorf("field %s = %q, want it set through the list", fields.Type().Field(i).Name, v)
		}
	}
	for _, k := range list {
		if got := k.Value(c); got != "v-"+k.Header {
			t.Errorf("%s reads back %q, want %q", k.Header, got, "v-"+k.Header)
		}
	}
	list[0].Header = "changed"
	if CredentialList()[0].Header == "changed" {
		t.Error("a change to CredentialList's result changed the list itself")
	}
}

// TestCredentialEnvVars: the variables the facade reads the credentials
// from, spelled out as the README and operators' deployments spell them.
func TestCredentialEnvVars(t *testing.T) {
	want := []string{
		"PIGELLO_APPLICATION_ID", "PIGELLO_CLIENT_CT", "PIGELLO_CLIENT_ENTITY", "PIGELLO_CLIENT_SECRET",
		"PIGELLO_CUSTOMER_ID", "PIGELLO_SERVICE_ID", "PIGELLO_SERVICE_VERSION_ID",
	}
	var got []string
	for _, k := range CredentialList() {
		got = append(got, k.EnvVar())
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EnvVar of each credential (-want +got):\n%s", diff)
	}
}

// TestCheckCredentialValue: the rule both transports carry unchanged.
func TestCheckCredentialValue(t *testing.T) {
	tests := []struct {
		name, value string
		ok          bool
	}{
		{"empty (missing is the caller's to judge)", "", true},
		{"printable ASCII", "Ab0-_.~!/+= x", true},
		{"256 bytes", strings.Repeat("a", 256), true},
		{"257 bytes", strings.Repeat("a", 257), false},
		{"tab: HTTP allows it, gRPC metadata does not", "a\tb", false},
		{"line feed", "a\nb", false},
		{"carriage return", "a\rb", false},
		{"NUL", "a\x00b", false},
		{"DEL", "a\x7fb", false},
		{"non-ASCII: HTTP allows obs-text, gRPC metadata does not", "bolag-å", false},
		{"leading space", " q9", false},
		{"trailing space", "q9 ", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckCredentialValue(tt.value)
			if (err == nil) != tt.ok {
				t.Fatalf("CheckCredentialValue(%q) = %v, want ok=%v", tt.value, err, tt.ok)
			}
			if err != nil && (!strings.HasPrefix(err.Error(), "must ") || strings.Contains(err.Error(), tt.value)) {
				t.Errorf("error %q should read as a rule after a name, without the value", err)
			}
		})
	}
}
