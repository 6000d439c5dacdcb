package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	pbv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

const (
	idA = "3f2b8c1e-7a4d-4e6b-9c2a-000000000000"
	idB = "3f2b8c1e-7a4d-4e6b-9c2a-000000000001"
)

// testEnv is vanguard over h2c in front of a fake Pigello that records the
// URLs it was asked for.
type testEnv struct {
	client pbv1.WorkEngagementServiceClient
	mu     sync.Mutex
	asked  []string
}

func setup(t *testing.T) *testEnv {
	t.Helper()
	e := &testEnv{}
	pigello := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.mu.Lock()
		e.asked = append(e.asked, r.URL.String())
		e.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == pigelloList {
			_, _ = w.Write([]byte(`[{"id":"` + idA + `","name":"A"},{"id":"` + idB + `","name":"B"}]`))
			return
		}
		_, _ = w.Write([]byte(`{"id":"` + idA + `","name":"A"}`))
	}))
	t.Cleanup(pigello.Close)
	tc, err := newTranscoder(pigello.URL)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(tc)
	srv.Config.Protocols = new(http.Protocols)
	srv.Config.Protocols.SetUnencryptedHTTP2(true)
	srv.Start()
	t.Cleanup(srv.Close)
	conn, err := grpc.NewClient(srv.Listener.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	e.client = pbv1.NewWorkEngagementServiceClient(conn)
	return e
}

func TestList(t *testing.T) {
	for _, tc := range []struct {
		name      string
		pageSize  int32
		wantAsked string
	}{
		{"page_size unset: the facade's 50", 0, pigelloList + "?_page=1&_page_size=50"},
		{"page_size 3", 3, pigelloList + "?_page=1&_page_size=3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := setup(t)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			resp, err := e.client.ListWorkEngagements(ctx, &pbv1.ListWorkEngagementsRequest{PageSize: tc.pageSize})
			if err != nil {
				t.Fatalf("ListWorkEngagements: %v", err)
			}
			var ids []string
			for _, we := range resp.GetWorkEngagements() {
				ids = append(ids, we.GetId())
			}
			if diff := cmp.Diff([]string{idA, idB}, ids); diff != "" {
				t.Errorf("listed ids (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{tc.wantAsked}, e.asked); diff != "" {
				t.Errorf("Pigello was asked (-want +got):\n%s", diff)
			}
		})
	}
}

func TestGetStillMapsToTheRecordPath(t *testing.T) {
	e := setup(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	we, err := e.client.GetWorkEngagement(ctx, &pbv1.GetWorkEngagementRequest{Id: idA})
	if err != nil {
		t.Fatalf("GetWorkEngagement: %v", err)
	}
	if we.GetName() != "A" {
		t.Errorf("GetWorkEngagement returned name %q, want A", we.GetName())
	}
	if diff := cmp.Diff([]string{pigelloPrefix + idA + "/"}, e.asked); diff != "" {
		t.Errorf("Pigello was asked (-want +got):\n%s", diff)
	}
}
