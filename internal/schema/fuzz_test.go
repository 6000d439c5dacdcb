package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/google/go-cmp/cmp"
	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/structpb"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// FuzzUnmarshal checks Unmarshal against protojson, the library it stands
// in for, on any input: both read it into equal messages, or both refuse
// it, except where Pigello's JSON differs on purpose (a null item of a
// template list, null for a Value, the rules of the identifier and of a
// reference's id).
func FuzzUnmarshal(f *testing.F) {
	for _, seed := range []string{
		fullObj, `{"id":"` + testID + `"}`, `{}`, `null`, `[]`, `{"id":"` + testID + `","name":5}`,
		`{"id":"` + testID + `","tags":{"a":1,"a":2}}`, `{"id":"` + testID + `","custom_id":"\ud800"}`,
		`{"id":"` + testID + `","customer_columns":[1e400]}`, `{"id":"` + testID + `","tags":-0}`,
		`{"id":"` + testID + `","created_at":"2019-08-24T14:15:22.1234567890Z"}`,
		`{"id":"` + testID + `","created_at":"9999-12-31T23:59:59.999999999+01:00"}`,
		`{"id":"` + testID + `","organization":{"id":"x","id":"y"}}`, `{"id":"` + testID + `","template_sms_notifications":[null,{"a":null}]}`,
		`{"id":"` + testID + `","tags":"\u00e5\ud83d\ude00\n\"\\\/"}`, `{"id":"` + testID + `"} `, `{"id":"` + testID + `"}{}`,
		`{"id":"` + testID + `","colorCode":"fff"}`, `{"id":"` + testID + `","name":"` + "\xff" + `"}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got := new(accountsv1.WorkEngagement)
		err := workEngagements.Unmarshal([]byte(in), got)
		want := new(accountsv1.WorkEngagement)
		wantErr := lenient.Unmarshal([]byte(in), want)
		if wantErr != nil {
			// protojson cannot read a null item of a list of messages.
			if fixed, ok := nullItemsToEmpty([]byte(in)); ok {
				want.Reset()
				wantErr = lenient.Unmarshal(fixed, want)
			}
		}
		switch {
		case err == nil && wantErr != nil:
			t.Fatalf("Unmarshal(%q) accepted what protojson refuses (%v): %v", in, wantErr, got)
		case err != nil && wantErr == nil && !ownRule(err) && json.Valid([]byte(in)) && utf8.ValidString(in):
			// protojson does not check the syntax of a member it skips
			// ({"":[0e]}), and the rewrite of null items above replaces
			// invalid UTF-8; Unmarshal refuses what is not JSON in UTF-8.
			t.Fatalf("Unmarshal(%q) returned %v; protojson reads %v", in, err, want)
		case err == nil:
			clearNullValues(want)
			if diff := cmp.Diff(want, got, protocmp.Transform()); diff != "" {
				t.Fatalf("Unmarshal(%q) differs from protojson (-protojson +got):\n%s", in, diff)
			}
		}
	})
}

// lenient is protojson as Unmarshal reads: unknown members skipped.
var lenient = protojson.UnmarshalOptions{DiscardUnknown: true}

// ownRule reports whether err is one of the rules Unmarshal adds to
// protojson's: a missing identifier or reference id, a malformed UUID, and
// checks of the JSON protojson leaves out for members it skips.
func ownRule(err error) bool {
	var fe *fieldError
	if errors.As(err, &fe) {
		return fe.err.Error() == "missing" || fe.err.Error() == "not a UUID"
	}
	// protojson does not look at a member it skips: invalid UTF-8 in
	// its name or value passes.
	return strings.Contains(err.Error(), "invalid UTF-8")
}

// nullItemsToEmpty rewrites in, a JSON object, with {} for each null item of
// its top-level lists of messages (WorkEngagement has no others). ok is
// false when in is not such an object or has no such item.
func nullItemsToEmpty(in []byte) (out []byte, ok bool) {
	dec := jsontext.NewDecoder(bytes.NewReader(in), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	var buf bytes.Buffer
	enc := jsontext.NewEncoder(&buf, jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	copyToken := func() (jsontext.Kind, error) {
		t, err := dec.ReadToken()
		if err == nil {
			err = enc.WriteToken(t)
		}
		return t.Kind(), err
	}
	if k, err := copyToken(); err != nil || k != '{' {
		return nil, false
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			return nil, false
		}
		key := name.String()
		if enc.WriteToken(jsontext.String(key)) != nil {
			return nil, false
		}
		fd := workEngagements.messages[workEngagements.desc.FullName()].byName[key]
		if fd != nil && fd.IsList() && fd.Message() != nil && dec.PeekKind() == '[' {
			_, _ = copyToken()
			for dec.PeekKind() != ']' && dec.PeekKind() != 0 {
				v, err := dec.ReadValue()
				if err != nil {
					return nil, false
				}
				if v.Kind() == 'n' {
					v, ok = jsontext.Value(`{}`), true
				}
				if enc.WriteValue(v) != nil {
					return nil, false
				}
			}
			if _, err := copyToken(); err != nil {
				return nil, false
			}
			continue
		}
		v, err := dec.ReadValue()
		if err != nil || enc.WriteValue(v) != nil {
			return nil, false
		}
	}
	if k, err := copyToken(); err != nil || k != '}' {
		return nil, false
	}
	rest, _ := dec.ReadValue() // anything after the object stays, for protojson to refuse
	return append(buf.Bytes(), rest...), ok
}

// FuzzMarshal builds work engagements from the fuzzer's strings, JSON and
// timestamps: Marshal fails where protojson fails, and otherwise writes
// every field once, in declaration order, null exactly for the unset
// nullable ones, in JSON that protojson and Unmarshal read back as the
// message.
func FuzzMarshal(f *testing.F) {
	f.Add("name\n\"x\"\\\x01é", "org", "c", true, "fff", false, `{"b":[1,2.5e-9,true,null,{"z":"\u2028"}],"a":{}}`, `[1e21,-0,"<&>"]`, int64(1705311000), int32(123456000))
	f.Add("", "", "", false, "", true, `{}`, `null`, int64(0), int32(0))
	f.Add("\xff", "o", "", false, "", false, `{"k":"v"}`, `123456789012345678901234567890`, int64(-62135596801), int32(1))
	f.Add("n", "", "", true, "", true, `{"x":1e-7}`, `{"y":"\ud83d\ude00"}`, int64(253402300799), int32(999999999))
	f.Add("n", "", "", false, "", false, `{}`, `1`, int64(1705311000), int32(1e9))
	f.Fuzz(func(t *testing.T, name, org, customID string, hasCustom bool, color string, hasColor bool, tmpl, tags string, secs int64, nanos int32) {
		we := &accountsv1.WorkEngagement{Id: testID, Name: name, CreatedAt: &timestamppb.Timestamp{Seconds: secs, Nanos: nanos}}
		if org != "" {
			we.Organization = &accountsv1.Organization{Id: org}
		}
		if hasCustom {
			we.CustomId = proto.String(customID)
		}
		if hasColor {
			we.ColorCode = proto.String(color)
		}
		if s, ok := jsonValue(tmpl).GetKind().(*structpb.Value_StructValue); ok {
			we.TemplateNotifications = []*structpb.Struct{s.StructValue, {}}
		}
		we.Tags = jsonValue(tags)

		got, err := Marshal(we)
		_, wantErr := protojson.Marshal(we)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("Marshal returned %v, protojson %v", err, wantErr)
		}
		if err != nil {
			return
		}
		checkMembers(t, got, we)
		for name, unmarshal := range map[string]func([]byte, proto.Message) error{
			"protojson": protojson.Unmarshal, "Unmarshal": workEngagements.Unmarshal,
		} {
			back := new(accountsv1.WorkEngagement)
			if err := unmarshal(got, back); err != nil {
				t.Fatalf("%s cannot read %s: %v", name, got, err)
			}
			want := proto.Clone(we)
			clearNullValues(want)
			clearNullValues(back)
			if diff := cmp.Diff(want, back, protocmp.Transform()); diff != "" {
				t.Fatalf("%s reads %s back as another message (-written +read):\n%s", name, got, diff)
			}
		}
	})
}

// jsonValue reads s as any JSON; nil if it is not JSON.
func jsonValue(s string) *structpb.Value {
	var v any
	if json.Unmarshal([]byte(s), &v) != nil {
		return nil
	}
	value, err := structpb.NewValue(v)
	if err != nil {
		return nil
	}
	return value
}

// checkMembers checks Marshal's object b against we: every field once, in
// declaration order, null for each unset nullable one and only for those.
func checkMembers(t *testing.T, b []byte, we *accountsv1.WorkEngagement) {
	t.Helper()
	keys, values := members(t, b)
	fields := we.ProtoReflect().Descriptor().Fields()
	if diff := cmp.Diff(fieldNames(fields), keys); diff != "" {
		t.Fatalf("members of %s (-fields +members):\n%s", b, diff)
	}
	for i, key := range keys {
		fd := fields.Get(i)
		isNull := string(values[i]) == "null"
		wantNull := Nullable(fd) && !we.ProtoReflect().Has(fd)
		if fd.Message() != nil && fd.Message().FullName() == "google.protobuf.Value" && we.ProtoReflect().Has(fd) {
			wantNull = isNull // a Value may hold null
		}
		if isNull != wantNull {
			t.Fatalf("%s is %s in %s; want null: %v", key, values[i], b, wantNull)
		}
	}
}

// members returns the member names and raw values of a JSON object.
func members(t *testing.T, b []byte) (keys []string, values []jsontext.Value) {
	t.Helper()
	dec := jsontext.NewDecoder(bytes.NewReader(b))
	if _, err := dec.ReadToken(); err != nil {
		t.Fatalf("%s is not a JSON object: %v", b, err)
	}
	for dec.PeekKind() == '"' {
		name, err := dec.ReadToken()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, name.String())
		v, err := dec.ReadValue()
		if err != nil {
			t.Fatal(err)
		}
		values = append(values, slices.Clone(v))
	}
	return keys, values
}

// FuzzBody: for any mask and values, the body holds exactly the selected
// fields, in declaration order, null exactly for those left unset, each
// other one as protojson writes the field alone.
func FuzzBody(f *testing.F) {
	for _, paths := range []string{"", "*", "name", "organization.id", "color_code,custom_id", "created_at", "name,*", "tags.x", ",", "template_notifications"} {
		f.Add(paths, "n", "FFF", true, "0B7E3C2A-5F1D-4A8E-B6C4-2E9F1A3D5C70", `{"a":[1,null]}`)
	}
	f.Fuzz(func(t *testing.T, paths, name, color string, hasColor bool, org, tmpl string) {
		we := &accountsv1.WorkEngagement{Id: testID, Name: name}
		if hasColor {
			we.ColorCode = proto.String(color)
		}
		if org != "" {
			we.Organization = &accountsv1.Organization{Id: org}
		}
		if s, ok := jsonValue(tmpl).GetKind().(*structpb.Value_StructValue); ok {
			we.TemplateEmailNotifications = []*structpb.Struct{s.StructValue}
		}
		var mask []string
		if paths != "" {
			mask = strings.Split(paths, ",")
		}
		sel, bad := workEngagements.Select(we.ProtoReflect(), mask)
		if bad != nil {
			return // TestSelect and the server's FuzzMask cover the refusals
		}
		body, err := workEngagements.Body(we.ProtoReflect(), sel)
		if err != nil {
			// Only a value protojson cannot write may fail; one in a field
			// not selected need not.
			if _, wantErr := protojson.Marshal(we); wantErr == nil {
				t.Fatalf("Body returned %v where protojson writes the message", err)
			}
			return
		}
		keys, values := members(t, body)
		var want []string
		for i, name := range workEngagements.writableNames() {
			if sel&(1<<i) != 0 {
				want = append(want, name)
			}
		}
		if diff := cmp.Diff(want, keys); diff != "" {
			t.Fatalf("Body(%q) = %s (-selected +members):\n%s", paths, body, diff)
		}
		fields := we.ProtoReflect().Descriptor().Fields()
		for i, key := range keys {
			fd := fields.ByName(fieldName(key))
			if got, wantNull := string(values[i]) == "null", !we.ProtoReflect().Has(fd); got != wantNull {
				t.Fatalf("Body(%q): %s is %s; want null: %v", paths, key, values[i], wantNull)
			}
		}
	})
}
