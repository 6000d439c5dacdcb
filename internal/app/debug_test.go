package app

import (
	"log/slog"
	"net/http"
	"testing"
)

func TestDebugAddrServesProfilesOnItsOwnListener(t *testing.T) {
	cfg := defaultConfig()
	cfg.GRPCAddr, cfg.HTTPAddr, cfg.DebugAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	cfg.PigelloBaseURL, cfg.Credentials = "http://127.0.0.1:1", testCreds
	f := serveFacade(t, cfg, slog.New(slog.DiscardHandler))
	env := newTestEnv(t, f)
	debugURL := "http://" + f.debugLis.Addr().String()

	tests := []struct {
		url  string
		want int
	}{
		{debugURL + "/debug/pprof/", http.StatusOK},
		{debugURL + "/debug/pprof/heap?debug=1", http.StatusOK},
		{debugURL + "/v1/workEngagements/x", http.StatusNotFound}, // the API is not there
		{env.restURL + "/debug/pprof/", http.StatusNotFound},      // nor profiles on the API listener
	}
	for _, tt := range tests {
		resp, err := http.Get(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("GET %s = %d, want %d", tt.url, resp.StatusCode, tt.want)
		}
	}
}

func TestNoDebugListenerByDefault(t *testing.T) {
	cfg := defaultConfig()
	cfg.GRPCAddr, cfg.HTTPAddr = "127.0.0.1:0", "127.0.0.1:0"
	cfg.PigelloBaseURL, cfg.Credentials = "http://127.0.0.1:1", testCreds
	if f := serveFacade(t, cfg, slog.New(slog.DiscardHandler)); f.debugLis != nil {
		t.Errorf("debug listener open at %s without --debug-addr", f.debugLis.Addr())
	}
}
