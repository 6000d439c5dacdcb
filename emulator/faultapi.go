package emulator

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"time"

	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
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

// getFaults answers GET /_emulator/faults with the pending scripts.
func (e *Emulator) getFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, e.listFaults())
}

// postFaults answers POST /_emulator/faults: the script in the body is
// added, and the pending scripts are listed.
func (e *Emulator) postFaults(w http.ResponseWriter, r *http.Request) {
	s, err := decodeScript(r)
	if err != nil {
		writeDetail(w, http.StatusBadRequest, err.Error())
		return
	}
	e.faults.add(s)
	writeJSON(w, http.StatusOK, e.listFaults())
}

// deleteFaults answers DELETE /_emulator/faults: every script is dropped.
func (e *Emulator) deleteFaults(w http.ResponseWriter, _ *http.Request) {
	e.faults.clear()
	w.WriteHeader(http.StatusNoContent)
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

// decodeScript reads a POST body strictly: one JSON object whose keys are
// spelled exactly as documented (no unknown, differently cased or repeated
// key), at least one fault, and exactly one when it repeats. encoding/json
// would match "Status" or "STATUS" to status and let a repeated key win
// silently; the JSON v2 decoder refuses both.
func decodeScript(r *http.Request) (*script, error) {
	b, err := readBody(r)
	if err != nil {
		return nil, errors.New("could not read the request body")
	}
	if b.tooLarge {
		return nil, errors.New("request body too large: at most 1 MiB")
	}
	var sj scriptJSON
	if err := jsonv2.Unmarshal(b.data, &sj, jsonv2.RejectUnknownMembers(true)); err != nil {
		return nil, decodeError(err)
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

// decodeError says where a body failed to decode, by JSON pointer, and
// what was expected there, without the decoder's Go internals.
func decodeError(err error) error {
	var se *jsonv2.SemanticError
	if errors.As(err, &se) {
		where := cmp.Or(se.JSONPointer, "/")
		if errors.Is(se.Err, jsonv2.ErrUnknownName) {
			return fmt.Errorf("JSON parse error - %s: unknown key", where)
		}
		return fmt.Errorf("JSON parse error - %s: expected %s", where, describeType(se.GoType))
	}
	var syn *jsontext.SyntacticError
	if errors.As(err, &syn) && errors.Is(syn.Err, jsontext.ErrDuplicateName) {
		return fmt.Errorf("JSON parse error - %s: duplicate key", cmp.Or(syn.JSONPointer, "/"))
	}
	return fmt.Errorf("JSON parse error - %s", strings.TrimPrefix(err.Error(), "jsontext: "))
}

// describeType names, for a person writing JSON, what a Go type takes.
func describeType(t reflect.Type) string {
	switch {
	case t == reflect.TypeFor[jsonDuration]():
		return `a duration string such as "250ms"`
	case t == nil:
		return "another value"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice:
		return "an array"
	case reflect.Struct:
		return "an object"
	}
	return "another value"
}

// postFaultsDoc describes POST /_emulator/faults, its fault keys read from
// faultJSON's tags so the text cannot fall behind the decoder.
func postFaultsDoc() string {
	return `queue faults: {"match": {"method": "GET", "id": "<uuid>"}, "faults": [{"status": 503, "retry_after": "1"}, {"latency": "2s"}], "repeat": false}; ` +
		"fault keys: " + strings.Join(jsonKeys(reflect.TypeFor[faultJSON]()), ", ")
}

// jsonKeys returns the JSON names of struct type t's fields, in order.
func jsonKeys(t reflect.Type) []string {
	keys := make([]string, 0, t.NumField())
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		keys = append(keys, name)
	}
	return keys
}
