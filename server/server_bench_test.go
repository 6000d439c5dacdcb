package server

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"buf.build/go/protovalidate"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/protobuf/proto"
)

// benchFull is a work engagement as Pigello sends it with every field set:
// templates holding objects and null items, tags and customer columns.
func benchFull() *upstream.WorkEngagement {
	return &upstream.WorkEngagement{
		ID: testID, Name: "Consultant",
		Organization: &upstream.Reference{ID: "9b2c6f7e-1d2a-4c3b-8e4f-5a6b7c8d9e0f"},
		CustomID:     ptr("C-1"), ColorCode: ptr("ff00aa"),
		TemplateNotifications:      []json.RawMessage{json.RawMessage(`{"kind":"a","n":[1,2]}`), json.RawMessage(`null`)},
		TemplateSMSNotifications:   []json.RawMessage{json.RawMessage(`{"kind":"sms","days":3}`)},
		TemplateEmailNotifications: []json.RawMessage{json.RawMessage(`null`)},
		Tags:                       json.RawMessage(`["x",{"y":1}]`),
		CustomerColumns:            json.RawMessage(`{"col":[1,2.5,"three"]}`),
		CreatedAt:                  time.Date(2019, 8, 24, 14, 15, 22, 123456000, time.UTC),
	}
}

func BenchmarkToProto(b *testing.B) {
	tests := []struct {
		name string
		in   *upstream.WorkEngagement
	}{
		{"full", benchFull()},
		{"all-null", &upstream.WorkEngagement{ID: testID, Name: "Consultant"}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := toProto(tt.in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkPatchFor(b *testing.B) {
	tests := []struct {
		name  string
		paths []string
	}{
		{"no-mask", nil},
		{"star", []string{"*"}},
		{"two-paths", []string{"name", "color_code"}},
	}
	we := full()
	for _, tt := range tests {
		m := mask(tt.paths...)
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := patchFor(we, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkToStatus(b *testing.B) {
	v, err := protovalidate.New()
	if err != nil {
		b.Fatal(err)
	}
	invalid := v.Validate(&accountsv1.UpdateWorkEngagementRequest{
		WorkEngagement: &accountsv1.WorkEngagement{Id: "x", Name: "", ColorCode: proto.String("#fff")},
		UpdateMask:     mask("name", "color_code"),
	})
	var ve *protovalidate.ValidationError
	if !errors.As(invalid, &ve) {
		b.Fatalf("Validate returned %v, want a ValidationError", invalid)
	}
	tests := []struct {
		name string
		err  error
	}{
		{"upstream-400-field-errors", &upstream.Error{StatusCode: 400, Detail: "Invalid input.", FieldErrors: []upstream.FieldError{
			{Field: "name", Description: "This field may not be blank."},
			{Field: "organization.id", Description: "Invalid pk."},
			{Field: "template_notifications[1].kind", Description: "Not a valid choice."},
		}}},
		{"upstream-404", &upstream.Error{StatusCode: 404, Detail: "Not found."}},
		{"validation", invalid},
	}
	ctx := context.Background()
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if st := toStatus(ctx, tt.err, "work_engagement"); st.Code() == 0 {
					b.Fatal("toStatus returned OK")
				}
			}
		})
	}
}

func BenchmarkValidate(b *testing.B) {
	v, err := protovalidate.New()
	if err != nil {
		b.Fatal(err)
	}
	we := full()
	req := &accountsv1.UpdateWorkEngagementRequest{WorkEngagement: we, UpdateMask: mask("name", "color_code")}
	if err := v.Validate(req); err != nil {
		b.Fatalf("Validate returned %v, want nil", err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Validate(req); err != nil {
			b.Fatal(err)
		}
	}
}
