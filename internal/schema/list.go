package schema

import (
	"fmt"
	"slices"
	"strings"
	"unicode"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"go.einride.tech/aip/filtering"
	"go.einride.tech/aip/ordering"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// List is what a List request may say of a resource's fields, read once
// from the resource's descriptor, and how Pigello's list endpoint hears it:
//
//   - order_by (AIP-132) may name the singular scalar and
//     google.protobuf.Timestamp fields; Pigello gets them in _order_by,
//     "-" marking descending;
//   - filter (a subset of AIP-160) may compare the fields marked
//     (pigello.accounts.v1.filterable), as their type allows
//     (filter.go); Pigello gets each comparison as a Django-style query
//     parameter.
//
// Pigello's query names a field by its proto name, as its JSON does.
type List struct {
	orderable  []string             // in declaration order
	filterable map[string]valueKind // by field name
	// filterNames are the filterable fields in declaration order, for
	// messages.
	filterNames []string
	// declarations type-check a filter (the filtering package's checker):
	// the filterable fields and the comparisons their types allow.
	declarations *filtering.Declarations
}

// QueryError is a List parameter the rules refuse. Description says why,
// for the caller: it names fields and rules, never a parser's internals.
type QueryError struct{ Description string }

func (e *QueryError) Error() string { return "schema: " + e.Description }

func refuse(format string, args ...any) error {
	return &QueryError{Description: fmt.Sprintf(format, args...)}
}

// NewList reads the List rules of the resource md.
func NewList(md protoreflect.MessageDescriptor) (*List, error) {
	l := &List{filterable: map[string]valueKind{}}
	opts := []filtering.DeclarationOption{declareLogic()}
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if orderable(fd) {
			l.orderable = append(l.orderable, string(fd.Name()))
		}
		if !filterable(fd) {
			continue
		}
		kind, ok := kindOf(fd)
		if !ok {
			return nil, fmt.Errorf("schema: %s is marked filterable, but a filter can compare only a string or a google.protobuf.Timestamp", fd.FullName())
		}
		l.filterable[string(fd.Name())] = kind
		l.filterNames = append(l.filterNames, string(fd.Name()))
		opts = append(opts, declare(string(fd.Name()), kind)...)
	}
	decls, err := filtering.NewDeclarations(opts...)
	if err != nil {
		return nil, fmt.Errorf("schema: filter declarations of %s: %w", md.FullName(), err)
	}
	l.declarations = decls
	return l, nil
}

// MustNewList is NewList for a descriptor of the compiled-in contract: it
// panics on an error.
func MustNewList(md protoreflect.MessageDescriptor) *List { return must(NewList(md)) }

// orderable reports whether order_by may name fd: a singular field holding
// a scalar or a time, which a database can sort by (AIP-132).
func orderable(fd protoreflect.FieldDescriptor) bool {
	if fd.IsList() || fd.IsMap() {
		return false
	}
	return fd.Message() == nil || fd.Message().FullName() == timestampName
}

// filterable reports whether the contract marks fd as one Pigello filters
// its list on.
func filterable(fd protoreflect.FieldDescriptor) bool {
	on, _ := proto.GetExtension(fd.Options(), accountsv1.E_Filterable).(bool)
	return on
}

// OrderBy turns an AIP-132 order_by ("a desc, b") into Pigello's _order_by
// value ("-a,b"); "" for none. Whitespace of any kind separates; " asc" is
// accepted as the default it is. A field named twice, or one order_by may
// not name, is refused.
func (l *List) OrderBy(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		return r
	}, s)
	var ob ordering.OrderBy
	if err := ob.UnmarshalString(s); err != nil {
		return "", refuse(`must be a comma-separated list of fields, each optionally followed by " desc" (%s)`, l.orderableList())
	}
	var out []string
	seen := map[string]bool{}
	for _, f := range ob.Fields {
		switch {
		case !slices.Contains(l.orderable, f.Path):
			return "", refuse("cannot order by %s; the fields are %s", f.Path, l.orderableList())
		case seen[f.Path]:
			return "", refuse("names %s twice", f.Path)
		}
		seen[f.Path] = true
		if f.Desc {
			out = append(out, "-"+f.Path)
		} else {
			out = append(out, f.Path)
		}
	}
	return strings.Join(out, ","), nil
}

func (l *List) orderableList() string { return strings.Join(l.orderable, ", ") }
