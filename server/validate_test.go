package server

import (
	"errors"
	"math"
	"strings"
	"testing"

	"buf.build/go/protovalidate"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
)

// TestContractRules checks the protovalidate rules written in the proto, the
// ones ValidationInterceptor enforces before any call to Pigello.
func TestContractRules(t *testing.T) {
	update := func(we *accountsv1.WorkEngagement, paths ...string) *accountsv1.UpdateWorkEngagementRequest {
		we.Id = testID
		return &accountsv1.UpdateWorkEngagementRequest{WorkEngagement: we, UpdateMask: mask(paths...)}
	}
	tests := []struct {
		name      string
		msg       proto.Message
		wantField string // "" means valid
	}{
		{"get: canonical id", &accountsv1.GetWorkEngagementRequest{Id: testID}, ""},
		{"get: upper-case id", &accountsv1.GetWorkEngagementRequest{Id: strings.ToUpper(testID)}, ""},
		{"get: empty id", &accountsv1.GetWorkEngagementRequest{}, "id"},
		{"get: path traversal", &accountsv1.GetWorkEngagementRequest{Id: "../" + testID}, "id"},
		{"get: 32 hex digits", &accountsv1.GetWorkEngagementRequest{Id: strings.ReplaceAll(testID, "-", "")}, "id"},
		{"get: braces", &accountsv1.GetWorkEngagementRequest{Id: "{" + testID + "}"}, "id"},
		{"get: fullwidth digit", &accountsv1.GetWorkEngagementRequest{Id: "３" + testID[1:]}, "id"},
		{"delete: slash", &accountsv1.DeleteWorkEngagementRequest{Id: testID[:8] + "/" + testID[9:]}, "id"},
		{"update: missing work_engagement", &accountsv1.UpdateWorkEngagementRequest{}, "work_engagement"},
		{"update: bad id", &accountsv1.UpdateWorkEngagementRequest{WorkEngagement: &accountsv1.WorkEngagement{Id: "x", Name: "n"}}, "work_engagement.id"},
		{"update: name left out of a partial update", update(&accountsv1.WorkEngagement{ColorCode: proto.String("fff")}, "color_code"), ""},
		{"update: 255 multi-byte characters", update(&accountsv1.WorkEngagement{Name: strings.Repeat("å", 255)}), ""},
		{"update: 256 characters", update(&accountsv1.WorkEngagement{Name: strings.Repeat("a", 256)}), "work_engagement.name"},
		{"update: whitespace-only name", update(&accountsv1.WorkEngagement{Name: " \t\u00a0\u3000"}), "work_engagement.name"},
		{"update: NUL in name", update(&accountsv1.WorkEngagement{Name: "a\x00b"}), "work_engagement.name"},
		{"update: custom_id 128", update(&accountsv1.WorkEngagement{CustomId: proto.String(strings.Repeat("ü", 128))}), ""},
		{"update: custom_id 129", update(&accountsv1.WorkEngagement{CustomId: proto.String(strings.Repeat("a", 129))}), "work_engagement.custom_id"},
		{"update: color 3 digits", update(&accountsv1.WorkEngagement{ColorCode: proto.String("aBc")}), ""},
		{"update: color 6 digits", update(&accountsv1.WorkEngagement{ColorCode: proto.String("00ff00")}), ""},
		{"update: color with #", update(&accountsv1.WorkEngagement{ColorCode: proto.String("#fff")}), "work_engagement.color_code"},
		{"update: color not hex", update(&accountsv1.WorkEngagement{ColorCode: proto.String("ggg")}), "work_engagement.color_code"},
		{"update: color 5 digits", update(&accountsv1.WorkEngagement{ColorCode: proto.String("12345")}), "work_engagement.color_code"},
		{"update: color empty", update(&accountsv1.WorkEngagement{ColorCode: proto.String("")}), "work_engagement.color_code"},
		{"update: organization id", update(&accountsv1.WorkEngagement{Organization: &accountsv1.Organization{Id: "nope"}}), "work_engagement.organization.id"},
		{"update: organization without id", update(&accountsv1.WorkEngagement{Organization: &accountsv1.Organization{}}), "work_engagement.organization.id"},
		{"update: mask with read-only path", update(&accountsv1.WorkEngagement{Name: "n"}, "created_at"), "update_mask"},
		{"update: mask with sub-path", update(&accountsv1.WorkEngagement{Name: "n"}, "name.x"), "update_mask"},
		{"update: mask organization.id", update(&accountsv1.WorkEngagement{}, "organization.id"), ""},
		{"update: mask *", update(&accountsv1.WorkEngagement{Name: "n"}, "*"), ""},
		{"list: empty", &accountsv1.ListWorkEngagementsRequest{}, ""},
		{"list: page size above the cap (coerced, not refused)", &accountsv1.ListWorkEngagementsRequest{PageSize: math.MaxInt32}, ""},
		{"list: negative page size", &accountsv1.ListWorkEngagementsRequest{PageSize: -1}, "page_size"},
		{"list: search of 255 characters", &accountsv1.ListWorkEngagementsRequest{Search: strings.Repeat("ö", 255)}, ""},
		{"list: search with spaces and punctuation", &accountsv1.ListWorkEngagementsRequest{Search: " a&b=c?#/ "}, ""},
		{"list: search of 256 characters", &accountsv1.ListWorkEngagementsRequest{Search: strings.Repeat("a", 256)}, "search"},
		{"list: search with a newline", &accountsv1.ListWorkEngagementsRequest{Search: "a\nb"}, "search"},
		{"list: search with NUL", &accountsv1.ListWorkEngagementsRequest{Search: "a\x00"}, "search"},
		{"list: search with DEL", &accountsv1.ListWorkEngagementsRequest{Search: "\x7f"}, "search"},
		{"list: search with a C1 control", &accountsv1.ListWorkEngagementsRequest{Search: "a\u0085"}, "search"},
		{"list: page token of 1025", &accountsv1.ListWorkEngagementsRequest{PageToken: strings.Repeat("a", 1025)}, "page_token"},
		{"list: filter of 2049", &accountsv1.ListWorkEngagementsRequest{Filter: strings.Repeat("a", 2049)}, "filter"},
		{"list: order by of 513", &accountsv1.ListWorkEngagementsRequest{OrderBy: strings.Repeat("a", 513)}, "order_by"},
	}
	v, err := protovalidate.New()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := v.Validate(tt.msg)
			if tt.wantField == "" {
				if err != nil {
					t.Fatalf("Validate returned %v, want valid", err)
				}
				return
			}
			var verr *protovalidate.ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("Validate returned %v, want a violation of %s", err, tt.wantField)
			}
			violations := fromValidation(verr)
			if got := violations[0].GetField(); got != tt.wantField {
				t.Errorf("violation on %q (%v), want %q", got, violations, tt.wantField)
			}
		})
	}
}
