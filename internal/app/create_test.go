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
	"github.com/pigello-facade/pigello-facade/internal/testkit"
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

// TestLostAnswerToACreate: a create is never sent twice once it may have
// reached Pigello. An answer lost after Pigello had the request is
// UNAVAILABLE with PIGELLO_OUTCOME_UNKNOWN, saying it may or may not have
// been applied; Pigello's own refusal is passed on as it is, also after one
// POST. Over gRPC and REST alike, with the production retry policy.
func TestLostAnswerToACreate(t *testing.T) {
	unknown := wantError{code: codes.Unavailable, http: http.StatusServiceUnavailable, reason: "PIGELLO_OUTCOME_UNKNOWN"}
	tests := []struct {
		name  string
		fault emulator.Fault
		want  wantError
	}{
		{"applied, then the connection dropped", emulator.Fault{ServeThenClose: true}, unknown},
		{"applied, the answer cut short", emulator.Fault{Reset: true}, unknown},
		{"no answer within the attempt timeout", emulator.Fault{Hang: true}, unknown},
		{"503", emulator.Fault{Status: 503}, wantError{code: codes.Unavailable, http: http.StatusServiceUnavailable, reason: "PIGELLO_UNAVAILABLE", upstream: "503"}},
		{"429", emulator.Fault{Status: 429, RetryAfter: "0"}, wantError{code: codes.ResourceExhausted, http: http.StatusTooManyRequests, reason: "PIGELLO_RATE_LIMITED", upstream: "429"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := setup(t, resilient)
			for _, tr := range env.transports() {
				t.Run(tr.name, func(t *testing.T) {
					env.emu.ResetRequests()
					post := emulator.Match{Method: http.MethodPost}
					env.emu.Script(post, tt.fault)
					st := create(t, tr, &accountsv1.WorkEngagement{Name: "Applied, unheard"}).assertError(t, tt.want)
					wantSaid := tt.want.reason == unknown.reason
					if said := strings.Contains(st.Message(), "may or may not have been applied"); said != wantSaid {
						t.Errorf("message %q says the create may have been applied: %v, want %v", st.Message(), said, wantSaid)
					}
					if n := env.emu.Count(post); n != 1 {
						t.Errorf("Pigello got %d POST requests, want 1: a create that may have reached it is not sent again", n)
					}
				})
			}
		})
	}
}

// TestCreateRetriedWhenNeverSent: a create whose connection to Pigello
// could not even open is retried, since it never left: with every dial
// refused, the facade makes all its attempts (two retries logged), then
// answers PIGELLO_UNREACHABLE, which does not speak of the create being
// applied.
func TestCreateRetriedWhenNeverSent(t *testing.T) {
	env := startFacade(t, "http://"+testkit.ClosedAddr(t), testCreds, resilient)
	for _, tr := range env.transports() {
		t.Run(tr.name, func(t *testing.T) {
			before := createRetries(env)
			st := create(t, tr, &accountsv1.WorkEngagement{Name: "Never sent"}).assertError(t,
				wantError{code: codes.Unavailable, http: http.StatusServiceUnavailable, reason: "PIGELLO_UNREACHABLE"})
			if strings.Contains(st.Message(), "applied") {
				t.Errorf("message %q speaks of the create being applied, though it never left", st.Message())
			}
			if retries := createRetries(env) - before; retries != 2 {
				t.Errorf("the log shows %d retries of the create, want 2 (3 attempts)", retries)
			}
		})
	}
}

// createRetries counts the retries of a create the facade has logged.
func createRetries(env *testEnv) int {
	n := 0
	for line := range strings.Lines(env.logs.String()) {
		if strings.Contains(line, `"msg":"retrying Pigello request"`) && strings.Contains(line, `"operation":"CreateWorkEngagement"`) {
			n++
		}
	}
	return n
}

// TestRESTCreate checks the POST Pigello receives for REST bodies: keys in
// either spelling, read-only keys ignored (AIP-203), and null, which is no
// value, left out.
func TestRESTCreate(t *testing.T) {
	env := setup(t)
	tests := []struct {
		name string
		body string
		want string // the exact POST body
	}{
		{"lowerCamel keys", `{"name": "A", "colorCode": "abc", "customId": "c"}`, `{"name":"A","custom_id":"c","color_code":"abc"}`},
		{"read-only keys ignored", `{"id": "junk", "name": "A", "tags": [1], "customer_columns": {"x": 1}, "created_at": "2024-01-01T00:00:00Z"}`, `{"name":"A"}`},
		{"null is no value", `{"name": "A", "color_code": null, "organization": null, "template_notifications": null}`, `{"name":"A"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.emu.ResetRequests()
			code, body := env.send(t, http.MethodPost, "/v1/workEngagements", strings.NewReader(tt.body))
			if code != http.StatusOK {
				t.Fatalf("POST returned %d %s, want 200", code, body)
			}
			if got := env.postBody(t); got != tt.want {
				t.Errorf("emulator received %s, want %s", got, tt.want)
			}
			if id, _ := jsonValue(t, body).(map[string]any)["id"].(string); id == "" || id == "junk" {
				t.Errorf("POST answered id %q, want Pigello's new one", id)
			}
		})
	}
}

// TestRESTCreateFromGetResult: a GET result POSTed as it is creates a copy:
// Pigello receives its writable fields only, and the copy differs from the
// original only in its read-only fields.
func TestRESTCreateFromGetResult(t *testing.T) {
	env := setup(t)
	_, original := env.send(t, http.MethodGet, workEngagementsPath(env.demo().full), nil)
	env.emu.ResetRequests()
	code, copied := env.send(t, http.MethodPost, "/v1/workEngagements", strings.NewReader(string(original)))
	if code != http.StatusOK {
		t.Fatalf("POST of a GET result returned %d %s, want 200", code, copied)
	}
	want := jsonValue(t, original).(map[string]any)
	got := jsonValue(t, copied).(map[string]any)
	for _, readOnly := range []string{"id", "tags", "customer_columns", "created_at"} {
		delete(want, readOnly)
		delete(got, readOnly)
	}
	if diff := cmp.Diff(any(want), jsonValue(t, []byte(env.postBody(t)))); diff != "" {
		t.Errorf("POST body mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("the copy's writable fields differ from the original's (-original +copy):\n%s", diff)
	}
}
