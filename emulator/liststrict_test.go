package emulator_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pigello-facade/pigello-facade/emulator"
)

// Messages the emulator's 400s on list/ carry.
const (
	msgTogether     = `"_page and _page_size must be set together."`
	msgBlank        = `"This field may not be blank."`
	msgWholeNumber  = `"Enter a whole number."`
	msgMinValue     = `"Ensure this value is greater than or equal to 1."`
	msgUnknown      = `"Unknown query parameter: list/ takes _page, _page_size, _order_by, _search and the filters on color_code and created_at."`
	msgUnemulated   = `"Pigello documents this parameter but not its effect, so the emulator does not implement it."`
	msgColorLookup  = `is not a lookup of color_code; its lookups are exact, contains, endswith, icontains, iendswith, iexact, in, isnull, istartswith, startswith."`
	msgTimeLookup   = `is not a lookup of created_at; its lookups are exact, gt, gte, lt, lte, in, isnull."`
	msgBool         = `"Must be true or false."`
	msgDateTime     = `"Enter a valid date/time: RFC 3339 with a UTC offset, such as 2024-01-01T00:00:00Z (a + must be sent as %2B)."`
	msgOrderField   = `: use id, name, custom_id, color_code, created_at, each optionally prefixed with - for descending."`
	msgRepeatedList = `"Given more than once: give each parameter once (__in takes a comma list)."`
)

// Anything list/ does not know, or a value it cannot read, is 400 with a
// DRF body naming the parameter: a real Pigello might ignore it and widen
// the list, where a test should see the client's bug.
func TestListRefuses(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"page alone", "_page=1", `{"_page_size": [` + msgTogether + `]}`},
		{"page size alone", "_page_size=10", `{"_page": [` + msgTogether + `]}`},
		{"page zero", "_page=0&_page_size=1", `{"_page": [` + msgMinValue + `]}`},
		{"page size zero", "_page=1&_page_size=0", `{"_page_size": [` + msgMinValue + `]}`},
		{"page size above the maximum", "_page=1&_page_size=1001", `{"_page_size": ["Ensure this value is less than or equal to 1000."]}`},
		{"page number too large", "_page=9223372036854775808&_page_size=1", `{"_page": ["Ensure this value is less than or equal to 9223372036854775807."]}`},
		{"negative page", "_page=-1&_page_size=1", `{"_page": [` + msgWholeNumber + `]}`},
		{"signed page", "_page=%2B1&_page_size=1", `{"_page": [` + msgWholeNumber + `]}`},
		{"spaced page", "_page=%201&_page_size=1", `{"_page": [` + msgWholeNumber + `]}`},
		{"fractional page size", "_page=1&_page_size=1.0", `{"_page_size": [` + msgWholeNumber + `]}`},
		{"blank page", "_page=&_page_size=1", `{"_page": [` + msgBlank + `]}`},
		{"page without a value", "_page&_page_size=1", `{"_page": [` + msgBlank + `]}`},
		{"page twice", "_page=1&_page=2&_page_size=1", `{"_page": [` + msgRepeatedList + `]}`},
		{"filter twice", "color_code=abc&color_code=fff", `{"color_code": [` + msgRepeatedList + `]}`},
		{"unknown order field", "_order_by=organization", `{"_order_by": ["Cannot order by \"organization\"` + msgOrderField + `]}`},
		{"order field in another case", "_order_by=Name", `{"_order_by": ["Cannot order by \"Name\"` + msgOrderField + `]}`},
		{"double minus", "_order_by=--name", `{"_order_by": ["Cannot order by \"--name\"` + msgOrderField + `]}`},
		{"plus for ascending", "_order_by=%2Bname", `{"_order_by": ["Cannot order by \"+name\"` + msgOrderField + `]}`},
		{"order field twice", "_order_by=name,-name", `{"_order_by": ["\"name\" is named more than once."]}`},
		{"blank order field", "_order_by=name,,id", `{"_order_by": ["A blank field in the comma list."]}`},
		{"trailing comma", "_order_by=name,", `{"_order_by": ["A blank field in the comma list."]}`},
		{"blank order", "_order_by=", `{"_order_by": ["A blank field in the comma list."]}`},
		{"unknown parameter", "expand=all", `{"expand": [` + msgUnknown + `]}`},
		{"filter on an undocumented field", "name=Alpha", `{"name": [` + msgUnknown + `]}`},
		{"array filter, not emulated", "tags=x", `{"tags": [` + msgUnknown + `]}`},
		{"_slim", "_slim=true", `{"_slim": [` + msgUnemulated + `]}`},
		{"_jsonl", "_jsonl=true", `{"_jsonl": [` + msgUnemulated + `]}`},
		{"_statistics", "_statistics=true", `{"_statistics": [` + msgUnemulated + `]}`},
		{"negated search", "_search!=a", `{"_search!": [` + msgUnknown + `]}`},
		{"negated page", "_page!=1", `{"_page!": [` + msgUnknown + `]}`},
		{"double negation", "color_code!!=abc", `{"color_code!!": [` + msgUnknown + `]}`},
		{"explicit exact", "color_code__exact=abc", `{"color_code__exact": ["\"exact\" ` + msgColorLookup + `]}`},
		{"empty lookup", "color_code__=abc", `{"color_code__": ["\"\" ` + msgColorLookup + `]}`},
		{"chained lookup", "color_code__in__x=abc", `{"color_code__in__x": ["\"in__x\" ` + msgColorLookup + `]}`},
		{"lookup in another case", "color_code__IContains=abc", `{"color_code__IContains": ["\"IContains\" ` + msgColorLookup + `]}`},
		{"string lookup on a date-time", "created_at__contains=2024", `{"created_at__contains": ["\"contains\" ` + msgTimeLookup + `]}`},
		{"comparison on a string", "color_code__gt=abc", `{"color_code__gt": ["\"gt\" ` + msgColorLookup + `]}`},
		{"negated unknown lookup", "created_at__range!=x", `{"created_at__range!": ["\"range\" ` + msgTimeLookup + `]}`},
		{"blank filter", "color_code=", `{"color_code": [` + msgBlank + `]}`},
		{"whitespace filter", "color_code__icontains=%20%09", `{"color_code__icontains": [` + msgBlank + `]}`},
		{"blank negated filter", "created_at__gt!=", `{"created_at__gt!": [` + msgBlank + `]}`},
		{"blank in", "color_code__in=", `{"color_code__in": [` + msgBlank + `]}`},
		{"blank item in in", "color_code__in=abc,,fff", `{"color_code__in": [` + msgBlank + `]}`},
		{"trailing comma in in", "color_code__in=abc,", `{"color_code__in": [` + msgBlank + `]}`},
		{"isnull yes", "color_code__isnull=yes", `{"color_code__isnull": [` + msgBool + `]}`},
		{"isnull True", "color_code__isnull=True", `{"color_code__isnull": [` + msgBool + `]}`},
		{"isnull 1", "created_at__isnull=1", `{"created_at__isnull": [` + msgBool + `]}`},
		{"negated isnull, bad", "color_code__isnull!=0", `{"color_code__isnull!": [` + msgBool + `]}`},
		{"date only", "created_at__gte=2024-01-01", `{"created_at__gte": [` + msgDateTime + `]}`},
		{"no offset", "created_at__gte=2024-01-01T00:00:00", `{"created_at__gte": [` + msgDateTime + `]}`},
		{"space separator", "created_at=2024-01-01%2000:00:00Z", `{"created_at": [` + msgDateTime + `]}`},
		{"+ not escaped", "created_at__lt=2024-01-01T00:00:00+01:00", `{"created_at__lt": [` + msgDateTime + `]}`},
		{"compact offset", "created_at__lt=2024-01-01T00:00:00%2B0100", `{"created_at__lt": [` + msgDateTime + `]}`},
		{"hour 24", "created_at__lte=2024-01-01T24:00:00Z", `{"created_at__lte": [` + msgDateTime + `]}`},
		{"not a date", "created_at!=yesterday", `{"created_at!": [` + msgDateTime + `]}`},
		{"bad item in in", "created_at__in=2024-01-01T00:00:00Z,2024-13-01T00:00:00Z", `{"created_at__in": [` + msgDateTime + `]}`},
		{"null character in a filter", "color_code=ab%00c", `{"color_code": ["Null characters are not allowed."]}`},
		{"null character in a search", "_search=a%00", `{"_search": ["Null characters are not allowed."]}`},
		{"every problem reported", "_page=0&expand=1&color_code__isnull=maybe&_order_by=x",
			`{"_page": [` + msgMinValue + `], "_page_size": [` + msgTogether + `], "expand": [` + msgUnknown + `], "color_code__isnull": [` + msgBool + `],
			  "_order_by": ["Cannot order by \"x\"` + msgOrderField + `]}`},
		{"malformed escape", "color_code=%zz", `{"detail": "Malformed query string: \"%zz\" is not correctly %-escaped."}`},
		{"not UTF-8", "_search=%ff", `{"detail": "Malformed query string: \"%ff\" does not decode to UTF-8."}`},
		{"malformed name", "color%2=abc", `{"detail": "Malformed query string: \"color%2\" is not correctly %-escaped."}`},
	}
	for _, envelope := range emulator.ListEnvelopes() {
		f := setupList(t, envelope)
		for _, tt := range tests {
			t.Run(string(envelope)+"/"+tt.name, func(t *testing.T) {
				f.list(t, tt.query).check(t, 400, tt.want)
			})
		}
	}
}

// The credentials are checked before the query and the method.
func TestListCredentialsFirst(t *testing.T) {
	tests := []struct {
		name   string
		method string
		query  string
		edit   func(*http.Request)
		want   string
	}{
		{"missing, good query", "GET", "", withoutHeader("X-PIGELLO-SERVICE-ID"), notProvided},
		{"missing, bad query", "GET", "expand=all&_page=0", withoutHeader("X-PIGELLO-CLIENT-SECRET"), notProvided},
		{"wrong, bad query", "GET", "_page=1", withHeader("X-PIGELLO-CLIENT-SECRET", "nope"), incorrect},
		{"twice, good query", "GET", "", alsoHeader("X-PIGELLO-CUSTOMER-ID", emulator.DemoCredentials().CustomerID), incorrect},
		{"wrong, wrong method", "POST", "", withHeader("X-PIGELLO-CLIENT-CT", "nope"), incorrect},
	}
	f := setupList(t, emulator.ListArray)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.call(t, tt.method, listPath+"?"+tt.query, "", tt.edit).check(t, 401, tt.want)
		})
	}
}

// list/ serves GET only: Pigello's Bulk write (POST list/) is not emulated.
func TestListMethods(t *testing.T) {
	f := setupList(t, emulator.ListArray)
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
		t.Run(method, func(t *testing.T) {
			resp := f.call(t, method, listPath, "")
			resp.check(t, 405, `{"detail": "Method \"`+method+`\" not allowed."}`)
			if got := resp.header.Get("Allow"); got != "GET" {
				t.Errorf("Allow = %q, want GET", got)
			}
		})
	}
	if got := f.list(t, "").header.Get("Allow"); got != "GET" {
		t.Errorf("GET list/: Allow = %q, want GET", got)
	}
}

func TestListPaths(t *testing.T) {
	f := setupList(t, emulator.ListArray)
	for _, path := range []string{
		collection + "list", collection + "list//", collection + "LIST/", collection + "list/x/",
		collection + "list%2F", collection + "%6Cist/", "/accounts/users/organization/workengagement/list/../list/",
	} {
		t.Run(path, func(t *testing.T) {
			f.call(t, "GET", path, "").check(t, 404, notFound)
		})
	}
}

// Every item is the record exactly as GET on its detail path answers it.
func TestListItemsAreRecords(t *testing.T) {
	f := setup(t, emulator.Config{})
	var items []json.RawMessage
	if err := json.Unmarshal(f.list(t, "").body, &items); err != nil {
		t.Fatal(err)
	}
	ids := f.emu.DemoIDs() // created in this order
	if len(items) != len(ids) {
		t.Fatalf("list/ answered %d records, want %d", len(items), len(ids))
	}
	for i, id := range ids {
		f.call(t, "GET", detailPath(id), "").check(t, 200, string(items[i]))
	}
}

// The zero Config answers a bare array; ListEnvelopes lists the two shapes;
// an unknown one is a programming error.
func TestListEnvelopeConfig(t *testing.T) {
	f := setup(t, emulator.Config{NoSeed: true})
	f.list(t, "").check(t, 200, `[]`)
	setup(t, emulator.Config{NoSeed: true, ListEnvelope: emulator.ListPaginated}).list(t, "").
		check(t, 200, `{"count": 0, "next": null, "previous": null, "results": []}`)
	if diff := cmp.Diff([]emulator.ListEnvelope{"array", "paginated"}, emulator.ListEnvelopes()); diff != "" {
		t.Errorf("ListEnvelopes() mismatch (-want +got):\n%s", diff)
	}
	defer func() {
		if recover() == nil {
			t.Errorf("New with ListEnvelope %q did not panic", "Paginated")
		}
	}()
	emulator.New(emulator.Config{ListEnvelope: "Paginated"})
}

// Faults and the request log apply to list/ as to every Pigello path.
func TestListFaultsAndLog(t *testing.T) {
	f := setupList(t, emulator.ListArray)
	f.emu.Script(emulator.Match{Method: "GET"}, emulator.Fault{Status: 503, RetryAfter: "2"})
	f.emu.Script(emulator.Match{ID: "10000000-0000-4000-8000-000000000001"}, emulator.Fault{Status: 500})

	resp := f.call(t, "GET", listPath+"?_page=1&_page_size=2", "", withoutHeader("X-PIGELLO-CLIENT-SECRET"))
	resp.check(t, 503, `{"detail": "Service Unavailable."}`)
	if got := resp.header.Get("Retry-After"); got != "2" {
		t.Errorf("Retry-After = %q, want 2", got)
	}
	// A Match with an ID never matches list/, which names no record.
	if got := f.list(t, "color_code%21=abc").arrayLabels(t); len(got) != 4 {
		t.Errorf("GET list/ after the fault = %v, want the four records that are not abc", got)
	}

	type summary struct{ Method, Path, RawQuery string }
	var got []summary
	for _, r := range f.emu.Requests() {
		got = append(got, summary{r.Method, r.Path, r.RawQuery})
	}
	want := []summary{{"GET", listPath, "_page=1&_page_size=2"}, {"GET", listPath, "color_code%21=abc"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Requests() mismatch (-want +got):\n%s", diff)
	}
	if n := f.emu.Count(emulator.Match{Method: "get"}); n != 2 {
		t.Errorf("Count(GET) = %d, want 2", n)
	}
}
