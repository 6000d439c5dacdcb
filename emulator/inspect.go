package emulator

import "net/http"

// inspectedRequest is a recorded request as the inspection endpoint shows it.
type inspectedRequest struct {
	Method   string      `json:"method"`
	Path     string      `json:"path"`
	RawQuery string      `json:"raw_query"`
	Header   http.Header `json:"header"`
	Body     string      `json:"body"`
}

// listRequests answers GET /_emulator/requests with the recorded requests,
// credentials redacted. The endpoint needs no credentials, which is why it
// must never return one.
func (e *Emulator) listRequests(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, inspect(e.log.list()))
}

// clearRequests answers DELETE /_emulator/requests: the log is emptied.
func (e *Emulator) clearRequests(w http.ResponseWriter, _ *http.Request) {
	e.log.reset()
	w.WriteHeader(http.StatusNoContent)
}

func inspect(reqs []Request) []inspectedRequest {
	out := make([]inspectedRequest, 0, len(reqs)) // [] rather than null when empty
	for _, r := range reqs {
		out = append(out, inspectedRequest{
			Method:   r.Method,
			Path:     r.Path,
			RawQuery: r.RawQuery,
			Header:   redact(r.Header),
			Body:     string(r.Body),
		})
	}
	return out
}
