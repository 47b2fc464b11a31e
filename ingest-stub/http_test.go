package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func serve(t *testing.T) (*httptest.Server, *Store, *Faults) {
	t.Helper()
	store, faults := NewStore(), NewFaults(1)
	server := httptest.NewServer(newInspectionHandler(store, faults))
	t.Cleanup(server.Close)
	return server, store, faults
}

func do(t *testing.T, method, url, body string) (int, map[string]interface{}) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]interface{}
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

func TestResults_ListsAndShowsStoredResults(t *testing.T) {
	server, store, _ := serve(t)
	store.Submit(request("t1", 2), time.Unix(1, 0), "")

	resp, err := http.Get(server.URL + "/results")
	if err != nil {
		t.Fatal(err)
	}
	var list []ResultSummary
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	code, one := do(t, http.MethodGet, server.URL+"/results/t1", "")

	if len(list) != 1 || list[0].TaskID != "t1" || list[0].PageCount != 2 {
		t.Fatalf("list = %+v", list)
	}
	pages := one["request"].(map[string]interface{})["document"].(map[string]interface{})["pages"].([]interface{})
	if code != http.StatusOK || one["deliveries"].(float64) != 1 || pages[0].(map[string]interface{})["text"] != "hello" {
		t.Fatalf("GET /results/t1 = %d %v", code, one)
	}
}

func TestResults_UnknownTaskIsNotFound(t *testing.T) {
	server, _, _ := serve(t)

	code, body := do(t, http.MethodGet, server.URL+"/results/nope", "")

	if code != http.StatusNotFound || !strings.Contains(body["error"].(string), "nope") {
		t.Fatalf("got %d %v", code, body)
	}
}

func TestFaults_SetsAndValidatesSettings(t *testing.T) {
	server, _, faults := serve(t)

	okCode, _ := do(t, http.MethodPut, server.URL+"/faults", `{"failure_rate":0.5,"latency_ms":20}`)
	badCode, bad := do(t, http.MethodPut, server.URL+"/faults", `{"failure_rate":2}`)
	unknownCode, _ := do(t, http.MethodPut, server.URL+"/faults", `{"failure":1}`)

	if okCode != http.StatusOK || badCode != http.StatusBadRequest || unknownCode != http.StatusBadRequest {
		t.Fatalf("codes = %d %d %d", okCode, badCode, unknownCode)
	}
	if !strings.Contains(bad["error"].(string), "failure_rate") {
		t.Fatalf("error = %v", bad)
	}
	if s, _ := faults.Get(); s != (FaultSettings{FailureRate: 0.5, LatencyMs: 20}) {
		t.Fatalf("settings = %+v; a rejected update must not change them", s)
	}
}

func TestResults_DeleteResetsTheStore(t *testing.T) {
	server, store, _ := serve(t)
	store.Submit(request("t1", 1), time.Unix(1, 0), "")

	code, _ := do(t, http.MethodDelete, server.URL+"/results", "")

	if code != http.StatusNoContent || store.Stats().Stored != 0 {
		t.Fatalf("code = %d, stats = %+v", code, store.Stats())
	}
}
