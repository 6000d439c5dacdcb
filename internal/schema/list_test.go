package schema

import (
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// workEngagementList is the contract resource's List rules.
var workEngagementList = MustNewList((*accountsv1.WorkEngagement)(nil).ProtoReflect().Descriptor())

// TestListRulesFromTheContract checks what NewList reads against the
// contract's own words (the comments of ListWorkEngagementsRequest).
func TestListRulesFromTheContract(t *testing.T) {
	if diff := cmp.Diff([]string{"id", "name", "custom_id", "color_code", "created_at"}, workEngagementList.orderable); diff != "" {
		t.Errorf("orderable fields (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"color_code", "created_at"}, workEngagementList.filterNames); diff != "" {
		t.Errorf("filterable fields (-want +got):\n%s", diff)
	}
}

// TestListRulesKnowNoField: the rules follow from any descriptor; a
// filterable field of a type the filter cannot compare is refused.
func TestListRulesKnowNoField(t *testing.T) {
	mark := func(names ...string) *descriptorpb.FileDescriptorProto {
		fdp := thingProto()
		for _, fd := range fdp.GetMessageType()[0].GetField() {
			for _, n := range names {
				if fd.GetName() == n {
					proto.SetExtension(fd.Options, accountsv1.E_Filterable, true)
				}
			}
		}
		return fdp
	}
	l, err := NewList(buildFile(t, mark("text")).Messages().ByName("Thing"))
	if err != nil {
		t.Fatalf("NewList returned %v", err)
	}
	if diff := cmp.Diff([]string{"id", "count", "kind", "blob", "text", "number", "flag"}, l.orderable); diff != "" {
		t.Errorf("orderable fields of Thing (-want +got):\n%s", diff)
	}
	if q, err := l.Filter(`text = "a*"`); err != nil || q.Encode() != "text__startswith=a" {
		t.Errorf("Filter on Thing returned %v, %v; want text__startswith=a", q, err)
	}
	for _, name := range []string{"count", "labels", "part", "wait"} {
		if _, err := NewList(buildFile(t, mark(name)).Messages().ByName("Thing")); err == nil {
			t.Errorf("NewList accepted a filterable %s", name)
		}
	}
}

func TestOrderBy(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"created_at desc, name", "-created_at,name"},
		{"  name  ,  created_at   desc ", "name,-created_at"},
		{"name\tdesc,\nid", "-name,id"},
		{"custom_id asc,color_code", "custom_id,color_code"},
		{"id", "id"},
	}
	for _, tt := range tests {
		got, err := workEngagementList.OrderBy(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("OrderBy(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestOrderByRefused(t *testing.T) {
	tests := []struct{ in, want string }{
		{"organization", "cannot order by organization; the fields are id, name, custom_id, color_code, created_at"},
		{"organization.id desc", "cannot order by organization.id"},
		{"tags", "cannot order by tags"},
		{"template_notifications", "cannot order by template_notifications"},
		{"Name", "cannot order by Name"},
		{"name, name desc", "names name twice"},
		{"name desc desc", "must be a comma-separated list of fields"},
		{"name up", "must be a comma-separated list of fields"},
		{"name,", "must be a comma-separated list of fields"},
		{",name", "must be a comma-separated list of fields"},
		{"-name", "must be a comma-separated list of fields"},
		{"name;drop", "must be a comma-separated list of fields"},
	}
	for _, tt := range tests {
		_, err := workEngagementList.OrderBy(tt.in)
		assertQueryError(t, "OrderBy("+tt.in+")", err, tt.want)
	}
}

func assertQueryError(t *testing.T, call string, err error, want string) {
	t.Helper()
	var qe *QueryError
	if !errors.As(err, &qe) {
		t.Errorf("%s returned %v, want a *QueryError", call, err)
		return
	}
	if !strings.Contains(qe.Description, want) {
		t.Errorf("%s refused with %q, want it to say %q", call, qe.Description, want)
	}
}

// TestFilter: each form of the grammar and the exact parameters it makes.
func TestFilter(t *testing.T) {
	tests := []struct {
		in   string
		want url.Values
	}{
		{"", nil},
		{"   ", nil},
		{`color_code = "abc"`, url.Values{"color_code": {"abc"}}},
		{`color_code != "abc"`, url.Values{"color_code!": {"abc"}}},
		{`color_code = "ab*"`, url.Values{"color_code__startswith": {"ab"}}},
		{`color_code = "*ab"`, url.Values{"color_code__endswith": {"ab"}}},
		{`color_code = "*ab*"`, url.Values{"color_code__contains": {"ab"}}},
		{`color_code != "ab*"`, url.Values{"color_code__startswith!": {"ab"}}},
		{`color_code != "*ab"`, url.Values{"color_code__endswith!": {"ab"}}},
		{`color_code != "*ab*"`, url.Values{"color_code__contains!": {"ab"}}},
		{`created_at > "2024-01-01T00:00:00Z"`, url.Values{"created_at__gt": {"2024-01-01T00:00:00Z"}}},
		{`created_at >= "2024-01-01T00:00:00Z"`, url.Values{"created_at__gte": {"2024-01-01T00:00:00Z"}}},
		{`created_at < "2024-01-01T00:00:00Z"`, url.Values{"created_at__lt": {"2024-01-01T00:00:00Z"}}},
		{`created_at <= "2024-01-01T00:00:00Z"`, url.Values{"created_at__lte": {"2024-01-01T00:00:00Z"}}},
		{`created_at = "2024-01-01T00:00:00Z"`, url.Values{"created_at": {"2024-01-01T00:00:00Z"}}},
		// Any offset, written as Pigello gets every time: in UTC.
		{`created_at >= "2024-01-01T01:30:00.5+01:30"`, url.Values{"created_at__gte": {"2024-01-01T00:00:00.5Z"}}},
		// Microseconds, Pigello's precision, as many digits as they need.
		{`created_at = "2024-01-15T09:30:00.123456Z"`, url.Values{"created_at": {"2024-01-15T09:30:00.123456Z"}}},
		{`created_at = "2024-01-15T09:30:00.123456000Z"`, url.Values{"created_at": {"2024-01-15T09:30:00.123456Z"}}},
		{`NOT created_at >= "2024-01-01T00:00:00Z"`, url.Values{"created_at__gte!": {"2024-01-01T00:00:00Z"}}},
		{`-created_at < "2024-01-01T00:00:00Z"`, url.Values{"created_at__lt!": {"2024-01-01T00:00:00Z"}}},
		{`NOT color_code = "abc"`, url.Values{"color_code!": {"abc"}}},
		{`NOT color_code != "abc"`, url.Values{"color_code": {"abc"}}},
		{`NOT color_code != "ab*"`, url.Values{"color_code__startswith": {"ab"}}},
		{`NOT (NOT color_code = "abc")`, url.Values{"color_code": {"abc"}}},
		{`NOT (color_code = "abc")`, url.Values{"color_code!": {"abc"}}},
		{
			`color_code = "1E9*" AND created_at >= "2024-01-01T00:00:00Z" AND created_at < "2025-01-01T00:00:00Z"`,
			url.Values{"color_code__startswith": {"1E9"}, "created_at__gte": {"2024-01-01T00:00:00Z"}, "created_at__lt": {"2025-01-01T00:00:00Z"}},
		},
		{
			`(color_code = "a" AND NOT color_code = "b") AND created_at > "2024-01-01T00:00:00Z"`,
			url.Values{"color_code": {"a"}, "color_code!": {"b"}, "created_at__gt": {"2024-01-01T00:00:00Z"}},
		},
		{`created_at >= "2024-01-01T00:00:00Z" AND NOT created_at >= "2025-01-01T00:00:00Z"`,
			url.Values{"created_at__gte": {"2024-01-01T00:00:00Z"}, "created_at__gte!": {"2025-01-01T00:00:00Z"}}},
		{`color_code = "a&b=c d"`, url.Values{"color_code": {"a&b=c d"}}},
		{`color_code = "*a b*"`, url.Values{"color_code__contains": {"a b"}}},
	}
	for _, tt := range tests {
		got, err := workEngagementList.Filter(tt.in)
		if err != nil {
			t.Errorf("Filter(%s) returned %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Filter(%s) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

// TestFilterRefused: what Pigello cannot hear exactly is refused, with a
// message naming the problem and nothing of the parser's own words.
func TestFilterRefused(t *testing.T) {
	const when = `"2024-01-01T00:00:00Z"`
	tests := []struct{ in, want string }{
		{`name = "a"`, "cannot filter on name; the fields a filter takes are color_code and created_at"},
		{`organization.id = "a"`, "cannot filter on organization.id"},
		{`nope = "a"`, "cannot filter on nope"},
		{`color_code = "a" OR color_code = "b"`, "OR is not supported"},
		{`color_code = "a" color_code = "b"`, "comparisons must be joined by AND"},
		{`color_code = "a" and created_at > ` + when, "comparisons must be joined by AND"},
		{`color_code:"a"`, `the has operator ":" is not supported`},
		{`color_code = lower("A")`, "the value compared with color_code must be a quoted string, not a function call"},
		{`lower("A")`, "functions are not supported (lower)"},
		{`lower(color_code) = "a"`, "the left of = must be a field name, not a function call"},
		{`created_at > timestamp(` + when + `)`, "must be a quoted RFC 3339 time such as \"2024-01-01T00:00:00Z\", not a function call"},
		{`NOT (color_code = "a" AND color_code = "b")`, "NOT applies to one comparison"},
		{`color_code`, "a name alone is not a comparison"},
		{`"abc"`, "a quoted string alone is not a comparison"},
		{`42`, "a number alone is not a comparison"},
		{`"abc" = color_code`, "the field must be on the left of =: write color_code = followed by the value"},
		{when + ` < created_at`, "the field must be on the left of <"},
		{`"a" = "b"`, "the left of = must be a field name, not a quoted string"},
		{`color_code = 5`, "the value compared with color_code must be a quoted string, not a number"},
		{`color_code = abc`, "the value compared with color_code must be a quoted string, not a name"},
		{`color_code = created_at`, "must be a quoted string, not a name"},
		{`color_code > "a"`, "color_code takes = and !=, not >"},
		{`created_at != ` + when, "created_at takes =, <, <=, > and >=, not !="},
		{`created_at > "yesterday"`, `must be a quoted RFC 3339 time such as "2024-01-01T00:00:00Z"`},
		{`created_at > "2024-01-01"`, "must be a quoted RFC 3339 time"},
		{`created_at > "2024-01-01T00:00:00"`, "must be a quoted RFC 3339 time"},
		{`created_at > "0000-01-01T00:00:00Z"`, "must be a quoted RFC 3339 time"},
		{`created_at > 2024`, "must be a quoted RFC 3339 time such as \"2024-01-01T00:00:00Z\", not a number"},
		{`created_at >= "2024-01-15T09:30:00.1234561Z"`, "the time compared with created_at must be in whole microseconds (at most 6 fractional digits)"},
		{`created_at < "2024-01-15T09:30:00.000000001Z"`, "must be in whole microseconds"},
		{`color_code = "*"`, "must have a character other than whitespace and *"},
		{`color_code = "**"`, "must have a character other than whitespace and *"},
		{`color_code = ""`, "must have a character other than whitespace and *"},
		{`color_code != "  "`, "must have a character other than whitespace and *"},
		{"color_code = \"abc\x00\"", "the value compared with color_code must not contain control characters"},
		{`color_code = "a\x1fb"`, "must not contain control characters"},
		{`color_code = " abc"`, "the value compared with color_code must not start or end with whitespace, which Pigello would trim"},
		{`color_code = "abc "`, "must not start or end with whitespace"},
		{"color_code = \"\u00a0abc\"", "must not start or end with whitespace"},
		{`color_code = "ab *"`, "must not start or end with whitespace"},
		{`color_code != "* ab*"`, "must not start or end with whitespace"},
		{`color_code = "a*b"`, "may have * only as its first or last character"},
		{`color_code = "***a"`, "may have * only as its first or last character"},
		{`created_at > ` + when + ` AND created_at > "2025-01-01T00:00:00Z"`, "compares created_at twice in the same way (Pigello's parameter created_at__gt takes one value)"},
		{`color_code = "a" AND NOT color_code != "b"`, "compares color_code twice"},
		{`color_code = "a*" AND color_code = "b*"`, "compares color_code twice"},
		{`color_code = `, "is not valid filter syntax (at character"},
		{`color_code = "abc`, "is not valid filter syntax (at character 14)"},
		{`(color_code = "a"`, "is not valid filter syntax"},
		{`AND`, "is not valid filter syntax"},
	}
	for _, tt := range tests {
		_, err := workEngagementList.Filter(tt.in)
		assertQueryError(t, "Filter("+tt.in+")", err, tt.want)
	}
}
