package main

// The journal knows, for every file and directory changed through the mount, what a power cut
// would leave of it: a file keeps the bytes and the size it had at its last fsync (or fdatasync),
// a directory keeps only the entries it had at its last fsync. Writes go through to the backing
// directory at once, so reads need no cache; before a write overwrites bytes that were synced,
// the journal saves them, so that a power loss can put them back.
//
// Deliberate simplifications, each in the direction of keeping more than strict POSIX would (so
// that a loss this filesystem shows is one a real disk could show too):
//   - unlink, rmdir and rename are durable at once; only the creation of a name waits for the
//     fsync of its directory (a new segment file, a new partition dir, a temp checkpoint file);
//   - so a renamed name is durable under its new name, even one created since its directory's
//     last fsync (a checkpoint's temp file renamed over the checkpoint: POSIX leaves the old or
//     the new file there after a crash, never neither); names inside a renamed directory keep
//     their state.

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// span is a range of a file's synced bytes saved before they were overwritten or truncated away.
type span struct {
	off  int64
	data []byte
}

// fileState is what a power cut would leave of one file (by backing inode number).
type fileState struct {
	syncedSize int64
	saved      []span
	// Bytes written or truncated since the last sync: the evidence that something is at stake.
	unsyncedWrites int64
}

type journal struct {
	mu      sync.Mutex
	backing string
	files   map[uint64]*fileState
	// Names (relative to the mount's root) created since the last fsync of their directory.
	newEntries map[string]bool
	// Set by a power cut: from then on nothing reaches the backing dir.
	crashed bool
	// Writes refused after the power cut (the kernel writing back dirty mmap pages, a late flush).
	refused int64
	syncs   int64
}

func newJournal(backing string) *journal {
	return &journal{backing: backing, files: map[uint64]*fileState{}, newEntries: map[string]bool{}}
}

func (j *journal) abs(rel string) string { return filepath.Join(j.backing, rel) }

// state returns the file's state, first seen now: what it holds at this moment counts as synced
// (it was on the backing disk before the mount, or synced when the journal first met it).
func (j *journal) state(ino uint64, rel string) *fileState {
	if st, ok := j.files[ino]; ok {
		return st
	}
	var size int64
	if fi, err := os.Lstat(j.abs(rel)); err == nil {
		size = fi.Size()
	}
	st := &fileState{syncedSize: size}
	j.files[ino] = st
	return st
}

// preserve saves the synced bytes in [from, to) that are not saved yet, before they change.
func (j *journal) preserve(st *fileState, rel string, from, to int64) error {
	if to > st.syncedSize {
		to = st.syncedSize
	}
	if from >= to {
		return nil
	}
	gaps := [][2]int64{{from, to}}
	for _, s := range st.saved {
		next := gaps[:0:0]
		for _, g := range gaps {
			a, b := s.off, s.off+int64(len(s.data))
			if b <= g[0] || a >= g[1] {
				next = append(next, g)
				continue
			}
			if g[0] < a {
				next = append(next, [2]int64{g[0], a})
			}
			if b < g[1] {
				next = append(next, [2]int64{b, g[1]})
			}
		}
		gaps = next
	}
	if len(gaps) == 0 {
		return nil
	}
	f, err := os.Open(j.abs(rel))
	if err != nil {
		return err
	}
	defer f.Close()
	for _, g := range gaps {
		buf := make([]byte, g[1]-g[0])
		n, err := f.ReadAt(buf, g[0])
		if err != nil && err != io.EOF {
			return err
		}
		// Past the file's current end the synced bytes are already gone (a truncation seen
		// before): what is not on the backing file was saved then.
		st.saved = append(st.saved, span{off: g[0], data: buf[:n]})
	}
	return nil
}

// beforeWrite is called before `length` bytes are written at `off`; EIO once the power is cut.
func (j *journal) beforeWrite(ino uint64, rel string, off, length int64) syscall.Errno {
	return j.beforeChange(ino, rel, off, off+length, length)
}

// beforeTruncate is called before the file's size becomes `size`.
func (j *journal) beforeTruncate(ino uint64, rel string, size int64) syscall.Errno {
	// Everything synced past the new size goes (preserve stops at the synced size).
	return j.beforeChange(ino, rel, size, math.MaxInt64, 1)
}

// beforeChange saves the synced bytes in [from, to) before they change, and counts `changed`
// unsynced bytes.
func (j *journal) beforeChange(ino uint64, rel string, from, to, changed int64) syscall.Errno {
	return j.whilePowered(func() syscall.Errno {
		st := j.state(ino, rel)
		if err := j.preserve(st, rel, from, to); err != nil {
			return syscall.EIO
		}
		st.unsyncedWrites += changed
		return 0
	})
}

// whilePowered runs `change` under the journal's lock unless the power is cut: then the change
// is refused (EIO), as nothing reaches a disk without power.
func (j *journal) whilePowered(change func() syscall.Errno) syscall.Errno {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.crashed {
		j.refused++
		return syscall.EIO
	}
	return change()
}

// synced records an fsync or fdatasync of a file: what it holds now survives a power cut.
func (j *journal) synced(ino uint64, rel string) syscall.Errno {
	return j.whilePowered(func() syscall.Errno {
		st := j.state(ino, rel)
		if fi, err := os.Lstat(j.abs(rel)); err == nil {
			st.syncedSize = fi.Size()
		}
		st.saved = nil
		st.unsyncedWrites = 0
		j.syncs++
		return 0
	})
}

// dirSynced records an fsync of a directory: the names it holds now survive a power cut.
func (j *journal) dirSynced(rel string) syscall.Errno {
	return j.whilePowered(func() syscall.Errno {
		for name := range j.newEntries {
			if parentOf(name) == rel {
				delete(j.newEntries, name)
			}
		}
		j.syncs++
		return 0
	})
}

// allowed says whether a change may still reach the backing dir.
func (j *journal) allowed() syscall.Errno {
	return j.whilePowered(func() syscall.Errno { return 0 })
}

// created records a new name, with its file's state from nothing (every byte of it is unsynced).
func (j *journal) created(rel string, ino uint64, isFile bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.newEntries[rel] = true
	if isFile {
		j.files[ino] = &fileState{}
	}
}

// removed records an unlink or rmdir, durable at once; `lastLink` drops the file's state.
func (j *journal) removed(rel string, ino uint64, lastLink bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for name := range j.newEntries {
		if name == rel || strings.HasPrefix(name, rel+"/") {
			delete(j.newEntries, name)
		}
	}
	if lastLink {
		delete(j.files, ino)
	}
}

// renamed makes `to` durable and moves the new-name marks inside `from` into `to`; a name replaced
// at `to` is gone.
func (j *journal) renamed(from, to string, replacedIno uint64, replacedLastLink bool) {
	j.mu.Lock()
	defer j.mu.Unlock()
	moved := map[string]bool{}
	for name := range j.newEntries {
		if name == to || strings.HasPrefix(name, to+"/") {
			delete(j.newEntries, name)
		}
	}
	for name := range j.newEntries {
		if name == from {
			delete(j.newEntries, name)
		} else if strings.HasPrefix(name, from+"/") {
			delete(j.newEntries, name)
			moved[to+strings.TrimPrefix(name, from)] = true
		}
	}
	for name := range moved {
		j.newEntries[name] = true
	}
	if replacedLastLink {
		delete(j.files, replacedIno)
	}
}

func parentOf(rel string) string {
	d := filepath.Dir(rel)
	if d == "." {
		return ""
	}
	return d
}

// FileLoss is what the power cut took from one file.
type FileLoss struct {
	Path string `json:"path"`
	// The size it had at its last sync, which it has again.
	SyncedSize int64 `json:"syncedSize"`
	// Bytes past that size, dropped; kept in `keptAs` (under the report's dir) for the harness to read.
	DroppedTail int64  `json:"droppedTail"`
	KeptAs      string `json:"keptAs,omitempty"`
	// Synced bytes that had been overwritten or truncated away, written back.
	Restored int64 `json:"restored"`
}

// EntryLoss is a name whose directory was not synced since it was created: it is gone.
type EntryLoss struct {
	Path   string `json:"path"`
	Bytes  int64  `json:"bytes"`
	KeptAs string `json:"keptAs,omitempty"`
}

// PowerLossReport is what the power cut discarded, written as JSON for the harness.
type PowerLossReport struct {
	Files          []FileLoss  `json:"files"`
	Entries        []EntryLoss `json:"entries"`
	RefusedWrites  int64       `json:"refusedWrites"`
	SyncsSeen      int64       `json:"syncsSeen"`
	TrackedFiles   int         `json:"trackedFiles"`
	UnsyncedBefore int64       `json:"unsyncedBytesBefore"`
}

// cut stops every change from reaching the backing dir, as a power cut stops the page cache.
func (j *journal) cut() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.crashed = true
}

// discard puts the backing dir in the state a power cut leaves: names not synced into their
// directory removed, every other file back to its last synced bytes. What it drops is copied to
// `keep` (a dir of the harness) first, so the harness can tell which writes were lost where.
func (j *journal) discard(keep string) (*PowerLossReport, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	report := &PowerLossReport{Files: []FileLoss{}, Entries: []EntryLoss{}, RefusedWrites: j.refused, SyncsSeen: j.syncs, TrackedFiles: len(j.files)}
	for _, st := range j.files {
		report.UnsyncedBefore += st.unsyncedWrites
	}
	keepCopy := func(src, name string) (string, error) {
		if keep == "" {
			return "", nil
		}
		dst := filepath.Join(keep, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return "", err
		}
		return name, copyFile(src, dst, 0)
	}

	// Deepest names first, so a new dir goes with what was created in it.
	entries := make([]string, 0, len(j.newEntries))
	for name := range j.newEntries {
		entries = append(entries, name)
	}
	sort.Slice(entries, func(a, b int) bool { return len(entries[a]) > len(entries[b]) })
	for _, name := range entries {
		p := j.abs(name)
		fi, err := os.Lstat(p)
		if err != nil {
			continue
		}
		loss := EntryLoss{Path: name}
		if fi.Mode().IsRegular() {
			loss.Bytes = fi.Size()
			if loss.Bytes > 0 {
				kept, err := keepCopy(p, filepath.Join("entries", name))
				if err != nil {
					return nil, err
				}
				loss.KeptAs = kept
			}
		}
		if err := os.RemoveAll(p); err != nil {
			return nil, err
		}
		report.Entries = append(report.Entries, loss)
	}

	err := filepath.Walk(j.backing, func(p string, fi os.FileInfo, err error) error {
		if err != nil || !fi.Mode().IsRegular() {
			return nil
		}
		sys, ok := fi.Sys().(*syscall.Stat_t)
		if !ok {
			return nil
		}
		st, tracked := j.files[sys.Ino]
		if !tracked || (fi.Size() == st.syncedSize && len(st.saved) == 0) {
			return nil
		}
		rel, _ := filepath.Rel(j.backing, p)
		loss := FileLoss{Path: rel, SyncedSize: st.syncedSize}
		if fi.Size() > st.syncedSize {
			loss.DroppedTail = fi.Size() - st.syncedSize
			name := filepath.Join("tails", fmt.Sprintf("%s@%d", rel, st.syncedSize))
			if keep != "" {
				dst := filepath.Join(keep, name)
				if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
					return err
				}
				if err := copyFile(p, dst, st.syncedSize); err != nil {
					return err
				}
				loss.KeptAs = name
			}
		}
		f, err := os.OpenFile(p, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := f.Truncate(st.syncedSize); err != nil {
			return err
		}
		for _, s := range st.saved {
			if _, err := f.WriteAt(s.data, s.off); err != nil {
				return err
			}
			loss.Restored += int64(len(s.data))
		}
		report.Files = append(report.Files, loss)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(report.Files, func(a, b int) bool { return report.Files[a].Path < report.Files[b].Path })
	sort.Slice(report.Entries, func(a, b int) bool { return report.Entries[a].Path < report.Entries[b].Path })
	j.files = map[uint64]*fileState{}
	j.newEntries = map[string]bool{}
	return report, nil
}

// copyFile copies src from byte `from` on to dst.
func copyFile(src, dst string, from int64) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	if _, err := in.Seek(from, io.SeekStart); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	defer out.Close()
	_, err = io.Copy(out, in)
	return err
}
