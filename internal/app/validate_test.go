package app

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
)

// badIDs are ids no call may put in a Pigello path.
var badIDs = map[string]string{
	"empty":                    "",
	"path traversal":           "../x",
	"short":                    "abc",
	"slash inside":             "3f2b8c1e-7a4d-4e6b-9c2a/1d5e8f0a7b31",
	"trailing slash":           "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3/",
	"escaped slash":            "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a%2F1",
	"escaped traversal":        "..%2F..%2Faccounts",
	"query":                    "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3?",
	"query after uuid":         "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31?x=1",
	"fragment":                 "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3#",
	"CR LF":                    "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7\r\n1",
	"header injection":         "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31\r\nX-Evil: 1",
	"fullwidth digit":          "３f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31",
	"arabic-indic digit":       "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3٣",
	"no hyphens":               "3f2b8c1e7a4d4e6b9c2a1d5e8f0a7b31",
	"braces":                   "{3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31}",
	"urn":                      "urn:uuid:3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31",
	"space padded":             " 3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b31",
	"non-hex letter":           "3f2b8c1e-7a4d-4e6b-9c2a-1d5e8f0a7b3g",
	"hyphen in wrong position": "3f2b8c1e7-a4d-4e6b-9c2a-1d5e8f0a7b31",
}

// TestBadIDsRejectedBeforeUpstream checks every RPC refuses a malformed id
// with a BadRequest naming the id field, without calling Pigello, over gRPC
// and over REST (where the id is escaped into the path).
func TestBadIDsRejectedBeforeUpstream(t *testing.T) {
	env := setup(t)
	calls := []struct {
		name  string
		field string
		call  func(ctx context.Context, tr transport, id string) answer
	}{
		{"Get", "id", func(ctx context.Context, tr transport, id string) answer {
			return tr.Get(ctx, &accountsv1.GetWorkEngagementRequest{Id: id})
		}},
		{"Update", "work_engagement.id", func(ctx context.Context, tr transport, id string) answer {
			return tr.Update(ctx, &accountsv1.UpdateWorkEngagementRequest{
				WorkEngagement: &accountsv1.WorkEngagement{Id: id, Name: "n"},
			})
		}},
		{"Delete", "id", func(ctx context.Context, tr transport, id string) answer {
			return tr.Delete(ctx, &accountsv1.DeleteWorkEngagementRequest{Id: id, AllowMissing: true})
		}},
	}
	for _, tr := range env.transports() {
		for _, c := range calls {
			for name, id := range badIDs {
				t.Run(tr.name+"/"+c.name+"/"+name, func(t *testing.T) {
					env.emu.ResetRequests()
					c.call(callCtx(t), tr, id).assertInvalid(t, c.field)
					env.assertNoUpstream(t)
				})
			}
		}
	}
}

// TestBadFieldsRejectedBeforeUpstream checks the contract's field rules,
// over gRPC and REST.
func TestBadFieldsRejectedBeforeUpstream(t *testing.T) {
	env := setup(t)
	id := env.demo().full
	tests := []struct {
		name  string
		we    *accountsv1.WorkEngagement
		field string
	}{
		{"name of 256 characters", &accountsv1.WorkEngagement{Name: strings.Repeat("a", 256)}, "work_engagement.name"},
		{"name of 256 two-byte characters", &accountsv1.WorkEngagement{Name: strings.Repeat("é", 256)}, "work_engagement.name"},
		{"whitespace-only name", &accountsv1.WorkEngagement{Name: " \t\n "}, "work_engagement.name"},
		{"Unicode-space-only name", &accountsv1.WorkEngagement{Name: "\u00a0\u2003\u3000"}, "work_engagement.name"},
		{"vertical-tab-only name", &accountsv1.WorkEngagement{Name: "\v"}, "work_engagement.name"},
		{"name with NUL", &accountsv1.WorkEngagement{Name: "a\x00b"}, "work_engagement.name"},
		{"custom_id of 129 characters", &accountsv1.WorkEngagement{CustomId: proto.String(strings.Repeat("c", 129))}, "work_engagement.custom_id"},
		{"custom_id with NUL", &accountsv1.WorkEngagement{CustomId: proto.String("\x00")}, "work_engagement.custom_id"},
		{"color_code with #", &accountsv1.WorkEngagement{ColorCode: proto.String("#fff")}, "work_engagement.color_code"},
		{"color_code not hex", &accountsv1.WorkEngagement{ColorCode: proto.String("ggg")}, "work_engagement.color_code"},
		{"color_code of 5 digits", &accountsv1.WorkEngagement{ColorCode: proto.String("12345")}, "work_engagement.color_code"},
		{"color_code of 7 digits", &accountsv1.WorkEngagement{ColorCode: proto.String("1234567")}, "work_engagement.color_code"},
		{"empty color_code", &accountsv1.WorkEngagement{ColorCode: proto.String("")}, "work_engagement.color_code"},
		{"organization with a bad id", &accountsv1.WorkEngagement{Organization: &accountsv1.Organization{Id: "acme"}}, "work_engagement.organization.id"},
		{"organization without id", &accountsv1.WorkEngagement{Organization: &accountsv1.Organization{}}, "work_engagement.organization.id"},
	}
	for _, tr := range env.transports() {
		for _, tt := range tests {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				env.emu.ResetRequests()
				we := proto.CloneOf(tt.we)
				we.Id = id
				tr.Update(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{WorkEngagement: we}).assertInvalid(t, tt.field)
				env.assertNoUpstream(t)
			})
		}
	}
}

// TestLimitsCountCharacters checks values at the limits pass and reach
// Pigello intact: lengths count characters, not bytes.
func TestLimitsCountCharacters(t *testing.T) {
	env := setup(t)
	id := env.demo().full
	tests := []struct {
		name string
		we   *accountsv1.WorkEngagement
		want map[string]any
	}{
		{"255 two-byte characters", &accountsv1.WorkEngagement{Name: strings.Repeat("é", 255)}, map[string]any{"name": strings.Repeat("é", 255)}},
		{"255 four-byte characters", &accountsv1.WorkEngagement{Name: strings.Repeat("😀", 255)}, map[string]any{"name": strings.Repeat("😀", 255)}},
		{"128 three-byte characters", &accountsv1.WorkEngagement{CustomId: proto.String(strings.Repeat("日", 128))}, map[string]any{"custom_id": strings.Repeat("日", 128)}},
		{"six upper-case digits", &accountsv1.WorkEngagement{ColorCode: proto.String("A1B2C3")}, map[string]any{"color_code": "A1B2C3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.emu.ResetRequests()
			tt.we.Id = id
			if _, err := env.client.UpdateWorkEngagement(callCtx(t), &accountsv1.UpdateWorkEngagementRequest{WorkEngagement: tt.we}); err != nil {
				t.Fatalf("Update returned %v, want nil", err)
			}
			if diff := cmp.Diff(tt.want, env.patchBody(t)); diff != "" {
				t.Errorf("PATCH body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
