package main

// Disk faults while the node runs: calls on matching files fail with EIO, as on a failing disk
// (Kafka takes the log dir offline on the first IOException). Set and cleared through the control
// socket; the counts of failed calls are the fault's proof that it struck.

import (
	"path/filepath"
	"sync"
	"syscall"
)

// ioRule says which calls fail on which files.
type ioRule struct {
	// A filepath.Match pattern on the path relative to the mount's root; empty for every file.
	Paths string `json:"paths"`
	// Among "read", "write", "fsync", "open".
	Calls []string `json:"calls"`
}

type ioFailures struct {
	mu     sync.Mutex
	rule   *ioRule
	failed map[string]int64
}

func newIOFailures() *ioFailures {
	return &ioFailures{failed: map[string]int64{}}
}

func (f *ioFailures) set(rule *ioRule) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rule = rule
	f.failed = map[string]int64{}
}

func (f *ioFailures) clear() map[string]int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rule = nil
	return f.failed
}

func (f *ioFailures) counts() map[string]int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int64{}
	for k, v := range f.failed {
		out[k] = v
	}
	return out
}

// check answers EIO when the rule covers this call on this file, and counts it.
func (f *ioFailures) check(rel, call string) syscall.Errno {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.rule == nil {
		return 0
	}
	covered := false
	for _, c := range f.rule.Calls {
		if c == call {
			covered = true
		}
	}
	if !covered {
		return 0
	}
	if f.rule.Paths != "" {
		if ok, _ := filepath.Match(f.rule.Paths, rel); !ok {
			return 0
		}
	}
	f.failed[call]++
	return syscall.EIO
}
