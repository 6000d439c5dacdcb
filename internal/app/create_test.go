package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/pigello-facade/pigello-facade/emulator"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// collectionPath is Pigello's path of the work engagements, where a create
// is POSTed.
const collectionPath = "/accounts/users/organization/workengagement/"

func (g grpcTransport) Create(ctx context.Context, req *accountsv1.CreateWorkEngagementRequest) answer {
	we, err := g.client.CreateWorkEngagement(ctx, req)
	return answer{err: err, we: we}
}

// Create posts the work engagement as protojson writes it: the populated
// fields, read-only ones included.
func (r restTransport) Create(ctx context.Context, req *accountsv1.CreateWorkEngagementRequest) answer {
	body, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(req.GetWorkEngagement())
	if err != nil {
		return answer{err: err}
	}
	return r.do(ctx, http.MethodPost, "/v1/workEngagements", body)
}

// create makes a create of we over tr.
func create(t *testing.T, tr transport, we *accountsv1.WorkEngagement) answer {
	t.Helper()
	return tr.Create(callCtx(t), &accountsv1.CreateWorkEngagementRequest{WorkEngagement: we})
}

// createNew makes a create a scripted Pigello answers, over tr.
func createNew(ctx context.Context, tr transport) answer {
	return tr.Create(ctx, &accountsv1.CreateWorkEngagementRequest{
		WorkEngagement: &accountsv1.WorkEngagement{Name: "n", Organization: &accountsv1.Organization{Id: missingID}},
	})
}

// postBody returns the body of the one request the emulator received,
// failing unless it was a POST to the collection.
func (e *testEnv) postBody(t *testing.T) string {
	t.Helper()
	req := e.onlyRequest(t)
	if req.Method != http.MethodPost || req.Path != collectionPath {
		t.Fatalf("emulator received %s %s, want POST %s", req.Method, req.Path, collectionPath)
	}
	return string(req.Body)
}

// assertCreated checks a created a work engagement that Get then reads as
// a answered it.
func assertCreated(t *testing.T, tr transport, a answer) {
	t.Helper()
	if a.err != nil {
		t.Fatalf("Create returned %v, want success", a.err)
	}
	got := tr.Get(callCtx(t), &accountsv1.GetWorkEngagementRequest{Id: a.we.GetId()})
	if got.err != nil {
		t.Fatalf("Get of the created work engagement %q returned %v", a.we.GetId(), got.err)
	}
	if diff := cmp.Diff(a.we, got.we, protocmp.Transform()); diff != "" {
		t.Errorf("Get after Create differs from Create's answer (-create +get):\n%s", diff)
	}
}

// TestCreateBody checks the POST Pigello receives for a create, over gRPC
// and REST: exactly the writable fields set, in the contract's order, ids
// lower-cased; read-only fields never. The created work engagement can then
// be read with Get.
func TestCreateBody(t *testing.T) {
	env := setup(t)
	d := env.demo()
	tmpl := func(kind string) []*structpb.Struct {
		return []*structpb.Struct{mustStruct(t, map[string]any{"kind": kind})}
	}
	tests := []struct {
		name string
		we   *accountsv1.WorkEngagement
		want string // the exact POST body
	}{{
		name: "name only",
		we:   &accountsv1.WorkEngagement{Name: "Contractor"},
		want: `{"name":"Contractor"}`,
	}, {
		name: "every writable field",
		we: &accountsv1.WorkEngagement{
			Name: "Contractor", Organization: &accountsv1.Organization{Id: strings.ToUpper(d.globex)},
			CustomId: proto.String("C-1"), ColorCode: proto.String("A1b2C3"),
			TemplateNotifications: tmpl("a"), TemplateSmsNotifications: tmpl("b"), TemplateEmailNotifications: tmpl("c"),
		},
		want: `{"name":"Contractor","organization":{"id":"` + d.globex + `"},"custom_id":"C-1","color_code":"A1b2C3",` +
			`"template_notifications":[{"kind":"a"}],"template_sms_notifications":[{"kind":"b"}],"template_email_notifications":[{"kind":"c"}]}`,
	}, {
		name: "an empty custom_id is set, and sent",
		we:   &accountsv1.WorkEngagement{Name: "Contractor", CustomId: proto.String("")},
		want: `{"name":"Contractor","custom_id":""}`,
	}, {
		name: "read-only fields are never sent",
		we: &accountsv1.WorkEngagement{
			Id: "not-a-uuid", Name: "Contractor", Tags: structpb.NewStringValue("t"),
			CustomerColumns: structpb.NewNumberValue(1), CreatedAt: timestamppb.New(time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)),
		},
		want: `{"name":"Contractor"}`,
	}, {
		name: "an id of another work engagement is ignored",
		we:   &accountsv1.WorkEngagement{Id: d.full, Name: "Contractor"},
		want: `{"name":"Contractor"}`,
	}}
	for _, tr := range env.transports() {
		for _, tt := range tests {
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				env.emu.ResetRequests()
				a := create(t, tr, tt.we)
				if a.err != nil {
					t.Fatalf("Create returned %v", a.err)
				}
				if got := env.postBody(t); got != tt.want {
					t.Errorf("emulator received %s, want %s", got, tt.want)
				}
				if a.we.GetId() == tt.we.GetId() {
					t.Errorf("Create answered the id %q of the request, want Pigello's new one", a.we.GetId())
				}
				assertCreated(t, tr, a)
			})
		}
	}
}

// TestCreateRejectedBeforeUpstream: a create missing a REQUIRED field, or
// with a writable field that breaks its rules, is INVALID_ARGUMENT naming
// the field and never reaches Pigello, over gRPC and REST. Its read-only
// fields are not checked (a junk id does not hide a bad colour).
func TestCreateRejectedBeforeUpstream(t *testing.T) {
	env := setup(t)
	tests := []struct {
		name   string
		we     *accountsv1.WorkEngagement
		fields []string
	}{
		{"no name", &accountsv1.WorkEngagement{ColorCode: proto.String("abc")}, []string{"work_engagement.name"}},
		{"empty name", &accountsv1.WorkEngagement{Name: ""}, []string{"work_engagement.name"}},
		{"whitespace-only name", &accountsv1.WorkEngagement{Name: " \t\u00a0"}, []string{"work_engagement.name"}},
		{"name of 256 characters", &accountsv1.WorkEngagement{Name: strings.Repeat("é", 256)}, []string{"work_engagement.name"}},
		{"name with NUL", &accountsv1.WorkEngagement{Name: "a\x00b"}, []string{"work_engagement.name"}},
		{"color_code with #", &accountsv1.WorkEngagement{Name: "n", ColorCode: proto.String("#fff")}, []string{"work_engagement.color_code"}},
		{"empty color_code", &accountsv1.WorkEngagement{Name: "n", ColorCode: proto.String("")}, []string{"work_engagement.color_code"}},
		{"custom_id of 129 characters", &accountsv1.WorkEngagement{Name: "n", CustomId: proto.String(strings.Repeat("c", 129))}, []string{"work_engagement.custom_id"}},
		{"organization with a bad id", &accountsv1.WorkEngagement{Name: "n", Organization: &accountsv1.Organization{Id: "acme"}}, []string{"work_engagement.organization.id"}},
		{"organization without id", &accountsv1.WorkEngagement{Name: "n", Organization: &accountsv1.Organization{}}, []string{"work_engagement.organization.id"}},
		{"bad colour, junk id", &accountsv1.WorkEngagement{Id: "junk", Name: "n", ColorCode: proto.String("ggg")}, []string{"work_engagement.color_code"}},
		{"no work_engagement", nil, []string{"work_engagement"}},
		// Every problem in one answer: a broken rule and a missing name.
		{"no name and a bad colour", &accountsv1.WorkEngagement{ColorCode: proto.String("ggg")}, []string{"work_engagement.color_code", "work_engagement.name"}},
	}
	// REST cannot send this request: its body always fills a work
	// engagement, and an empty one has no name.
	grpcOnly := map[string]bool{"no work_engagement": true}
	for _, tr := range env.transports() {
		for _, tt := range tests {
			if grpcOnly[tt.name] && tr.name != "gRPC" {
				continue
			}
			t.Run(tr.name+"/"+tt.name, func(t *testing.T) {
				env.emu.ResetRequests()
				create(t, tr, tt.we).assertInvalid(t, tt.fields...)
				env.assertNoUpstream(t)
			})
		}
	}
}

// TestCreatePigelloBadRequest: Pigello's 400 to a create names fields of
// the body, which become BadRequest violations on work_engagement.<field>.
// The emulator knows two organizations; any other id is Pigello's to
// refuse.
func TestCreatePigelloBadRequest(t *testing.T) {
	env := setup(t)
	for _, tr := range env.transports() {
		t.Run(tr.name, func(t *testing.T) {
			env.emu.ResetRequests()
			a := create(t, tr, &accountsv1.WorkEngagement{Name: "n", Organization: &accountsv1.Organization{Id: missingID}})
			a.assertError(t, wantError{code: codes.InvalidArgument, http: http.StatusBadRequest, reason: "PIGELLO_BAD_REQUEST",
				upstream: "400", fields: []string{"work_engagement.organization"}})
			if n := env.emu.Count(emulator.Match{Method: http.MethodPost}); n != 1 {
				t.Errorf("Pigello got %d POST requests, want 1", n)
			}
		})
	}
}
