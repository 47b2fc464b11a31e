// Command ingest-stub stands in for PdfAspire's Go ingest service: it serves pdfaspire.ingest.v1.IngestService
// over gRPC, stores each task's result once, and exposes an HTTP port to inspect what arrived and to inject faults.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	ingestv1 "github.com/pdfaspire/ingest-stub/gen/ingestv1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
)

func main() {
	grpcPort := flag.Int("grpc-port", envInt("GRPC_PORT", 50051), "gRPC port (env GRPC_PORT)")
	httpPort := flag.Int("http-port", envInt("HTTP_PORT", 8080), "inspection and fault-injection HTTP port (env HTTP_PORT)")
	bind := flag.String("bind", envString("BIND_ADDRESS", ""), "address to listen on; empty means all interfaces (env BIND_ADDRESS)")
	maxMessageMB := flag.Int("max-message-mb", envInt("MAX_MESSAGE_MB", 64), "largest SubmitResult accepted, in MiB")
	flag.Parse()

	store, faults := NewStore(), NewFaults(time.Now().UnixNano())
	grpcServer := newGRPCServer(store, faults, *maxMessageMB<<20)

	grpcListener, err := net.Listen("tcp", net.JoinHostPort(*bind, strconv.Itoa(*grpcPort)))
	if err != nil {
		log.Fatalf("cannot listen for gRPC: %v", err)
	}
	httpServer := &http.Server{
		Addr:              net.JoinHostPort(*bind, strconv.Itoa(*httpPort)),
		Handler:           newInspectionHandler(store, faults),
		ReadHeaderTimeout: 5 * time.Second,
	}

	go func() {
		if err := httpServer.ListenAndServe(); err != nil && err != http.ErrServerClosed {
			log.Fatalf("HTTP server failed: %v", err)
		}
	}()
	go func() {
		if err := grpcServer.Serve(grpcListener); err != nil {
			log.Fatalf("gRPC server failed: %v", err)
		}
	}()
	log.Printf("ingest-stub: gRPC on %s, HTTP on %s", grpcListener.Addr(), httpServer.Addr)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	sig := <-stop
	log.Printf("ingest-stub: %v received, stopping", sig)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = httpServer.Shutdown(ctx)
	grpcServer.GracefulStop()
}

func newGRPCServer(store *Store, faults *Faults, maxMessageBytes int) *grpc.Server {
	server := grpc.NewServer(grpc.MaxRecvMsgSize(maxMessageBytes))
	ingestv1.RegisterIngestServiceServer(server, &ingestServer{store: store, faults: faults, now: time.Now})
	healthServer := health.NewServer()
	healthServer.SetServingStatus("", healthpb.HealthCheckResponse_SERVING)
	healthServer.SetServingStatus("pdfaspire.ingest.v1.IngestService", healthpb.HealthCheckResponse_SERVING)
	healthpb.RegisterHealthServer(server, healthServer)
	reflection.Register(server)
	return server
}

func envInt(name string, fallback int) int {
	if v, ok := os.LookupEnv(name); ok {
		n, err := strconv.Atoi(v)
		if err != nil {
			fmt.Fprintf(os.Stderr, "ingest-stub: %s=%q is not a number\n", name, v)
			os.Exit(2)
		}
		return n
	}
	return fallback
}

func envString(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}
