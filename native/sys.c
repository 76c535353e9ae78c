/* SPDX-License-Identifier: Apache-2.0 */
/* Plain syscalls the event loop and AsyncFile need outside any ring: the loop's wake-up
 * eventfd, its thread id for the watchdog, and ftruncate where IORING_OP_FTRUNCATE (6.9)
 * is missing. Each returns -errno on failure. */
#include <errno.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/socket.h>
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
