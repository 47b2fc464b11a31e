package main

import (
	"context"
	"net"
	"testing"
	"time"

	ingestv1 "github.com/pdfaspire/ingest-stub/gen/ingestv1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
)

// dial starts the real gRPC server on an in-memory listener and returns a connection to it.
func dial(t *testing.T, store *Store, faults *Faults) *grpc.ClientConn {
	t.Helper()
	listener := bufconn.Listen(1 << 20)
	server := newGRPCServer(store, faults, 4<<20)
	go func() { _ = server.Serve(listener) }()
	t.Cleanup(server.Stop)
	conn, err := grpc.Dial("bufnet",
		grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return listener.Dial() }),
		grpc.WithInsecure())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

func withTimeout(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestSubmitResult_StoresOnceAndReportsDuplicates(t *testing.T) {
	store := NewStore()
	client := ingestv1.NewIngestServiceClient(dial(t, store, NewFaults(1)))
	ctx := withTimeout(t)

	first, err := client.SubmitResult(ctx, request("t1", 2))
	if err != nil {
		t.Fatal(err)
	}
	again, err := client.SubmitResult(ctx, request("t1", 2))
	if err != nil {
		t.Fatal(err)
	}

	if first.GetDuplicate() || !again.GetDuplicate() || again.GetDeliveries() != 2 {
		t.Fatalf("first = %v, again = %v", first, again)
	}
	if got := store.Stats(); got.Stored != 1 || got.Duplicates != 1 {
		t.Fatalf("stats = %+v", got)
	}
}

func TestSubmitResult_RejectsMissingTaskID(t *testing.T) {
	client := ingestv1.NewIngestServiceClient(dial(t, NewStore(), NewFaults(1)))

	_, err := client.SubmitResult(withTimeout(t), &ingestv1.SubmitResultRequest{})

	if status.Code(err) != codes.InvalidArgument {
		t.Fatalf("err = %v, want InvalidArgument", err)
	}
}

func TestSubmitResult_FailsUnavailableWhenFaultInjected(t *testing.T) {
	store, faults := NewStore(), NewFaults(1)
	client := ingestv1.NewIngestServiceClient(dial(t, store, faults))
	if err := faults.Set(FaultSettings{FailureRate: 1}); err != nil {
		t.Fatal(err)
	}

	_, err := client.SubmitResult(withTimeout(t), request("t1", 1))

	if status.Code(err) != codes.Unavailable {
		t.Fatalf("err = %v, want Unavailable", err)
	}
	if got := store.Stats(); got.Stored != 0 {
		t.Fatalf("a failed call stored a result: %+v", got)
	}
}

func TestSubmitResult_ReturnsDeadlineExceededWhenSlowerThanTheCaller(t *testing.T) {
	faults := NewFaults(1)
	client := ingestv1.NewIngestServiceClient(dial(t, NewStore(), faults))
	if err := faults.Set(FaultSettings{LatencyMs: 10_000}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()

	_, err := client.SubmitResult(ctx, request("t1", 1))

	if status.Code(err) != codes.DeadlineExceeded {
		t.Fatalf("err = %v, want DeadlineExceeded", err)
	}
}

func TestHealth_ServesOverallAndIngestService(t *testing.T) {
	client := healthpb.NewHealthClient(dial(t, NewStore(), NewFaults(1)))

	for _, service := range []string{"", "pdfaspire.ingest.v1.IngestService"} {
		resp, err := client.Check(withTimeout(t), &healthpb.HealthCheckRequest{Service: service})
		if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
			t.Fatalf("health(%q) = %v, %v", service, resp, err)
		}
	}
}

func TestSubmitResult_KeepsTheCallersTraceparent(t *testing.T) {
	store := NewStore()
	client := ingestv1.NewIngestServiceClient(dial(t, store, NewFaults(1)))
	const tp = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
	ctx := metadata.AppendToOutgoingContext(withTimeout(t), "traceparent", tp)

	if _, err := client.SubmitResult(ctx, request("traced", 1)); err != nil {
		t.Fatal(err)
	}

	if got := store.List(); len(got) != 1 || got[0].Traceparent != tp {
		t.Fatalf("list = %+v, want the traceparent %s kept", got, tp)
	}
}
