package emulator

import (
	"maps"
	"net/http"
	"strconv"
)

// ListEnvelope is the shape of list/ answers. Pigello does not document it,
// so the emulator offers the two a client must be ready for.
type ListEnvelope string

const (
	// ListArray answers a bare JSON array of records, as Pigello's Bulk
	// write does: the default.
	ListArray ListEnvelope = "array"
	// ListPaginated answers Django REST framework's PageNumberPagination
	// object: {"count": N, "next": url-or-null, "previous": url-or-null,
	// "results": [...]}.
	ListPaginated ListEnvelope = "paginated"
)

// ListEnvelopes returns the values Config.ListEnvelope takes, the default
// first.
func ListEnvelopes() []ListEnvelope {
	return []ListEnvelope{ListArray, ListPaginated}
}

// paginatedPage is a ListPaginated answer.
type paginatedPage struct {
	Count    int      `json:"count"`
	Next     *string  `json:"next"`
	Previous *string  `json:"previous"`
	Results  []record `json:"results"`
}

// list answers GET list/: the records passing every filter and search term,
// ordered, then paged. A page past the end is an empty page (200) in either
// envelope, where DRF's PageNumberPagination would answer 404 "Invalid
// page.": a client that takes a short page for the last one asks for the
// page after a full last page, and must get an empty one.
func (e *Emulator) list(w http.ResponseWriter, r *http.Request) {
	params, detail := parseQuery(r.URL.RawQuery)
	if detail != "" {
		writeDetail(w, http.StatusBadRequest, detail)
		return
	}
	q, errs := parseListQuery(params)
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, errs)
		return
	}
	var recs []record
	for _, rec := range e.store.all() {
		if q.matches(rec) {
			recs = append(recs, rec)
		}
	}
	sortRecords(recs, q.order)
	page := q.pageOf(recs)
	if e.envelope == ListArray {
		writeJSON(w, http.StatusOK, page)
		return
	}
	writeJSON(w, http.StatusOK, paginatedPage{
		Count:    len(recs),
		Next:     q.link(r, q.page < pageCount(len(recs), q.size), q.page+1),
		Previous: q.link(r, q.page > 1, q.page-1),
		Results:  page,
	})
}

// pageOf returns q's page of recs, never nil, so that it encodes as [].
func (q listQuery) pageOf(recs []record) []record {
	if q.size == 0 {
		return append([]record{}, recs...)
	}
	if q.page > pageCount(len(recs), q.size) {
		return []record{}
	}
	start := (q.page - 1) * q.size // no overflow: start < len(recs)
	return recs[start:min(start+q.size, len(recs))]
}

// pageCount is how many pages of size n records fill; 0 for no records.
func pageCount(n, size int) int {
	if size == 0 {
		return 0
	}
	return (n + size - 1) / size
}

// link returns the absolute URL of page of the same list, or nil if ok is
// false or the list is not paged. It is built as DRF's replace_query_param
// builds it: scheme and Host of the request, the same path, and the query
// with _page replaced, its parameters sorted and encoded by Python's
// urlencode (which url.Values.Encode matches). Where DRF drops _page for
// the first page, the emulator sends _page=1: without it the link would
// break the rule that _page and _page_size are set together.
func (q listQuery) link(r *http.Request, ok bool, page int) *string {
	if !ok || q.size == 0 {
		return nil
	}
	params := maps.Clone(q.params)
	params.Set("_page", strconv.Itoa(page))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	u := scheme + "://" + r.Host + r.URL.EscapedPath() + "?" + params.Encode()
	return &u
}
