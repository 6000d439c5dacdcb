package server

import (
	"context"
	"errors"
	"testing"

	"buf.build/go/protovalidate"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/protobuf/proto"
)

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
