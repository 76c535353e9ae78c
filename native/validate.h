/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The record validator, as static inline functions so that batch.c validates and copies
 * each record in one pass. validate.c exports the same function for tests and fuzzers.
 */
#ifndef U4J_VALIDATE_H
#define U4J_VALIDATE_H

#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include "u4j.h"

#define ALLOWED_SQE_FLAGS (IOSQE_FIXED_FILE | IOSQE_IO_DRAIN | IOSQE_IO_LINK | IOSQE_IO_HARDLINK | IOSQE_ASYNC | \
			   IOSQE_BUFFER_SELECT)
#define MAX_RW_LEN 0x7ffff000u /* the kernel's MAX_RW_COUNT on 4 KiB pages */
#define MAX_IOVECS 1024u       /* UIO_MAXIOV */
#define TIMEOUT_FLAGS (IORING_TIMEOUT_ABS | IORING_TIMEOUT_BOOTTIME | IORING_TIMEOUT_REALTIME | \
		       IORING_TIMEOUT_ETIME_SUCCESS)
#define CANCEL_FLAGS (IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_ANY)
#define SEND_ZC_FLAGS (IORING_RECVSEND_POLL_FIRST | IORING_RECVSEND_FIXED_BUF | IORING_SEND_ZC_REPORT_USAGE)

static int need_fd(int fd) { return fd >= 0 ? U4J_OK : U4J_REJECT_FD; }
static inline int u4j_is_zero_copy(int op) { return op == IORING_OP_SEND_ZC || op == IORING_OP_SENDMSG_ZC; }

/* What a queued record commits the ring to (see the IO_DRAIN rule in u4j_validate_inline). */
static inline void u4j_note_queued(struct u4j_ring *r, const struct io_uring_sqe *sqe)
{
	if (__builtin_expect(sqe->flags & IOSQE_IO_DRAIN, 0))
		r->drain_used = 1;
	if (__builtin_expect(u4j_is_zero_copy(sqe->opcode), 0))
		r->zc_used = 1;
}
/* With IOSQE_FIXED_FILE the fd is a slot, checked by check_fixed_file. */
static int need_fd_or_fixed(const struct io_uring_sqe *sqe)
{
	return sqe->flags & IOSQE_FIXED_FILE ? U4J_OK : need_fd(sqe->fd);
}

/* Ops that accept IOSQE_FIXED_FILE (fd is then an index into the registered table). */
static int takes_fixed_file(int op)
{
	switch (op) {
	case IORING_OP_READ: case IORING_OP_WRITE: case IORING_OP_READV: case IORING_OP_WRITEV:
	case IORING_OP_READ_FIXED: case IORING_OP_WRITE_FIXED: case IORING_OP_FSYNC: case IORING_OP_FALLOCATE:
	case IORING_OP_CONNECT: case IORING_OP_ACCEPT: case IORING_OP_SEND: case IORING_OP_RECV:
	case IORING_OP_SHUTDOWN: case IORING_OP_POLL_ADD: case IORING_OP_SENDMSG: case IORING_OP_RECVMSG:
	case IORING_OP_SEND_ZC: case IORING_OP_SENDMSG_ZC:
		return 1;
	default:
		return 0;
	}
}

static int check_fixed_file(const struct u4j_ring *r, const struct io_uring_sqe *sqe)
{
	if (!(sqe->flags & IOSQE_FIXED_FILE))
		return U4J_OK;
	if (!takes_fixed_file(sqe->opcode))
		return U4J_REJECT_SQE_FLAGS;
	return sqe->fd >= 0 && (unsigned)sqe->fd < r->nr_files ? U4J_OK : U4J_REJECT_FIXED_FILE;
}

/* [addr, addr+len) must lie inside registered buffer buf_index. */
static int check_buf_range(const struct u4j_ring *r, const struct io_uring_sqe *sqe)
{
	const struct iovec *b;
	uint64_t start = sqe->addr, end = sqe->addr + sqe->len;

	if (sqe->buf_index >= r->nr_bufs)
		return U4J_REJECT_BUF_INDEX;
	b = &r->bufs[sqe->buf_index];
	if (start < (uintptr_t)b->iov_base || end > (uintptr_t)b->iov_base + b->iov_len || end < start)
		return U4J_REJECT_BUF_RANGE;
	return U4J_OK;
}

static int check_rw_fixed(const struct u4j_ring *r, const struct io_uring_sqe *sqe)
{
	return sqe->fd < 0 ? U4J_REJECT_FD : check_buf_range(r, sqe);
}

static int check_file_index(const struct u4j_ring *r, uint32_t file_index)
{
	if (file_index == 0)
		return U4J_OK;
	if (file_index == IORING_FILE_INDEX_ALLOC)
		return r->nr_files ? U4J_OK : U4J_REJECT_FIXED_FILE;
	return file_index - 1 < r->nr_files ? U4J_OK : U4J_REJECT_FIXED_FILE;
}
static int need_dirfd(int fd) { return (fd >= 0 || fd == AT_FDCWD) ? U4J_OK : U4J_REJECT_FD; }

static int check_rw(const struct io_uring_sqe *sqe)
{
	if (sqe->fd < 0)
		return U4J_REJECT_FD;
	if (sqe->len > MAX_RW_LEN)
		return U4J_REJECT_LENGTH;
	if (sqe->len && !sqe->addr)
		return U4J_REJECT_NULL_ADDR;
	return U4J_OK;
}

/*
 * READV/WRITEV: addr is an iovec array and SENDMSG/RECVMSG addr a struct msghdr. The
 * validator checks the record's own fields and never dereferences those addresses: a
 * wrong one would crash the JVM here, while the kernel copies them with copy_from_user
 * and answers -EFAULT (or -EINVAL/-EMSGSIZE for bad lengths in them). uring4j's Java
 * side builds them from buffers it checked and keeps alive (Ring.vectored, SocketMessage).
 */
static int check_rwv(const struct io_uring_sqe *sqe)
{
	if (sqe->fd < 0)
		return U4J_REJECT_FD;
	if (!sqe->addr)
		return U4J_REJECT_NULL_ADDR;
	if (sqe->len == 0 || sqe->len > MAX_IOVECS)
		return U4J_REJECT_LENGTH;
	return U4J_OK;
}

static int check_msg(const struct io_uring_sqe *sqe)
{
	if (!sqe->addr)
		return U4J_REJECT_NULL_ADDR;
	if (sqe->len != 1 || sqe->off)
		return U4J_REJECT_RESERVED; /* len 1 as liburing's prep sets it; off unused */
	return need_fd_or_fixed(sqe);
}

/* ioprio carries per-op flags for network ops; elsewhere it must be 0. */
static inline int ioprio_ok(const struct io_uring_sqe *sqe)
{
	switch (sqe->opcode) {
	case IORING_OP_ACCEPT:
		return !(sqe->ioprio & ~(IORING_ACCEPT_MULTISHOT | IORING_ACCEPT_DONTWAIT | IORING_ACCEPT_POLL_FIRST));
	case IORING_OP_SEND: case IORING_OP_SENDMSG: case IORING_OP_RECVMSG:
		return !(sqe->ioprio & ~IORING_RECVSEND_POLL_FIRST);
	case IORING_OP_SEND_ZC:
		return !(sqe->ioprio & ~SEND_ZC_FLAGS);
	case IORING_OP_SENDMSG_ZC:
		return !(sqe->ioprio & ~(SEND_ZC_FLAGS & ~IORING_RECVSEND_FIXED_BUF));
	case IORING_OP_RECV:
		if (sqe->ioprio & IORING_RECV_MULTISHOT && !(sqe->flags & IOSQE_BUFFER_SELECT))
			return 0; /* multishot recv needs provided buffers */
		return !(sqe->ioprio & ~(IORING_RECVSEND_POLL_FIRST | IORING_RECV_MULTISHOT));
	default:
		return sqe->ioprio == 0;
	}
}

/*
 * SEND_ZC to a connected socket (no destination address: addr2 and addr_len stay 0).
 * With IORING_RECVSEND_FIXED_BUF the range must lie inside registered buffer buf_index.
 */
static int check_send_zc(const struct u4j_ring *r, const struct io_uring_sqe *sqe)
{
	if (sqe->off || sqe->file_index)
		return U4J_REJECT_RESERVED;
	if (sqe->ioprio & IORING_RECVSEND_FIXED_BUF) {
		int rc = check_buf_range(r, sqe);

		if (rc != U4J_OK)
			return rc;
	} else if (sqe->buf_index) {
		return U4J_REJECT_RESERVED;
	}
	if (sqe->len > MAX_RW_LEN)
		return U4J_REJECT_LENGTH;
	if (sqe->len && !sqe->addr)
		return U4J_REJECT_NULL_ADDR;
	return need_fd_or_fixed(sqe);
}

static int check_op(const struct u4j_ring *r, const struct io_uring_sqe *sqe, int *detail)
{
	switch (sqe->opcode) {
	case IORING_OP_READ_FIXED:
	case IORING_OP_WRITE_FIXED:
		return check_rw_fixed(r, sqe);
	case IORING_OP_NOP:
		return sqe->rw_flags ? U4J_REJECT_RESERVED : U4J_OK;
	case IORING_OP_READ:
	case IORING_OP_WRITE:
		return check_rw(sqe);
	case IORING_OP_READV:
	case IORING_OP_WRITEV:
		return check_rwv(sqe);
	case IORING_OP_FSYNC:
		if (sqe->fsync_flags & ~IORING_FSYNC_DATASYNC || sqe->addr)
			return U4J_REJECT_RESERVED;
		return need_fd(sqe->fd);
	case IORING_OP_FALLOCATE:
		if ((int64_t)sqe->off < 0 || (int64_t)sqe->addr < 0)
			return U4J_REJECT_LENGTH;
		return need_fd(sqe->fd);
	case IORING_OP_OPENAT:
		if (!sqe->addr)
			return U4J_REJECT_NULL_ADDR;
		return need_dirfd(sqe->fd) ?: check_file_index(r, sqe->file_index);
	case IORING_OP_CLOSE:
		if (sqe->addr || sqe->len || sqe->off)
			return U4J_REJECT_RESERVED;
		if (sqe->file_index)
			return sqe->fd ? U4J_REJECT_RESERVED : check_file_index(r, sqe->file_index);
		return need_fd(sqe->fd);
	case IORING_OP_STATX:
		if (!sqe->addr || !sqe->addr2)
			return U4J_REJECT_NULL_ADDR;
		return need_dirfd(sqe->fd);
	case IORING_OP_TIMEOUT:
		if (!sqe->addr)
			return U4J_REJECT_NULL_ADDR;
		if (sqe->len != 1)
			return U4J_REJECT_LENGTH;
		return (sqe->timeout_flags & ~TIMEOUT_FLAGS) ? U4J_REJECT_RESERVED : U4J_OK;
	case IORING_OP_ASYNC_CANCEL:
		return (sqe->cancel_flags & ~CANCEL_FLAGS) ? U4J_REJECT_RESERVED : U4J_OK;
	case IORING_OP_SOCKET:
		if (sqe->addr || sqe->rw_flags || sqe->fd < 0)
			return sqe->fd < 0 ? U4J_REJECT_FD : U4J_REJECT_RESERVED;
		return check_file_index(r, sqe->file_index);
	case IORING_OP_CONNECT:
		if (!sqe->addr)
			return U4J_REJECT_NULL_ADDR;
		if (sqe->off == 0 || sqe->off > 128) /* addrlen: at most sizeof(struct sockaddr_storage) */
			return U4J_REJECT_LENGTH;
		return sqe->len || sqe->rw_flags ? U4J_REJECT_RESERVED : (sqe->flags & IOSQE_FIXED_FILE ? U4J_OK : need_fd(sqe->fd));
	case IORING_OP_ACCEPT:
		if (sqe->addr || sqe->addr2 || sqe->len)
			return U4J_REJECT_RESERVED; /* uring4j asks for no peer address */
		if (sqe->file_index && sqe->ioprio & IORING_ACCEPT_MULTISHOT && sqe->file_index != IORING_FILE_INDEX_ALLOC)
			return U4J_REJECT_RESERVED; /* multishot direct accept needs kernel-chosen slots */
		if (check_file_index(r, sqe->file_index) != U4J_OK)
			return U4J_REJECT_FIXED_FILE;
		return sqe->flags & IOSQE_FIXED_FILE ? U4J_OK : need_fd(sqe->fd);
	case IORING_OP_RECV:
		if (sqe->flags & IOSQE_BUFFER_SELECT) {
			if (sqe->addr || sqe->len > MAX_RW_LEN)
				return U4J_REJECT_RESERVED;
			if (!u4j_pbuf_group_registered(r, sqe->buf_group))
				return U4J_REJECT_BUF_GROUP;
			return sqe->flags & IOSQE_FIXED_FILE ? U4J_OK : need_fd(sqe->fd);
		}
		/* fall through */
	case IORING_OP_SEND:
		if (sqe->len > MAX_RW_LEN)
			return U4J_REJECT_LENGTH;
		if (sqe->len && !sqe->addr)
			return U4J_REJECT_NULL_ADDR;
		return sqe->flags & IOSQE_FIXED_FILE ? U4J_OK : need_fd(sqe->fd);
	case IORING_OP_SENDMSG:
	case IORING_OP_RECVMSG:
	case IORING_OP_SENDMSG_ZC:
		return check_msg(sqe);
	case IORING_OP_SEND_ZC:
		return check_send_zc(r, sqe);
	case IORING_OP_SHUTDOWN:
		if (sqe->len > 2 || sqe->addr || sqe->off)
			return sqe->len > 2 ? U4J_REJECT_LENGTH : U4J_REJECT_RESERVED;
		return sqe->flags & IOSQE_FIXED_FILE ? U4J_OK : need_fd(sqe->fd);
	case IORING_OP_POLL_ADD:
		if (sqe->len & ~IORING_POLL_ADD_MULTI || sqe->addr || sqe->off)
			return U4J_REJECT_RESERVED;
		return sqe->flags & IOSQE_FIXED_FILE ? U4J_OK : need_fd(sqe->fd);
	case IORING_OP_LINK_TIMEOUT:
		if (!sqe->addr)
			return U4J_REJECT_NULL_ADDR;
		if (sqe->len != 1)
			return U4J_REJECT_LENGTH;
		return (sqe->timeout_flags & ~TIMEOUT_FLAGS) ? U4J_REJECT_RESERVED : U4J_OK;
	default:
		return U4J_REJECT_OPCODE;
	}
}

static int tail_is_zero(const struct u4j_ring *r, const struct io_uring_sqe *sqe)
{
	static const uint8_t zero[64];
	const uint8_t *b = (const uint8_t *)sqe;

	if (sqe->addr3 || sqe->__pad2[0])
		return 0;
	return r->sqe_size == 64 || memcmp(b + 64, zero, 64) == 0;
}

static inline int u4j_validate_inline(const struct u4j_ring *r, const struct io_uring_sqe *sqe, int *detail)
{
	int rc;

	*detail = 0;
	if (sqe->flags & ~ALLOWED_SQE_FLAGS)
		return U4J_REJECT_SQE_FLAGS;
	if (sqe->user_data == LIBURING_UDATA_TIMEOUT)
		return U4J_REJECT_USER_DATA;
	if (sqe->personality || !tail_is_zero(r, sqe) || !ioprio_ok(sqe))
		return U4J_REJECT_RESERVED;
	if (sqe->flags & IOSQE_BUFFER_SELECT && sqe->opcode != IORING_OP_RECV)
		return U4J_REJECT_SQE_FLAGS;
	/* A ring uses IO_DRAIN or zero-copy sends, never both: zero-copy sends post completions
	 * the kernel's drain accounting does not expect (a notification, even after a final
	 * CQE). Seen on 6.18: a drained zero-copy send, or a drained record in flight when a
	 * zero-copy send was submitted, never ran, and held back every later SQE with it. */
	if (sqe->flags & IOSQE_IO_DRAIN ? r->zc_used || u4j_is_zero_copy(sqe->opcode)
					 : r->drain_used && u4j_is_zero_copy(sqe->opcode))
		return U4J_REJECT_SQE_FLAGS;
	if (sqe->buf_index && sqe->opcode != IORING_OP_READ_FIXED && sqe->opcode != IORING_OP_WRITE_FIXED &&
	    sqe->opcode != IORING_OP_SEND_ZC && !(sqe->flags & IOSQE_BUFFER_SELECT))
		return U4J_REJECT_RESERVED;
	if (sqe->file_index && sqe->opcode != IORING_OP_OPENAT && sqe->opcode != IORING_OP_CLOSE &&
	    sqe->opcode != IORING_OP_SOCKET && sqe->opcode != IORING_OP_ACCEPT)
		return U4J_REJECT_RESERVED;
	rc = check_fixed_file(r, sqe);
	if (rc != U4J_OK)
		return rc;
	rc = check_op(r, sqe, detail);
	if (rc != U4J_OK)
		return rc;
	if (r->last_op >= 0 && !r->ops[sqe->opcode])
		return U4J_REJECT_OPCODE_KERNEL;
	/* A kernel without direct descriptors (5.15) or the stable checks of unused fields
	 * ignores file_index: a direct open or accept would create a regular fd nobody closes,
	 * and a direct close (fd 0) would close the process's stdin (ring.c probes which). */
	if (sqe->file_index && r->file_index_ignored)
		return U4J_REJECT_FILE_INDEX_KERNEL;
	return U4J_OK;
}

/*
 * The hot path: a few word-wide tests that accept the common records (NOP, READ, WRITE
 * and their fixed-buffer forms without FIXED_FILE surprises) outright. Anything it does
 * not accept goes through u4j_validate_inline, which decides and names the reason.
 */
/* The word-wide fast path reads fields out of 64-bit words as a little-endian CPU lays them out. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "u4j_validate_fast assumes little-endian words");

static inline int u4j_validate_fast(const struct u4j_ring *r, const struct io_uring_sqe *sqe)
{
	/* Word-wide: w0 = opcode, flags, ioprio, fd; w3 = len, rw_flags; w5 = buf_index,
	 * personality, file_index; w6 = addr3; w7 = the pad. IO_DRAIN records take the full
	 * validator (rare, and they have a ring-wide rule). */
	uint64_t w0, w3, w5, w6, w7, reserved;
	unsigned op;

	memcpy(&w0, (const char *)sqe, 8);
	memcpy(&w3, (const char *)sqe + 24, 8);
	memcpy(&w5, (const char *)sqe + 40, 8);
	memcpy(&w6, (const char *)sqe + 48, 8);
	memcpy(&w7, (const char *)sqe + 56, 8);
	reserved = (w0 & 0xffff0000u) | ((w0 >> 8) & 0xff & ~(uint64_t)(IOSQE_IO_LINK | IOSQE_IO_HARDLINK | IOSQE_ASYNC)) |
		   w5 | w6 | w7;
	if (reserved || sqe->user_data == LIBURING_UDATA_TIMEOUT || r->sqe_size != 64)
		return 0;
	op = (unsigned)(w0 & 0xff);
	if (r->last_op >= 0 && !r->ops[op])
		return 0;
	switch (op) {
	case IORING_OP_NOP:
		return (w3 >> 32) == 0;
	case IORING_OP_READ:
	case IORING_OP_WRITE:
		return (int32_t)(w0 >> 32) >= 0 && (uint32_t)w3 <= MAX_RW_LEN && (sqe->addr || !(uint32_t)w3);
	default:
		return 0;
	}
}

#endif
