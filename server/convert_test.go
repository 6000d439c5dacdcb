package server

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

func TestToProto(t *testing.T) {
	created := time.Date(2019, 8, 24, 14, 15, 22, 123456000, time.UTC)
	tmpl, _ := structpb.NewStruct(map[string]any{"kind": "welcome"})
	tags, _ := structpb.NewValue([]any{map[string]any{"id": "t1"}})
	cols, _ := structpb.NewValue(map[string]any{"n": 12.0})
	tests := []struct {
		name string
		in   upstream.WorkEngagement
		want *accountsv1.WorkEngagement
	}{
		{
			name: "every field set",
			in: upstream.WorkEngagement{
				ID: testID, Name: "Full-time",
				Organization: &upstream.Reference{ID: "0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"},
				CustomID:     ptr("WE-1"), ColorCode: ptr("fff"),
				TemplateNotifications:      []json.RawMessage{json.RawMessage(`{"kind":"welcome"}`)},
				TemplateSMSNotifications:   []json.RawMessage{json.RawMessage(`null`)},
				TemplateEmailNotifications: []json.RawMessage{},
				Tags:                       json.RawMessage(`[{"id":"t1"}]`),
				CustomerColumns:            json.RawMessage(`{"n":12}`),
				CreatedAt:                  created,
			},
			want: &accountsv1.WorkEngagement{
				Id: testID, Name: "Full-time",
				Organization: &accountsv1.Organization{Id: "0b7e3c2a-5f1d-4a8e-b6c4-2e9f1a3d5c70"},
				CustomId:     proto.String("WE-1"), ColorCode: proto.String("fff"),
				TemplateNotifications:    []*structpb.Struct{tmpl},
				TemplateSmsNotifications: []*structpb.Struct{{}},
				Tags:                     tags,
				CustomerColumns:          cols,
				CreatedAt:                timestamppb.New(created),
			},
		},
		{
			name: "every nullable field null",
			in:   upstream.WorkEngagement{ID: testID, Name: "n"},
			want: &accountsv1.WorkEngagement{Id: testID, Name: "n"},
		},
		{
			name: "JSON scalars in tags pass through",
			in:   upstream.WorkEngagement{ID: testID, Name: "n", Tags: json.RawMessage(`"text"`), CustomerColumns: json.RawMessage(`false`)},
			want: &accountsv1.WorkEngagement{Id: testID, Name: "n", Tags: structpb.NewStringValue("text"), CustomerColumns: structpb.NewBoolValue(false)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := toProto(&tt.in)
			if err != nil {
				t.Fatalf("toProto returned error %v", err)
			}
			if diff := cmp.Diff(tt.want, got, protocmp.Transform()); diff != "" {
				t.Errorf("toProto mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestToProtoMalformed(t *testing.T) {
	tests := []struct {
		name string
		in   upstream.WorkEngagement
	}{
		{"template item not an object", upstream.WorkEngagement{ID: testID, TemplateNotifications: []json.RawMessage{json.RawMessage(`1`)}}},
		{"template item a list", upstream.WorkEngagement{ID: testID, TemplateEmailNotifications: []json.RawMessage{json.RawMessage(`[]`)}}},
		{"tags not JSON", upstream.WorkEngagement{ID: testID, Tags: json.RawMessage(`{`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := toProto(&tt.in); !errors.Is(err, upstream.ErrMalformedResponse) {
				t.Errorf("toProto returned %v, want ErrMalformedResponse", err)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
