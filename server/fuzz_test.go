package server

import (
	"encoding/json"
	"errors"
	"google.golang.org/protobuf/proto"
	"strings"
	"testing"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
)

// FuzzMask checks the mask rules on any list of paths: patchFor either
// refuses the update or builds a PATCH whose keys are exactly the writable
// fields the paths select, with JSON that parses.
func FuzzMask(f *testing.F) {
	for _, seed := range []string{"", "*", "name", "organization.id", "color_code,custom_id", "created_at", "name,*", "tags.x", ",", "template_notifications"} {
		f.Add(seed, "n", true)
	}
	f.Fuzz(func(t *testing.T, paths, name string, withColor bool) {
		we := &accountsv1.WorkEngagement{Id: testID, Name: name}
		if withColor {
			color := "fff"
			we.ColorCode = &color
		}
		var m []string
		if paths != "" {
			m = strings.Split(paths, ",")
		}
		p, err := patchFor(we, mask(m...))
		if err != nil {
			var invalid *invalidArgumentError
			if !errors.As(err, &invalid) || len(invalid.violations) == 0 {
				t.Fatalf("patchFor(%q) returned %v, want an invalid argument with violations", paths, err)
			}
			return
		}
		body, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("marshal patch for %q: %v", paths, err)
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal(body, &got); err != nil {
			t.Fatalf("PATCH body %s for %q is not a JSON object: %v", body, paths, err)
		}
		want := expectedKeys(we, m)
		for k := range got {
			if !want[k] {
				t.Errorf("PATCH for %q carries %q, which the mask does not select", paths, k)
			}
		}
		for k := range want {
			if _, ok := got[k]; !ok {
				t.Errorf("PATCH for %q lacks %q, which the mask selects", paths, k)
			}
		}
	})
}

// expectedKeys is the mask rule restated independently: the JSON keys a
// valid mask selects.
func expectedKeys(we *accountsv1.WorkEngagement, paths []string) map[string]bool {
	keys := map[string]bool{}
	if len(paths) == 0 {
		keys["name"] = we.GetName() != ""
		keys["color_code"] = we.ColorCode != nil
	}
	for _, p := range paths {
		switch p {
		case "*":
			for _, k := range []string{"name", "organization", "custom_id", "color_code", "template_notifications", "template_sms_notifications", "template_email_notifications"} {
				keys[k] = true
			}
		case "organization.id":
			keys["organization"] = true
		default:
			keys[p] = true
		}
	}
	for k, v := range keys {
		if !v {
			delete(keys, k)
		}
	}
	return keys
}

// FuzzToProto feeds arbitrary JSON to the Pigello → proto mapping: it never
// panics, fails only as a malformed response, and what it accepts survives
// the contract's JSON form.
func FuzzToProto(f *testing.F) {
	f.Add(`{"kind":"x"}`, `[1,"a",null,{"b":[]}]`)
	f.Add(`null`, `null`)
	f.Add(`[]`, `{"n":1e308}`)
	f.Add(`{"a":{"b":{"c":[{}]}}}`, `"\u00e5"`)
	f.Fuzz(func(t *testing.T, item, value string) {
		if !json.Valid([]byte(item)) || !json.Valid([]byte(value)) {
			return // upstream rejects invalid JSON before the mapping sees it
		}
		we := upstream.WorkEngagement{
			ID: testID, Name: "n",
			TemplateNotifications: []json.RawMessage{json.RawMessage(item)},
			Tags:                  json.RawMessage(value),
		}
		got, err := toProto(&we)
		if err != nil {
			if !errors.Is(err, upstream.ErrMalformedResponse) {
				t.Fatalf("toProto returned %v, want ErrMalformedResponse or success", err)
			}
			return
		}
		if _, err := protojson.Marshal(got); err != nil {
			t.Fatalf("converted work engagement does not marshal: %v", err)
		}
		if _, err := structsToJSON([]*structpb.Struct{got.TemplateNotifications[0]}); err != nil {
			t.Fatalf("template item %s does not convert back: %v", item, err)
		}
	})
}

// FuzzParseJSONValue checks the one-pass parser against what it replaced,
// encoding/json into any and then structpb.NewValue: both refuse the input,
// or both give equal values.
func FuzzParseJSONValue(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"x","n":[1,-0.5e3,true,false,null,{"a":{}}]}`, `[]`, `{}`, `null`, ` "\u00e5\ud83d\ude00\n\"\\\/" `,
		`{"a":1,"a":2}`, "\"\xff\xfe\"", `1e400`, `-0`, `0.1e-2`, `01`, `1.`, `-`, `+1`, `{"a" 1}`, `[1,]`, `"a` + "\x01" + `"`,
		`[[[[[[[[[[]]]]]]]]]]`, `{"cost_center":"4100","headcount":12}`, `tru`, `nul`, `1 2`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := parseJSONValue([]byte(in))
		var v any
		wantErr := json.Unmarshal([]byte(in), &v)
		var want *structpb.Value
		if wantErr == nil {
			want, wantErr = structpb.NewValue(v)
		}
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("parseJSONValue(%q) error %v, encoding/json and structpb: %v", in, err, wantErr)
		}
		if err == nil && !proto.Equal(got, want) {
			t.Fatalf("parseJSONValue(%q) = %v, want %v", in, got, want)
		}
	})
}
