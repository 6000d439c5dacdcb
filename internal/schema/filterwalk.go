package schema

import (
	"cmp"
	"net/url"
	"strings"
	"time"
	"unicode"

	"go.einride.tech/aip/filtering"
	expr "google.golang.org/genproto/googleapis/api/expr/v1alpha1"
)

// walk turns a filter's expression into Pigello's query parameters, one
// per comparison, refusing what Pigello cannot hear exactly.
type walk struct {
	list  *List
	query url.Values
}

// expr walks e, a term of the filter; negated is set under an odd number
// of NOTs.
func (w *walk) expr(e *expr.Expr, negated bool) error {
	call := e.GetCallExpr()
	if call == nil {
		return refuse("%s alone is not a comparison; write comparisons such as %s, joined by AND", operandKind(e), w.list.example())
	}
	args := call.GetArgs()
	switch fn := call.GetFunction(); fn {
	case filtering.FunctionAnd:
		if negated {
			// NOT (a AND b) is NOT a OR NOT b, which Pigello cannot hear.
			return refuse("NOT applies to one comparison, not to comparisons joined by AND")
		}
		for _, arg := range args {
			if err := w.expr(arg, false); err != nil {
				return err
			}
		}
		return nil
	case filtering.FunctionNot:
		return w.expr(args[0], !negated)
	case filtering.FunctionOr:
		return refuse("OR is not supported: comparisons can only be joined by AND")
	case filtering.FunctionFuzzyAnd:
		return refuse("comparisons must be joined by AND (in capitals)")
	case filtering.FunctionHas:
		return refuse(`the has operator ":" is not supported; use = (with * at the start or end of the value to match part of it)`)
	case filtering.FunctionEquals, filtering.FunctionNotEquals, filtering.FunctionLessThan,
		filtering.FunctionLessEquals, filtering.FunctionGreaterThan, filtering.FunctionGreaterEquals:
		return w.comparison(fn, args[0], args[1], negated)
	}
	return refuse("functions are not supported (%s)", call.GetFunction())
}

// comparison adds the parameter of "left fn right", negated if so.
func (w *walk) comparison(fn string, left, right *expr.Expr, negated bool) error {
	name, err := w.field(fn, left, right)
	if err != nil {
		return err
	}
	kind := w.list.filterable[name]
	op, ok := findOperator(kind, fn)
	if !ok {
		return refuse("%s takes %s, not %s", name, operatorList(kind), fn)
	}
	if !isString(right) {
		return refuse("the value compared with %s must be %s, not %s", name, valueText(kind), operandKind(right))
	}
	lookup, value, err := w.value(name, kind, right.GetConstExpr().GetStringValue())
	if err != nil {
		return err
	}
	key := name
	if lookup = cmp.Or(op.lookup, lookup); lookup != "" {
		key += "__" + lookup
	}
	if negated != op.negated {
		key += "!" // Pigello's negation: "!" after the parameter's name
	}
	if w.query.Has(key) {
		// Django reads one value of a parameter: the other would be lost.
		return refuse("compares %s twice in the same way (Pigello's parameter %s takes one value); keep one of the two", name, key)
	}
	w.query.Set(key, value)
	return nil
}

// field returns the filterable field on the left of a comparison.
func (w *walk) field(fn string, left, right *expr.Expr) (string, error) {
	name, isName := qualifiedName(left)
	switch {
	case isName && w.list.filterable[name] != 0:
		return name, nil
	case isName:
		return "", refuse("cannot filter on %s; the fields a filter takes are %s", name, w.list.filterList())
	}
	if other, ok := qualifiedName(right); ok {
		return "", refuse("the field must be on the left of %s: write %s %s followed by the value", fn, other, fn)
	}
	return "", refuse("the left of %s must be a field name, not %s", fn, operandKind(left))
}

// value reads the literal compared with the field name, of kind, and
// returns the lookup it asks for ("" for none) and the parameter's value.
func (w *walk) value(name string, kind valueKind, literal string) (lookup, value string, err error) {
	if kind == timeValue {
		t, ok := readTime(literal)
		switch {
		case !ok:
			return "", "", refuse("the value compared with %s must be %s", name, valueText(kind))
		case t.Nanosecond()%int(time.Microsecond) != 0:
			// Django reads a time into a Python datetime, which drops the
			// digits past the microsecond: created_at >= "….1234561Z"
			// would also list what was created at ….123456.
			return "", "", refuse("the time compared with %s must be in whole microseconds (at most 6 fractional digits): "+
				"Pigello would drop the digits past them and compare another time", name)
		}
		return "", t.Format(time.RFC3339Nano), nil
	}
	lookup, text := stringLookup(literal)
	switch {
	case strings.Contains(text, "*"):
		return "", "", refuse(`the value compared with %s may have * only as its first or last character`, name)
	case strings.TrimSpace(text) == "":
		// Pigello ignores a blank filter value, which would widen the list.
		return "", "", refuse("the value compared with %s must have a character other than whitespace and *", name)
	case strings.ContainsFunc(text, unicode.IsControl):
		// Django refuses a NUL; the rest of C0 would be trimmed (below).
		return "", "", refuse("the value compared with %s must not contain control characters", name)
	case strings.TrimSpace(text) != text:
		// Django's form fields trim values (Python's str.strip, whose
		// whitespace is unicode.IsSpace's plus four control characters,
		// refused above): color_code = " abc " would list "abc".
		return "", "", refuse("the value compared with %s must not start or end with whitespace, which Pigello would trim", name)
	}
	return lookup, text, nil
}

// stringLookup reads AIP-160's wildcards: "ab*" starts with ab, "*ab" ends
// with it, "*ab*" contains it. text is literal without them.
func stringLookup(literal string) (lookup, text string) {
	starts, ends := strings.HasPrefix(literal, "*"), strings.HasSuffix(literal, "*")
	text = strings.TrimSuffix(strings.TrimPrefix(literal, "*"), "*")
	switch {
	case starts && ends:
		return "contains", text
	case starts:
		return "endswith", text
	case ends:
		return "startswith", text
	}
	return "", text
}

func findOperator(kind valueKind, fn string) (operator, bool) {
	for _, op := range operators[kind] {
		if op.function == fn {
			return op, true
		}
	}
	return operator{}, false
}

// operatorList names the comparisons kind takes: "=, < and >".
func operatorList(kind valueKind) string {
	var fns []string
	for _, op := range operators[kind] {
		fns = append(fns, op.function)
	}
	return joinAnd(fns)
}

// valueText says what a value compared with a field of kind must be.
func valueText(kind valueKind) string {
	if kind == timeValue {
		return `a quoted RFC 3339 time such as "2024-01-01T00:00:00Z"`
	}
	return "a quoted string"
}

// qualifiedName returns the name e spells, dotted if it selects a member.
func qualifiedName(e *expr.Expr) (string, bool) {
	if id := e.GetIdentExpr(); id != nil {
		return id.GetName(), true
	}
	if sel := e.GetSelectExpr(); sel != nil {
		if operand, ok := qualifiedName(sel.GetOperand()); ok {
			return operand + "." + sel.GetField(), true
		}
	}
	return "", false
}

func (l *List) filterList() string { return joinAnd(l.filterNames) }

// example is a comparison to show in messages.
func (l *List) example() string { return l.filterNames[0] + ` = "…"` }

// joinAnd joins "a", "b" and "c" as "a, b and c".
func joinAnd(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
