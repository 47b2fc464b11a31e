package main

import (
	"testing"
	"time"

	ingestv1 "github.com/pdfaspire/ingest-stub/gen/ingestv1"
)

func request(taskID string, pages int32) *ingestv1.SubmitResultRequest {
	return &ingestv1.SubmitResultRequest{
		TaskId: taskID,
		Source: &ingestv1.ObjectLocation{Bucket: "pdf-uploads", ObjectKey: taskID + ".pdf"},
		Document: &ingestv1.ExtractedDocument{
			PageCount: pages,
			Pages: []*ingestv1.PageText{
				{Number: 1, Status: ingestv1.PageStatus_PAGE_STATUS_OK, Text: "hello"},
				{Number: 2, Status: ingestv1.PageStatus_PAGE_STATUS_FAILED, Error: "bad content stream"},
			},
			Sha256: "abc",
		},
	}
}

func TestSubmit_StoresFirstDeliveryAndCountsRepeats(t *testing.T) {
	store := NewStore()
	t0 := time.Unix(100, 0)

	first := store.Submit(request("t1", 2), t0, "")
	second := store.Submit(request("t1", 99), t0.Add(time.Second), "")

	if first.Duplicate || first.Deliveries != 1 {
		t.Fatalf("first delivery = %+v, want new with 1 delivery", first)
	}
	if !second.Duplicate || second.Deliveries != 2 || !second.StoredAt.Equal(t0) {
		t.Fatalf("second delivery = %+v, want duplicate with 2 deliveries stored at t0", second)
	}
	stored, deliveries, ok := store.Get("t1")
	if !ok || deliveries != 2 || stored.GetDocument().GetPageCount() != 2 {
		t.Fatalf("stored = %v, %d, %v; want the first request kept with 2 deliveries", stored, deliveries, ok)
	}
	if got := store.Stats(); got != (Stats{Stored: 1, Submissions: 2, Duplicates: 1}) {
		t.Fatalf("stats = %+v", got)
	}
}

func TestList_SummarizesOldestFirstWithFailedPages(t *testing.T) {
	store := NewStore()
	store.Submit(request("late", 2), time.Unix(200, 0), "")
	store.Submit(request("early", 2), time.Unix(100, 0), "")

	list := store.List()

	if len(list) != 2 || list[0].TaskID != "early" || list[1].TaskID != "late" {
		t.Fatalf("list = %+v, want early then late", list)
	}
	if list[0].FailedPages != 1 || list[0].PageCount != 2 || list[0].ObjectKey != "early.pdf" {
		t.Fatalf("summary = %+v", list[0])
	}
}

func TestList_CountsPagesByHowTheirTextWasObtained(t *testing.T) {
	store := NewStore()
	req := request("scans", 4)
	req.Document.Pages = []*ingestv1.PageText{
		{Number: 1, Status: ingestv1.PageStatus_PAGE_STATUS_OK, Text: "typed", Source: ingestv1.PageTextSource_PAGE_TEXT_SOURCE_TEXT_LAYER},
		{Number: 2, Status: ingestv1.PageStatus_PAGE_STATUS_OK, Text: "scanned", Source: ingestv1.PageTextSource_PAGE_TEXT_SOURCE_OCR, OcrConfidence: 90},
		{Number: 3, Status: ingestv1.PageStatus_PAGE_STATUS_OK, Text: "also scanned", Source: ingestv1.PageTextSource_PAGE_TEXT_SOURCE_OCR, OcrConfidence: 80},
		{Number: 4, Status: ingestv1.PageStatus_PAGE_STATUS_OK, Source: ingestv1.PageTextSource_PAGE_TEXT_SOURCE_NONE},
	}
	store.Submit(req, time.Unix(100, 0), "")

	summary := store.List()[0]

	if summary.OcrPages != 2 || summary.PagesWithoutText != 1 || summary.OcrConfidence != 85 {
		t.Fatalf("summary = %+v, want 2 OCR pages at a mean confidence of 85 and 1 without text", summary)
	}
}

func TestReset_ForgetsEverything(t *testing.T) {
	store := NewStore()
	store.Submit(request("t1", 1), time.Unix(1, 0), "")

	store.Reset()

	if got := store.Stats(); got != (Stats{}) {
		t.Fatalf("stats after reset = %+v", got)
	}
}
