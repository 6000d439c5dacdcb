package emulator

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"
)

// The messages of a filter's 400s.
const (
	msgUnknownLookup = "%q is not a lookup of %s; its lookups are %s."
	msgBool          = "Must be true or false."
	msgDateTime      = "Enter a valid date/time: RFC 3339 with a UTC offset, such as 2024-01-01T00:00:00Z (a + must be sent as %2B)."
)

// predicate reports whether a record passes one filter.
type predicate func(record) bool

// lookup is one Django lookup of a field: its suffix after "__" ("" for
// exact, which has none) and how a value, trimmed and not blank, becomes a
// predicate or the message saying why it cannot.
type lookup struct {
	suffix string
	build  func(value string) (predicate, string)
}

// filterField is a field list/ filters on, with its lookups in the order
// Pigello documents them.
type filterField struct {
	name    string
	lookups []lookup
}

// filterFields are the filters Pigello documents for Workengagement. Its
// array filters (customer_columns, global_realestates, global_segments,
// tags) are not emulated, so they are refused as unknown.
func filterFields() []filterField {
	return []filterField{
		{"color_code", stringLookups(func(r record) *string { return r.ColorCode })},
		{"created_at", timeLookups(createdAt)},
	}
}

// ListFilter is a field list/ filters on, for help texts.
type ListFilter struct {
	Field   string   // color_code
	Lookups []string // exact (the bare field name), then the suffixes after "__"
}

// ListFilters returns the filters list/ takes, in Pigello's order.
func ListFilters() []ListFilter {
	var out []ListFilter
	for _, f := range filterFields() {
		out = append(out, ListFilter{Field: f.name, Lookups: f.lookupNames()})
	}
	return out
}

func (f filterField) lookupNames() []string {
	names := make([]string, len(f.lookups))
	for i, l := range f.lookups {
		names[i] = cmp.Or(l.suffix, "exact")
	}
	return names
}

// parseFilter reads one filter parameter: field, optionally "__" and a
// lookup, optionally "!" to negate it. Negation is the exact complement, as
// Django's exclude() is: color_code!=abc keeps records whose color_code is
// null.
func parseFilter(param, value string) (predicate, string) {
	name, negated := strings.CutSuffix(param, "!")
	fieldName, suffix, hasSuffix := strings.Cut(name, "__")
	fields := filterFields()
	i := slices.IndexFunc(fields, func(f filterField) bool { return f.name == fieldName })
	if i < 0 {
		return nil, fmt.Sprintf(msgUnknownParam, strings.Join(filterNames(), " and "))
	}
	field := fields[i]
	j := slices.IndexFunc(field.lookups, func(l lookup) bool { return l.suffix == suffix })
	if j < 0 || (hasSuffix && suffix == "") {
		return nil, fmt.Sprintf(msgUnknownLookup, suffix, field.name, strings.Join(field.lookupNames(), ", "))
	}
	// Django's form fields trim values; a blank one would be ignored by
	// django-filter, silently widening the list.
	value = pyStrip(value)
	if value == "" {
		return nil, msgBlank
	}
	p, msg := field.lookups[j].build(value)
	if msg != "" || !negated {
		return p, msg
	}
	return func(r record) bool { return !p(r) }, ""
}

func filterNames() []string {
	var names []string
	for _, f := range filterFields() {
		names = append(names, f.name)
	}
	return names
}

// stringLookups are a nullable CharField's lookups. A null value matches
// none of them but isnull=true. The i-lookups compare upper-cased, as Django
// does on PostgreSQL.
func stringLookups(get func(record) *string) []lookup {
	text := func(match func(field, value string) bool) func(string) (predicate, string) {
		return func(value string) (predicate, string) {
			return func(r record) bool { v := get(r); return v != nil && match(*v, value) }, ""
		}
	}
	fold := func(match func(field, value string) bool) func(string) (predicate, string) {
		return text(func(f, v string) bool { return match(strings.ToUpper(f), strings.ToUpper(v)) })
	}
	equal := func(f, v string) bool { return f == v }
	return []lookup{
		{"", text(equal)},
		{"contains", text(strings.Contains)},
		{"endswith", text(strings.HasSuffix)},
		{"icontains", fold(strings.Contains)},
		{"iendswith", fold(strings.HasSuffix)},
		{"iexact", fold(equal)},
		{"in", func(value string) (predicate, string) {
			items, msg := splitIn(value, func(s string) (string, string) { return s, "" })
			return func(r record) bool { v := get(r); return v != nil && slices.Contains(items, *v) }, msg
		}},
		{"isnull", isNull(func(r record) bool { return get(r) == nil })},
		{"istartswith", fold(strings.HasPrefix)},
		{"startswith", text(strings.HasPrefix)},
	}
}

// timeLookups are a DateTimeField's lookups. The readable part of
// Pigello's page lists gt, gte, in and isnull for Workengagement's
// created_at, and lt and lte for other resources' created_at (the page is
// cut off there); exact is django-filter's bare field name. All seven are
// served, as the facade may send any of them.
func timeLookups(get func(record) time.Time) []lookup {
	compare := func(match func(int) bool) func(string) (predicate, string) {
		return func(value string) (predicate, string) {
			t, msg := parseFilterTime(value)
			return func(r record) bool { return match(get(r).Compare(t)) }, msg
		}
	}
	return []lookup{
		{"", compare(func(c int) bool { return c == 0 })},
		{"gt", compare(func(c int) bool { return c > 0 })},
		{"gte", compare(func(c int) bool { return c >= 0 })},
		{"lt", compare(func(c int) bool { return c < 0 })},
		{"lte", compare(func(c int) bool { return c <= 0 })},
		{"in", func(value string) (predicate, string) {
			times, msg := splitIn(value, parseFilterTime)
			return func(r record) bool {
				return slices.ContainsFunc(times, func(t time.Time) bool { return get(r).Equal(t) })
			}, msg
		}},
		// created_at is never null, but Pigello documents the lookup.
		{"isnull", isNull(func(record) bool { return false })},
	}
}

// splitIn reads an __in value: a comma list, each item trimmed, none blank.
func splitIn[T any](value string, parse func(string) (T, string)) ([]T, string) {
	var items []T
	for item := range strings.SplitSeq(value, ",") {
		item = pyStrip(item)
		if item == "" {
			return nil, msgBlank
		}
		v, msg := parse(item)
		if msg != "" {
			return nil, msg
		}
		items = append(items, v)
	}
	return items, ""
}

// isNull is the isnull lookup. Only true and false are taken: Django's
// NullBooleanField would read anything else as "unknown" and skip the
// filter, widening the list.
func isNull(null predicate) func(string) (predicate, string) {
	return func(value string) (predicate, string) {
		switch value {
		case "true":
			return null, ""
		case "false":
			return func(r record) bool { return !null(r) }, ""
		}
		return nil, msgBool
	}
}

// parseFilterTime reads a date-time filter value. Django would also take a
// date alone or a time without an offset, read in Pigello's TIME_ZONE
// setting, which is not documented; those are refused. Django keeps
// microseconds, so finer digits are dropped.
func parseFilterTime(value string) (time.Time, string) {
	t, err := time.Parse(time.RFC3339Nano, value)
	if err != nil {
		return time.Time{}, msgDateTime
	}
	return t.Truncate(time.Microsecond), ""
}

// createdAt is a record's created_at as a time. Stored values are always
// valid: the emulator writes them (formatTime) or its tests do.
func createdAt(r record) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, r.CreatedAt)
	return t
}
