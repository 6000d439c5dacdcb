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

// serveInspection serves /_emulator/requests: GET lists the recorded
// requests with credentials redacted, DELETE clears them. It needs no
// credentials, which is why it must never return one.
func (e *Emulator) serveInspection(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, inspect(e.log.list()))
	case http.MethodDelete:
		e.log.reset()
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, DELETE")
		writeMethodNotAllowed(w, r)
	}
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
