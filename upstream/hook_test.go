package upstream

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRequestHook checks the hook sees every attempt of a retried call
// before it is sent, may add headers that reach Pigello on that attempt
// only, and hears how each attempt ended.
func TestRequestHook(t *testing.T) {
	var sent []string
	s := newScript(
		func(w http.ResponseWriter, r *http.Request) {
			sent = append(sent, r.Header.Get("X-Attempt"))
			respond(503, "")(w, r)
		},
		func(w http.ResponseWriter, r *http.Request) {
			sent = append(sent, r.Header.Get("X-Attempt"))
			okFor(w, r)
		},
	)
	type outcome struct {
		Status int
		Err    bool
	}
	var ended []outcome
	n := 0
	hook := func(r *http.Request) func(int, error) {
		n++
		r.Header.Set("X-Attempt", string(rune('0'+n)))
		return func(status int, err error) { ended = append(ended, outcome{status, err != nil}) }
	}
	c, _ := setup(t, s.ServeHTTP, retrying(&recorder{}, WithRequestHook(hook))...)
	if err := c.GetWorkEngagement(t.Context(), testID, new(object)); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"1", "2"}, sent); diff != "" {
		t.Errorf("X-Attempt received (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]outcome{{503, true}, {200, false}}, ended); diff != "" {
		t.Errorf("outcomes the hook heard (-want +got):\n%s", diff)
	}
}
