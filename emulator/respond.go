package emulator

import (
	"bytes"
	"encoding/json"
	"net/http"
)

// writeJSON sends v as DRF's JSONRenderer would: compact, UTF-8, with no
// HTML escaping and no trailing newline.
func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only a bug can get here (stored JSON is validated on the way in);
		// answer as Django does to an unhandled exception rather than half a body.
		status = http.StatusInternalServerError
		buf.Reset()
		buf.WriteString(`{"detail":"A server error occurred."}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

// writeDetail sends the {"detail": ...} body DRF uses for errors that are not
// about a field.
func writeDetail(w http.ResponseWriter, status int, detail string) {
	writeJSON(w, status, map[string]string{"detail": detail})
}
