/* SPDX-License-Identifier: Apache-2.0 */
/* Plain syscalls the event loop and AsyncFile need outside any ring: the loop's wake-up
 * eventfd, its thread id for the watchdog, and ftruncate where IORING_OP_FTRUNCATE (6.9)
 * is missing. Each returns -errno on failure. */
#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include "u4j.h"

int u4j_eventfd(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	return fd < 0 ? -errno : fd;
}

int u4j_eventfd_signal(int fd)
{
	uint64_t one = 1;
	ssize_t n;

	do {
		n = write(fd, &one, sizeof(one));
	} while (n < 0 && errno == EINTR);
	/* EAGAIN: the counter is saturated, so a wake-up is pending anyway. */
	return n < 0 && errno != EAGAIN ? -errno : 0;
}

int u4j_gettid(void)
{
	return (int)syscall(SYS_gettid);
}

int u4j_ftruncate(int fd, int64_t length)
{
	return ftruncate(fd, (off_t)length) ? -errno : 0;
}

/* lseek for the drop-in FileChannel on character devices, whose position the kernel keeps
 * (/dev/zero's stays 0 whatever is read or set): the channel then asks instead of counting. */
int64_t u4j_lseek(int fd, int64_t offset, int whence)
{
	off_t r;

	if (whence != SEEK_SET && whence != SEEK_CUR)
		return -EINVAL;
	r = lseek(fd, (off_t)offset, whence);
	return r < 0 ? -errno : (int64_t)r;
}

/* fstat into U4J_STAT_* (size, block size, mode): the calling thread's own syscall, so
 * AsyncFile.size() needs no event loop (and cannot wait on one from its callback). */
int u4j_fstat(int fd, void *out)
{
	struct stat st;
	uint64_t size;
	uint32_t blksize, mode;

	if (fstat(fd, &st))
		return -errno;
	size = (uint64_t)st.st_size;
	blksize = (uint32_t)st.st_blksize;
	mode = (uint32_t)st.st_mode;
	memcpy((char *)out + U4J_STAT_SIZE, &size, 8);
	memcpy((char *)out + U4J_STAT_BLKSIZE, &blksize, 4);
	memcpy((char *)out + U4J_STAT_MODE, &mode, 4);
	return 0;
}

/* open(2) on the calling thread, as FileChannel.open does (a FIFO without a reader blocks
 * here, as it does for NIO; io_uring's OPENAT tries non-blocking first and gives ENXIO). */
int u4j_open(const char *path, int flags, int mode)
{
	int fd;

	do {
		fd = open(path, flags, (mode_t)mode);
	} while (fd < 0 && errno == EINTR);
	return fd < 0 ? -errno : fd;
}

/* preadv2/pwritev2 by number: glibc wraps them only from 2.26, and the library must load
 * on older ones (check-natives bounds the symbol versions). */
#ifndef SYS_preadv2
#if defined(__x86_64__)
#define SYS_preadv2 327
#define SYS_pwritev2 328
#elif defined(__aarch64__)
#define SYS_preadv2 286
#define SYS_pwritev2 287
#endif
#endif
#ifndef RWF_NOWAIT
#define RWF_NOWAIT 0x00000008
#endif

/*
 * One read or write that never waits (RWF_NOWAIT, 4.14+): served from the page cache on
 * the calling thread, or -EAGAIN when it would block, and then the caller hands it to a
 * ring. The offset is split as the syscall takes it (low, high); on 64-bit kernels the
 * high word is ignored. A short count is a partial hit, as for any read(2).
 */
int u4j_rw_nowait(int fd, void *addr, size_t len, int64_t offset, int write)
{
	struct iovec iov = { .iov_base = addr, .iov_len = len };
	long n;

	n = syscall(write ? SYS_pwritev2 : SYS_preadv2, fd, &iov, 1, (unsigned long)offset,
		    (unsigned long)((uint64_t)offset >> 32), RWF_NOWAIT);
	return n < 0 ? -errno : (int)n;
}

int u4j_close(int fd)
{
	return close(fd) ? -errno : 0;
}

/* Socket set-up that io_uring gained only in 6.11 (BIND, LISTEN): done as plain syscalls. */
int u4j_bind(int fd, const void *addr, int len)
{
	return bind(fd, (const struct sockaddr *)addr, (socklen_t)len) ? -errno : 0;
}

int u4j_listen(int fd, int backlog)
{
	return listen(fd, backlog) ? -errno : 0;
}

/* socket() for kernels without IORING_OP_SOCKET (before 5.19). */
int u4j_socket(int domain, int type, int protocol)
{
	int fd = socket(domain, type, protocol);

	return fd < 0 ? -errno : fd;
}

int u4j_setsockopt_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value)) ? -errno : 0;
}

int u4j_sockname(int fd, void *addr, int cap)
{
	socklen_t len = (socklen_t)cap;

	return getsockname(fd, (struct sockaddr *)addr, &len) ? -errno : (int)len;
}
