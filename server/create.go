package server

import (
	"context"
	"encoding/json"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
)

// CreateWorkEngagement implements accountsv1.WorkEngagementServiceServer.
// ValidationInterceptor has checked every writable field set, and skipped
// the rules of the read-only ones (readonly.go), which are not sent.
func (s *Server) CreateWorkEngagement(ctx context.Context, req *accountsv1.CreateWorkEngagementRequest) (*accountsv1.WorkEngagement, error) {
	body, err := createBody(req.GetWorkEngagement())
	if err != nil {
		return nil, errorStatus(ctx, err, "")
	}
	we := new(accountsv1.WorkEngagement)
	if err := s.pigello.CreateWorkEngagement(ctx, body, into(we)); err != nil {
		// Pigello names fields of the POST body, which is work_engagement.
		return nil, errorStatus(ctx, err, "work_engagement")
	}
	return we, nil
}

// createBody turns a create request into the POST body Pigello gets:
// exactly the writable fields the caller set (AIP-133), read-only ones
// ignored (AIP-203). A field the contract marks REQUIRED must be set.
func createBody(we *accountsv1.WorkEngagement) (json.RawMessage, error) {
	m := we.ProtoReflect()
	selected, violations := workEngagements.Create(m)
	if len(violations) > 0 {
		return nil, invalidFields(violations)
	}
	return workEngagements.Body(m, selected)
}
