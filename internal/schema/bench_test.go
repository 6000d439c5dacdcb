package schema

import (
	"bytes"
	"testing"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/protobuf/proto"
)

// BenchmarkUnmarshal reads a full work engagement as Pigello sends it, by
// Unmarshal and by protojson, the library it stands in for. protojson
// cannot read the null items Pigello sends in template lists, so it gets
// them as {}: without the rewrite the library would need first, its time
// is a lower bound of the library's way.
func BenchmarkUnmarshal(b *testing.B) {
	body := []byte(fullObj)
	noNulls := bytes.ReplaceAll(body, []byte("null]"), []byte("{}]"))
	tests := []struct {
		name      string
		unmarshal func([]byte, proto.Message) error
		body      []byte
	}{
		{"schema", workEngagements.Unmarshal, body},
		{"protojson", lenient.Unmarshal, noNulls},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := tt.unmarshal(tt.body, new(accountsv1.WorkEngagement)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkMarshal writes a full work engagement in Pigello's form, and
// with protojson alone, which Marshal calls before adding the nulls.
func BenchmarkMarshal(b *testing.B) {
	we := new(accountsv1.WorkEngagement)
	if err := workEngagements.Unmarshal([]byte(fullObj), we); err != nil {
		b.Fatal(err)
	}
	tests := []struct {
		name    string
		marshal func(proto.Message) ([]byte, error)
	}{
		{"schema", Marshal},
		{"protojson", pigelloJSON.Marshal},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := tt.marshal(we); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkBody builds the PATCH body of the update benchmark (one field)
// and of "*" on a full work engagement.
func BenchmarkBody(b *testing.B) {
	full := new(accountsv1.WorkEngagement)
	if err := workEngagements.Unmarshal([]byte(fullObj), full); err != nil {
		b.Fatal(err)
	}
	tests := []struct {
		name  string
		we    *accountsv1.WorkEngagement
		paths []string
	}{
		{"one-field", &accountsv1.WorkEngagement{Id: testID, ColorCode: proto.String("0a0")}, []string{"color_code"}},
		{"star", full, []string{"*"}},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			m := tt.we.ProtoReflect()
			b.ReportAllocs()
			for b.Loop() {
				sel, bad := workEngagements.Select(m, tt.paths)
				if bad != nil {
					b.Fatal(bad)
				}
				if _, err := workEngagements.Body(m, sel); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
