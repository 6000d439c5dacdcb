package schema

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
)

// TestListDocsNameTheDerivedFields: the contract's prose (the List
// operation's description, the filter and order_by comments, as the
// OpenAPI document carries them) lists the fields order_by and filter
// take by hand. Each list must name exactly the fields NewList derives from
// the descriptor, so that a field marked filterable, or a new orderable one,
// cannot leave the documentation behind.
func TestListDocsNameTheDerivedFields(t *testing.T) {
	raw, err := os.ReadFile("../../docs/openapi/pigello-facade.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Paths map[string]map[string]struct {
			Description string
			Parameters  []struct{ Name, Description string }
		}
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	list := MustNewList((&accountsv1.WorkEngagement{}).ProtoReflect().Descriptor())
	op := doc.Paths["/v1/workEngagements"]["get"]
	want := map[string][]string{"order_by": list.orderable, "filter": list.filterNames}
	for param, fields := range want {
		texts := map[string]string{"the operation's description": bullet(op.Description, param)}
		for _, p := range op.Parameters {
			if p.Name == param {
				texts["its comment"] = p.Description
			}
		}
		for where, text := range texts {
			if text == "" {
				t.Errorf("%s says nothing of %s", where, param)
				continue
			}
			if diff := cmp.Diff(fields, fieldsNamed(text)); diff != "" {
				t.Errorf("fields %s names for %s (-derived +documented):\n%s\nin:\n%s", where, param, diff, text)
			}
		}
	}
}

// bullet is the line of description that documents param ("- **`param`**: ...").
func bullet(description, param string) string {
	for line := range strings.Lines(description) {
		if strings.HasPrefix(line, "- **`"+param+"`**") {
			return line
		}
	}
	return ""
}

// fieldsNamed returns the work engagement's fields text names as whole
// words, in declaration order.
func fieldsNamed(text string) []string {
	var names []string
	fields := (&accountsv1.WorkEngagement{}).ProtoReflect().Descriptor().Fields()
	for i := range fields.Len() {
		name := string(fields.Get(i).Name())
		if regexp.MustCompile(`\b`+name+`\b`).MatchString(text) && !slices.Contains(names, name) {
			names = append(names, name)
		}
	}
	return names
}
