package gateway

import (
	"testing"
	"time"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// benchFull is a work engagement with every field set, as Get returns it.
func benchFull(b *testing.B) *accountsv1.WorkEngagement {
	b.Helper()
	tmpl, err := structpb.NewStruct(map[string]any{"kind": "a", "n": []any{1, 2}})
	if err != nil {
		b.Fatal(err)
	}
	tags, err := structpb.NewValue([]any{"x", map[string]any{"y": 1}})
	if err != nil {
		b.Fatal(err)
	}
	cols, err := structpb.NewValue(map[string]any{"col": []any{1, 2.5, "three"}})
	if err != nil {
		b.Fatal(err)
	}
	return &accountsv1.WorkEngagement{
		Id:                         "497f6eca-6276-4993-bfeb-53cbbbba6f08",
		Name:                       "Consultant",
		Organization:               &accountsv1.Organization{Id: "9b2c6f7e-1d2a-4c3b-8e4f-5a6b7c8d9e0f"},
		CustomId:                   proto.String("C-1"),
		ColorCode:                  proto.String("ff00aa"),
		TemplateNotifications:      []*structpb.Struct{tmpl, {}},
		TemplateSmsNotifications:   []*structpb.Struct{tmpl},
		TemplateEmailNotifications: []*structpb.Struct{{}},
		Tags:                       tags,
		CustomerColumns:            cols,
		CreatedAt:                  timestamppb.New(time.Date(2019, 8, 24, 12, 15, 22, 123456000, time.UTC)),
	}
}

func BenchmarkMarshal(b *testing.B) {
	tests := []struct {
		name string
		msg  *accountsv1.WorkEngagement
	}{
		{"full", benchFull(b)},
		{"all-null", &accountsv1.WorkEngagement{Id: "497f6eca-6276-4993-bfeb-53cbbbba6f08", Name: "Consultant"}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := marshaler.Marshal(tt.msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkBodyMask(b *testing.B) {
	tests := []struct{ name, body string }{
		{"two-keys", `{"name": "Consultant", "color_code": null}`},
		// What a client sends back after a Get: every key, read-only ones included.
		{"read-back", `{"id":"497f6eca-6276-4993-bfeb-53cbbbba6f08","name":"Consultant","organization":{"id":"9b2c6f7e-1d2a-4c3b-8e4f-5a6b7c8d9e0f"},"custom_id":"C-1","color_code":"ff00aa","template_notifications":[{"kind":"a","n":[1,2]},{}],"template_sms_notifications":[],"template_email_notifications":[{}],"tags":["x",{"y":1}],"customer_columns":{"col":[1,2.5,"three"]},"created_at":"2019-08-24T12:15:22.123456Z"}`},
	}
	for _, tt := range tests {
		body := []byte(tt.body)
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, ok := bodyMask(body); !ok {
					b.Fatal("bodyMask returned !ok")
				}
			}
		})
	}
}
