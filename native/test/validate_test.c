/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Table-driven unit tests of the record validator (validate.h), run by every build
 * (CMake target uring4j-validate-test, run by Maven in the test phase; host builds only).
 *
 * Each row is a ring description (SQE size, probed opcodes, fixed file and buffer tables,
 * provided-buffer groups, the IO_DRAIN / zero-copy state) and one record, with the answer
 * the full validator must give. Every row also checks that u4j_validate (validate.c) agrees
 * with u4j_validate_inline, that *detail is what the row says, that the answer is a known
 * code, and that the fast path (u4j_validate_fast) does not accept what the full validator
 * refuses; rows marked FAST must be accepted by the fast path too (the hot records).
 *
 * The validator must read nothing but the record and the ring: every record is placed just
 * before an inaccessible page (so a read past a 64-byte record faults), and rows with wild
 * addresses (0x1000, ~0, a PROT_NONE page) for READV/WRITEV/SENDMSG/RECVMSG/... prove it
 * answers without dereferencing them. A fault is caught (SIGSEGV/SIGBUS) and counted as a
 * failure of that row.
 *
 * Then: coverage checks (every U4J_REJECTS code and every handled opcode's accept case is in
 * the table; every opcode outside the handled list is refused as U4J_REJECT_OPCODE), a
 * bit-flip sweep over every accepted row and a seeded random sweep, both checking the fast
 * path against the full validator. Prints one line per failure and "N passed, N failed".
 *
 *   uring4j-validate-test [-v]     exit status 0 only if nothing failed
 */
#include <setjmp.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "../validate.h"

/* Placeholders in the table, replaced at run time. */
#define GUARD_ADDR 0x6a6a6a6a0000ull /* the PROT_NONE page after the record */
#define WILD_1000 0x1000ull
#define WILD_MAX (~0ull)

enum ring_kind {
	R_FULL,       /* probe: every opcode; 8 fixed files, 2 buffers, pbuf group 7 */
	R_NOPROBE,    /* no probe (last_op -1): every opcode passes; no tables */
	R_OLD,        /* probe of an older kernel: ops up to TEE only, and STATX missing */
	R_ZC_USED,    /* R_FULL after a zero-copy send was queued */
	R_DRAIN_USED, /* R_FULL after an IO_DRAIN record was queued */
	R_SQE128,     /* R_FULL with 128-byte SQEs */
	R_NO_DIRECT,  /* R_FULL on a kernel that ignores file_index (before direct descriptors) */
	R_COUNT
};
static const char *const ring_names[R_COUNT] = {"full", "noprobe", "old", "zc_used", "drain_used", "sqe128", "no_direct"};

static struct u4j_ring rings[R_COUNT];
static struct iovec bufs[2] = {
	{(void *)(uintptr_t)0x10000, 4096},
	{(void *)(uintptr_t)0x200000, 65536},
};

struct tcase {
	const char *name;
	int ring;
	int expect;  /* U4J_OK or U4J_REJECT_* */
	int fast;    /* 1: the fast path must accept it too */
	int tail;    /* SQE128 rings: byte 64 + tail - 1 is set to 1 */
	int detail;  /* the *detail the validator must report */
	struct io_uring_sqe sqe;
};

#define OK U4J_OK
#define E(code) U4J_REJECT_##code
/* T(name, ring, expect, sqe fields...); F(...) also needs the fast path to accept it. */
#define T(n, r, x, ...) {n, r, x, 0, 0, 0, {__VA_ARGS__}}
#define F(n, r, x, ...) {n, r, x, 1, 0, 0, {__VA_ARGS__}}
#define TAIL(n, r, x, t, ...) {n, r, x, 0, t, 0, {__VA_ARGS__}}

#define NOP .opcode = IORING_OP_NOP
#define RD(op) .opcode = IORING_OP_##op, .fd = 3, .addr = 0x7f0000001000ull, .len = 4096
#define BUF0 0x10000ull
#define BUF1 0x200000ull

static const struct tcase cases[] = {
	/* ---- checks common to every record (on NOP unless named) ---- */
	F("nop", R_FULL, OK, NOP),
	F("nop, no probe", R_NOPROBE, OK, NOP),
	F("nop, older kernel", R_OLD, OK, NOP),
	F("nop with fd, addr, len, off (NOP ignores them)", R_FULL, OK, NOP, .fd = -1, .addr = WILD_MAX, .len = 9, .off = 5),
	F("nop IO_LINK|IO_HARDLINK|ASYNC", R_FULL, OK, NOP, .flags = IOSQE_IO_LINK | IOSQE_IO_HARDLINK | IOSQE_ASYNC),
	F("nop user_data -2", R_FULL, OK, NOP, .user_data = ~1ull),
	T("nop rw_flags", R_FULL, E(RESERVED), NOP, .rw_flags = 1),
	T("nop flag 1<<7", R_FULL, E(SQE_FLAGS), NOP, .flags = 0x80),
	T("nop CQE_SKIP_SUCCESS", R_FULL, E(SQE_FLAGS), NOP, .flags = IOSQE_CQE_SKIP_SUCCESS),
	T("nop FIXED_FILE (takes no file)", R_FULL, E(SQE_FLAGS), NOP, .flags = IOSQE_FIXED_FILE),
	T("nop BUFFER_SELECT", R_FULL, E(SQE_FLAGS), NOP, .flags = IOSQE_BUFFER_SELECT),
	T("nop user_data -1 (liburing's)", R_FULL, E(USER_DATA), NOP, .user_data = LIBURING_UDATA_TIMEOUT),
	T("nop personality", R_FULL, E(RESERVED), NOP, .personality = 1),
	T("nop ioprio", R_FULL, E(RESERVED), NOP, .ioprio = 1),
	T("nop addr3", R_FULL, E(RESERVED), NOP, .addr3 = 1),
	T("nop __pad2", R_FULL, E(RESERVED), NOP, .__pad2 = {1}),
	T("nop buf_index", R_FULL, E(RESERVED), NOP, .buf_index = 1),
	T("nop file_index", R_FULL, E(RESERVED), NOP, .file_index = 1),
	T("nop, SQE128 ring, zero tail", R_SQE128, OK, NOP),
	TAIL("nop, SQE128 ring, byte 64 set", R_SQE128, E(RESERVED), 1, NOP),
	TAIL("nop, SQE128 ring, byte 127 set", R_SQE128, E(RESERVED), 64, NOP),
	T("opcode SPLICE (not offered)", R_FULL, E(OPCODE), .opcode = IORING_OP_SPLICE, .fd = 3),
	T("opcode URING_CMD (not offered)", R_FULL, E(OPCODE), .opcode = IORING_OP_URING_CMD, .fd = 3),
	T("opcode IORING_OP_LAST", R_FULL, E(OPCODE), .opcode = IORING_OP_LAST),
	T("opcode 255", R_NOPROBE, E(OPCODE), .opcode = 255),
	T("opcode SEND_ZC, older kernel", R_OLD, E(OPCODE_KERNEL), .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = 1, .len = 1),
	T("opcode SOCKET, older kernel", R_OLD, E(OPCODE_KERNEL), .opcode = IORING_OP_SOCKET, .fd = 2, .off = 1),
	T("opcode STATX, kernel probe hole", R_OLD, E(OPCODE_KERNEL), .opcode = IORING_OP_STATX, .fd = AT_FDCWD,
	  .addr = 0x1000, .off = 0x2000),
	T("read, older kernel", R_OLD, OK, RD(READ)),
	T("statx, no probe", R_NOPROBE, OK, .opcode = IORING_OP_STATX, .fd = AT_FDCWD, .addr = 0x1000, .off = 0x2000),

	/* ---- IO_DRAIN vs zero-copy sends: one ring uses one or the other ---- */
	T("drained nop on a fresh ring", R_FULL, OK, NOP, .flags = IOSQE_IO_DRAIN),
	T("drained nop after a drain", R_DRAIN_USED, OK, NOP, .flags = IOSQE_IO_DRAIN),
	T("drained nop after a zero-copy send", R_ZC_USED, E(SQE_FLAGS), NOP, .flags = IOSQE_IO_DRAIN),
	T("drained read after a zero-copy send", R_ZC_USED, E(SQE_FLAGS), RD(READ), .flags = IOSQE_IO_DRAIN),
	T("drained SEND_ZC on a fresh ring", R_FULL, E(SQE_FLAGS), .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = 1,
	  .len = 1, .flags = IOSQE_IO_DRAIN),
	T("drained SENDMSG_ZC on a fresh ring", R_FULL, E(SQE_FLAGS), .opcode = IORING_OP_SENDMSG_ZC, .fd = 3,
	  .addr = 0x1000, .len = 1, .flags = IOSQE_IO_DRAIN),
	T("SEND_ZC after a drain", R_DRAIN_USED, E(SQE_FLAGS), .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = 1, .len = 1),
	T("SENDMSG_ZC after a drain", R_DRAIN_USED, E(SQE_FLAGS), .opcode = IORING_OP_SENDMSG_ZC, .fd = 3,
	  .addr = 0x1000, .len = 1),
	T("SEND_ZC after a zero-copy send", R_ZC_USED, OK, .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = 1, .len = 1),
	F("nop after a zero-copy send", R_ZC_USED, OK, NOP),
	F("read after a drain", R_DRAIN_USED, OK, RD(READ)),
	T("send (not zero-copy) after a drain", R_DRAIN_USED, OK, .opcode = IORING_OP_SEND, .fd = 3, .addr = 1, .len = 1),

	/* ---- READ / WRITE ---- */
	F("read", R_FULL, OK, RD(READ)),
	F("write", R_FULL, OK, RD(WRITE)),
	F("read, no probe", R_NOPROBE, OK, RD(READ)),
	F("read at the current position (off -1)", R_FULL, OK, RD(READ), .off = ~0ull),
	F("read len 0, addr 0", R_FULL, OK, .opcode = IORING_OP_READ, .fd = 3),
	F("read len MAX_RW_COUNT", R_FULL, OK, RD(READ), .len = 0x7ffff000u),
	F("read, wild buffer address (not read)", R_FULL, OK, RD(READ), .addr = GUARD_ADDR),
	T("read len MAX_RW_COUNT + 1", R_FULL, E(LENGTH), RD(READ), .len = 0x7ffff001u),
	T("read len ~0", R_FULL, E(LENGTH), RD(READ), .len = ~0u),
	T("read addr 0", R_FULL, E(NULL_ADDR), RD(READ), .addr = 0),
	T("write addr 0", R_FULL, E(NULL_ADDR), RD(WRITE), .addr = 0),
	T("read fd -1", R_FULL, E(FD), RD(READ), .fd = -1),
	T("write fd -100", R_FULL, E(FD), RD(WRITE), .fd = AT_FDCWD),
	T("read ioprio", R_FULL, E(RESERVED), RD(READ), .ioprio = 1),
	T("read file_index", R_FULL, E(RESERVED), RD(READ), .file_index = 1),
	T("read buf_index", R_FULL, E(RESERVED), RD(READ), .buf_index = 1),
	T("read BUFFER_SELECT", R_FULL, E(SQE_FLAGS), RD(READ), .flags = IOSQE_BUFFER_SELECT, .buf_group = 7),
	T("read fixed file 0", R_FULL, OK, RD(READ), .fd = 0, .flags = IOSQE_FIXED_FILE),
	T("write fixed file 7 (last)", R_FULL, OK, RD(WRITE), .fd = 7, .flags = IOSQE_FIXED_FILE),
	T("read fixed file 8 (table of 8)", R_FULL, E(FIXED_FILE), RD(READ), .fd = 8, .flags = IOSQE_FIXED_FILE),
	T("read fixed file -1", R_FULL, E(FIXED_FILE), RD(READ), .fd = -1, .flags = IOSQE_FIXED_FILE),
	T("read fixed file 0, no table", R_NOPROBE, E(FIXED_FILE), RD(READ), .fd = 0, .flags = IOSQE_FIXED_FILE),

	/* ---- READ_FIXED / WRITE_FIXED: range inside registered buffer buf_index ---- */
	T("read_fixed whole buffer 0", R_FULL, OK, .opcode = IORING_OP_READ_FIXED, .fd = 3, .addr = BUF0, .len = 4096),
	T("write_fixed inside buffer 1", R_FULL, OK, .opcode = IORING_OP_WRITE_FIXED, .fd = 3, .addr = BUF1 + 100,
	  .len = 1000, .buf_index = 1),
	T("read_fixed len 0 at the end of buffer 0", R_FULL, OK, .opcode = IORING_OP_READ_FIXED, .fd = 3,
	  .addr = BUF0 + 4096),
	T("read_fixed fixed file 2", R_FULL, OK, .opcode = IORING_OP_READ_FIXED, .fd = 2, .flags = IOSQE_FIXED_FILE,
	  .addr = BUF0, .len = 1),
	T("read_fixed buf_index 2 (2 registered)", R_FULL, E(BUF_INDEX), .opcode = IORING_OP_READ_FIXED, .fd = 3,
	  .addr = BUF0, .len = 1, .buf_index = 2),
	T("write_fixed buf_index 65535", R_FULL, E(BUF_INDEX), .opcode = IORING_OP_WRITE_FIXED, .fd = 3, .addr = BUF0,
	  .len = 1, .buf_index = 0xffff),
	T("read_fixed, no buffers registered", R_NOPROBE, E(BUF_INDEX), .opcode = IORING_OP_READ_FIXED, .fd = 3,
	  .addr = BUF0, .len = 1),
	T("read_fixed one byte past the end", R_FULL, E(BUF_RANGE), .opcode = IORING_OP_READ_FIXED, .fd = 3,
	  .addr = BUF0 + 1, .len = 4096),
	T("read_fixed one byte before the start", R_FULL, E(BUF_RANGE), .opcode = IORING_OP_READ_FIXED, .fd = 3,
	  .addr = BUF0 - 1, .len = 2),
	T("write_fixed range of buffer 1 against buffer 0", R_FULL, E(BUF_RANGE), .opcode = IORING_OP_WRITE_FIXED,
	  .fd = 3, .addr = BUF1, .len = 16),
	T("read_fixed addr + len wraps", R_FULL, E(BUF_RANGE), .opcode = IORING_OP_READ_FIXED, .fd = 3,
	  .addr = ~0ull - 10, .len = 100),
	T("read_fixed fd -1", R_FULL, E(FD), .opcode = IORING_OP_READ_FIXED, .fd = -1, .addr = BUF0, .len = 1),
	T("read_fixed fixed file 8", R_FULL, E(FIXED_FILE), .opcode = IORING_OP_READ_FIXED, .fd = 8,
	  .flags = IOSQE_FIXED_FILE, .addr = BUF0, .len = 1),

	/* ---- READV / WRITEV: addr is an iovec array, never read ---- */
	T("readv", R_FULL, OK, .opcode = IORING_OP_READV, .fd = 3, .addr = 0x7f0000001000ull, .len = 2),
	T("writev 1024 iovecs", R_FULL, OK, .opcode = IORING_OP_WRITEV, .fd = 3, .addr = 0x7f0000001000ull, .len = 1024),
	T("readv wild iovecs 0x1000", R_FULL, OK, .opcode = IORING_OP_READV, .fd = 3, .addr = WILD_1000, .len = 1),
	T("readv wild iovecs ~0", R_FULL, OK, .opcode = IORING_OP_READV, .fd = 3, .addr = WILD_MAX, .len = 8),
	T("readv iovecs on a PROT_NONE page", R_FULL, OK, .opcode = IORING_OP_READV, .fd = 3, .addr = GUARD_ADDR, .len = 4),
	T("writev wild iovecs 0x1000", R_FULL, OK, .opcode = IORING_OP_WRITEV, .fd = 3, .addr = WILD_1000, .len = 1),
	T("writev wild iovecs ~0", R_FULL, OK, .opcode = IORING_OP_WRITEV, .fd = 3, .addr = WILD_MAX, .len = 1024),
	T("writev iovecs on a PROT_NONE page", R_FULL, OK, .opcode = IORING_OP_WRITEV, .fd = 3, .addr = GUARD_ADDR, .len = 3),
	T("readv fixed file 1", R_FULL, OK, .opcode = IORING_OP_READV, .fd = 1, .flags = IOSQE_FIXED_FILE, .addr = 1, .len = 1),
	T("readv addr 0", R_FULL, E(NULL_ADDR), .opcode = IORING_OP_READV, .fd = 3, .len = 1),
	T("writev 0 iovecs", R_FULL, E(LENGTH), .opcode = IORING_OP_WRITEV, .fd = 3, .addr = WILD_1000),
	T("writev 1025 iovecs", R_FULL, E(LENGTH), .opcode = IORING_OP_WRITEV, .fd = 3, .addr = WILD_1000, .len = 1025),
	T("readv fd -1", R_FULL, E(FD), .opcode = IORING_OP_READV, .fd = -1, .addr = WILD_1000, .len = 1),
	T("readv buf_index", R_FULL, E(RESERVED), .opcode = IORING_OP_READV, .fd = 3, .addr = 1, .len = 1, .buf_index = 1),

	/* ---- FSYNC, FALLOCATE ---- */
	T("fsync", R_FULL, OK, .opcode = IORING_OP_FSYNC, .fd = 3),
	T("fsync DATASYNC", R_FULL, OK, .opcode = IORING_OP_FSYNC, .fd = 3, .fsync_flags = IORING_FSYNC_DATASYNC),
	T("fsync fixed file 1", R_FULL, OK, .opcode = IORING_OP_FSYNC, .fd = 1, .flags = IOSQE_FIXED_FILE),
	T("fsync flag 2", R_FULL, E(RESERVED), .opcode = IORING_OP_FSYNC, .fd = 3, .fsync_flags = 2),
	T("fsync addr", R_FULL, E(RESERVED), .opcode = IORING_OP_FSYNC, .fd = 3, .addr = 1),
	T("fsync fd -1", R_FULL, E(FD), .opcode = IORING_OP_FSYNC, .fd = -1),
	T("fallocate", R_FULL, OK, .opcode = IORING_OP_FALLOCATE, .fd = 3, .off = 4096, .addr = 1 << 20),
	T("fallocate offset -1", R_FULL, E(LENGTH), .opcode = IORING_OP_FALLOCATE, .fd = 3, .off = ~0ull, .addr = 1),
	T("fallocate length -1", R_FULL, E(LENGTH), .opcode = IORING_OP_FALLOCATE, .fd = 3, .addr = ~0ull),
	T("fallocate fd -1", R_FULL, E(FD), .opcode = IORING_OP_FALLOCATE, .fd = -1, .addr = 1),

	/* ---- OPENAT, CLOSE, STATX ---- */
	T("openat AT_FDCWD", R_FULL, OK, .opcode = IORING_OP_OPENAT, .fd = AT_FDCWD, .addr = 0x7f0000001000ull),
	T("openat dirfd 5, wild path (not read)", R_FULL, OK, .opcode = IORING_OP_OPENAT, .fd = 5, .addr = GUARD_ADDR),
	T("openat direct into slot 0", R_FULL, OK, .opcode = IORING_OP_OPENAT, .fd = AT_FDCWD, .addr = 1, .file_index = 1),
	T("openat direct into slot 7", R_FULL, OK, .opcode = IORING_OP_OPENAT, .fd = AT_FDCWD, .addr = 1, .file_index = 8),
	T("openat direct, kernel-chosen slot", R_FULL, OK, .opcode = IORING_OP_OPENAT, .fd = AT_FDCWD, .addr = 1,
	  .file_index = IORING_FILE_INDEX_ALLOC),
	T("openat direct into slot 8 (table of 8)", R_FULL, E(FIXED_FILE), .opcode = IORING_OP_OPENAT, .fd = AT_FDCWD,
	  .addr = 1, .file_index = 9),
	T("openat kernel-chosen slot, no table", R_NOPROBE, E(FIXED_FILE), .opcode = IORING_OP_OPENAT, .fd = AT_FDCWD,
	  .addr = 1, .file_index = IORING_FILE_INDEX_ALLOC),
	T("openat path 0", R_FULL, E(NULL_ADDR), .opcode = IORING_OP_OPENAT, .fd = AT_FDCWD),
	T("openat dirfd -1", R_FULL, E(FD), .opcode = IORING_OP_OPENAT, .fd = -1, .addr = 1),
	T("openat FIXED_FILE", R_FULL, E(SQE_FLAGS), .opcode = IORING_OP_OPENAT, .fd = 1, .addr = 1, .flags = IOSQE_FIXED_FILE),
	T("close", R_FULL, OK, .opcode = IORING_OP_CLOSE, .fd = 3),
	T("close slot 0", R_FULL, OK, .opcode = IORING_OP_CLOSE, .file_index = 1),
	T("close slot 8 (table of 8)", R_FULL, E(FIXED_FILE), .opcode = IORING_OP_CLOSE, .file_index = 9),
	T("close slot 0 and fd 3", R_FULL, E(RESERVED), .opcode = IORING_OP_CLOSE, .fd = 3, .file_index = 1),
	/* A kernel that ignores file_index would open a regular fd, accept one, or close fd 0. */
	T("openat direct, file_index ignored", R_NO_DIRECT, E(FILE_INDEX_KERNEL), .opcode = IORING_OP_OPENAT,
	  .fd = AT_FDCWD, .addr = 1, .file_index = 1),
	T("openat any slot, file_index ignored", R_NO_DIRECT, E(FILE_INDEX_KERNEL), .opcode = IORING_OP_OPENAT,
	  .fd = AT_FDCWD, .addr = 1, .file_index = IORING_FILE_INDEX_ALLOC),
	T("openat, file_index ignored", R_NO_DIRECT, OK, .opcode = IORING_OP_OPENAT, .fd = AT_FDCWD, .addr = 1),
	T("close slot 0, file_index ignored", R_NO_DIRECT, E(FILE_INDEX_KERNEL), .opcode = IORING_OP_CLOSE, .file_index = 1),
	T("close fd 3, file_index ignored", R_NO_DIRECT, OK, .opcode = IORING_OP_CLOSE, .fd = 3),
	T("accept direct, file_index ignored", R_NO_DIRECT, E(FILE_INDEX_KERNEL), .opcode = IORING_OP_ACCEPT, .fd = 3,
	  .file_index = 1),
	T("socket direct, file_index ignored", R_NO_DIRECT, E(FILE_INDEX_KERNEL), .opcode = IORING_OP_SOCKET, .fd = 2,
	  .off = 1, .file_index = 1),
	T("read, file_index ignored", R_NO_DIRECT, E(RESERVED), RD(READ), .file_index = 1),
	T("close addr", R_FULL, E(RESERVED), .opcode = IORING_OP_CLOSE, .fd = 3, .addr = 1),
	T("close len", R_FULL, E(RESERVED), .opcode = IORING_OP_CLOSE, .fd = 3, .len = 1),
	T("close off", R_FULL, E(RESERVED), .opcode = IORING_OP_CLOSE, .fd = 3, .off = 1),
	T("close fd -1", R_FULL, E(FD), .opcode = IORING_OP_CLOSE, .fd = -1),
	T("close FIXED_FILE", R_FULL, E(SQE_FLAGS), .opcode = IORING_OP_CLOSE, .fd = 1, .flags = IOSQE_FIXED_FILE),
	T("statx", R_FULL, OK, .opcode = IORING_OP_STATX, .fd = AT_FDCWD, .addr = 0x1000, .off = 0x2000, .len = 0xfff),
	T("statx, wild path and buffer (not read)", R_FULL, OK, .opcode = IORING_OP_STATX, .fd = 3, .addr = GUARD_ADDR,
	  .off = WILD_MAX),
	T("statx path 0", R_FULL, E(NULL_ADDR), .opcode = IORING_OP_STATX, .fd = AT_FDCWD, .off = 0x2000),
	T("statx buffer 0", R_FULL, E(NULL_ADDR), .opcode = IORING_OP_STATX, .fd = AT_FDCWD, .addr = 0x1000),
	T("statx dirfd -1", R_FULL, E(FD), .opcode = IORING_OP_STATX, .fd = -1, .addr = 0x1000, .off = 0x2000),

	/* ---- TIMEOUT, LINK_TIMEOUT, ASYNC_CANCEL ---- */
	T("timeout", R_FULL, OK, .opcode = IORING_OP_TIMEOUT, .addr = GUARD_ADDR, .len = 1, .off = 2),
	T("timeout ABS|BOOTTIME|ETIME_SUCCESS", R_FULL, OK, .opcode = IORING_OP_TIMEOUT, .addr = 1, .len = 1,
	  .timeout_flags = IORING_TIMEOUT_ABS | IORING_TIMEOUT_BOOTTIME | IORING_TIMEOUT_ETIME_SUCCESS),
	T("timeout addr 0", R_FULL, E(NULL_ADDR), .opcode = IORING_OP_TIMEOUT, .len = 1),
	T("timeout len 2", R_FULL, E(LENGTH), .opcode = IORING_OP_TIMEOUT, .addr = 1, .len = 2),
	T("timeout UPDATE", R_FULL, E(RESERVED), .opcode = IORING_OP_TIMEOUT, .addr = 1, .len = 1,
	  .timeout_flags = IORING_TIMEOUT_UPDATE),
	T("timeout FIXED_FILE", R_FULL, E(SQE_FLAGS), .opcode = IORING_OP_TIMEOUT, .addr = 1, .len = 1,
	  .flags = IOSQE_FIXED_FILE),
	T("link_timeout", R_FULL, OK, .opcode = IORING_OP_LINK_TIMEOUT, .addr = WILD_MAX, .len = 1),
	T("link_timeout addr 0", R_FULL, E(NULL_ADDR), .opcode = IORING_OP_LINK_TIMEOUT, .len = 1),
	T("link_timeout len 0", R_FULL, E(LENGTH), .opcode = IORING_OP_LINK_TIMEOUT, .addr = 1),
	T("link_timeout flag 1<<7", R_FULL, E(RESERVED), .opcode = IORING_OP_LINK_TIMEOUT, .addr = 1, .len = 1,
	  .timeout_flags = 1u << 7),
	T("async_cancel by user_data", R_FULL, OK, .opcode = IORING_OP_ASYNC_CANCEL, .addr = 42),
	T("async_cancel ALL|ANY", R_FULL, OK, .opcode = IORING_OP_ASYNC_CANCEL,
	  .cancel_flags = IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_ANY),
	T("async_cancel by fd", R_FULL, E(RESERVED), .opcode = IORING_OP_ASYNC_CANCEL, .fd = 3,
	  .cancel_flags = IORING_ASYNC_CANCEL_FD),

	/* ---- SOCKET, CONNECT, ACCEPT, SHUTDOWN, POLL_ADD ---- */
	T("socket AF_INET SOCK_STREAM", R_FULL, OK, .opcode = IORING_OP_SOCKET, .fd = 2, .off = 1),
	T("socket direct into slot 0", R_FULL, OK, .opcode = IORING_OP_SOCKET, .fd = 2, .off = 1, .file_index = 1),
	T("socket direct into slot 8", R_FULL, E(FIXED_FILE), .opcode = IORING_OP_SOCKET, .fd = 2, .off = 1, .file_index = 9),
	T("socket domain -1", R_FULL, E(FD), .opcode = IORING_OP_SOCKET, .fd = -1, .off = 1),
	T("socket addr", R_FULL, E(RESERVED), .opcode = IORING_OP_SOCKET, .fd = 2, .off = 1, .addr = 1),
	T("socket rw_flags", R_FULL, E(RESERVED), .opcode = IORING_OP_SOCKET, .fd = 2, .off = 1, .rw_flags = 1),
	T("connect", R_FULL, OK, .opcode = IORING_OP_CONNECT, .fd = 3, .addr = GUARD_ADDR, .off = 16),
	T("connect addrlen 128", R_FULL, OK, .opcode = IORING_OP_CONNECT, .fd = 3, .addr = 1, .off = 128),
	T("connect fixed file 3", R_FULL, OK, .opcode = IORING_OP_CONNECT, .fd = 3, .flags = IOSQE_FIXED_FILE, .addr = 1,
	  .off = 16),
	T("connect addr 0", R_FULL, E(NULL_ADDR), .opcode = IORING_OP_CONNECT, .fd = 3, .off = 16),
	T("connect addrlen 0", R_FULL, E(LENGTH), .opcode = IORING_OP_CONNECT, .fd = 3, .addr = 1),
	T("connect addrlen 129", R_FULL, E(LENGTH), .opcode = IORING_OP_CONNECT, .fd = 3, .addr = 1, .off = 129),
	T("connect len", R_FULL, E(RESERVED), .opcode = IORING_OP_CONNECT, .fd = 3, .addr = 1, .off = 16, .len = 1),
	T("connect fd -1", R_FULL, E(FD), .opcode = IORING_OP_CONNECT, .fd = -1, .addr = 1, .off = 16),
	T("accept", R_FULL, OK, .opcode = IORING_OP_ACCEPT, .fd = 3),
	T("accept multishot", R_FULL, OK, .opcode = IORING_OP_ACCEPT, .fd = 3, .ioprio = IORING_ACCEPT_MULTISHOT),
	T("accept direct into slot 0", R_FULL, OK, .opcode = IORING_OP_ACCEPT, .fd = 3, .file_index = 1),
	T("accept multishot direct, kernel-chosen slots", R_FULL, OK, .opcode = IORING_OP_ACCEPT, .fd = 3,
	  .ioprio = IORING_ACCEPT_MULTISHOT, .file_index = IORING_FILE_INDEX_ALLOC),
	T("accept on fixed file 0", R_FULL, OK, .opcode = IORING_OP_ACCEPT, .fd = 0, .flags = IOSQE_FIXED_FILE),
	T("accept on fixed file 8", R_FULL, E(FIXED_FILE), .opcode = IORING_OP_ACCEPT, .fd = 8, .flags = IOSQE_FIXED_FILE),
	T("accept direct into slot 8", R_FULL, E(FIXED_FILE), .opcode = IORING_OP_ACCEPT, .fd = 3, .file_index = 9),
	T("accept multishot direct into slot 0", R_FULL, E(RESERVED), .opcode = IORING_OP_ACCEPT, .fd = 3,
	  .ioprio = IORING_ACCEPT_MULTISHOT, .file_index = 1),
	T("accept peer address", R_FULL, E(RESERVED), .opcode = IORING_OP_ACCEPT, .fd = 3, .addr = 1),
	T("accept peer address length", R_FULL, E(RESERVED), .opcode = IORING_OP_ACCEPT, .fd = 3, .addr2 = 1),
	T("accept len", R_FULL, E(RESERVED), .opcode = IORING_OP_ACCEPT, .fd = 3, .len = 1),
	T("accept ioprio 1<<7", R_FULL, E(RESERVED), .opcode = IORING_OP_ACCEPT, .fd = 3, .ioprio = 1u << 7),
	T("accept fd -1", R_FULL, E(FD), .opcode = IORING_OP_ACCEPT, .fd = -1),
	T("shutdown SHUT_RDWR", R_FULL, OK, .opcode = IORING_OP_SHUTDOWN, .fd = 3, .len = 2),
	T("shutdown fixed file 4", R_FULL, OK, .opcode = IORING_OP_SHUTDOWN, .fd = 4, .flags = IOSQE_FIXED_FILE),
	T("shutdown how 3", R_FULL, E(LENGTH), .opcode = IORING_OP_SHUTDOWN, .fd = 3, .len = 3),
	T("shutdown addr", R_FULL, E(RESERVED), .opcode = IORING_OP_SHUTDOWN, .fd = 3, .addr = 1),
	T("shutdown fd -1", R_FULL, E(FD), .opcode = IORING_OP_SHUTDOWN, .fd = -1),
	T("poll_add POLLIN", R_FULL, OK, .opcode = IORING_OP_POLL_ADD, .fd = 3, .poll32_events = 1),
	T("poll_add multishot", R_FULL, OK, .opcode = IORING_OP_POLL_ADD, .fd = 3, .poll32_events = 1,
	  .len = IORING_POLL_ADD_MULTI),
	T("poll_add len 2 (update)", R_FULL, E(RESERVED), .opcode = IORING_OP_POLL_ADD, .fd = 3, .len = 2),
	T("poll_add addr", R_FULL, E(RESERVED), .opcode = IORING_OP_POLL_ADD, .fd = 3, .addr = 1),
	T("poll_add off", R_FULL, E(RESERVED), .opcode = IORING_OP_POLL_ADD, .fd = 3, .off = 1),
	T("poll_add fd -1", R_FULL, E(FD), .opcode = IORING_OP_POLL_ADD, .fd = -1),

	/* ---- SEND, RECV (provided buffers) ---- */
	T("send", R_FULL, OK, .opcode = IORING_OP_SEND, .fd = 3, .addr = GUARD_ADDR, .len = 100),
	T("send POLL_FIRST", R_FULL, OK, .opcode = IORING_OP_SEND, .fd = 3, .addr = 1, .len = 1,
	  .ioprio = IORING_RECVSEND_POLL_FIRST),
	T("send on fixed file 5", R_FULL, OK, .opcode = IORING_OP_SEND, .fd = 5, .flags = IOSQE_FIXED_FILE, .addr = 1, .len = 1),
	T("send len 0, addr 0", R_FULL, OK, .opcode = IORING_OP_SEND, .fd = 3),
	T("send addr 0", R_FULL, E(NULL_ADDR), .opcode = IORING_OP_SEND, .fd = 3, .len = 1),
	T("send len MAX_RW_COUNT + 1", R_FULL, E(LENGTH), .opcode = IORING_OP_SEND, .fd = 3, .addr = 1, .len = 0x7ffff001u),
	T("send multishot", R_FULL, E(RESERVED), .opcode = IORING_OP_SEND, .fd = 3, .addr = 1, .len = 1,
	  .ioprio = IORING_RECV_MULTISHOT),
	T("send fd -1", R_FULL, E(FD), .opcode = IORING_OP_SEND, .fd = -1, .addr = 1, .len = 1),
	T("send BUFFER_SELECT", R_FULL, E(SQE_FLAGS), .opcode = IORING_OP_SEND, .fd = 3, .flags = IOSQE_BUFFER_SELECT,
	  .buf_group = 7),
	T("recv", R_FULL, OK, .opcode = IORING_OP_RECV, .fd = 3, .addr = WILD_MAX, .len = 100),
	T("recv provided buffers, group 7", R_FULL, OK, .opcode = IORING_OP_RECV, .fd = 3, .flags = IOSQE_BUFFER_SELECT,
	  .buf_group = 7),
	T("recv multishot, group 7", R_FULL, OK, .opcode = IORING_OP_RECV, .fd = 3, .flags = IOSQE_BUFFER_SELECT,
	  .buf_group = 7, .ioprio = IORING_RECV_MULTISHOT | IORING_RECVSEND_POLL_FIRST),
	T("recv provided buffers on fixed file 2", R_FULL, OK, .opcode = IORING_OP_RECV, .fd = 2,
	  .flags = IOSQE_BUFFER_SELECT | IOSQE_FIXED_FILE, .buf_group = 7),
	T("recv provided buffers, group 8 (not registered)", R_FULL, E(BUF_GROUP), .opcode = IORING_OP_RECV, .fd = 3,
	  .flags = IOSQE_BUFFER_SELECT, .buf_group = 8),
	T("recv provided buffers, group 0, none registered", R_NOPROBE, E(BUF_GROUP), .opcode = IORING_OP_RECV, .fd = 3,
	  .flags = IOSQE_BUFFER_SELECT),
	T("recv provided buffers and an address", R_FULL, E(RESERVED), .opcode = IORING_OP_RECV, .fd = 3, .addr = 1,
	  .flags = IOSQE_BUFFER_SELECT, .buf_group = 7),
	T("recv provided buffers, fd -1", R_FULL, E(FD), .opcode = IORING_OP_RECV, .fd = -1, .flags = IOSQE_BUFFER_SELECT,
	  .buf_group = 7),
	T("recv multishot without provided buffers", R_FULL, E(RESERVED), .opcode = IORING_OP_RECV, .fd = 3, .addr = 1,
	  .len = 1, .ioprio = IORING_RECV_MULTISHOT),
	T("recv addr 0", R_FULL, E(NULL_ADDR), .opcode = IORING_OP_RECV, .fd = 3, .len = 1),
	T("recv len MAX_RW_COUNT + 1", R_FULL, E(LENGTH), .opcode = IORING_OP_RECV, .fd = 3, .addr = 1, .len = 0x7ffff001u),
	T("recv fd -1", R_FULL, E(FD), .opcode = IORING_OP_RECV, .fd = -1, .addr = 1, .len = 1),
	T("recv fixed file 8", R_FULL, E(FIXED_FILE), .opcode = IORING_OP_RECV, .fd = 8, .flags = IOSQE_FIXED_FILE,
	  .addr = 1, .len = 1),

	/* ---- SENDMSG / RECVMSG / SENDMSG_ZC: addr is a struct msghdr, never read ---- */
	T("sendmsg", R_FULL, OK, .opcode = IORING_OP_SENDMSG, .fd = 3, .addr = 0x7f0000001000ull, .len = 1),
	T("sendmsg wild msghdr 0x1000", R_FULL, OK, .opcode = IORING_OP_SENDMSG, .fd = 3, .addr = WILD_1000, .len = 1),
	T("sendmsg wild msghdr ~0", R_FULL, OK, .opcode = IORING_OP_SENDMSG, .fd = 3, .addr = WILD_MAX, .len = 1),
	T("sendmsg msghdr on a PROT_NONE page", R_FULL, OK, .opcode = IORING_OP_SENDMSG, .fd = 3, .addr = GUARD_ADDR,
	  .len = 1),
	T("recvmsg", R_FULL, OK, .opcode = IORING_OP_RECVMSG, .fd = 3, .addr = 0x7f0000001000ull, .len = 1),
	T("recvmsg wild msghdr 0x1000", R_FULL, OK, .opcode = IORING_OP_RECVMSG, .fd = 3, .addr = WILD_1000, .len = 1),
	T("recvmsg wild msghdr ~0", R_FULL, OK, .opcode = IORING_OP_RECVMSG, .fd = 3, .addr = WILD_MAX, .len = 1),
	T("recvmsg msghdr on a PROT_NONE page", R_FULL, OK, .opcode = IORING_OP_RECVMSG, .fd = 3, .addr = GUARD_ADDR,
	  .len = 1),
	T("recvmsg POLL_FIRST, MSG_WAITALL, fixed file 6", R_FULL, OK, .opcode = IORING_OP_RECVMSG, .fd = 6,
	  .flags = IOSQE_FIXED_FILE, .addr = WILD_1000, .len = 1, .ioprio = IORING_RECVSEND_POLL_FIRST, .msg_flags = MSG_WAITALL),
	T("sendmsg_zc", R_FULL, OK, .opcode = IORING_OP_SENDMSG_ZC, .fd = 3, .addr = 0x7f0000001000ull, .len = 1),
	T("sendmsg_zc wild msghdr ~0, REPORT_USAGE", R_FULL, OK, .opcode = IORING_OP_SENDMSG_ZC, .fd = 3, .addr = WILD_MAX,
	  .len = 1, .ioprio = IORING_SEND_ZC_REPORT_USAGE),
	T("sendmsg_zc msghdr on a PROT_NONE page", R_FULL, OK, .opcode = IORING_OP_SENDMSG_ZC, .fd = 3, .addr = GUARD_ADDR,
	  .len = 1),
	T("sendmsg msghdr 0", R_FULL, E(NULL_ADDR), .opcode = IORING_OP_SENDMSG, .fd = 3, .len = 1),
	T("recvmsg len 0", R_FULL, E(RESERVED), .opcode = IORING_OP_RECVMSG, .fd = 3, .addr = WILD_1000),
	T("recvmsg len 2", R_FULL, E(RESERVED), .opcode = IORING_OP_RECVMSG, .fd = 3, .addr = WILD_1000, .len = 2),
	T("sendmsg off", R_FULL, E(RESERVED), .opcode = IORING_OP_SENDMSG, .fd = 3, .addr = WILD_1000, .len = 1, .off = 1),
	T("sendmsg fd -1", R_FULL, E(FD), .opcode = IORING_OP_SENDMSG, .fd = -1, .addr = WILD_1000, .len = 1),
	T("recvmsg fixed file 8", R_FULL, E(FIXED_FILE), .opcode = IORING_OP_RECVMSG, .fd = 8, .flags = IOSQE_FIXED_FILE,
	  .addr = WILD_1000, .len = 1),
	T("recvmsg BUFFER_SELECT", R_FULL, E(SQE_FLAGS), .opcode = IORING_OP_RECVMSG, .fd = 3,
	  .flags = IOSQE_BUFFER_SELECT, .addr = WILD_1000, .len = 1, .buf_group = 7),
	T("sendmsg multishot flag", R_FULL, E(RESERVED), .opcode = IORING_OP_SENDMSG, .fd = 3, .addr = WILD_1000, .len = 1,
	  .ioprio = IORING_RECV_MULTISHOT),
	T("sendmsg_zc FIXED_BUF", R_FULL, E(RESERVED), .opcode = IORING_OP_SENDMSG_ZC, .fd = 3, .addr = WILD_1000, .len = 1,
	  .ioprio = IORING_RECVSEND_FIXED_BUF),

	/* ---- SEND_ZC (connected socket; FIXED_BUF: inside a registered buffer) ---- */
	T("send_zc", R_FULL, OK, .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = GUARD_ADDR, .len = 100),
	T("send_zc REPORT_USAGE|POLL_FIRST", R_FULL, OK, .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = 1, .len = 1,
	  .ioprio = IORING_SEND_ZC_REPORT_USAGE | IORING_RECVSEND_POLL_FIRST),
	T("send_zc from registered buffer 1", R_FULL, OK, .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = BUF1 + 8,
	  .len = 65528, .ioprio = IORING_RECVSEND_FIXED_BUF, .buf_index = 1),
	T("send_zc on fixed file 7", R_FULL, OK, .opcode = IORING_OP_SEND_ZC, .fd = 7, .flags = IOSQE_FIXED_FILE,
	  .addr = 1, .len = 1),
	T("send_zc registered buffer range too long", R_FULL, E(BUF_RANGE), .opcode = IORING_OP_SEND_ZC, .fd = 3,
	  .addr = BUF1 + 8, .len = 65529, .ioprio = IORING_RECVSEND_FIXED_BUF, .buf_index = 1),
	T("send_zc registered buffer 2 (2 registered)", R_FULL, E(BUF_INDEX), .opcode = IORING_OP_SEND_ZC, .fd = 3,
	  .addr = BUF0, .len = 1, .ioprio = IORING_RECVSEND_FIXED_BUF, .buf_index = 2),
	T("send_zc buf_index without FIXED_BUF", R_FULL, E(RESERVED), .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = 1,
	  .len = 1, .buf_index = 1),
	T("send_zc destination address (addr2)", R_FULL, E(RESERVED), .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = 1,
	  .len = 1, .addr2 = 0x1000),
	T("send_zc destination length (addr_len)", R_FULL, E(RESERVED), .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = 1,
	  .len = 1, .addr_len = 16),
	T("send_zc len MAX_RW_COUNT + 1", R_FULL, E(LENGTH), .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = 1,
	  .len = 0x7ffff001u),
	T("send_zc addr 0", R_FULL, E(NULL_ADDR), .opcode = IORING_OP_SEND_ZC, .fd = 3, .len = 1),
	T("send_zc fd -1", R_FULL, E(FD), .opcode = IORING_OP_SEND_ZC, .fd = -1, .addr = 1, .len = 1),
	T("send_zc ioprio 1<<7", R_FULL, E(RESERVED), .opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = 1, .len = 1,
	  .ioprio = 1u << 7),
};
#define NCASES (sizeof(cases) / sizeof(cases[0]))

/* The opcodes check_op handles; every other one must be U4J_REJECT_OPCODE. */
static const int handled_ops[] = {
	IORING_OP_NOP, IORING_OP_READV, IORING_OP_WRITEV, IORING_OP_FSYNC, IORING_OP_READ_FIXED,
	IORING_OP_WRITE_FIXED, IORING_OP_POLL_ADD, IORING_OP_SENDMSG, IORING_OP_RECVMSG, IORING_OP_TIMEOUT,
	IORING_OP_ACCEPT, IORING_OP_ASYNC_CANCEL, IORING_OP_LINK_TIMEOUT, IORING_OP_CONNECT, IORING_OP_FALLOCATE,
	IORING_OP_OPENAT, IORING_OP_CLOSE, IORING_OP_STATX, IORING_OP_READ, IORING_OP_WRITE, IORING_OP_SEND,
	IORING_OP_RECV, IORING_OP_SHUTDOWN, IORING_OP_SOCKET, IORING_OP_SEND_ZC, IORING_OP_SENDMSG_ZC,
};
#define NHANDLED (sizeof(handled_ops) / sizeof(handled_ops[0]))

static int verbose;
static unsigned passed, failed;
static long page;
static uint8_t *record_page; /* RW page; the page after it is PROT_NONE */
static uint64_t guard_addr;  /* that PROT_NONE page */
static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_sig;

static const char *code_name(int code)
{
	static char other[32];

	switch (code) {
	case U4J_OK:
		return "U4J_OK";
#define NAME_(name, c) case c: return "U4J_REJECT_" #name;
	U4J_REJECTS(NAME_)
#undef NAME_
	default:
		snprintf(other, sizeof(other), "unknown code %d", code);
		return other;
	}
}

static void on_fault(int sig)
{
	fault_sig = sig;
	siglongjmp(fault_jmp, 1);
}

static void setup(void)
{
	struct sigaction sa;
	uint8_t *m;

	page = sysconf(_SC_PAGESIZE);
	m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED || mprotect(m + page, page, PROT_NONE)) {
		perror("mmap");
		exit(2);
	}
	record_page = m;
	guard_addr = (uint64_t)(uintptr_t)(m + page);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);

	memset(rings, 0, sizeof(rings));
	for (int k = 0; k < R_COUNT; k++) {
		struct u4j_ring *r = &rings[k];

		r->sqe_size = 64;
		r->cqe_size = 16;
		r->last_op = IORING_OP_LAST - 1;
		memset(r->ops, 0, sizeof(r->ops));
		for (int op = 0; op < IORING_OP_LAST; op++)
			r->ops[op] = 1;
		r->nr_files = 8;
		r->nr_bufs = 2;
		r->bufs = bufs;
		r->pbuf_groups[0] = 7;
		r->nr_pbuf_groups = 1;
	}
	rings[R_NOPROBE].last_op = -1;
	memset(rings[R_NOPROBE].ops, 0, sizeof(rings[R_NOPROBE].ops));
	rings[R_NOPROBE].nr_files = 0;
	rings[R_NOPROBE].nr_bufs = 0;
	rings[R_NOPROBE].bufs = NULL;
	rings[R_NOPROBE].nr_pbuf_groups = 0;
	rings[R_OLD].last_op = IORING_OP_TEE;
	for (int op = IORING_OP_TEE + 1; op < 256; op++)
		rings[R_OLD].ops[op] = 0;
	rings[R_OLD].ops[IORING_OP_STATX] = 0;
	rings[R_ZC_USED].zc_used = 1;
	rings[R_DRAIN_USED].drain_used = 1;
	rings[R_SQE128].sqe_size = 128;
	rings[R_NO_DIRECT].file_index_ignored = 1;
}

static uint64_t fix_addr(uint64_t a)
{
	return a == GUARD_ADDR ? guard_addr : a;
}

/* The record as the validator sees it: the last sqe_size bytes before the PROT_NONE page. */
static struct io_uring_sqe *place(const struct u4j_ring *r, const struct io_uring_sqe *sqe, int tail)
{
	uint8_t *at = record_page + page - r->sqe_size;

	memset(at, 0, r->sqe_size);
	memcpy(at, sqe, sizeof(*sqe));
	if (tail && r->sqe_size == 128)
		at[64 + tail - 1] = 1;
	return (struct io_uring_sqe *)at;
}

struct answer {
	int full, full_detail, exported, exported_detail, fast, fault;
};

static struct answer ask(const struct u4j_ring *r, const struct io_uring_sqe *sqe)
{
	struct answer a = {0};
	volatile int stage = 0;

	fault_sig = 0;
	if (sigsetjmp(fault_jmp, 1)) {
		a.fault = fault_sig ? fault_sig : -1;
		a.full = -1000 - stage;
		return a;
	}
	a.full_detail = 0x5a5a;
	a.full = u4j_validate_inline(r, sqe, &a.full_detail);
	stage = 1;
	a.exported_detail = 0x5a5a;
	a.exported = u4j_validate(r, sqe, &a.exported_detail);
	stage = 2;
	a.fast = u4j_validate_fast(r, sqe);
	return a;
}

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("FAIL ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
}

/* The properties every answer has, whatever the record; returns a reason or NULL. */
static const char *answer_problem(const struct answer *a)
{
	if (a->fault)
		return "the validator faulted: it read memory outside the record and the ring";
	if (!u4j_reject_known(a->full))
		return "an unknown code (Java would have no message for it)";
	if (a->exported != a->full || a->exported_detail != a->full_detail)
		return "u4j_validate (validate.c) and u4j_validate_inline disagree";
	if (a->fast && a->full != U4J_OK)
		return "the fast path accepted a record the full validator refuses";
	return NULL;
}

static void run_table(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		const struct tcase *c = &cases[i];
		const struct u4j_ring *r = &rings[c->ring];
		struct io_uring_sqe sqe = c->sqe;
		struct io_uring_sqe *at;
		struct answer a;
		const char *why;

		sqe.addr = fix_addr(sqe.addr);
		sqe.off = fix_addr(sqe.off);
		at = place(r, &sqe, c->tail);
		a = ask(r, at);
		why = answer_problem(&a);
		if (why)
			fail("%s [%s ring]: %s (answer %s)", c->name, ring_names[c->ring], why, code_name(a.full));
		else if (a.full != c->expect)
			fail("%s [%s ring]: expected %s, got %s", c->name, ring_names[c->ring], code_name(c->expect),
			     code_name(a.full));
		else if (a.full_detail != c->detail)
			fail("%s [%s ring]: detail %d, expected %d", c->name, ring_names[c->ring], a.full_detail, c->detail);
		else if (c->fast && !a.fast)
			fail("%s [%s ring]: the fast path did not accept this hot-path record", c->name, ring_names[c->ring]);
		else {
			passed++;
			if (verbose)
				printf("ok   %s [%s ring]: %s%s\n", c->name, ring_names[c->ring], code_name(a.full),
				       a.fast ? " (fast path)" : "");
			continue;
		}
		failed++;
	}
}

static void check(int ok, const char *name, const char *detail)
{
	if (ok) {
		passed++;
		if (verbose)
			printf("ok   %s\n", name);
	} else {
		failed++;
		fail("%s: %s", name, detail);
	}
}

/* Every code of U4J_REJECTS is the expected answer of at least one row. */
static void check_reject_coverage(void)
{
	static const int codes[] = {
#define CODE_(name, c) c,
		U4J_REJECTS(CODE_)
#undef CODE_
	};
	char missing[256] = "";

	for (size_t k = 0; k < sizeof(codes) / sizeof(codes[0]); k++) {
		int seen = 0;

		for (size_t i = 0; i < NCASES && !seen; i++)
			seen = cases[i].expect == codes[k];
		if (!seen)
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing), " %s", code_name(codes[k]));
	}
	check(missing[0] == 0 && sizeof(codes) / sizeof(codes[0]) == U4J_REJECT_CODES,
	      "every reject code has a row expecting it", missing);
}

/* Every handled opcode has an accepted row; no other opcode gets past check_op. */
static void check_opcode_coverage(void)
{
	char msg[512] = "";

	for (size_t k = 0; k < NHANDLED; k++) {
		int seen = 0;

		for (size_t i = 0; i < NCASES && !seen; i++)
			seen = cases[i].sqe.opcode == handled_ops[k] && cases[i].expect == U4J_OK;
		if (!seen)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), " no accepted row for opcode %d;",
				 handled_ops[k]);
	}
	check(msg[0] == 0, "every handled opcode has an accepted row", msg);

	msg[0] = 0;
	for (int op = 0; op < 256; op++) {
		struct io_uring_sqe sqe;
		int handled = 0;
		struct answer a;

		for (size_t k = 0; k < NHANDLED; k++)
			handled |= handled_ops[k] == op;
		memset(&sqe, 0, sizeof(sqe));
		sqe.opcode = (uint8_t)op;
		a = ask(&rings[R_NOPROBE], place(&rings[R_NOPROBE], &sqe, 0));
		if (handled ? a.full == U4J_REJECT_OPCODE : a.full != U4J_REJECT_OPCODE)
			snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), " opcode %d: %s;", op, code_name(a.full));
	}
	check(msg[0] == 0, "exactly the handled opcodes get past U4J_REJECT_OPCODE (handled_ops is complete)", msg);
}

/* Sequences: u4j_note_queued makes the ring refuse the other half of the drain rule. */
static void check_drain_sequence(void)
{
	struct u4j_ring r = rings[R_FULL];
	struct io_uring_sqe drained = {.opcode = IORING_OP_NOP, .flags = IOSQE_IO_DRAIN};
	struct io_uring_sqe zc = {.opcode = IORING_OP_SEND_ZC, .fd = 3, .addr = 1, .len = 1};
	int d, ok;

	ok = u4j_validate_inline(&r, &drained, &d) == U4J_OK;
	u4j_note_queued(&r, &drained);
	ok = ok && r.drain_used && !r.zc_used && u4j_validate_inline(&r, &zc, &d) == U4J_REJECT_SQE_FLAGS;
	check(ok, "after a queued IO_DRAIN record, a zero-copy send is refused", "not refused");

	r = rings[R_FULL];
	ok = u4j_validate_inline(&r, &zc, &d) == U4J_OK;
	u4j_note_queued(&r, &zc);
	ok = ok && r.zc_used && !r.drain_used && u4j_validate_inline(&r, &drained, &d) == U4J_REJECT_SQE_FLAGS;
	check(ok, "after a queued zero-copy send, an IO_DRAIN record is refused", "not refused");
}

/* Every single-bit change of every accepted row, on every ring: the invariants hold. */
static void check_bit_flips(void)
{
	unsigned records = 0, bad = 0;
	char first[256] = "";

	for (size_t i = 0; i < NCASES; i++) {
		if (cases[i].expect != U4J_OK)
			continue;
		for (int k = 0; k < R_COUNT; k++) {
			const struct u4j_ring *r = &rings[k];

			for (unsigned bit = 0; bit < r->sqe_size * 8; bit++) {
				struct io_uring_sqe sqe = cases[i].sqe;
				struct io_uring_sqe *at;
				const char *why;
				struct answer a;

				sqe.addr = fix_addr(sqe.addr);
				sqe.off = fix_addr(sqe.off);
				at = place(r, &sqe, 0);
				((uint8_t *)at)[bit / 8] ^= (uint8_t)(1u << (bit % 8));
				a = ask(r, at);
				records++;
				why = answer_problem(&a);
				if (why && bad++ == 0)
					snprintf(first, sizeof(first), "%s [%s ring] bit %u: %s", cases[i].name, ring_names[k],
						 bit, why);
			}
		}
	}
	char name[96];

	snprintf(name, sizeof(name), "bit flips of the accepted rows (%u records): fast path within the full validator",
		 records);
	check(bad == 0, name, first);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t next_rand(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Values that sit on the validator's edges, mixed with plain random bits. */
static uint64_t pick(void)
{
	static const uint64_t edges[] = {0, 1, 2, 3, 7, 8, 9, 16, 128, 129, 1024, 1025, 4096, 0x7ffff000u, 0x7ffff001u,
					 0xffffffffu, BUF0, BUF0 + 4096, BUF1, ~0ull, ~0ull - 1, 0x1000, (uint64_t)-100};
	uint64_t r = next_rand();

	switch (r % 4) {
	case 0: return next_rand();
	case 1: return guard_addr;
	default: return edges[(r >> 8) % (sizeof(edges) / sizeof(edges[0]))];
	}
}

static void check_random(unsigned n)
{
	unsigned accepted = 0, fast = 0, bad = 0;
	char first[256] = "";

	for (unsigned i = 0; i < n; i++) {
		const struct u4j_ring *r = &rings[next_rand() % R_COUNT];
		struct io_uring_sqe sqe;
		struct io_uring_sqe *at;
		struct answer a;
		const char *why;
		uint64_t b = next_rand();

		memset(&sqe, 0, sizeof(sqe));
		/* Each field is an edge value or noise now and then, so that records get past the
		 * checks common to all (and a good share is accepted, some by the fast path). */
		sqe.opcode = (b & 1) ? (uint8_t)handled_ops[(b >> 1) % NHANDLED] : (uint8_t)(b >> 8);
		sqe.flags = (b >> 16) % 8 == 0 ? (uint8_t)(b >> 24) : (uint8_t)((b >> 24) & (IOSQE_IO_LINK | IOSQE_FIXED_FILE |
											      IOSQE_IO_DRAIN | IOSQE_BUFFER_SELECT | IOSQE_ASYNC));
		sqe.fd = (int32_t)((b >> 19) % 4 == 0 ? pick() : (b >> 40) % 10);
		sqe.off = (b >> 21) % 2 ? pick() : 0;
		sqe.addr = (b >> 22) % 4 ? pick() : 0;
		sqe.len = (b >> 24) % 4 ? (uint32_t)pick() : (uint32_t)(b >> 44) % 3;
		sqe.user_data = (b >> 26) % 64 == 0 ? ~0ull : b;
		b = next_rand();
		sqe.ioprio = b % 4 == 0 ? (uint16_t)pick() : 0;
		sqe.rw_flags = (b >> 2) % 8 == 0 ? (int)pick() : 0;
		sqe.buf_index = (b >> 5) % 4 == 0 ? (uint16_t)pick() % 10 : 0;
		sqe.file_index = (b >> 7) % 8 == 0 ? (uint32_t)pick() : 0;
		sqe.personality = (b >> 10) % 128 == 0 ? (uint16_t)b : 0;
		sqe.addr3 = (b >> 17) % 128 == 0 ? pick() : 0;
		at = place(r, &sqe, (b >> 24) % 16 == 0 ? (int)((b >> 28) % 64) + 1 : 0);
		a = ask(r, at);
		accepted += a.full == U4J_OK;
		fast += a.fast != 0;
		why = answer_problem(&a);
		if (why && bad++ == 0)
			snprintf(first, sizeof(first), "record %u (opcode %d, %s ring): %s", i, sqe.opcode,
				 ring_names[r - rings], why);
	}
	char name[128];

	snprintf(name, sizeof(name), "%u random records (%u accepted, %u by the fast path): fast path within the full "
		 "validator", n, accepted, fast);
	check(bad == 0 && accepted > 0 && fast > 0, name, bad ? first : "no record was accepted: the generator is broken");
}

int main(int argc, char **argv)
{
	verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	setup();
	run_table();
	check_reject_coverage();
	check_opcode_coverage();
	check_drain_sequence();
	check_bit_flips();
	check_random(200000);
	printf("validate_test: %u table rows over %u reject codes and %u opcodes, then %u property checks\n",
	       (unsigned)NCASES, (unsigned)U4J_REJECT_CODES, (unsigned)NHANDLED, passed + failed - (unsigned)NCASES);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
