package main

import (
	"context"
	"errors"
	"log"
	"time"

	ingestv1 "github.com/pdfaspire/ingest-stub/gen/ingestv1"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// ingestServer implements pdfaspire.ingest.v1.IngestService over a Store.
type ingestServer struct {
	ingestv1.UnimplementedIngestServiceServer
	store  *Store
	faults *Faults
	now    func() time.Time
}

func (s *ingestServer) SubmitResult(ctx context.Context, req *ingestv1.SubmitResultRequest) (*ingestv1.SubmitResultResponse, error) {
	if req.GetTaskId() == "" {
		return nil, status.Error(codes.InvalidArgument, "task_id is required")
	}
	if err := s.faults.Apply(ctx); err != nil {
		if errors.Is(err, errInjectedFailure) {
			return nil, status.Error(codes.Unavailable, "ingest unavailable (injected fault)")
		}
		// The caller gave up while we were slow on purpose.
		if errors.Is(err, context.DeadlineExceeded) {
			return nil, status.Error(codes.DeadlineExceeded, err.Error())
		}
		return nil, status.Error(codes.Canceled, err.Error())
	}
	d := s.store.Submit(req, s.now(), traceparent(ctx))
	if d.Duplicate {
		log.Printf("duplicate delivery task_id=%s deliveries=%d", req.GetTaskId(), d.Deliveries)
	}
	return &ingestv1.SubmitResultResponse{
		Duplicate:  d.Duplicate,
		Deliveries: int32(d.Deliveries),
		StoredAt:   timestamppb.New(d.StoredAt),
	}, nil
}

// traceparent returns the W3C trace context header the call carried, if any.
func traceparent(ctx context.Context) string {
	md, _ := metadata.FromIncomingContext(ctx)
	if values := md.Get("traceparent"); len(values) > 0 {
		return values[0]
	}
	return ""
}
