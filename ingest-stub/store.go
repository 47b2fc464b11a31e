package main

import (
	"sort"
	"sync"
	"time"

	ingestv1 "github.com/pdfaspire/ingest-stub/gen/ingestv1"
	"google.golang.org/protobuf/proto"
)

// Store keeps the first delivery of each task and counts the repeats, which is what lets a test prove
// "no task lost, no result stored twice" against an at-least-once worker.
type Store struct {
	mu          sync.Mutex
	results     map[string]*storedResult
	submissions int
}

type storedResult struct {
	request    *ingestv1.SubmitResultRequest
	deliveries int
	storedAt   time.Time
	// traceparent is the W3C trace context the first delivery arrived with, so tests can follow a trace end to end.
	traceparent string
}

// Delivery is what Submit tells the caller about one call.
type Delivery struct {
	Duplicate  bool
	Deliveries int
	StoredAt   time.Time
}

func NewStore() *Store {
	return &Store{results: map[string]*storedResult{}}
}

// Submit stores req unless its task id is already stored; either way the delivery is counted.
func (s *Store) Submit(req *ingestv1.SubmitResultRequest, now time.Time, traceparent string) Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.submissions++
	if r, ok := s.results[req.GetTaskId()]; ok {
		r.deliveries++
		return Delivery{Duplicate: true, Deliveries: r.deliveries, StoredAt: r.storedAt}
	}
	// Clone: the gRPC runtime may reuse the request after the handler returns.
	s.results[req.GetTaskId()] = &storedResult{
		request: proto.Clone(req).(*ingestv1.SubmitResultRequest), deliveries: 1, storedAt: now, traceparent: traceparent,
	}
	return Delivery{Deliveries: 1, StoredAt: now}
}

// ResultSummary is one row of the HTTP listing: everything but the page text.
type ResultSummary struct {
	TaskID      string `json:"task_id"`
	Bucket      string `json:"bucket"`
	ObjectKey   string `json:"object_key"`
	FileName    string `json:"file_name"`
	PageCount   int32  `json:"page_count"`
	FailedPages int    `json:"failed_pages"`
	// OcrPages were read by OCR; PagesWithoutText have neither a text layer nor OCR text (blank, or a scan not read).
	OcrPages         int       `json:"ocr_pages"`
	PagesWithoutText int       `json:"pages_without_text"`
	OcrConfidence    float32   `json:"ocr_confidence,omitempty"`
	Sha256           string    `json:"sha256"`
	SizeBytes        int64     `json:"size_bytes"`
	WorkerID         string    `json:"worker_id"`
	Attempt          int32     `json:"attempt"`
	Deliveries       int       `json:"deliveries"`
	StoredAt         time.Time `json:"stored_at"`
	Traceparent      string    `json:"traceparent,omitempty"`
}

// Stats sums up everything received.
type Stats struct {
	Stored      int `json:"stored"`
	Submissions int `json:"submissions"`
	Duplicates  int `json:"duplicates"`
}

// List returns a summary of every stored result, oldest first.
func (s *Store) List() []ResultSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ResultSummary, 0, len(s.results))
	for id, r := range s.results {
		out = append(out, summarize(id, r))
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].StoredAt.Equal(out[j].StoredAt) {
			return out[i].TaskID < out[j].TaskID
		}
		return out[i].StoredAt.Before(out[j].StoredAt)
	})
	return out
}

// Get returns the stored request for one task and its delivery count.
func (s *Store) Get(taskID string) (*ingestv1.SubmitResultRequest, int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.results[taskID]
	if !ok {
		return nil, 0, false
	}
	return r.request, r.deliveries, true
}

func (s *Store) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Stats{Stored: len(s.results), Submissions: s.submissions, Duplicates: s.submissions - len(s.results)}
}

// Reset forgets everything, for benchmarks that reuse one stub across runs.
func (s *Store) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.results = map[string]*storedResult{}
	s.submissions = 0
}

func summarize(id string, r *storedResult) ResultSummary {
	doc := r.request.GetDocument()
	failed, ocr, empty := 0, 0, 0
	var confidence float32
	for _, p := range doc.GetPages() {
		if p.GetStatus() == ingestv1.PageStatus_PAGE_STATUS_FAILED {
			failed++
		}
		switch p.GetSource() {
		case ingestv1.PageTextSource_PAGE_TEXT_SOURCE_OCR:
			ocr++
			confidence += p.GetOcrConfidence()
		case ingestv1.PageTextSource_PAGE_TEXT_SOURCE_NONE:
			empty++
		}
	}
	if ocr > 0 {
		confidence /= float32(ocr)
	}
	return ResultSummary{
		TaskID:           id,
		Bucket:           r.request.GetSource().GetBucket(),
		ObjectKey:        r.request.GetSource().GetObjectKey(),
		FileName:         r.request.GetFileName(),
		PageCount:        doc.GetPageCount(),
		FailedPages:      failed,
		OcrPages:         ocr,
		PagesWithoutText: empty,
		OcrConfidence:    confidence,
		Sha256:           doc.GetSha256(),
		SizeBytes:        doc.GetSizeBytes(),
		WorkerID:         r.request.GetWorkerId(),
		Attempt:          r.request.GetAttempt(),
		Deliveries:       r.deliveries,
		StoredAt:         r.storedAt,
		Traceparent:      r.traceparent,
	}
}
