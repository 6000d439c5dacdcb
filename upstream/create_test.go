package upstream

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestCreateRequest: a create is one POST of the caller's body to the
// collection path (trailing slash), as JSON, with the credentials; Pigello's
// 201 and a 200 both give the object it stored.
func TestCreateRequest(t *testing.T) {
	const body = `{"name":"Consultant","custom_id":null}`
	for _, status := range []int{http.StatusCreated, http.StatusOK} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			type seen struct{ Method, URI, ContentType, Secret, Body string }
			var got seen
			var length int64
			c, _ := setup(t, func(w http.ResponseWriter, r *http.Request) {
				b, _ := io.ReadAll(r.Body)
				got = seen{r.Method, r.RequestURI, r.Header.Get("Content-Type"), r.Header.Get("X-PIGELLO-CLIENT-SECRET"), string(b)}
				length = r.ContentLength
				respond(status, minimalObj)(w, r)
			})
			var obj struct{ ID, Name string }
			if err := c.CreateWorkEngagement(t.Context(), json.RawMessage(body), &obj); err != nil {
				t.Fatalf("CreateWorkEngagement returned %v", err)
			}
			want := seen{http.MethodPost, "/accounts/users/organization/workengagement/", "application/json", testCreds.ClientSecret, body}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("request mismatch (-want +got):\n%s", diff)
			}
			if length != int64(len(body)) {
				t.Errorf("Content-Length = %d, want %d", length, len(body))
			}
			if obj.ID != testID || obj.Name != "n" {
				t.Errorf("CreateWorkEngagement decoded %+v, want the object Pigello answered", obj)
			}
		})
	}
}

// TestCreateErrors: Pigello's refusals of a create are an *Error, field
// errors and all, and a body that is not JSON is never sent.
func TestCreateErrors(t *testing.T) {
	t.Run("400 field errors", func(t *testing.T) {
		c, _ := setup(t, respond(400, `{"name":["This field is required."]}`))
		err := c.CreateWorkEngagement(t.Context(), json.RawMessage(`{}`), new(object))
		e, ok := errors.AsType[*Error](err)
		want := []FieldError{{Field: "name", Description: "This field is required."}}
		if !ok || e.StatusCode != 400 || !cmp.Equal(want, e.FieldErrors, cmpopts.EquateEmpty()) {
			t.Errorf("CreateWorkEngagement returned %v, want a 400 *Error with field errors %v", err, want)
		}
	})
	t.Run("invalid JSON never sent", func(t *testing.T) {
		s := newScript(okFor)
		c, _ := setup(t, s.ServeHTTP)
		if err := c.CreateWorkEngagement(t.Context(), json.RawMessage(`{"name":`), new(object)); err == nil {
			t.Error("CreateWorkEngagement of invalid JSON succeeded, want an error")
		}
		if s.requests() != 0 {
			t.Errorf("server saw %d requests, want 0", s.requests())
		}
	})
}

// TestCreateNotRetriedOnAnswer: statuses that make a GET or DELETE try
// again end a create at once: Pigello had the request, so it may exist.
// (TestOutcomeUnknown covers transport failures.)
func TestCreateNotRetriedOnAnswer(t *testing.T) {
	for _, status := range []int{429, 502, 503, 504} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			s, rec := newScript(respond(status, `{"detail":"x"}`), okFor), &recorder{}
			c, _ := setup(t, s.ServeHTTP, retrying(rec)...)
			err := c.CreateWorkEngagement(t.Context(), json.RawMessage(`{"name":"n"}`), new(object))
			if e, ok := errors.AsType[*Error](err); !ok || e.StatusCode != status || errors.Is(err, ErrOutcomeUnknown) {
				t.Errorf("CreateWorkEngagement returned %v, want *Error %d without ErrOutcomeUnknown", err, status)
			}
			if s.requests() != 1 || len(rec.got()) != 0 {
				t.Errorf("server saw %d requests after waits %v, want 1 and none", s.requests(), rec.got())
			}
		})
	}
}
