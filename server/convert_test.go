package server

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
)

// setupPigello returns a Server in front of a Pigello answering every
// request with status and body.
func setupPigello(t *testing.T, code int, body string) *Server {
	t.Helper()
	return setupPigelloFunc(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = w.Write([]byte(body))
	})
}

// setupPigelloFunc returns a Server in front of a Pigello that answers
// with pigello.
func setupPigelloFunc(t *testing.T, pigello http.HandlerFunc) *Server {
	t.Helper()
	srv := httptest.NewServer(pigello)
	t.Cleanup(srv.Close)
	client, err := upstream.New(srv.URL, upstream.NewHTTPClient())
	if err != nil {
		t.Fatal(err)
	}
	return New(client)
}

// TestAnswersMapped: Get and Update answer Pigello's object as the
// contract maps it (internal/schema's tests cover the mapping itself).
func TestAnswersMapped(t *testing.T) {
	s := setupPigello(t, http.StatusOK, `{"id":"`+testID+`","name":"n","color_code":"fff","organization":null,"added_later":1}`)
	want := &accountsv1.WorkEngagement{Id: testID, Name: "n", ColorCode: proto.String("fff")}
	got, err := s.GetWorkEngagement(t.Context(), &accountsv1.GetWorkEngagementRequest{Id: testID})
	if err != nil {
		t.Fatalf("Get returned %v", err)
	}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	got, err = s.UpdateWorkEngagement(t.Context(), &accountsv1.UpdateWorkEngagementRequest{WorkEngagement: want})
	if err != nil {
		t.Fatalf("Update returned %v", err)
	}
	if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
		t.Errorf("Update (-want +got):\n%s", diff)
	}
}

// TestAnswerTheContractCannotHold: Pigello's 200 with an object the
// contract cannot hold is a malformed response, with Pigello's status.
func TestAnswerTheContractCannotHold(t *testing.T) {
	for _, body := range []string{
		`{"id":"` + testID + `","name":5}`,
		`{"id":"` + testID + `","template_notifications":["x"]}`,
		`{"name":"no id"}`,
	} {
		s := setupPigello(t, http.StatusOK, body)
		_, err := s.GetWorkEngagement(t.Context(), &accountsv1.GetWorkEngagementRequest{Id: testID})
		testkit.AssertStatus(t, err, codes.Internal, "PIGELLO_MALFORMED_RESPONSE")
		if got := testkit.ErrorInfo(status.Convert(err)).GetMetadata()["upstream_status"]; got != "200" {
			t.Errorf("%s: upstream_status = %q, want 200", body, got)
		}
	}
}
