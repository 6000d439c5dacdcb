// Package server implements pigello.accounts.v1.WorkEngagementService on top
// of Pigello's REST API.
//
// Each RPC validates its request, makes one call through package upstream and
// returns the answer. Proto types stay in this package; upstream knows only
// JSON. The contract's descriptors say how a message maps to Pigello's JSON
// (package schema, used in convert.go and mask.go). This package is the one
// place where errors become gRPC statuses (errors.go).
package server

import (
	"context"
	"errors"
	"net/http"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"github.com/pigello-facade/pigello-facade/upstream"
	"google.golang.org/protobuf/types/known/emptypb"
)

// Server serves WorkEngagementService by calling Pigello.
type Server struct {
	accountsv1.UnimplementedWorkEngagementServiceServer

	pigello *upstream.Client
}

var _ accountsv1.WorkEngagementServiceServer = (*Server)(nil)

// New returns a Server that calls Pigello through pigello.
func New(pigello *upstream.Client) *Server {
	return &Server{pigello: pigello}
}

// GetWorkEngagement implements accountsv1.WorkEngagementServiceServer.
func (s *Server) GetWorkEngagement(ctx context.Context, req *accountsv1.GetWorkEngagementRequest) (*accountsv1.WorkEngagement, error) {
	we := new(accountsv1.WorkEngagement)
	if err := s.pigello.GetWorkEngagement(ctx, req.GetId(), into(we)); err != nil {
		return nil, errorStatus(ctx, err, "")
	}
	return we, nil
}

// UpdateWorkEngagement implements accountsv1.WorkEngagementServiceServer.
func (s *Server) UpdateWorkEngagement(ctx context.Context, req *accountsv1.UpdateWorkEngagementRequest) (*accountsv1.WorkEngagement, error) {
	patch, err := patchFor(req.GetWorkEngagement(), req.GetUpdateMask())
	if err != nil {
		return nil, errorStatus(ctx, err, "")
	}
	we := new(accountsv1.WorkEngagement)
	if err := s.pigello.UpdateWorkEngagement(ctx, req.GetWorkEngagement().GetId(), patch, into(we)); err != nil {
		// Pigello names fields of the PATCH body, which is work_engagement.
		return nil, errorStatus(ctx, err, "work_engagement")
	}
	return we, nil
}

// DeleteWorkEngagement implements accountsv1.WorkEngagementServiceServer.
func (s *Server) DeleteWorkEngagement(ctx context.Context, req *accountsv1.DeleteWorkEngagementRequest) (*emptypb.Empty, error) {
	err := s.pigello.DeleteWorkEngagement(ctx, req.GetId())
	if err != nil && !(req.GetAllowMissing() && isNotFound(err)) {
		return nil, errorStatus(ctx, err, "")
	}
	return &emptypb.Empty{}, nil
}

func isNotFound(err error) bool {
	var ue *upstream.Error
	return errors.As(err, &ue) && ue.StatusCode == http.StatusNotFound
}
