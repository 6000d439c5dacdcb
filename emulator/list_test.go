package emulator_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pigello-facade/pigello-facade/emulator"
)

const listPath = collection + "list/"

// The records list tests filter, search, order and page: two share a
// created_at, one has a null custom_id, one a null color_code and a blank
// custom_id. Each is known in test tables by its label.
var listRecords = map[string]string{
	"a1": `{"id": "10000000-0000-4000-8000-000000000001", "name": "Alpha", "custom_id": "A-1", "color_code": "abc", "created_at": "2024-01-01T00:00:00Z"}`,
	"a2": `{"id": "10000000-0000-4000-8000-000000000002", "name": "beta", "custom_id": null, "color_code": "ABCDEF", "created_at": "2024-01-01T00:00:00Z"}`,
	"a3": `{"id": "10000000-0000-4000-8000-000000000003", "name": "Gamma ray", "custom_id": "g-3", "color_code": "123abc", "created_at": "2024-02-01T12:00:00.5Z"}`,
	"a4": `{"id": "10000000-0000-4000-8000-000000000004", "name": "delta", "custom_id": "", "color_code": null, "created_at": "2024-03-01T00:00:00.000001Z"}`,
	"a5": `{"id": "10000000-0000-4000-8000-000000000005", "name": "Epsilon alpha", "custom_id": "E-5", "color_code": "fff", "created_at": "2025-01-01T00:00:00Z"}`,
}

// setupList is an emulator holding only listRecords, answering list/ in envelope.
func setupList(t *testing.T, envelope emulator.ListEnvelope) *fixture {
	t.Helper()
	f := setup(t, emulator.Config{NoSeed: true, ListEnvelope: envelope})
	for _, rec := range listRecords {
		if err := emulator.PutRecord(f.emu, rec); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// list sends GET list/ with query, which must be escaped already.
func (f *fixture) list(t *testing.T, query string) response {
	t.Helper()
	return f.call(t, "GET", listPath+"?"+query, "")
}

// labels returns the labels of records, in their order; an id not in
// listRecords is returned as it is.
func labels(t *testing.T, records []json.RawMessage) []string {
	t.Helper()
	byID := map[string]string{}
	for label, rec := range listRecords {
		byID[decode(t, rec).(map[string]any)["id"].(string)] = label
	}
	out := []string{}
	for _, rec := range records {
		var r struct{ ID string }
		if err := json.Unmarshal(rec, &r); err != nil {
			t.Fatalf("decode list item %s: %v", rec, err)
		}
		label, ok := byID[r.ID]
		if !ok {
			label = r.ID
		}
		out = append(out, label)
	}
	return out
}

// arrayLabels checks that r is a 200 with a bare JSON array and returns its
// records' labels.
func (r response) arrayLabels(t *testing.T) []string {
	t.Helper()
	var records []json.RawMessage
	if err := json.Unmarshal(r.body, &records); r.status != 200 || err != nil || records == nil {
		t.Fatalf("status = %d, body %s; want 200 with a JSON array", r.status, r.body)
	}
	return labels(t, records)
}

// page is a paginated answer, with its records' labels.
type page struct {
	Count    int
	Next     *string
	Previous *string
	Results  []string
}

// paginated checks that r is a 200 with DRF's paginated object (exactly its
// four keys) and returns it.
func (r response) paginated(t *testing.T) page {
	t.Helper()
	var raw struct {
		Count    *int              `json:"count"`
		Next     *string           `json:"next"`
		Previous *string           `json:"previous"`
		Results  []json.RawMessage `json:"results"`
	}
	obj := r.object(t)
	if err := json.Unmarshal(r.body, &raw); r.status != 200 || err != nil || len(obj) != 4 || raw.Count == nil || raw.Results == nil {
		t.Fatalf("status = %d, body %s; want 200 with count, next, previous and results", r.status, r.body)
	}
	return page{Count: *raw.Count, Next: raw.Next, Previous: raw.Previous, Results: labels(t, raw.Results)}
}

// listCase is a query of list/ and the labels of the records it answers,
// in order.
type listCase struct {
	query string
	want  []string
}

// checkArrayLists sends each case's query to an emulator holding
// listRecords, answering bare arrays, and compares the records answered.
func checkArrayLists(t *testing.T, tests []listCase) {
	t.Helper()
	f := setupList(t, emulator.ListArray)
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, f.list(t, tt.query).arrayLabels(t)); diff != "" {
				t.Errorf("GET list/?%s mismatch (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}

func TestListFilters(t *testing.T) {
	checkArrayLists(t, []listCase{
		{"color_code=abc", []string{"a1"}},
		{"color_code!=abc", []string{"a2", "a3", "a4", "a5"}}, // null kept, as exclude() keeps it
		{"color_code=%20abc%20", []string{"a1"}},              // trimmed, as Django's CharField trims
		{"color_code=ABC", []string{}},
		{"color_code__contains=bc", []string{"a1", "a3"}},
		{"color_code__contains!=bc", []string{"a2", "a4", "a5"}},
		{"color_code__endswith=abc", []string{"a1", "a3"}},
		{"color_code__endswith!=abc", []string{"a2", "a4", "a5"}},
		{"color_code__icontains=bC", []string{"a1", "a2", "a3"}},
		{"color_code__icontains!=bC", []string{"a4", "a5"}},
		{"color_code__iendswith=Def", []string{"a2"}},
		{"color_code__iendswith!=Def", []string{"a1", "a3", "a4", "a5"}},
		{"color_code__iexact=aBc", []string{"a1"}},
		{"color_code__iexact!=aBc", []string{"a2", "a3", "a4", "a5"}},
		{"color_code__in=abc,fff", []string{"a1", "a5"}},
		{"color_code__in=abc,%20fff", []string{"a1", "a5"}},
		{"color_code__in=ABC", []string{}},
		{"color_code__in!=abc,fff", []string{"a2", "a3", "a4"}},
		{"color_code__isnull=true", []string{"a4"}},
		{"color_code__isnull=false", []string{"a1", "a2", "a3", "a5"}},
		{"color_code__isnull!=true", []string{"a1", "a2", "a3", "a5"}},
		{"color_code__isnull!=false", []string{"a4"}},
		{"color_code__istartswith=aB", []string{"a1", "a2"}},
		{"color_code__istartswith!=aB", []string{"a3", "a4", "a5"}},
		{"color_code__startswith=ab", []string{"a1"}},
		{"color_code__startswith!=ab", []string{"a2", "a3", "a4", "a5"}},
		{"created_at=2024-01-01T00:00:00Z", []string{"a1", "a2"}},
		{"created_at=2024-01-01T01:00:00%2B01:00", []string{"a1", "a2"}},
		{"created_at=2024-01-01T00:00:00.000Z", []string{"a1", "a2"}},
		{"created_at=2024-03-01T00:00:00.0000019Z", []string{"a4"}}, // microseconds, as Django keeps
		{"created_at!=2024-01-01T00:00:00Z", []string{"a3", "a4", "a5"}},
		{"created_at__gt=2024-01-01T00:00:00Z", []string{"a3", "a4", "a5"}},
		{"created_at__gt!=2024-01-01T00:00:00Z", []string{"a1", "a2"}},
		{"created_at__gte=2024-02-01T12:00:00.5Z", []string{"a3", "a4", "a5"}},
		{"created_at__gte!=2024-02-01T12:00:00.5Z", []string{"a1", "a2"}},
		{"created_at__lt=2024-03-01T00:00:00.000001Z", []string{"a1", "a2", "a3"}},
		{"created_at__lt!=2024-03-01T00:00:00.000001Z", []string{"a4", "a5"}},
		{"created_at__lte=2024-03-01T00:00:00.000001Z", []string{"a1", "a2", "a3", "a4"}},
		{"created_at__lte!=2024-03-01T00:00:00.000001Z", []string{"a5"}},
		{"created_at__in=2024-01-01T00:00:00Z,2025-01-01T00:00:00%2B01:00", []string{"a1", "a2"}}, // 2024-12-31T23:00:00Z
		{"created_at__in=2024-01-01T00:00:00Z,2025-01-01T00:00:00Z", []string{"a1", "a2", "a5"}},
		{"created_at__in!=2024-01-01T00:00:00Z,2025-01-01T00:00:00Z", []string{"a3", "a4"}},
		{"created_at__isnull=true", []string{}},
		{"created_at__isnull=false", []string{"a1", "a2", "a3", "a4", "a5"}},
		{"created_at__isnull!=true", []string{"a1", "a2", "a3", "a4", "a5"}},
		// Several filters AND together.
		{"color_code__icontains=abc&created_at__gte=2024-02-01T00:00:00Z", []string{"a3"}},
		{"color_code__isnull!=true&created_at__lt=2024-06-01T00:00:00Z&color_code!=abc", []string{"a2", "a3"}},
		// A ";" is part of the value, as in Django, not a separator.
		{"color_code=abc;foo=1", []string{}},
	})
}

func TestListSearch(t *testing.T) {
	checkArrayLists(t, []listCase{
		{"_search=alpha", []string{"a1", "a5"}},
		{"_search=ALPHA", []string{"a1", "a5"}},
		{"_search=g-3", []string{"a3"}}, // custom_id
		{"_search=a-1", []string{"a1"}}, // custom_id, any case
		{"_search=ta", []string{"a2", "a4"}},
		{"_search=alpha+epsilon", []string{"a5"}}, // every term must be found
		{"_search=alpha,a-1", []string{"a1"}},     // terms may be found in different fields
		{"_search=%20,%20", []string{"a1", "a2", "a3", "a4", "a5"}},
		{"_search=", []string{"a1", "a2", "a3", "a4", "a5"}},
		{"_search=zzz", []string{}},
		{"_search=alpha&color_code=fff", []string{"a5"}},
	})
}

func TestListOrder(t *testing.T) {
	checkArrayLists(t, []listCase{
		{"", []string{"a1", "a2", "a3", "a4", "a5"}}, // created_at, then id
		{"_order_by=id", []string{"a1", "a2", "a3", "a4", "a5"}},
		{"_order_by=-id", []string{"a5", "a4", "a3", "a2", "a1"}},
		{"_order_by=name", []string{"a1", "a5", "a3", "a2", "a4"}}, // byte order: upper case first
		{"_order_by=-name", []string{"a4", "a2", "a3", "a5", "a1"}},
		{"_order_by=custom_id", []string{"a4", "a1", "a5", "a3", "a2"}},  // null last
		{"_order_by=-custom_id", []string{"a2", "a3", "a5", "a1", "a4"}}, // null first
		{"_order_by=color_code", []string{"a3", "a2", "a1", "a5", "a4"}},
		{"_order_by=-color_code", []string{"a4", "a5", "a1", "a2", "a3"}},
		{"_order_by=created_at", []string{"a1", "a2", "a3", "a4", "a5"}},
		{"_order_by=-created_at", []string{"a5", "a4", "a3", "a1", "a2"}}, // ties by id
		{"_order_by=-created_at,-id", []string{"a5", "a4", "a3", "a2", "a1"}},
		{"_order_by=created_at,-id", []string{"a2", "a1", "a3", "a4", "a5"}},
		{"_order_by=%20color_code%20,%20-id", []string{"a3", "a2", "a1", "a5", "a4"}},
		{"_order_by=-name&color_code__isnull=false", []string{"a2", "a3", "a5", "a1"}},
	})
}

// Records that tie on every requested field are ordered by id, so that
// pages neither overlap nor skip one: paging through twenty records created
// at the same instant, three at a time, gives each once, in id order.
func TestListPagesNeverOverlap(t *testing.T) {
	f := setup(t, emulator.Config{NoSeed: true, ListEnvelope: emulator.ListPaginated})
	var want []string
	for i := range 20 {
		id := fmt.Sprintf("20000000-0000-4000-8000-%012d", (i*7)%20) // stored in no particular order
		rec := fmt.Sprintf(`{"id": %q, "name": "same", "color_code": "abc", "created_at": "2024-01-01T00:00:00Z"}`, id)
		if err := emulator.PutRecord(f.emu, rec); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	slices.Sort(want)
	for _, order := range []string{"", "&_order_by=name", "&_order_by=-color_code,created_at"} {
		var got []string
		for pageNumber := 1; pageNumber <= 7; pageNumber++ {
			p := f.list(t, fmt.Sprintf("_page=%d&_page_size=3%s", pageNumber, order)).paginated(t)
			got = append(got, p.Results...)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("pages of list/?%s mismatch (-want +got):\n%s", order, diff)
		}
	}
}

// Pagination in both envelopes: a page past the end is an empty page (200),
// in both; next and previous are absolute, with _page replaced and the
// query sorted as DRF's replace_query_param writes it.
func TestListPagination(t *testing.T) {
	tests := []struct {
		name     string
		query    string
		want     []string
		count    int
		next     string // query of the next link; "" for null
		previous string
	}{
		{name: "not paged", want: []string{"a1", "a2", "a3", "a4", "a5"}, count: 5},
		{name: "first", query: "_page=1&_page_size=2", want: []string{"a1", "a2"}, count: 5, next: "_page=2&_page_size=2"},
		{name: "middle", query: "_page=2&_page_size=2", want: []string{"a3", "a4"}, count: 5, next: "_page=3&_page_size=2", previous: "_page=1&_page_size=2"},
		{name: "short last", query: "_page=3&_page_size=2", want: []string{"a5"}, count: 5, previous: "_page=2&_page_size=2"},
		{name: "past the end", query: "_page=4&_page_size=2", want: []string{}, count: 5, previous: "_page=3&_page_size=2"},
		{name: "full last", query: "_page=1&_page_size=5", want: []string{"a1", "a2", "a3", "a4", "a5"}, count: 5},
		{name: "after a full last", query: "_page=2&_page_size=5", want: []string{}, count: 5, previous: "_page=1&_page_size=5"},
		{name: "page size 1", query: "_page=3&_page_size=1", want: []string{"a3"}, count: 5, next: "_page=4&_page_size=1", previous: "_page=2&_page_size=1"},
		{name: "page size 1, last", query: "_page=5&_page_size=1", want: []string{"a5"}, count: 5, previous: "_page=4&_page_size=1"},
		{name: "largest page size", query: "_page_size=1000&_page=1", want: []string{"a1", "a2", "a3", "a4", "a5"}, count: 5},
		{name: "leading zeros", query: "_page=002&_page_size=02", want: []string{"a3", "a4"}, count: 5, next: "_page=3&_page_size=02", previous: "_page=1&_page_size=02"},
		{name: "largest page number", query: "_page=9223372036854775807&_page_size=1000", want: []string{}, count: 5, previous: "_page=9223372036854775806&_page_size=1000"},
		{name: "filtered", query: "_page=1&_page_size=1&color_code__in=abc,fff", want: []string{"a1"}, count: 2, next: "_page=2&_page_size=1&color_code__in=abc%2Cfff"},
		{name: "nothing matches", query: "_page=1&_page_size=1&color_code=000", want: []string{}},
		{name: "other parameters kept, sorted and re-encoded", query: "color_code!=abc&_search=a+b&_page_size=1&_order_by=-name&_page=2",
			want: []string{}, count: 1, previous: "_order_by=-name&_page=1&_page_size=1&_search=a+b&color_code%21=abc"},
		{name: "other parameters in the next link", query: "_search=a&color_code!=abc&_page=1&_page_size=1", want: []string{"a2"}, count: 4,
			next: "_page=2&_page_size=1&_search=a&color_code%21=abc"},
		{name: "search terms", query: "_search=a&_page=2&_page_size=2&_order_by=-created_at", want: []string{"a3", "a1"}, count: 5,
			next: "_order_by=-created_at&_page=3&_page_size=2&_search=a", previous: "_order_by=-created_at&_page=1&_page_size=2&_search=a"},
	}
	array, paginated := setupList(t, emulator.ListArray), setupList(t, emulator.ListPaginated)
	link := func(query string) *string {
		if query == "" {
			return nil
		}
		u := paginated.srv.URL + listPath + "?" + query
		return &u
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, array.list(t, tt.query).arrayLabels(t)); diff != "" {
				t.Errorf("array: GET list/?%s mismatch (-want +got):\n%s", tt.query, diff)
			}
			want := page{Count: tt.count, Next: link(tt.next), Previous: link(tt.previous), Results: tt.want}
			if diff := cmp.Diff(want, paginated.list(t, tt.query).paginated(t)); diff != "" {
				t.Errorf("paginated: GET list/?%s mismatch (-want +got):\n%s", tt.query, diff)
			}
		})
	}
}
