// unsynced-fs mounts a directory that forgets, on a power cut, what was not fsynced: the harness
// mounts one over a node's data dir, and `power-loss` cuts it after killing the node.
//
//	unsynced-fs -backing DIR -mount DIR -report FILE [-keep DIR] [-control SOCKET] [-trace FILE]
//
// SIGUSR1 is the power cut: nothing more reaches the backing dir, the mount goes away, the backing
// dir is put back to what was synced, the report (JSON) says what was discarded, and the program
// exits 0. SIGTERM or SIGINT unmount and exit keeping everything, as a clean shutdown would.
// The control socket sets disk faults while the node runs (control.go). -trace records every change
// in order, for the crash-point test (trace.go).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// FS_NAME marks this program's mounts in /proc/self/mountinfo, so leftovers can be found and swept.
const FS_NAME = "kafka-chaos-unsynced"

// MOUNTED_LINE starts the line printed once the mount is ready (harness/runtime/unsynced-disk.ts
// waits for it: the mount shows in mountinfo before go-fuse has finished setting it up).
const MOUNTED_LINE = "mounted "

func main() {
	backing := flag.String("backing", "", "the directory that holds the data")
	mount := flag.String("mount", "", "where to mount it")
	report := flag.String("report", "", "where to write what a power cut discarded (JSON)")
	keep := flag.String("keep", "", "where to copy the bytes a power cut discarded")
	control := flag.String("control", "", "a Unix socket for disk faults (control.go)")
	trace := flag.String("trace", "", "record every change in this file, with the written bytes in FILE.data (trace.go)")
	debug := flag.Bool("debug", false, "log every FUSE request")
	flag.Parse()
	if *backing == "" || *mount == "" || *report == "" {
		fmt.Fprintln(os.Stderr, "usage: unsynced-fs -backing DIR -mount DIR -report FILE [-keep DIR]")
		os.Exit(2)
	}
	if err := run(*backing, *mount, *report, *keep, *control, *trace, *debug); err != nil {
		fmt.Fprintf(os.Stderr, "unsynced-fs: %v\n", err)
		os.Exit(1)
	}
}

func run(backing, mount, report, keep, control, traceFile string, debug bool) (err error) {
	backing, _ = filepath.Abs(backing)
	mount, _ = filepath.Abs(mount)
	if err := mkdirAll(backing, mount); err != nil {
		return err
	}
	j := newJournal(backing)
	failures := newIOFailures()
	var trace *tracer
	if traceFile != "" {
		if trace, err = newTracer(traceFile, backing); err != nil {
			return err
		}
		defer func() {
			if closeErr := trace.close(); closeErr != nil && err == nil {
				err = fmt.Errorf("the trace %s is incomplete: %w", traceFile, closeErr)
			}
		}()
	}
	root, err := newRoot(j, failures, trace)
	if err != nil {
		return err
	}
	if control != "" {
		stop, err := serveControl(control, failures)
		if err != nil {
			return fmt.Errorf("control socket %s: %w", control, err)
		}
		defer stop()
	}
	// Signals are taken before the mount: go-fuse's mount holds a file open on the new mount until
	// it returns, and a process ended by SIGTERM's default action in that moment closes the file
	// at exit by asking itself, which no longer answers: it never finishes exiting.
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGUSR1, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)
	timeout := time.Second
	server, err := fs.Mount(mount, root, &fs.Options{
		AttrTimeout:  &timeout,
		EntryTimeout: &timeout,
		MountOptions: fuse.MountOptions{
			// Root mounts with mount(2) itself: no fusermount needed. Others in containers (Kafka's
			// image runs as a user of its own) reach it too.
			DirectMount: true,
			AllowOther:  true,
			FsName:      FS_NAME,
			Name:        "unsynced",
			Debug:       debug,
		},
	})
	if err != nil {
		return fmt.Errorf("mount %s on %s: %w", backing, mount, err)
	}
	fmt.Printf("%s%s on %s\n", MOUNTED_LINE, backing, mount)

	served := make(chan struct{})
	go func() {
		server.Wait()
		close(served)
	}()

	select {
	case <-served:
		// Unmounted by someone else (umount -l by the harness's reaper): nothing to discard.
		return nil
	case sig := <-signals:
		if sig != syscall.SIGUSR1 {
			unmount(server, mount)
			<-served
			return nil
		}
	}

	j.cut()
	unmount(server, mount)
	<-served
	result, err := j.discard(keep)
	if err != nil {
		return fmt.Errorf("discarding unsynced data: %w", err)
	}
	data, _ := json.MarshalIndent(result, "", "  ")
	tmp := report + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, report); err != nil {
		return err
	}
	fmt.Printf("power cut: %d files back to their synced bytes, %d unsynced names removed, %d writes refused\n", len(result.Files), len(result.Entries), result.RefusedWrites)
	return nil
}

// unmount detaches the mount even while something still holds it (a killed node's files are
// closed by the kernel, but a lazy detach never waits for that).
func unmount(server *fuse.Server, mount string) {
	if err := server.Unmount(); err != nil {
		_ = syscall.Unmount(mount, syscall.MNT_DETACH)
	}
}
