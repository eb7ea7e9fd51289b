package main

// go-fuse hands a loopback file to the kernel for passthrough (FUSE_PASSTHROUGH, Linux 6.9+) when
// it can: reads and writes then go straight to the backing file and the journal never sees them.
// journaledFile wraps the loopback file with every file operation but that one.

import (
	"context"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

type journaledFile struct {
	inner fs.FileHandle
}

var (
	_ = (fs.FileReader)((*journaledFile)(nil))
	_ = (fs.FileWriter)((*journaledFile)(nil))
	_ = (fs.FileFlusher)((*journaledFile)(nil))
	_ = (fs.FileReleaser)((*journaledFile)(nil))
	_ = (fs.FileFsyncer)((*journaledFile)(nil))
	_ = (fs.FileGetattrer)((*journaledFile)(nil))
	_ = (fs.FileSetattrer)((*journaledFile)(nil))
	_ = (fs.FileLseeker)((*journaledFile)(nil))
	_ = (fs.FileAllocater)((*journaledFile)(nil))
	_ = (fs.FileGetlker)((*journaledFile)(nil))
	_ = (fs.FileSetlker)((*journaledFile)(nil))
	_ = (fs.FileSetlkwer)((*journaledFile)(nil))
)

func (f *journaledFile) Read(ctx context.Context, dest []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	return f.inner.(fs.FileReader).Read(ctx, dest, off)
}

func (f *journaledFile) Write(ctx context.Context, data []byte, off int64) (uint32, syscall.Errno) {
	return f.inner.(fs.FileWriter).Write(ctx, data, off)
}

func (f *journaledFile) Flush(ctx context.Context) syscall.Errno {
	return f.inner.(fs.FileFlusher).Flush(ctx)
}

func (f *journaledFile) Release(ctx context.Context) syscall.Errno {
	return f.inner.(fs.FileReleaser).Release(ctx)
}

func (f *journaledFile) Fsync(ctx context.Context, flags uint32) syscall.Errno {
	return f.inner.(fs.FileFsyncer).Fsync(ctx, flags)
}

func (f *journaledFile) Getattr(ctx context.Context, out *fuse.AttrOut) syscall.Errno {
	return f.inner.(fs.FileGetattrer).Getattr(ctx, out)
}

func (f *journaledFile) Setattr(ctx context.Context, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	return f.inner.(fs.FileSetattrer).Setattr(ctx, in, out)
}

func (f *journaledFile) Lseek(ctx context.Context, off uint64, whence uint32) (uint64, syscall.Errno) {
	return f.inner.(fs.FileLseeker).Lseek(ctx, off, whence)
}

func (f *journaledFile) Allocate(ctx context.Context, off uint64, size uint64, mode uint32) syscall.Errno {
	return f.inner.(fs.FileAllocater).Allocate(ctx, off, size, mode)
}

func (f *journaledFile) Getlk(ctx context.Context, owner uint64, lk *fuse.FileLock, flags uint32, out *fuse.FileLock) syscall.Errno {
	return f.inner.(fs.FileGetlker).Getlk(ctx, owner, lk, flags, out)
}

func (f *journaledFile) Setlk(ctx context.Context, owner uint64, lk *fuse.FileLock, flags uint32) syscall.Errno {
	return f.inner.(fs.FileSetlker).Setlk(ctx, owner, lk, flags)
}

func (f *journaledFile) Setlkw(ctx context.Context, owner uint64, lk *fuse.FileLock, flags uint32) syscall.Errno {
	return f.inner.(fs.FileSetlkwer).Setlkw(ctx, owner, lk, flags)
}
