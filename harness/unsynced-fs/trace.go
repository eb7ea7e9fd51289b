package main

// The trace (-trace FILE): every change that reached the backing dir through the mount, in the
// order the calls completed, one JSON line each, with the written bytes in FILE.data. From it the
// harness rebuilds the disk a power cut at any point of the run would have left
// (harness/crash-points/), which a live process cannot give: it can be cut only where it happens
// to be. A call is traced after it succeeded, under one lock: a call the program made after
// another returned comes after it in the trace.
//
// The trace opens with one "base" line per file and directory already in the backing dir (what
// a power cut keeps of them is what they hold then), bytes included.

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"syscall"
)

// traceOp is one line of the trace. Files are named by their backing inode number (`ino`), which
// a rename keeps; `path` is where the name was at the time.
type traceOp struct {
	Op   string `json:"op"`
	Path string `json:"path,omitempty"`
	To   string `json:"to,omitempty"`
	Ino  uint64 `json:"ino,omitempty"`
	Dir  bool   `json:"dir,omitempty"`
	// write: where in the file, how many bytes, and where they are in the data file.
	Off int64 `json:"off,omitempty"`
	Len int64 `json:"len,omitempty"`
	At  int64 `json:"at,omitempty"`
	// truncate: the new size.
	Size int64 `json:"size,omitempty"`
}

type tracer struct {
	mu    sync.Mutex
	ops   *os.File
	data  *os.File
	at    int64
	count int64
	err   error
}

// newTracer starts the trace with the backing dir's contents as they are now.
func newTracer(file, backing string) (*tracer, error) {
	ops, err := os.OpenFile(file, os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	data, err := os.OpenFile(file+".data", os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		ops.Close()
		return nil, err
	}
	t := &tracer{ops: ops, data: data}
	err = filepath.Walk(backing, func(p string, fi os.FileInfo, err error) error {
		if err != nil || p == backing {
			return err
		}
		rel, _ := filepath.Rel(backing, p)
		sys, _ := fi.Sys().(*syscall.Stat_t)
		op := traceOp{Op: "base", Path: rel, Dir: fi.IsDir()}
		if sys != nil {
			op.Ino = sys.Ino
		}
		if fi.Mode().IsRegular() {
			content, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			op.At, op.Len = t.at, int64(len(content))
			if err := t.appendData(content); err != nil {
				return err
			}
		}
		return t.appendOp(op)
	})
	if err != nil {
		t.close()
		return nil, fmt.Errorf("tracing what %s holds: %w", backing, err)
	}
	return t, nil
}

func (t *tracer) appendData(b []byte) error {
	n, err := t.data.Write(b)
	t.at += int64(n)
	return err
}

func (t *tracer) appendOp(op traceOp) error {
	line, _ := json.Marshal(op)
	_, err := t.ops.Write(append(line, '\n'))
	t.count++
	return err
}

// record adds one completed call, with `data` for a write. A failure to trace is kept and
// reported at exit: a trace with a hole would rebuild disks that never existed.
func (t *tracer) record(op traceOp, data []byte) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.err != nil {
		return
	}
	if data != nil {
		op.At, op.Len = t.at, int64(len(data))
		if err := t.appendData(data); err != nil {
			t.err = err
			return
		}
	}
	if err := t.appendOp(op); err != nil {
		t.err = err
	}
}

// close ends the trace; the error is the first one met while tracing.
func (t *tracer) close() error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, f := range []io.Closer{t.ops, t.data} {
		if err := f.Close(); err != nil && t.err == nil {
			t.err = err
		}
	}
	return t.err
}
