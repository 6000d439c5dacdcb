package schema

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"go.einride.tech/aip/filtering"
	expr "google.golang.org/genproto/googleapis/api/expr/v1alpha1"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// A List filter is a subset of AIP-160 that Pigello's list endpoint can
// hear exactly: comparisons joined by AND, each optionally preceded by NOT,
// each a filterable field on the left and a quoted literal on the right.
// Each becomes one Django-style query parameter: the field's name, a
// lookup after a double underscore, and "!" when negated (Pigello's
// negation). Anything Pigello cannot hear exactly is refused rather than
// approximated, so a filter never widens a list.

var timestampName = (*timestamppb.Timestamp)(nil).ProtoReflect().Descriptor().FullName()

// valueKind is what a filterable field holds, which decides the
// comparisons it takes.
type valueKind int

const (
	stringValue valueKind = iota + 1
	timeValue
)

// kindOf returns the kind of a filterable field.
func kindOf(fd protoreflect.FieldDescriptor) (valueKind, bool) {
	switch {
	case fd.IsList() || fd.IsMap():
		return 0, false
	case fd.Kind() == protoreflect.StringKind:
		return stringValue, true
	case fd.Message() != nil && fd.Message().FullName() == timestampName:
		return timeValue, true
	}
	return 0, false
}

// operator is one comparison a kind of field takes.
type operator struct {
	function string // AIP-160's: =, !=, <, …
	lookup   string // Django's lookup; "" for an exact match
	negated  bool   // != is = negated
	overload string // the filtering package's overload, for its checker
}

// operators are the comparisons each kind takes, as list_options.proto
// says: a string = and != (wildcards in the value choose the lookup, see
// stringLookup); a time =, <, <=, > and >=.
var operators = map[valueKind][]operator{
	stringValue: {
		{filtering.FunctionEquals, "", false, filtering.FunctionOverloadEqualsString},
		{filtering.FunctionNotEquals, "", true, filtering.FunctionOverloadNotEqualsString},
	},
	timeValue: {
		{filtering.FunctionEquals, "", false, filtering.FunctionOverloadEqualsTimestampString},
		{filtering.FunctionLessThan, "lt", false, filtering.FunctionOverloadLessThanTimestampString},
		{filtering.FunctionLessEquals, "lte", false, filtering.FunctionOverloadLessEqualsTimestampString},
		{filtering.FunctionGreaterThan, "gt", false, filtering.FunctionOverloadGreaterThanTimestampString},
		{filtering.FunctionGreaterEquals, "gte", false, filtering.FunctionOverloadGreaterEqualsTimestampString},
	},
}

// declareLogic declares AND and NOT, the only ways to combine comparisons.
func declareLogic() filtering.DeclarationOption {
	return func(d *filtering.Declarations) error {
		for _, opt := range []filtering.DeclarationOption{
			filtering.DeclareFunction(filtering.FunctionAnd, filtering.NewFunctionOverload(
				filtering.FunctionOverloadAndBool, filtering.TypeBool, filtering.TypeBool, filtering.TypeBool)),
			filtering.DeclareFunction(filtering.FunctionNot, filtering.NewFunctionOverload(
				filtering.FunctionOverloadNotBool, filtering.TypeBool, filtering.TypeBool)),
		} {
			if err := opt(d); err != nil {
				return err
			}
		}
		return nil
	}
}

// declare declares a filterable field and the comparisons its kind takes,
// each with a quoted literal on the right (AIP-160 writes times as quoted
// RFC 3339 strings).
func declare(name string, kind valueKind) []filtering.DeclarationOption {
	fieldType := filtering.TypeString
	if kind == timeValue {
		fieldType = filtering.TypeTimestamp
	}
	opts := []filtering.DeclarationOption{filtering.DeclareIdent(name, fieldType)}
	for _, op := range operators[kind] {
		opts = append(opts, filtering.DeclareFunction(op.function,
			filtering.NewFunctionOverload(op.overload, filtering.TypeBool, fieldType, filtering.TypeString)))
	}
	return opts
}

// Filter turns an AIP-160 filter into Pigello's query parameters; nil for
// an empty (or blank) filter. The filtering package parses it and
// type-checks it against the declarations read from the descriptor; the
// walk over the checked expression (filterwalk.go) turns each comparison
// into a parameter and refuses, with a message naming the problem, what
// Pigello cannot hear exactly.
func (l *List) Filter(s string) (url.Values, error) {
	switch {
	case strings.TrimSpace(s) == "":
		return nil, nil
	case len(l.filterNames) == 0:
		return nil, refuse("is not supported: no field can be filtered on")
	}
	root, checkErr, err := l.parse(s)
	if err != nil {
		return nil, err
	}
	// Walked even when the checker refused: the walk names the problem,
	// where the checker speaks of overloads.
	w := walk{list: l, query: url.Values{}}
	if err := w.expr(root, false); err != nil {
		return nil, err
	}
	if checkErr != nil {
		return nil, refuse("is not a filter this service supports")
	}
	return w.query, nil
}

// parse parses s and type-checks it against the declarations. root is the
// checked expression, or, when the checker refused it (checkErr), the
// parsed one; err is a syntax error.
func (l *List) parse(s string) (root *expr.Expr, checkErr, err error) {
	var p filtering.Parser
	p.Init(s)
	parsed, err := p.Parse()
	if err != nil {
		return nil, nil, syntaxError(err)
	}
	var c filtering.Checker
	c.Init(parsed.GetExpr(), parsed.GetSourceInfo(), l.declarations)
	checked, checkErr := c.Check()
	if checkErr != nil {
		return parsed.GetExpr(), checkErr, nil
	}
	return checked.GetExpr(), nil, nil
}

// syntaxError says where the parser gave up: the innermost of its wrapped
// errors has the exact position.
func syntaxError(err error) error {
	type positioned interface{ Position() filtering.Position }
	column := int32(0)
	for e := err; e != nil; e = errors.Unwrap(e) {
		if p, ok := e.(positioned); ok {
			column = p.Position().Column
		}
	}
	if column == 0 {
		return refuse("is not valid filter syntax")
	}
	return refuse("is not valid filter syntax (at character %d)", column)
}

// readTime reads a filter's time literal, in UTC, as Pigello gets it
// once written as RFC 3339.
func readTime(s string) (time.Time, bool) {
	var ts timestamppb.Timestamp
	if readTimestamp(s, &ts) != nil {
		return time.Time{}, false
	}
	return ts.AsTime(), true
}

// operandKind names what an operand is, for messages.
func operandKind(e *expr.Expr) string {
	switch {
	case e.GetIdentExpr() != nil || e.GetSelectExpr() != nil:
		return "a name"
	case isString(e):
		return "a quoted string"
	case e.GetConstExpr() != nil:
		return "a number"
	case e.GetCallExpr() != nil:
		return "a function call"
	}
	return "an expression"
}

func isString(e *expr.Expr) bool {
	_, ok := e.GetConstExpr().GetConstantKind().(*expr.Constant_StringValue)
	return ok
}
