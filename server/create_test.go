package server

import (
	"errors"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"buf.build/go/protovalidate"
	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/internal/testkit"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func TestCreateBody(t *testing.T) {
	const tmpl = `[{"days":3,"kind":"welcome"}]`
	tests := []struct {
		name string
		we   *accountsv1.WorkEngagement
		want string
	}{
		{"every field set: the writable ones, never the read-only ones", full(),
			`{"name":"Full-time","organization":{"id":"0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"},"custom_id":"WE-1","color_code":"fff",` +
				`"template_notifications":` + tmpl + `,"template_sms_notifications":` + tmpl + `,"template_email_notifications":` + tmpl + `}`},
		{"name only", &accountsv1.WorkEngagement{Name: "n"}, `{"name":"n"}`},
		{"unset fields are left out, not null", &accountsv1.WorkEngagement{Name: "n", ColorCode: proto.String("abc")}, `{"name":"n","color_code":"abc"}`},
		{"an empty custom_id is sent as given", &accountsv1.WorkEngagement{Name: "n", CustomId: proto.String("")}, `{"name":"n","custom_id":""}`},
		{"an empty template list is left out", &accountsv1.WorkEngagement{Name: "n", TemplateNotifications: []*structpb.Struct{}}, `{"name":"n"}`},
		{"a junk id is ignored", &accountsv1.WorkEngagement{Id: "../not-an-id", Name: "n"}, `{"name":"n"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := createBody(tt.we)
			if err != nil {
				t.Fatalf("createBody returned error %v", err)
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("POST body mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCreateBodyNeedsRequiredFields: a create without a field the contract
// marks REQUIRED is refused on that field of work_engagement. An empty
// string is no value in proto3.
func TestCreateBodyNeedsRequiredFields(t *testing.T) {
	for name, we := range map[string]*accountsv1.WorkEngagement{
		"nothing set":           nil,
		"empty name":            {Name: "", ColorCode: proto.String("abc")},
		"only read-only fields": {Id: testID, Tags: structpb.NewNullValue()},
		"every other field set": func() *accountsv1.WorkEngagement { we := full(); we.Name = ""; return we }(),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := createBody(we)
			var invalid *invalidArgumentError
			if !errors.As(err, &invalid) {
				t.Fatalf("createBody returned %v, want an invalid argument", err)
			}
			if got := invalid.violations[0].GetField(); len(invalid.violations) != 1 || got != "work_engagement.name" {
				t.Errorf("violations %v, want one on work_engagement.name", invalid.violations)
			}
		})
	}
}

// TestValidationSkipsReadOnlyFieldsOfACreate: through ValidationInterceptor,
// a create passes whatever its read-only fields hold (they are ignored),
// while its writable fields are checked as an update's are; the same
// resource in an update, and the ids of Get and Delete, keep every rule.
func TestValidationSkipsReadOnlyFieldsOfACreate(t *testing.T) {
	type call struct {
		method string
		req    proto.Message
	}
	create := func(we *accountsv1.WorkEngagement) call {
		return call{accountsv1.WorkEngagementService_CreateWorkEngagement_FullMethodName, &accountsv1.CreateWorkEngagementRequest{WorkEngagement: we}}
	}
	update := func(we *accountsv1.WorkEngagement) call {
		return call{accountsv1.WorkEngagementService_UpdateWorkEngagement_FullMethodName, &accountsv1.UpdateWorkEngagementRequest{WorkEngagement: we}}
	}
	readOnly := func(we *accountsv1.WorkEngagement) *accountsv1.WorkEngagement {
		we.Id, we.Tags, we.CustomerColumns, we.CreatedAt = "../junk", structpb.NewStringValue("t"), structpb.NewNullValue(), &timestamppb.Timestamp{Seconds: -1 << 60}
		return we
	}
	tests := []struct {
		name      string
		call      call
		wantField string // "" means valid
	}{
		{"create: no id", create(&accountsv1.WorkEngagement{Name: "n"}), ""},
		{"create: junk in every read-only field", create(readOnly(&accountsv1.WorkEngagement{Name: "n"})), ""},
		{"create: every field set", create(full()), ""},
		// The handler refuses it (createBody): name's rules ignore an empty one.
		{"create: no name", create(&accountsv1.WorkEngagement{ColorCode: proto.String("abc")}), ""},
		{"create: blank name", create(&accountsv1.WorkEngagement{Name: " \t"}), "work_engagement.name"},
		{"create: 256-character name", create(&accountsv1.WorkEngagement{Name: strings.Repeat("a", 256)}), "work_engagement.name"},
		{"create: bad colour, junk id", create(readOnly(&accountsv1.WorkEngagement{Name: "n", ColorCode: proto.String("#fff")})), "work_engagement.color_code"},
		{"create: bad organization id", create(&accountsv1.WorkEngagement{Name: "n", Organization: &accountsv1.Organization{Id: "acme"}}), "work_engagement.organization.id"},
		{"create: no work_engagement", create(nil), "work_engagement"},
		{"update: junk id", update(&accountsv1.WorkEngagement{Id: "../junk", Name: "n"}), "work_engagement.id"},
		{"update: no id", update(&accountsv1.WorkEngagement{Name: "n"}), "work_engagement.id"},
		{"get: no id", call{accountsv1.WorkEngagementService_GetWorkEngagement_FullMethodName, &accountsv1.GetWorkEngagementRequest{}}, "id"},
		{"delete: junk id", call{accountsv1.WorkEngagementService_DeleteWorkEngagement_FullMethodName, &accountsv1.DeleteWorkEngagementRequest{Id: "x"}}, "id"},
	}
	validate := ValidationInterceptor(protovalidate.GlobalValidator)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reached, err := callUnary(t, validate, t.Context(), tt.call.method, tt.call.req)
			if tt.wantField == "" {
				if err != nil || !reached {
					t.Fatalf("the interceptor returned %v (handler reached: %v), want the request passed on", err, reached)
				}
				return
			}
			if reached {
				t.Fatal("the handler was reached, want the request refused")
			}
			st := testkit.AssertStatus(t, err, codes.InvalidArgument, ReasonInvalidRequest)
			if diff := cmp.Diff([]string{tt.wantField}, violationFields(st)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCreatesRecognised: of the service's methods, exactly
// CreateWorkEngagement is a create (AIP-133), and it creates a
// WorkEngagement whose read-only fields are the ones skipped.
func TestCreatesRecognised(t *testing.T) {
	sd := accountsv1.File_pigello_accounts_v1_work_engagement_proto.Services().ByName("WorkEngagementService")
	var creates []string
	for i := range sd.Methods().Len() {
		md := sd.Methods().Get(i)
		if fd := createdField(md); fd != nil {
			creates = append(creates, string(md.Name())+" makes "+string(fd.Message().Name()))
		}
	}
	if diff := cmp.Diff([]string{"CreateWorkEngagement makes WorkEngagement"}, creates); diff != "" {
		t.Errorf("creates (-want +got):\n%s", diff)
	}
	checks := createChecks()
	if c, ok := checks[accountsv1.WorkEngagementService_CreateWorkEngagement_FullMethodName]; !ok || len(checks) != 1 || c.field.Name() != "work_engagement" {
		t.Errorf("createChecks has %d entries, want exactly CreateWorkEngagement's, on work_engagement", len(checks))
	}
	var skipped []string
	for name := range skipReadOnly((*accountsv1.WorkEngagement)(nil).ProtoReflect().Descriptor()) {
		skipped = append(skipped, string(name.Name()))
	}
	slices.Sort(skipped)
	if diff := cmp.Diff([]string{"created_at", "customer_columns", "id", "tags"}, skipped); diff != "" {
		t.Errorf("skipped fields (-want +got):\n%s", diff)
	}
}

// TestCreateCallsPigello: Create POSTs the body to Pigello and answers the
// object it stored; Pigello's field errors name fields of work_engagement.
func TestCreateCallsPigello(t *testing.T) {
	var method, path, body string
	s := setupPigelloFunc(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		method, path, body = r.Method, r.URL.Path, string(b)
		w.Header().Set("Content-Type", "application/json")
		if strings.Contains(body, `"color_code"`) {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"color_code":["Enter a valid value."]}`)
			return
		}
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id":"`+testID+`","name":"n","color_code":null}`)
	})
	got, err := s.CreateWorkEngagement(t.Context(), &accountsv1.CreateWorkEngagementRequest{WorkEngagement: &accountsv1.WorkEngagement{Id: "ignored", Name: "n"}})
	if err != nil || got.GetId() != testID || got.GetName() != "n" {
		t.Fatalf("Create returned %v, %v; want the object Pigello stored", got, err)
	}
	if want := []string{"POST", "/accounts/users/organization/workengagement/", `{"name":"n"}`}; !cmp.Equal(want, []string{method, path, body}) {
		t.Errorf("Pigello received %s %s %s, want %v", method, path, body, want)
	}
	_, err = s.CreateWorkEngagement(t.Context(), &accountsv1.CreateWorkEngagementRequest{WorkEngagement: &accountsv1.WorkEngagement{Name: "n", ColorCode: proto.String("fff")}})
	st := testkit.AssertStatus(t, err, codes.InvalidArgument, ReasonPigelloBadRequest)
	if diff := cmp.Diff([]string{"work_engagement.color_code"}, violationFields(st)); diff != "" {
		t.Errorf("violations (-want +got):\n%s", diff)
	}
}

// violationFields lists the fields of st's BadRequest.
func violationFields(st *status.Status) []string {
	var fields []string
	for _, v := range detail[*errdetails.BadRequest](st).GetFieldViolations() {
		fields = append(fields, v.GetField())
	}
	return fields
}
