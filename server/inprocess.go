package server

import (
	"context"

	accountsv1 "github.com/pigello-facade/pigello-facade/gen/pigello/accounts/v1"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// NewInProcess returns svc for callers in the same process, the REST
// gateway: each method passes the same interceptors as a call to the gRPC
// server NewGRPCServer builds from cfg (request id, metrics, logging, panic
// guard, tokens, deadline, pass-through credentials, validation), then svc.
// What it leaves out is the transport: no connection, no HTTP/2 framing and
// no second encoding and decoding of each message, which cost the REST path
// about as much again as the gRPC path (bench/README.md). cfg's
// The gRPC-only interceptors, ServerOptions and StreamInterceptors do not
// apply.
//
// Interceptors see what the gateway puts in the context: the incoming
// metadata made from the request's headers, and a grpc.ServerTransportStream
// that takes grpc.SetHeader.
func NewInProcess(svc *Server, cfg Config) accountsv1.WorkEngagementServiceServer {
	return &inProcess{svc: svc, interceptors: cfg.unaryInterceptors()}
}

type inProcess struct {
	accountsv1.UnimplementedWorkEngagementServiceServer // every method is overridden below

	svc          *Server
	interceptors []grpc.UnaryServerInterceptor
}

func (p *inProcess) CreateWorkEngagement(ctx context.Context, req *accountsv1.CreateWorkEngagementRequest) (*accountsv1.WorkEngagement, error) {
	return invoke(ctx, p, accountsv1.WorkEngagementService_CreateWorkEngagement_FullMethodName, req, p.svc.CreateWorkEngagement)
}

func (p *inProcess) GetWorkEngagement(ctx context.Context, req *accountsv1.GetWorkEngagementRequest) (*accountsv1.WorkEngagement, error) {
	return invoke(ctx, p, accountsv1.WorkEngagementService_GetWorkEngagement_FullMethodName, req, p.svc.GetWorkEngagement)
}

func (p *inProcess) UpdateWorkEngagement(ctx context.Context, req *accountsv1.UpdateWorkEngagementRequest) (*accountsv1.WorkEngagement, error) {
	return invoke(ctx, p, accountsv1.WorkEngagementService_UpdateWorkEngagement_FullMethodName, req, p.svc.UpdateWorkEngagement)
}

func (p *inProcess) DeleteWorkEngagement(ctx context.Context, req *accountsv1.DeleteWorkEngagementRequest) (*emptypb.Empty, error) {
	return invoke(ctx, p, accountsv1.WorkEngagementService_DeleteWorkEngagement_FullMethodName, req, p.svc.DeleteWorkEngagement)
}

func (p *inProcess) ListWorkEngagements(ctx context.Context, req *accountsv1.ListWorkEngagementsRequest) (*accountsv1.ListWorkEngagementsResponse, error) {
	return invoke(ctx, p, accountsv1.WorkEngagementService_ListWorkEngagements_FullMethodName, req, p.svc.ListWorkEngagements)
}

// invoke runs method's call through the interceptors, outermost first, as
// grpc-go's chained interceptors do.
func invoke[Req, Resp any](ctx context.Context, p *inProcess, method string, req Req, call func(context.Context, Req) (Resp, error)) (Resp, error) {
	info := &grpc.UnaryServerInfo{Server: p.svc, FullMethod: method}
	handler := grpc.UnaryHandler(func(ctx context.Context, req any) (any, error) {
		return call(ctx, req.(Req))
	})
	for i := len(p.interceptors) - 1; i >= 0; i-- {
		interceptor, next := p.interceptors[i], handler
		handler = func(ctx context.Context, req any) (any, error) {
			return interceptor(ctx, req, info, next)
		}
	}
	resp, err := handler(ctx, req)
	if err != nil {
		var zero Resp
		return zero, err
	}
	out, _ := resp.(Resp) // a nil from an interceptor stays the zero Resp
	return out, nil
}
