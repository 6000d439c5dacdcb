package upstream

import (
	"bytes"
	"fmt"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

func TestCredentialsMissing(t *testing.T) {
	tests := []struct {
		name  string
		creds Credentials
		want  []string
	}{
		{"all set", testCreds, nil},
		{"none set", Credentials{}, []string{
			"X-PIGELLO-APPLICATION-ID", "X-PIGELLO-CLIENT-CT", "X-PIGELLO-CLIENT-ENTITY", "X-PIGELLO-CLIENT-SECRET",
			"X-PIGELLO-CUSTOMER-ID", "X-PIGELLO-SERVICE-ID", "X-PIGELLO-SERVICE-VERSION-ID",
		}},
		{"some set", Credentials{ClientCT: "x", ClientSecret: "y", ServiceID: "z"}, []string{
			"X-PIGELLO-APPLICATION-ID", "X-PIGELLO-CLIENT-ENTITY", "X-PIGELLO-CUSTOMER-ID", "X-PIGELLO-SERVICE-VERSION-ID",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, tt.creds.Missing()); diff != "" {
				t.Errorf("Missing() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCredentialsString(t *testing.T) {
	tests := []struct {
		creds Credentials
		want  string
	}{
		{testCreds, "upstream.Credentials{7 of 7 set}"},
		{Credentials{ClientSecret: "s"}, "upstream.Credentials{1 of 7 set}"},
		{Credentials{}, "upstream.Credentials{0 of 7 set}"},
	}
	for _, tt := range tests {
		if got := tt.creds.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestCredentialsNeverPrintValues(t *testing.T) {
	type config struct {
		Addr  string
		Creds Credentials
		Ptr   *Credentials
	}
	cfg := config{Addr: "x", Creds: testCreds, Ptr: &testCreds}
	formats := []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X"}
	for _, f := range formats {
		for _, arg := range []any{testCreds, &testCreds, cfg, &cfg, []Credentials{testCreds}} {
			got := fmt.Sprintf(f, arg)
			testkit.AssertNoSecret(t, fmt.Sprintf("Sprintf(%q, %T)", f, arg), got, secrets)
		}
	}
	if got := fmt.Sprintf("%#v", testCreds); got != "upstream.Credentials{7 of 7 set}" {
		t.Errorf("%%#v = %q, want the masked form", got)
	}
	if got := testCreds.GoString(); got != testCreds.String() {
		t.Errorf("GoString() = %q, want %q", got, testCreds.String())
	}
}

func TestCredentialsLogValue(t *testing.T) {
	if got, want := testCreds.LogValue().String(), "upstream.Credentials{7 of 7 set}"; got != want {
		t.Errorf("LogValue() = %q, want %q", got, want)
	}
	for _, newHandler := range []func(*bytes.Buffer) slog.Handler{
		func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		var buf bytes.Buffer
		log := slog.New(newHandler(&buf))
		log.Info("start", "creds", testCreds, "ptr", &testCreds, slog.Group("cfg", "creds", testCreds))
		testkit.AssertNoSecret(t, "log output", buf.String(), secrets)
		if !bytes.Contains(buf.Bytes(), []byte("7 of 7 set")) {
			t.Errorf("log output %q lacks the masked form", buf.String())
		}
	}
}
