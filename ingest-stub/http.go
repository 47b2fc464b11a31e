package main

import (
	"encoding/json"
	"net/http"
	"strings"

	"google.golang.org/protobuf/encoding/protojson"
)

// newInspectionHandler serves what tests and operators need to see and steer the stub:
//
//	GET  /healthz              liveness
//	GET  /results              every stored result, without page text
//	GET  /results/{task_id}    one stored result in full (protobuf JSON), with its delivery count
//	GET  /stats                stored, submissions, duplicates
//	GET  /faults, PUT /faults  the injected failure rate and latency
//	DELETE /results            forget everything (benchmarks reuse one stub)
func newInspectionHandler(store *Store, faults *Faults) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok"))
	})
	mux.HandleFunc("/stats", func(w http.ResponseWriter, r *http.Request) {
		if !allow(w, r, http.MethodGet) {
			return
		}
		writeJSON(w, http.StatusOK, store.Stats())
	})
	mux.HandleFunc("/results", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			writeJSON(w, http.StatusOK, store.List())
		case http.MethodDelete:
			store.Reset()
			w.WriteHeader(http.StatusNoContent)
		default:
			allow(w, r, http.MethodGet, http.MethodDelete)
		}
	})
	mux.HandleFunc("/results/", func(w http.ResponseWriter, r *http.Request) {
		if !allow(w, r, http.MethodGet) {
			return
		}
		serveResult(w, store, strings.TrimPrefix(r.URL.Path, "/results/"))
	})
	mux.HandleFunc("/faults", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case http.MethodGet:
			s, injected := faults.Get()
			writeJSON(w, http.StatusOK, map[string]interface{}{"failure_rate": s.FailureRate, "latency_ms": s.LatencyMs, "injected_failures": injected})
		case http.MethodPut, http.MethodPost:
			var s FaultSettings
			dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4096))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&s); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid fault settings: " + err.Error()})
				return
			}
			if err := faults.Set(s); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
				return
			}
			writeJSON(w, http.StatusOK, s)
		default:
			allow(w, r, http.MethodGet, http.MethodPut, http.MethodPost)
		}
	})
	return mux
}

func serveResult(w http.ResponseWriter, store *Store, taskID string) {
	req, deliveries, ok := store.Get(taskID)
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "no result for task " + taskID})
		return
	}
	body, err := protojson.MarshalOptions{UseProtoNames: true}.Marshal(req)
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]interface{}{"deliveries": deliveries, "request": json.RawMessage(body)})
}

func allow(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	for _, m := range methods {
		if r.Method == m {
			return true
		}
	}
	w.Header().Set("Allow", strings.Join(methods, ", "))
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "method not allowed"})
	return false
}

func writeJSON(w http.ResponseWriter, code int, v interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
