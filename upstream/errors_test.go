package upstream

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestErrorParsing(t *testing.T) {
	tests := []struct {
		name    string
		status  int
		body    string
		header  []string
		want    *Error // Body is filled in from body
		wantMsg string
	}{
		{
			name: "detail", status: 404, body: `{"detail":"Not found."}`,
			want:    &Error{StatusCode: 404, Detail: "Not found."},
			wantMsg: "upstream: pigello answered 404 Not Found: Not found.",
		},
		{
			name: "auth detail", status: 403, body: `{"detail":"You do not have permission to perform this action."}`,
			want:    &Error{StatusCode: 403, Detail: "You do not have permission to perform this action."},
			wantMsg: "upstream: pigello answered 403 Forbidden: You do not have permission to perform this action.",
		},
		{
			name: "field errors in body order", status: 400,
			body: `{"name":["This field may not be blank.","Second."],"custom_id":["Ensure this field has no more than 128 characters."],"color_code":"Bare string."}`,
			want: &Error{StatusCode: 400, FieldErrors: []FieldError{
				{"name", "This field may not be blank."},
				{"name", "Second."},
				{"custom_id", "Ensure this field has no more than 128 characters."},
				{"color_code", "Bare string."},
			}},
			wantMsg: "upstream: pigello answered 400 Bad Request: name: This field may not be blank.; name: Second.; custom_id: Ensure this field has no more than 128 characters.; color_code: Bare string.",
		},
		{
			name: "nested", status: 400, body: `{"organization":{"id":["Invalid pk \"x\" - object does not exist."]}}`,
			want: &Error{StatusCode: 400, FieldErrors: []FieldError{{"organization.id", `Invalid pk "x" - object does not exist.`}}},
		},
		{
			name: "ListField index dict", status: 400,
			body: `{"template_notifications":{"1":["Expected a dictionary of items but got type \"str\"."],"12":["Bad."]}}`,
			want: &Error{StatusCode: 400, FieldErrors: []FieldError{
				{"template_notifications[1]", `Expected a dictionary of items but got type "str".`},
				{"template_notifications[12]", "Bad."},
			}},
			wantMsg: `upstream: pigello answered 400 Bad Request: template_notifications[1]: Expected a dictionary of items but got type "str".; template_notifications[12]: Bad.`,
		},
		{
			name: "list aligned with items", status: 400,
			body: `{"template_notifications":[{},{"kind":["\"x\" is not a valid choice."]},{},{"a":{"b":["deep"]}}]}`,
			want: &Error{StatusCode: 400, FieldErrors: []FieldError{
				{"template_notifications[1].kind", `"x" is not a valid choice.`},
				{"template_notifications[3].a.b", "deep"},
			}},
		},
		{
			name: "list of lists", status: 400, body: `{"tags":[[],["bad"]]}`,
			want: &Error{StatusCode: 400, FieldErrors: []FieldError{{"tags[1]", "bad"}}},
		},
		{
			name: "non_field_errors", status: 400, body: `{"non_field_errors":["The fields a, b must make a unique set."]}`,
			want:    &Error{StatusCode: 400, FieldErrors: []FieldError{{"", "The fields a, b must make a unique set."}}},
			wantMsg: "upstream: pigello answered 400 Bad Request: The fields a, b must make a unique set.",
		},
		{
			name: "nested non_field_errors belong to the parent", status: 400, body: `{"organization":{"non_field_errors":["Invalid data."]}}`,
			want: &Error{StatusCode: 400, FieldErrors: []FieldError{{"organization", "Invalid data."}}},
		},
		{
			name: "top-level list", status: 400, body: `["Deletion is not allowed.","Second."]`,
			want:    &Error{StatusCode: 400, FieldErrors: []FieldError{{"", "Deletion is not allowed."}, {"", "Second."}}},
			wantMsg: "upstream: pigello answered 400 Bad Request: Deletion is not allowed.; Second.",
		},
		{
			name: "detail and fields", status: 400, body: `{"detail":"Invalid input.","name":["Required."]}`,
			want:    &Error{StatusCode: 400, Detail: "Invalid input.", FieldErrors: []FieldError{{"name", "Required."}}},
			wantMsg: "upstream: pigello answered 400 Bad Request: Invalid input.; name: Required.",
		},
		{
			name: "detail that is a list is a field", status: 400, body: `{"detail":["x"]}`,
			want: &Error{StatusCode: 400, FieldErrors: []FieldError{{"detail", "x"}}},
		},
		{
			name: "numbers, booleans and nulls", status: 400, body: `{"a":[5,true,null]}`,
			want: &Error{StatusCode: 400, FieldErrors: []FieldError{{"a", "5"}, {"a", "true"}}},
		},
		{
			name: "bare string", status: 500, body: `"Server Error"`,
			want: &Error{StatusCode: 500, Detail: "Server Error"},
		},
		{
			name: "HTML 502", status: 502, body: "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
			header:  []string{"Content-Type", "text/html"},
			want:    &Error{StatusCode: 502},
			wantMsg: "upstream: pigello answered 502 Bad Gateway",
		},
		{
			name: "JSON-looking garbage", status: 500, body: `{"detail":"x"`,
			want: &Error{StatusCode: 500},
		},
		{
			name: "empty body", status: 500, body: ``,
			want:    &Error{StatusCode: 500},
			wantMsg: "upstream: pigello answered 500 Internal Server Error",
		},
		{
			name: "unknown status", status: 599, body: ``,
			want:    &Error{StatusCode: 599},
			wantMsg: "upstream: pigello answered 599",
		},
		{
			name: "redirect is an error", status: 301, header: []string{"Location", "https://elsewhere.example/"},
			want:    &Error{StatusCode: 301},
			wantMsg: "upstream: pigello answered 301 Moved Permanently",
		},
		{
			name: "retry-after seconds", status: 429, body: `{"detail":"Request was throttled. Expected available in 30 seconds."}`,
			header: []string{"Retry-After", "30"},
			want:   &Error{StatusCode: 429, Detail: "Request was throttled. Expected available in 30 seconds.", RetryAfter: 30 * time.Second},
		},
		{
			name: "retry-after invalid", status: 503, header: []string{"Retry-After", "soon"},
			want: &Error{StatusCode: 503},
		},
	}
	for _, tt := range tests {
		for _, method := range allMethods {
			t.Run(tt.name+"/"+method, func(t *testing.T) {
				c, _ := setup(t, respond(tt.status, tt.body, tt.header...))
				err := call(t, c, method, testID)
				got, ok := errors.AsType[*Error](err)
				if !ok {
					t.Fatalf("%s returned %v, want *Error", method, err)
				}
				want := *tt.want
				if tt.body != "" {
					want.Body = []byte(tt.body)
				}
				if diff := cmp.Diff(&want, got, cmpopts.IgnoreUnexported(Error{})); diff != "" {
					t.Errorf("%s error mismatch (-want +got):\n%s", method, diff)
				}
				if tt.wantMsg != "" && err.Error() != tt.wantMsg {
					t.Errorf("Error() = %q, want %q", err.Error(), tt.wantMsg)
				}
				if errors.Is(err, ErrResponseTooLarge) || errors.Is(err, ErrMalformedResponse) {
					t.Errorf("error %v wraps a sentinel it should not", err)
				}
			})
		}
	}
}

func TestErrorMessageBounded(t *testing.T) {
	body := `{"a":["1"],"b":["2"],"c":["3"],"d":["4"],"e":["5"],"f":["6"],"g":["7"]}`
	c, _ := setup(t, respond(400, body))
	err := c.GetWorkEngagement(t.Context(), testID, new(object))
	e, ok := errors.AsType[*Error](err)
	if !ok || len(e.FieldErrors) != 7 {
		t.Fatalf("GetWorkEngagement returned %v, want *Error with 7 field errors", err)
	}
	want := "upstream: pigello answered 400 Bad Request: a: 1; b: 2; c: 3; d: 4; e: 5; and 2 more"
	if err.Error() != want {
		t.Errorf("Error() = %q, want %q", err, want)
	}
}

func TestParseDRFBounds(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 200) + `["m"]` + strings.Repeat(`}`, 200)
	if _, fields := parseDRF([]byte(deep)); len(fields) != 0 {
		t.Errorf("parseDRF(deep) returned %d field errors, want 0 beyond the depth cap", len(fields))
	}
	many := "[" + strings.Repeat(`"m",`, 1000) + `"m"]`
	if _, fields := parseDRF([]byte(many)); len(fields) != maxFieldErrors {
		t.Errorf("parseDRF(many) returned %d field errors, want %d", len(fields), maxFieldErrors)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
	}{
		{"", 0},
		{"0", 0},
		{"120", 2 * time.Minute},
		{"007", 7 * time.Second},
		{"-1", 0},
		{"+5", 0},
		{"1.5", 0},
		{" 5", 0},
		{"soon", 0},
		{"99999999999999999999", 0},
		{"9223372036854775807", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(time.Hour).Format(time.RFC850), time.Hour},
		{now.Add(time.Minute).Format(time.ANSIC), time.Minute},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{now.Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := parseRetryAfter(tt.value, now); got != tt.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestRetryAfterHTTPDate(t *testing.T) {
	date := time.Now().Add(time.Hour).UTC().Format(http.TimeFormat)
	c, _ := setup(t, respond(http.StatusServiceUnavailable, "", "Retry-After", date))
	err := c.GetWorkEngagement(t.Context(), testID, new(object))
	e, ok := errors.AsType[*Error](err)
	if !ok {
		t.Fatalf("GetWorkEngagement returned %v, want *Error", err)
	}
	if e.RetryAfter < 58*time.Minute || e.RetryAfter > time.Hour {
		t.Errorf("RetryAfter = %v, want about 1h", e.RetryAfter)
	}
}
