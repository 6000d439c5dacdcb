// Command protoexport writes the .proto files that are not ours but that the
// contract or its clients need into a directory, printed from the
// descriptors that the Go modules this service links have registered: the
// contract's imports (google/api annotations, buf/validate and the
// protoc-gen-openapiv2 options) and what a client in any language needs
// beside them (google/rpc status, error details and codes, to decode a failed
// call's details; grpc/health/v1, to check health).
//
// No Go module ships these as .proto sources, and nothing outside the Go
// module proxy can be reached at build time, so the descriptors compiled into
// the very packages the binary uses are the one offline source whose version
// always matches what runs; every file is printed the same way, so all come
// from one place. Comments are lost in the round trip; generated code does not
// need them.
//
// Usage: go run ./internal/cmd/protoexport third_party/proto
package main

import (
	"fmt"
	"os"

	"buf.build/gen/go/bufbuild/protovalidate/protocolbuffers/go/buf/validate"
	"github.com/jhump/protoreflect/v2/protoprint"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"

	// Imported for the descriptors they register.
	_ "github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2/options"
	_ "google.golang.org/genproto/googleapis/api/annotations"
	_ "google.golang.org/genproto/googleapis/rpc/code"
	_ "google.golang.org/genproto/googleapis/rpc/errdetails"
	_ "google.golang.org/genproto/googleapis/rpc/status"
	_ "google.golang.org/grpc/health/grpc_health_v1"
)

// files are the imports of proto/ that buf does not build in itself, then
// the files clients need beside the contract: the facade puts a
// google.rpc.Status with google.rpc error details in every failed call's
// grpc-status-details-bin trailer, and serves grpc.health.v1.Health.
var files = []string{
	"buf/validate/validate.proto",
	"google/api/annotations.proto",
	"google/api/field_behavior.proto",
	"google/api/http.proto",
	"protoc-gen-openapiv2/options/annotations.proto",
	"protoc-gen-openapiv2/options/openapiv2.proto",

	"google/rpc/code.proto",
	"google/rpc/error_details.proto",
	"google/rpc/status.proto",
	"grpc/health/v1/health.proto",
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "protoexport: usage: protoexport OUTPUT_DIR")
		os.Exit(2)
	}
	if err := export(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// export prints each of files, as the linked modules registered it, into
// the directory dir.
func export(dir string) error {
	fds := make([]protoreflect.FileDescriptor, 0, len(files))
	for _, name := range files {
		fd, err := protoregistry.GlobalFiles.FindFileByPath(name)
		if err != nil {
			return fmt.Errorf("protoexport: %s: %w", name, err)
		}
		if fd, err = withoutPredefinedRules(fd); err != nil {
			return fmt.Errorf("protoexport: %s: %w", name, err)
		}
		fds = append(fds, fd)
	}
	p := protoprint.Printer{Indent: "  "}
	if err := p.PrintProtosToFileSystem(fds, dir); err != nil {
		return fmt.Errorf("protoexport: %w", err)
	}
	return nil
}

// withoutPredefinedRules drops the (buf.validate.predefined) options from
// validate.proto's rule fields. They hold the CEL programs protovalidate runs
// from its Go descriptors, not from this file, and their list-of-messages
// option syntax is more than protobufjs 7 (the parser of Node's
// @grpc/proto-loader) can read: without them, any client can load the
// contract from its .proto files. Other files pass through unchanged.
func withoutPredefinedRules(fd protoreflect.FileDescriptor) (protoreflect.FileDescriptor, error) {
	if fd.Path() != "buf/validate/validate.proto" {
		return fd, nil
	}
	fdp := protodesc.ToFileDescriptorProto(fd)
	for _, m := range fdp.GetMessageType() {
		clearPredefined(m)
	}
	return protodesc.NewFile(fdp, protoregistry.GlobalFiles)
}

func clearPredefined(m *descriptorpb.DescriptorProto) {
	for _, f := range m.GetField() {
		if f.GetOptions() != nil {
			proto.ClearExtension(f.GetOptions(), validate.E_Predefined)
		}
	}
	for _, n := range m.GetNestedType() {
		clearPredefined(n)
	}
}
