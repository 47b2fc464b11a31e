module github.com/pdfaspire/ingest-stub

// The same versions Debian 12 packages (golang-google-grpc-dev, golang-google-protobuf-dev,
// golang-github-golang-protobuf-1-5-dev), so the GOPATH build in local mode and this module build compile
// the same code against the same libraries.
go 1.19

require (
	github.com/golang/protobuf v1.5.2
	google.golang.org/grpc v1.33.3
	google.golang.org/protobuf v1.28.1
)
