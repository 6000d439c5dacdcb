package upstream

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
)

// object is what tests decode Pigello's answers into: any JSON object.
type object map[string]any

// refusing is an answer's target that refuses every body, as a caller's
// mapping does when Pigello sends what the caller's contract cannot hold.
type refusing struct{ got []byte }

func (r *refusing) UnmarshalJSON(b []byte) error {
	r.got = bytes.Clone(b)
	return errors.New("not what the contract holds")
}

const fullObj = testkit.FullWorkEngagement

// TestDecode: a 2xx answer of GET and PATCH is decoded into the caller's
// target as it is, members the client has never heard of included.
func TestDecode(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			c, _ := setup(t, respond(http.StatusOK, fullObj))
			var got object
			if err := callInto(t, c, method, &got); err != nil {
				t.Fatalf("%s returned %v", method, err)
			}
			var want object
			if err := json.Unmarshal([]byte(fullObj), &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s decoded (-want +got):\n%s", method, diff)
			}
		})
	}
}

// TestDecodeRefused: when the target refuses the body, the whole body
// reached it and the call fails as a malformed response to a 200.
func TestDecodeRefused(t *testing.T) {
	for _, method := range []string{http.MethodGet, http.MethodPatch} {
		t.Run(method, func(t *testing.T) {
			c, _ := setup(t, respond(http.StatusOK, fullObj))
			var out refusing
			err := callInto(t, c, method, &out)
			assertMalformed(t, err)
			if string(out.got) != fullObj {
				t.Errorf("the target got %q, want the whole body", out.got)
			}
		})
	}
}

// TestDecodeMalformed: a 2xx body that is not one JSON value of the kind
// the target holds is a malformed response. What a work engagement must
// hold is the caller's to check (internal/schema's tests).
func TestDecodeMalformed(t *testing.T) {
	obj := `{"id":"` + testID + `","name":"n"}`
	tests := []struct {
		name, body string
	}{
		{"empty body", ``},
		{"not JSON", `Service temporarily unavailable`},
		{"HTML", `<html><body>OK</body></html>`},
		{"truncated", `{"id":"` + testID},
		{"trailing garbage", obj + `x`},
		{"two objects", obj + obj},
		{"array", `[` + obj + `]`},
		{"string", `"` + testID + `"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := setup(t, respond(http.StatusOK, tt.body))
			var got object
			err := c.GetWorkEngagement(t.Context(), testID, &got)
			assertMalformed(t, err)
		})
	}
}

func assertMalformed(t *testing.T, err error) {
	t.Helper()
	if !errors.Is(err, ErrMalformedResponse) {
		t.Fatalf("call returned %v; want ErrMalformedResponse", err)
	}
	if _, ok := errors.AsType[*Error](err); ok {
		t.Errorf("error %v is an *Error; a 2xx answer is not an API error", err)
	}
	if be, ok := errors.AsType[*BodyError](err); !ok || be.StatusCode != http.StatusOK {
		t.Errorf("error %v is not a *BodyError with status 200", err)
	}
	if !strings.HasPrefix(err.Error(), "upstream: malformed response") {
		t.Errorf("error = %q, want prefix %q", err, "upstream: malformed response")
	}
}

// callInto makes a GET or a one-field PATCH, decoding the answer into out.
func callInto(t *testing.T, c *Client, method string, out any) error {
	t.Helper()
	if method == http.MethodGet {
		return c.GetWorkEngagement(t.Context(), testID, out)
	}
	return c.UpdateWorkEngagement(t.Context(), testID, []byte(`{"name":"n"}`), out)
}

func TestDeleteIgnoresBody(t *testing.T) {
	tests := []struct {
		name   string
		status int
		body   string
	}{
		{"204 empty", http.StatusNoContent, ""},
		{"200 with object", http.StatusOK, minimalObj},
		{"200 with garbage", http.StatusOK, "<html>gone</html>"},
		{"202 with a large body", http.StatusAccepted, strings.Repeat("x", 3<<20)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := setup(t, respond(tt.status, tt.body))
			if err := c.DeleteWorkEngagement(t.Context(), testID); err != nil {
				t.Errorf("DeleteWorkEngagement returned %v, want nil", err)
			}
		})
	}
}
