package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"unicode/utf8"
)

// maxBody caps what the emulator reads of a request body, so a runaway
// client cannot exhaust its memory.
const maxBody = 1 << 20

// body is a request body as read, at most maxBody bytes of it.
type body struct {
	data     []byte
	tooLarge bool // the client sent more than maxBody bytes
}

// readBody reads at most maxBody bytes of r's body, noting whether there was more.
func readBody(r *http.Request) (body, error) {
	data, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	b := body{data: data}
	if len(data) > maxBody {
		b = body{data: data[:maxBody], tooLarge: true}
	}
	if err != nil {
		return b, fmt.Errorf("emulator: read request body: %w", err)
	}
	return b, nil
}

// answer is a complete error response: a status and the DRF body to send.
type answer struct {
	status int
	body   any
}

func (a *answer) write(w http.ResponseWriter) {
	writeJSON(w, a.status, a.body)
}

func detailAnswer(status int, detail string) *answer {
	return &answer{status: status, body: map[string]string{"detail": detail}}
}

// decodeObject parses a write's body as DRF's JSONParser would and returns
// its top-level object, or the error answer DRF would give.
func decodeObject(r *http.Request, b body) (map[string]json.RawMessage, *answer) {
	if len(b.data) == 0 {
		// DRF does not parse an empty body at all: it becomes {} whatever
		// the Content-Type, which makes an empty PATCH a no-op.
		return map[string]json.RawMessage{}, nil
	}
	if ct := r.Header.Get("Content-Type"); !isJSON(ct) {
		return nil, detailAnswer(http.StatusUnsupportedMediaType, `Unsupported media type "`+ct+`" in request.`)
	}
	if b.tooLarge {
		return nil, detailAnswer(http.StatusRequestEntityTooLarge, "Request body too large: the emulator accepts at most 1 MiB.")
	}
	if !utf8.Valid(b.data) {
		return nil, parseError("request body is not valid UTF-8")
	}
	if err := json.Unmarshal(b.data, new(any)); err != nil {
		return nil, parseError(err.Error())
	}
	if t := pythonType(b.data); t != "dict" {
		return nil, nonFieldError(t)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b.data, &obj); err != nil {
		return nil, parseError(err.Error()) // unreachable: the body is a valid object
	}
	return obj, nil
}

// isJSON reports whether a Content-Type selects DRF's JSONParser. Parameters
// such as charset are allowed, as DRF allows them.
func isJSON(contentType string) bool {
	mediaType, _, err := mime.ParseMediaType(contentType)
	return err == nil && mediaType == "application/json"
}

func parseError(reason string) *answer {
	return detailAnswer(http.StatusBadRequest, "JSON parse error - "+reason)
}

// nonFieldError is DRF's answer to a body that is JSON but not an object;
// null gets the message any non-nullable field gets.
func nonFieldError(pyType string) *answer {
	msg := fmt.Sprintf("Invalid data. Expected a dictionary, but got %s.", pyType)
	if pyType == "NoneType" {
		msg = msgNull
	}
	return &answer{status: http.StatusBadRequest, body: map[string][]string{"non_field_errors": {msg}}}
}

// pythonType names the Python type json.loads gives for a valid JSON value,
// because DRF's messages quote type(value).__name__.
func pythonType(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "NoneType"
	}
	switch raw[0] {
	case '{':
		return "dict"
	case '[':
		return "list"
	case '"':
		return "str"
	case 't', 'f':
		return "bool"
	case 'n':
		return "NoneType"
	}
	if bytes.ContainsAny(raw, ".eE") {
		return "float"
	}
	return "int"
}
