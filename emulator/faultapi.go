package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// scriptJSON is a script as POST /_emulator/faults takes it and GET lists it.
type scriptJSON struct {
	Match  matchJSON   `json:"match"`
	Faults []faultJSON `json:"faults"`
	Repeat bool        `json:"repeat"`
}

type matchJSON struct {
	Method string `json:"method"`
	ID     string `json:"id"`
}

// faultJSON is a Fault, its keys the field names in snake case and its
// latency a Go duration string ("250ms", "2s").
type faultJSON struct {
	Latency        jsonDuration `json:"latency,omitzero"`
	Status         int          `json:"status,omitempty"`
	Body           string       `json:"body,omitempty"`
	RetryAfter     string       `json:"retry_after,omitempty"`
	Reset          bool         `json:"reset,omitempty"`
	Hang           bool         `json:"hang,omitempty"`
	Malformed      bool         `json:"malformed,omitempty"`
	Oversized      int          `json:"oversized,omitempty"`
	Close          bool         `json:"close,omitempty"`
	ServeThenClose bool         `json:"serve_then_close,omitempty"`
}

// jsonDuration is a time.Duration written as a Go duration string.
type jsonDuration time.Duration

func (d jsonDuration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

func (d *jsonDuration) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err != nil {
		return errors.New(`latency must be a duration string such as "250ms"`)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("latency: %w", err)
	}
	*d = jsonDuration(v)
	return nil
}

func (f faultJSON) fault() Fault {
	return Fault{
		Latency: time.Duration(f.Latency), Status: f.Status, Body: f.Body, RetryAfter: f.RetryAfter,
		Reset: f.Reset, Hang: f.Hang, Malformed: f.Malformed, Oversized: f.Oversized, Close: f.Close,
		ServeThenClose: f.ServeThenClose,
	}
}

func toFaultJSON(f Fault) faultJSON {
	return faultJSON{
		Latency: jsonDuration(f.Latency), Status: f.Status, Body: f.Body, RetryAfter: f.RetryAfter,
		Reset: f.Reset, Hang: f.Hang, Malformed: f.Malformed, Oversized: f.Oversized, Close: f.Close,
		ServeThenClose: f.ServeThenClose,
	}
}

// serveFaults serves /_emulator/faults: POST adds a script, GET lists what
// is scripted, DELETE clears it all. Like the inspection endpoint it needs
// no credentials and its requests are not recorded.
func (e *Emulator) serveFaults(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		writeJSON(w, http.StatusOK, e.listFaults())
	case http.MethodPost:
		s, err := decodeScript(r)
		if err != nil {
			writeDetail(w, http.StatusBadRequest, err.Error())
			return
		}
		e.faults.add(s)
		writeJSON(w, http.StatusOK, e.listFaults())
	case http.MethodDelete:
		e.faults.clear()
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, POST, DELETE")
		writeMethodNotAllowed(w, r)
	}
}

func (e *Emulator) listFaults() []scriptJSON {
	scripts := e.faults.list()
	out := make([]scriptJSON, 0, len(scripts)) // [] rather than null when empty
	for _, s := range scripts {
		sj := scriptJSON{Match: matchJSON{Method: s.match.Method, ID: s.match.ID}, Repeat: s.repeat}
		for _, f := range s.faults {
			sj.Faults = append(sj.Faults, toFaultJSON(f))
		}
		out = append(out, sj)
	}
	return out
}

// decodeScript reads a POST body strictly: one JSON object, no unknown
// keys, at least one fault, and exactly one when it repeats.
func decodeScript(r *http.Request) (*script, error) {
	b, err := readBody(r)
	if err != nil {
		return nil, errors.New("could not read the request body")
	}
	if b.tooLarge {
		return nil, errors.New("request body too large: at most 1 MiB")
	}
	dec := json.NewDecoder(bytes.NewReader(b.data))
	dec.DisallowUnknownFields()
	var sj scriptJSON
	if err := dec.Decode(&sj); err != nil {
		return nil, fmt.Errorf("JSON parse error - %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("JSON parse error - data after the object")
	}
	switch {
	case len(sj.Faults) == 0:
		return nil, errors.New("faults: at least one fault is needed")
	case sj.Repeat && len(sj.Faults) != 1:
		return nil, errors.New("faults: a repeating script has exactly one fault")
	}
	faults := make([]Fault, len(sj.Faults))
	for i, f := range sj.Faults {
		faults[i] = f.fault()
	}
	return newScript(Match{Method: sj.Match.Method, ID: sj.Match.ID}, faults, sj.Repeat)
}
