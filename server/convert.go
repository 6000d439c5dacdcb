package server

import (
	"encoding/json"
	"fmt"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// toProto converts Pigello's work engagement to the contract's. An error means
// Pigello sent something its own documentation does not allow.
func toProto(we *upstream.WorkEngagement) (*accountsv1.WorkEngagement, error) {
	out := &accountsv1.WorkEngagement{
		Id:        we.ID,
		Name:      we.Name,
		CustomId:  we.CustomID,
		ColorCode: we.ColorCode,
	}
	if we.Organization != nil {
		out.Organization = &accountsv1.Organization{Id: we.Organization.ID}
	}
	if !we.CreatedAt.IsZero() {
		out.CreatedAt = timestamppb.New(we.CreatedAt)
	}
	var err error
	if out.TemplateNotifications, err = structsFromJSON("template_notifications", we.TemplateNotifications); err != nil {
		return nil, err
	}
	if out.TemplateSmsNotifications, err = structsFromJSON("template_sms_notifications", we.TemplateSMSNotifications); err != nil {
		return nil, err
	}
	if out.TemplateEmailNotifications, err = structsFromJSON("template_email_notifications", we.TemplateEmailNotifications); err != nil {
		return nil, err
	}
	if out.Tags, err = valueFromJSON("tags", we.Tags); err != nil {
		return nil, err
	}
	if out.CustomerColumns, err = valueFromJSON("customer_columns", we.CustomerColumns); err != nil {
		return nil, err
	}
	return out, nil
}

// structsFromJSON converts an array of JSON objects. Pigello documents the
// items as objects but shows [null] in its examples; a null item becomes an
// empty object, since a proto list cannot hold a missing element.
func structsFromJSON(field string, items []json.RawMessage) ([]*structpb.Struct, error) {
	if len(items) == 0 {
		return nil, nil
	}
	out := make([]*structpb.Struct, len(items))
	for i, item := range items {
		v, err := parseJSONValue(item)
		if err != nil {
			return nil, malformed("%s[%d] is not a JSON object: %v", field, i, err)
		}
		switch kind := v.GetKind().(type) {
		case *structpb.Value_StructValue:
			out[i] = kind.StructValue
		case *structpb.Value_NullValue:
			out[i] = &structpb.Struct{}
		default:
			return nil, malformed("%s[%d] is not a JSON object", field, i)
		}
	}
	return out, nil
}

// valueFromJSON converts any JSON; nil (JSON null) stays unset, which the
// contract's JSON form prints as null again.
func valueFromJSON(field string, raw json.RawMessage) (*structpb.Value, error) {
	if raw == nil {
		return nil, nil
	}
	value, err := parseJSONValue(raw)
	if err != nil {
		return nil, malformed("%s is not JSON: %v", field, err)
	}
	return value, nil
}

// structsToJSON converts the items of a template array for a PATCH body.
// An empty list is sent as null: a proto list cannot tell [] from null, and
// null is what clearing means in Pigello's contract.
func structsToJSON(items []*structpb.Struct) ([]json.RawMessage, error) {
	if len(items) == 0 {
		return nil, nil
	}
	out := make([]json.RawMessage, len(items))
	for i, item := range items {
		// json.Marshal of AsMap is compact with sorted keys, so bodies are
		// stable. AsMap already turned NaN and Infinity into strings, as
		// protojson does, so this cannot fail on values a Struct holds.
		b, err := json.Marshal(item.AsMap())
		if err != nil {
			return nil, fmt.Errorf("server: encode template item %d: %w", i, err)
		}
		out[i] = b
	}
	return out, nil
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{upstream.ErrMalformedResponse}, args...)...)
}
