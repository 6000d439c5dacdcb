package upstream

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchClient returns a client for a server that answers fullObj, so the
// benchmarks measure the client's own work plus loopback HTTP. Answers are
// decoded into a json.RawMessage, a copy: mapping them is the caller's work
// (internal/schema's BenchmarkUnmarshal).
func benchClient(b *testing.B) *Client {
	b.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, fullObj)
	}))
	hc := NewHTTPClient()
	b.Cleanup(func() { srv.Close(); hc.CloseIdleConnections() })
	c, err := New(srv.URL, hc, WithCredentials(testCreds))
	if err != nil {
		b.Fatalf("New returned %v", err)
	}
	return c
}

func BenchmarkGetWorkEngagement(b *testing.B) {
	c := benchClient(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.GetWorkEngagement(b.Context(), testID, new(json.RawMessage)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkUpdateWorkEngagement(b *testing.B) {
	c := benchClient(b)
	p := json.RawMessage(`{"name":"Consultant","custom_id":null,"color_code":"ff00aa"}`)
	b.ReportAllocs()
	for b.Loop() {
		if err := c.UpdateWorkEngagement(b.Context(), testID, p, new(json.RawMessage)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseDRF(b *testing.B) {
	body := []byte(`{"name":["This field may not be blank."],"organization":{"id":["Invalid pk."]},"template_notifications":[{},{"kind":["Not a valid choice."]}]}`)
	b.ReportAllocs()
	for b.Loop() {
		parseDRF(body)
	}
}
