package main

// The FUSE side: go-fuse's loopback node, with every operation that changes data or names told to
// the journal first. Anything that could change the backing dir without the journal seeing it
// (copy_file_range done by the backing filesystem) is refused, so the kernel falls back to reads
// and writes.

import (
	"context"
	"os"
	"path/filepath"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

type node struct {
	fs.LoopbackNode
	j *journal
	// Disk faults while the node runs (EIO on matching calls).
	io *ioFailures
	// Every completed change, in order, when tracing (trace.go); nil otherwise.
	trace *tracer
}

func newRoot(j *journal, io *ioFailures, trace *tracer) (fs.InodeEmbedder, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(j.backing, &st); err != nil {
		return nil, err
	}
	root := &fs.LoopbackRoot{Path: j.backing, Dev: uint64(st.Dev)}
	root.NewNode = func(r *fs.LoopbackRoot, _ *fs.Inode, _ string, _ *syscall.Stat_t) fs.InodeEmbedder {
		return &node{LoopbackNode: fs.LoopbackNode{RootData: r}, j: j, io: io, trace: trace}
	}
	rootNode := root.NewNode(root, nil, "", &st)
	root.RootNode = rootNode
	return rootNode, nil
}

// rel is the node's path relative to the mount's root (and so to the backing dir).
func (n *node) rel() string { return n.Path(nil) }

func (n *node) child(name string) string { return filepath.Join(n.rel(), name) }

func (n *node) ino() uint64 { return n.StableAttr().Ino }

// backingIno is the inode number of a name in the backing dir, and whether it is its last link.
func (n *node) backingIno(name string) (uint64, bool, bool) {
	var st syscall.Stat_t
	if err := syscall.Lstat(filepath.Join(n.j.backing, n.child(name)), &st); err != nil {
		return 0, false, false
	}
	return st.Ino, st.Nlink <= 1 || st.Mode&syscall.S_IFMT == syscall.S_IFDIR, true
}

var _ = (fs.NodeWriter)((*node)(nil))

func (n *node) Write(ctx context.Context, f fs.FileHandle, data []byte, off int64) (uint32, syscall.Errno) {
	if errno := n.io.check(n.rel(), "write"); errno != 0 {
		return 0, errno
	}
	if errno := n.j.beforeWrite(n.ino(), n.rel(), off, int64(len(data))); errno != 0 {
		return 0, errno
	}
	w, ok := f.(fs.FileWriter)
	if !ok {
		return 0, syscall.EBADF
	}
	written, errno := w.Write(ctx, data, off)
	if written > 0 {
		n.trace.record(traceOp{Op: "write", Path: n.rel(), Ino: n.ino(), Off: off}, data[:written])
	}
	return written, errno
}

var _ = (fs.NodeReader)((*node)(nil))

func (n *node) Read(ctx context.Context, f fs.FileHandle, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	if errno := n.io.check(n.rel(), "read"); errno != 0 {
		return nil, errno
	}
	r, ok := f.(fs.FileReader)
	if !ok {
		return nil, syscall.EBADF
	}
	return r.Read(ctx, dest, off)
}

var _ = (fs.NodeWritever)((*node)(nil))

func (n *node) Writev(ctx context.Context, f fs.FileHandle, data [][]byte, off int64) (uint32, syscall.Errno) {
	var joined []byte
	for _, d := range data {
		joined = append(joined, d...)
	}
	return n.Write(ctx, f, joined, off)
}

var _ = (fs.NodeSetattrer)((*node)(nil))

func (n *node) Setattr(ctx context.Context, f fs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if errno := n.j.allowed(); errno != 0 {
		return errno
	}
	size, resized := in.GetSize()
	if resized {
		if errno := n.j.beforeTruncate(n.ino(), n.rel(), int64(size)); errno != 0 {
			return errno
		}
	}
	errno := n.LoopbackNode.Setattr(ctx, f, in, out)
	if errno == 0 && resized {
		n.trace.record(traceOp{Op: "truncate", Path: n.rel(), Ino: n.ino(), Size: int64(size)}, nil)
	}
	return errno
}

var _ = (fs.NodeAllocater)((*node)(nil))

func (n *node) Allocate(ctx context.Context, f fs.FileHandle, off uint64, size uint64, mode uint32) syscall.Errno {
	if errno := n.j.beforeWrite(n.ino(), n.rel(), int64(off), int64(size)); errno != 0 {
		return errno
	}
	a, ok := f.(fs.FileAllocater)
	if !ok {
		return syscall.ENOTSUP
	}
	// Only a plain fallocate, which may grow the file, can be traced; punching holes or keeping
	// the size are refused rather than left out of the trace.
	if n.trace != nil && mode != 0 {
		return syscall.ENOTSUP
	}
	errno := a.Allocate(ctx, off, size, mode)
	if errno == 0 {
		n.trace.record(traceOp{Op: "allocate", Path: n.rel(), Ino: n.ino(), Off: int64(off), Len: int64(size)}, nil)
	}
	return errno
}

var _ = (fs.NodeCopyFileRanger)((*node)(nil))

func (n *node) CopyFileRange(context.Context, fs.FileHandle, uint64, *fs.Inode, fs.FileHandle, uint64, uint64, uint64) (uint32, syscall.Errno) {
	return 0, syscall.ENOTSUP
}

var _ = (fs.NodeFsyncer)((*node)(nil))

// Fsync of a file (FSYNC); a directory's fsync arrives at its handle (syncedDir).
func (n *node) Fsync(ctx context.Context, f fs.FileHandle, flags uint32) syscall.Errno {
	if errno := n.io.check(n.rel(), "fsync"); errno != 0 {
		return errno
	}
	if n.StableAttr().Mode&syscall.S_IFMT == syscall.S_IFDIR {
		return n.dirSynced()
	}
	// The backing file is not fsynced: the journal, not the host's disk, decides what survives.
	errno := n.j.synced(n.ino(), n.rel())
	if errno == 0 {
		n.trace.record(traceOp{Op: "fsync", Path: n.rel(), Ino: n.ino()}, nil)
	}
	return errno
}

// dirSynced records an fsync of the node's directory.
func (n *node) dirSynced() syscall.Errno {
	errno := n.j.dirSynced(n.rel())
	if errno == 0 {
		n.trace.record(traceOp{Op: "fsyncdir", Path: n.rel()}, nil)
	}
	return errno
}

var _ = (fs.NodeOpener)((*node)(nil))

func (n *node) Open(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	if errno := n.io.check(n.rel(), "open"); errno != 0 {
		return nil, 0, errno
	}
	if flags&syscall.O_TRUNC != 0 {
		if errno := n.j.beforeTruncate(n.ino(), n.rel(), 0); errno != 0 {
			return nil, 0, errno
		}
	} else if flags&(syscall.O_WRONLY|syscall.O_RDWR) != 0 {
		if errno := n.j.allowed(); errno != 0 {
			return nil, 0, errno
		}
	}
	fh, fuseFlags, errno := n.LoopbackNode.Open(ctx, flags)
	if errno != 0 {
		return nil, 0, errno
	}
	if flags&syscall.O_TRUNC != 0 {
		n.trace.record(traceOp{Op: "truncate", Path: n.rel(), Ino: n.ino(), Size: 0}, nil)
	}
	return &journaledFile{inner: fh}, fuseFlags, 0
}

var _ = (fs.NodeCreater)((*node)(nil))

func (n *node) Create(ctx context.Context, name string, flags uint32, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	if errno := n.j.allowed(); errno != 0 {
		return nil, nil, 0, errno
	}
	inode, fh, fuseFlags, errno := n.LoopbackNode.Create(ctx, name, flags, mode, out)
	if errno != 0 {
		return nil, nil, 0, errno
	}
	n.j.created(n.child(name), out.Ino, true)
	n.trace.record(traceOp{Op: "create", Path: n.child(name), Ino: out.Ino}, nil)
	return inode, &journaledFile{inner: fh}, fuseFlags, 0
}

// newName makes a name through the loopback unless the power is cut, and records it as new.
func (n *node) newName(name string, isFile bool, out *fuse.EntryOut, make func() (*fs.Inode, syscall.Errno)) (*fs.Inode, syscall.Errno) {
	if errno := n.j.allowed(); errno != 0 {
		return nil, errno
	}
	inode, errno := make()
	if errno == 0 {
		n.j.created(n.child(name), out.Ino, isFile)
		n.trace.record(traceOp{Op: "create", Path: n.child(name), Ino: out.Ino, Dir: !isFile}, nil)
	}
	return inode, errno
}

var _ = (fs.NodeMkdirer)((*node)(nil))

func (n *node) Mkdir(ctx context.Context, name string, mode uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	return n.newName(name, false, out, func() (*fs.Inode, syscall.Errno) { return n.LoopbackNode.Mkdir(ctx, name, mode, out) })
}

var _ = (fs.NodeMknoder)((*node)(nil))

func (n *node) Mknod(ctx context.Context, name string, mode, dev uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if n.trace != nil && mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, syscall.ENOTSUP // the trace knows files and directories only
	}
	return n.newName(name, mode&syscall.S_IFMT == syscall.S_IFREG, out, func() (*fs.Inode, syscall.Errno) {
		return n.LoopbackNode.Mknod(ctx, name, mode, dev, out)
	})
}

var _ = (fs.NodeSymlinker)((*node)(nil))

func (n *node) Symlink(ctx context.Context, target, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if n.trace != nil {
		return nil, syscall.ENOTSUP // the trace knows files and directories only
	}
	return n.newName(name, false, out, func() (*fs.Inode, syscall.Errno) { return n.LoopbackNode.Symlink(ctx, target, name, out) })
}

var _ = (fs.NodeLinker)((*node)(nil))

func (n *node) Link(ctx context.Context, target fs.InodeEmbedder, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if errno := n.j.allowed(); errno != 0 {
		return nil, errno
	}
	inode, errno := n.LoopbackNode.Link(ctx, target, name, out)
	if errno == 0 {
		// A second name of a file: the name is new, the file's bytes keep their state.
		n.j.mu.Lock()
		n.j.newEntries[n.child(name)] = true
		n.j.mu.Unlock()
		n.trace.record(traceOp{Op: "link", Path: n.child(name), Ino: out.Ino}, nil)
	}
	return inode, errno
}

var _ = (fs.NodeUnlinker)((*node)(nil))

func (n *node) Unlink(ctx context.Context, name string) syscall.Errno {
	if errno := n.j.allowed(); errno != 0 {
		return errno
	}
	ino, last, _ := n.backingIno(name)
	errno := n.LoopbackNode.Unlink(ctx, name)
	if errno == 0 {
		n.j.removed(n.child(name), ino, last)
		n.trace.record(traceOp{Op: "unlink", Path: n.child(name), Ino: ino}, nil)
	}
	return errno
}

var _ = (fs.NodeRmdirer)((*node)(nil))

func (n *node) Rmdir(ctx context.Context, name string) syscall.Errno {
	if errno := n.j.allowed(); errno != 0 {
		return errno
	}
	errno := n.LoopbackNode.Rmdir(ctx, name)
	if errno == 0 {
		n.j.removed(n.child(name), 0, false)
		n.trace.record(traceOp{Op: "rmdir", Path: n.child(name)}, nil)
	}
	return errno
}

var _ = (fs.NodeRenamer)((*node)(nil))

func (n *node) Rename(ctx context.Context, name string, newParent fs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	if errno := n.j.allowed(); errno != 0 {
		return errno
	}
	to := filepath.Join(newParent.EmbeddedInode().Path(nil), newName)
	var replaced syscall.Stat_t
	replacedIno, replacedLast := uint64(0), false
	if err := syscall.Lstat(filepath.Join(n.j.backing, to), &replaced); err == nil {
		replacedIno, replacedLast = replaced.Ino, replaced.Nlink <= 1
	}
	// An exchange of two names cannot be traced as a rename: refused while tracing.
	if n.trace != nil && flags != 0 {
		return syscall.ENOTSUP
	}
	errno := n.LoopbackNode.Rename(ctx, name, newParent, newName, flags)
	if errno == 0 {
		n.j.renamed(n.child(name), to, replacedIno, replacedLast)
		n.trace.record(traceOp{Op: "rename", Path: n.child(name), To: to}, nil)
	}
	return errno
}

var _ = (fs.NodeOpendirHandler)((*node)(nil))

func (n *node) OpendirHandle(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	fh, fuseFlags, errno := n.LoopbackNode.OpendirHandle(ctx, flags)
	if errno != 0 {
		return nil, 0, errno
	}
	return &syncedDir{inner: fh, n: n}, fuseFlags, 0
}

// syncedDir is a directory handle whose fsync the journal hears about.
type syncedDir struct {
	inner fs.FileHandle
	n     *node
}

var (
	_ = (fs.FileReaddirenter)((*syncedDir)(nil))
	_ = (fs.FileSeekdirer)((*syncedDir)(nil))
	_ = (fs.FileReleasedirer)((*syncedDir)(nil))
	_ = (fs.FileFsyncdirer)((*syncedDir)(nil))
)

func (d *syncedDir) Readdirent(ctx context.Context) (*fuse.DirEntry, syscall.Errno) {
	return d.inner.(fs.FileReaddirenter).Readdirent(ctx)
}

func (d *syncedDir) Seekdir(ctx context.Context, off uint64) syscall.Errno {
	if s, ok := d.inner.(fs.FileSeekdirer); ok {
		return s.Seekdir(ctx, off)
	}
	return syscall.ENOTSUP
}

func (d *syncedDir) Releasedir(ctx context.Context, flags uint32) {
	if r, ok := d.inner.(fs.FileReleasedirer); ok {
		r.Releasedir(ctx, flags)
	}
}

func (d *syncedDir) Fsyncdir(ctx context.Context, flags uint32) syscall.Errno {
	if errno := d.n.io.check(d.n.rel(), "fsync"); errno != 0 {
		return errno
	}
	return d.n.dirSynced()
}

// mkdirAll makes the mount point and the backing dir.
func mkdirAll(dirs ...string) error {
	for _, d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	return nil
}
