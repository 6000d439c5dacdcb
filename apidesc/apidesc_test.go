package apidesc

import (
	"strings"
	"testing"

	_ "google.golang.org/grpc/health/grpc_health_v1" // registers the health service in GlobalFiles
	"google.golang.org/protobuf/reflect/protoreflect"
)

// TestFiles checks the embedded descriptor set parses and keeps the
// contract's comments, which reflection serves.
func TestFiles(t *testing.T) {
	if _, err := Files(); err != nil {
		t.Fatal(err)
	}
	d, err := Resolver{}.FindDescriptorByName("pigello.accounts.v1.WorkEngagementService")
	if err != nil {
		t.Fatal(err)
	}
	loc := d.ParentFile().SourceLocations().ByDescriptor(d)
	if strings.TrimSpace(loc.LeadingComments) == "" {
		t.Error("WorkEngagementService has no leading comments in the embedded descriptors")
	}
	if _, err := (Resolver{}).FindDescriptorByName(protoreflect.FullName("grpc.health.v1.Health")); err != nil {
		t.Errorf("the health service is not found through GlobalFiles: %v", err)
	}
}
