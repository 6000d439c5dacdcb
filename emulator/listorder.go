package emulator

import (
	"fmt"
	"slices"
	"strings"
)

// The messages of an _order_by 400.
const (
	msgOrderField = "Cannot order by %q: use %s, each optionally prefixed with - for descending."
	msgOrderTwice = "%q is named more than once."
	msgOrderBlank = "A blank field in the comma list."
)

// orderKey is one field of an ordering.
type orderKey struct {
	field string
	desc  bool
}

// orderField is a field list/ orders by, and how two records compare on it.
type orderField struct {
	name    string
	compare func(a, b record) int
}

// orderFields are the fields list/ orders by. Strings compare byte-wise (a
// PostgreSQL "C" collation; Pigello's is not documented), and a null sorts
// after every value ascending and before every value descending, as in
// PostgreSQL.
func orderFields() []orderField {
	return []orderField{
		{"id", func(a, b record) int { return strings.Compare(a.ID, b.ID) }},
		{"name", func(a, b record) int { return strings.Compare(a.Name, b.Name) }},
		{"custom_id", func(a, b record) int { return compareNullable(a.CustomID, b.CustomID) }},
		{"color_code", func(a, b record) int { return compareNullable(a.ColorCode, b.ColorCode) }},
		{"created_at", func(a, b record) int { return createdAt(a).Compare(createdAt(b)) }},
	}
}

// defaultOrder is the order of a list/ without _order_by, and what breaks
// the ties of one with it: ids are unique, so pages never overlap or skip.
var defaultOrder = []orderKey{{field: "created_at"}, {field: "id"}}

// ListOrderFields returns the fields _order_by takes, for help texts.
func ListOrderFields() []string {
	var names []string
	for _, f := range orderFields() {
		names = append(names, f.name)
	}
	return names
}

// parseOrder reads _order_by: a comma list of fields, each optionally
// prefixed with "-" for descending and surrounded by spaces (DRF trims
// them). DRF drops a field it does not know; the emulator refuses it.
func parseOrder(value string) ([]orderKey, string) {
	var keys []orderKey
	names := ListOrderFields()
	for item := range strings.SplitSeq(value, ",") {
		item = pyStrip(item)
		name, desc := strings.CutPrefix(item, "-")
		switch {
		case item == "":
			return nil, msgOrderBlank
		case !slices.Contains(names, name):
			return nil, fmt.Sprintf(msgOrderField, item, strings.Join(names, ", "))
		case slices.ContainsFunc(keys, func(k orderKey) bool { return k.field == name }):
			return nil, fmt.Sprintf(msgOrderTwice, name)
		}
		keys = append(keys, orderKey{field: name, desc: desc})
	}
	return keys, ""
}

// withDefaultOrder appends to keys the default order's fields it does not
// name, so that every ordering is total.
func withDefaultOrder(keys []orderKey) []orderKey {
	for _, d := range defaultOrder {
		if !slices.ContainsFunc(keys, func(k orderKey) bool { return k.field == d.field }) {
			keys = append(keys, d)
		}
	}
	return keys
}

// sortRecords orders recs by keys, the first deciding first.
func sortRecords(recs []record, keys []orderKey) {
	fields := orderFields()
	compares := make([]func(a, b record) int, len(keys))
	for i, k := range keys {
		j := slices.IndexFunc(fields, func(f orderField) bool { return f.name == k.field })
		compares[i] = fields[j].compare
	}
	slices.SortFunc(recs, func(a, b record) int {
		for i, compare := range compares {
			if c := compare(a, b); c != 0 {
				if keys[i].desc {
					return -c
				}
				return c
			}
		}
		return 0
	})
}

// compareNullable compares two nullable strings, a null after any value.
func compareNullable(a, b *string) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return strings.Compare(*a, *b)
}
