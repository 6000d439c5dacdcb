package emulator

import (
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
)

// MaxPageSize is the largest _page_size list/ accepts. A larger one is 400,
// not clamped: with a bare-array answer a clamped page would be shorter than
// asked for, and a client taking a short page for the last would stop early.
const MaxPageSize = 1000

// The messages of list/'s 400s. Django's own where Django has one.
const (
	msgWholeNumber    = "Enter a whole number."
	msgMinValue       = "Ensure this value is greater than or equal to 1."
	msgMaxValue       = "Ensure this value is less than or equal to %d."
	msgTogether       = "_page and _page_size must be set together."
	msgRepeated       = "Given more than once: give each parameter once (__in takes a comma list)."
	msgNotImplemented = "Pigello documents this parameter but not its effect, so the emulator does not implement it."
	msgUnknownParam   = "Unknown query parameter: list/ takes _page, _page_size, _order_by, _search and the filters on %s."
)

// listQuery is what a list/ request asks for.
type listQuery struct {
	page, size int // both 0: not paged, every record in one answer
	order      []orderKey
	terms      []string    // _search, split into terms
	filters    []predicate // all must hold
	params     url.Values  // as given, for the next and previous links
}

// parseListQuery reads every parameter of a list/ request. Every problem is
// reported, keyed by the parameter it is about, as a DRF form reports every
// field's errors.
func parseListQuery(params url.Values) (listQuery, fieldErrors) {
	q := listQuery{params: params}
	errs := fieldErrors{}
	for name, values := range params {
		if len(values) > 1 {
			errs.add(name, msgRepeated)
			continue
		}
		if strings.ContainsRune(values[0], 0) {
			errs.add(name, msgNullChar)
			continue
		}
		if msg := q.read(name, values[0]); msg != "" {
			errs.add(name, msg)
		}
	}
	_, page := params["_page"]
	_, size := params["_page_size"]
	switch {
	case page && !size:
		errs.add("_page_size", msgTogether)
	case size && !page:
		errs.add("_page", msgTogether)
	}
	q.order = withDefaultOrder(q.order)
	return q, errs
}

// read takes one parameter into q, or returns why it cannot.
func (q *listQuery) read(name, value string) string {
	var msg string
	switch name {
	case "_page":
		q.page, msg = parsePositive(value, math.MaxInt)
	case "_page_size":
		q.size, msg = parsePositive(value, MaxPageSize)
	case "_order_by":
		q.order, msg = parseOrder(value)
	case "_search":
		q.terms = searchTerms(value)
	case "_slim", "_jsonl", "_statistics":
		msg = msgNotImplemented
	default:
		var p predicate
		if p, msg = parseFilter(name, value); msg == "" {
			q.filters = append(q.filters, p)
		}
	}
	return msg
}

// parsePositive reads an integer from 1 to max, written in decimal digits
// only: no sign, space or underscore, which Python's int() would take.
func parsePositive(s string, max int) (int, string) {
	switch {
	case s == "":
		return 0, msgBlank
	case strings.Trim(s, "0123456789") != "":
		return 0, msgWholeNumber
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil || n > max: // only digits, so only too large fails
		return 0, fmt.Sprintf(msgMaxValue, max)
	case n < 1:
		return 0, msgMinValue
	}
	return n, ""
}

// searchTerms splits _search as DRF's SearchFilter does: on whitespace and
// commas. A record matches when it holds every term.
func searchTerms(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || isPySpace(r) })
}

// matches reports whether rec passes every filter and holds every search
// term, case-insensitively, in its name or custom_id.
func (q listQuery) matches(rec record) bool {
	for _, p := range q.filters {
		if !p(rec) {
			return false
		}
	}
	for _, term := range q.terms {
		if !containsFold(rec.Name, term) && (rec.CustomID == nil || !containsFold(*rec.CustomID, term)) {
			return false
		}
	}
	return true
}

// containsFold is Django's icontains on PostgreSQL: UPPER(s) LIKE
// UPPER('%sub%').
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToUpper(s), strings.ToUpper(sub))
}
