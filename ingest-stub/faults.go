package main

import (
	"context"
	"errors"
	"math/rand"
	"sync"
	"time"
)

// FaultSettings are injected by tests over HTTP to make ingest fail or slow, as a real outage would.
type FaultSettings struct {
	// FailureRate is the share of SubmitResult calls answered UNAVAILABLE, from 0 to 1.
	FailureRate float64 `json:"failure_rate"`
	// LatencyMs delays every SubmitResult call before it is answered.
	LatencyMs int `json:"latency_ms"`
}

func (f FaultSettings) validate() error {
	if f.FailureRate < 0 || f.FailureRate > 1 {
		return errors.New("failure_rate must be between 0 and 1")
	}
	if f.LatencyMs < 0 || f.LatencyMs > 600_000 {
		return errors.New("latency_ms must be between 0 and 600000")
	}
	return nil
}

// Faults holds the current settings and decides, per call, whether to fail.
type Faults struct {
	mu       sync.Mutex
	settings FaultSettings
	rng      *rand.Rand
	injected int
}

func NewFaults(seed int64) *Faults {
	return &Faults{rng: rand.New(rand.NewSource(seed))}
}

func (f *Faults) Set(s FaultSettings) error {
	if err := s.validate(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.settings = s
	return nil
}

func (f *Faults) Get() (FaultSettings, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.settings, f.injected
}

// errInjectedFailure marks a call failed on purpose.
var errInjectedFailure = errors.New("injected failure")

// Apply waits the configured latency (or until ctx ends) and then fails the call at the configured rate.
func (f *Faults) Apply(ctx context.Context) error {
	f.mu.Lock()
	s := f.settings
	fail := s.FailureRate > 0 && f.rng.Float64() < s.FailureRate
	if fail {
		f.injected++
	}
	f.mu.Unlock()
	if s.LatencyMs > 0 {
		t := time.NewTimer(time.Duration(s.LatencyMs) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if fail {
		return errInjectedFailure
	}
	return nil
}
