/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Internal interface of the uring4j shim. Everything here is hidden; only the JNI
 * entry points in jni_entry.c are exported. Every function that can fail returns
 * -errno (or a positive rejection code where documented), never sets errno.
 */
#ifndef U4J_H
#define U4J_H

#include <stdint.h>
#include <sys/uio.h>
#include <liburing.h>

/* Bumped whenever a native signature or a shared memory layout changes; the Java
 * loader refuses a library whose ABI differs from the one it was compiled for. */
#define U4J_ABI_VERSION 13

/* struct u4j_ring_info: written by u4j_ring_create for Java (read with the INFO_* offsets of dev.uring4j.internal.Native). */
#define U4J_INFO_FLAGS       0   /* u32 setup flags the kernel accepted */
#define U4J_INFO_FEATURES    4   /* u32 IORING_FEAT_* */
#define U4J_INFO_SQ_ENTRIES  8   /* u32 */
#define U4J_INFO_CQ_ENTRIES 12   /* u32 */
#define U4J_INFO_RING_FD    16   /* s32 */
#define U4J_INFO_LAST_OP    20   /* s32 highest opcode known to the kernel, -1 without probe */
#define U4J_INFO_OPS        24   /* u8[256]: 1 where the opcode is supported */
#define U4J_INFO_MEM_USED  280   /* u64 bytes of caller memory used (NO_MMAP rings), else 0 */
#define U4J_INFO_CQES_OFF  288   /* u32 offset of the CQE array in the CQ ring (kernel layout) */
#define U4J_INFO_REG_RING  292   /* s32 1 if the ring fd is registered (REGISTER_RING_FDS), else -errno */
#define U4J_INFO_DIRECT_FDS 296  /* s32 1 if the kernel honours file_index (direct descriptors), else 0 */
#define U4J_INFO_SIZE      304

/* Batch result header (its own small buffer). Completions go to a separate array of
 * entries of 16 bytes (32 with CQE32): u64 user_data, s32 res, u32 flags [, u64 big_cqe[2]]. */
#define U4J_REAP_SUBMITTED   0   /* s32 records handed to the SQ */
#define U4J_REAP_COUNT       4   /* s32 completions copied */
#define U4J_REAP_BAD_INDEX   8   /* s32 first rejected record, -1 if none */
#define U4J_REAP_REASON     12   /* s32 U4J_REJECT_* for that record */
#define U4J_REAP_ENTER_ERR  16   /* s32 -errno from io_uring_enter that was absorbed (ETIME, EINTR, EBUSY), 0 if none */
#define U4J_REAP_DETAIL     20   /* s32 reason-specific detail (e.g. the iovec index) */
#define U4J_REAP_HEADER     32

/* Why the validator refused a staged record: one table, from which the enum, Java's check
 * at load (U4J_LAYOUT below) and the C tests take every code. Mirrored in Java as
 * Native.REJECT_<name>, with a message per code in NativeReject. Codes are never reused
 * (9 was retired). */
#define U4J_REJECTS(X) \
	X(OPCODE, 1)          /* opcode not offered by uring4j */ \
	X(OPCODE_KERNEL, 2)   /* opcode not supported by this kernel (probe) */ \
	X(SQE_FLAGS, 3)       /* SQE flag bits outside the allowed mask, or the IO_DRAIN / zero-copy rule */ \
	X(NULL_ADDR, 4)       /* a required address is 0 */ \
	X(LENGTH, 5)          /* length out of range */ \
	X(FD, 6)              /* negative fd where a real one is needed */ \
	X(USER_DATA, 7)       /* user_data reserved by liburing */ \
	X(RESERVED, 8)        /* a field uring4j does not use is not zero */ \
	X(FIXED_FILE, 10)     /* fixed-file index outside the registered table */ \
	X(BUF_INDEX, 11)      /* buf_index outside the registered buffers */ \
	X(BUF_RANGE, 12)      /* address range outside its registered buffer */ \
	X(BUF_GROUP, 13)      /* buffer select with no such provided-buffer group */ \
	X(FILE_INDEX_KERNEL, 14) /* file_index (a direct descriptor) on a kernel that ignores it */

enum u4j_reject {
	U4J_OK = 0,
#define U4J_REJECT_ENUM_(name, code) U4J_REJECT_##name = code,
	U4J_REJECTS(U4J_REJECT_ENUM_)
#undef U4J_REJECT_ENUM_
};

#define U4J_REJECT_COUNT_(name, code) +1
enum { U4J_REJECT_CODES = 0 U4J_REJECTS(U4J_REJECT_COUNT_) }; /* how many codes there are */
#undef U4J_REJECT_COUNT_

/* Whether a validator answer is U4J_OK or one of the codes above (Java has a message for each). */
static inline int u4j_reject_known(int code)
{
	switch (code) {
	case U4J_OK:
#define U4J_REJECT_CASE_(name, code) case code:
	U4J_REJECTS(U4J_REJECT_CASE_)
#undef U4J_REJECT_CASE_
		return 1;
	default:
		return 0;
	}
}

/*
 * Every value the Java side mirrors, under its name in dev.uring4j.internal.Native. The
 * layout native (jni_entry.c) reports them all, with each REJECT_<name> code, REJECTS_COUNT
 * and REJECTS_HIGHEST; NativeLoader compares each with the Java constant of that name and
 * refuses the library on any difference, on a name only one side has too. A value added
 * here without its Java constant (or the reverse) therefore fails at load, in every test.
 */
#define U4J_LAYOUT(X) \
	X(ABI_VERSION, U4J_ABI_VERSION) \
	X(INFO_FLAGS, U4J_INFO_FLAGS) \
	X(INFO_FEATURES, U4J_INFO_FEATURES) \
	X(INFO_SQ_ENTRIES, U4J_INFO_SQ_ENTRIES) \
	X(INFO_CQ_ENTRIES, U4J_INFO_CQ_ENTRIES) \
	X(INFO_RING_FD, U4J_INFO_RING_FD) \
	X(INFO_LAST_OP, U4J_INFO_LAST_OP) \
	X(INFO_OPS, U4J_INFO_OPS) \
	X(INFO_MEM_USED, U4J_INFO_MEM_USED) \
	X(INFO_CQES_OFFSET, U4J_INFO_CQES_OFF) \
	X(INFO_REG_RING, U4J_INFO_REG_RING) \
	X(INFO_DIRECT_FDS, U4J_INFO_DIRECT_FDS) \
	X(INFO_SIZE, U4J_INFO_SIZE) \
	X(HDR_SUBMITTED, U4J_REAP_SUBMITTED) \
	X(HDR_COUNT, U4J_REAP_COUNT) \
	X(HDR_BAD_INDEX, U4J_REAP_BAD_INDEX) \
	X(HDR_REASON, U4J_REAP_REASON) \
	X(HDR_ENTER_ERR, U4J_REAP_ENTER_ERR) \
	X(HDR_DETAIL, U4J_REAP_DETAIL) \
	X(HDR_SIZE, U4J_REAP_HEADER) \
	X(STAT_SIZE, U4J_STAT_SIZE) \
	X(STAT_BLKSIZE, U4J_STAT_BLKSIZE) \
	X(STAT_MODE, U4J_STAT_MODE) \
	X(STAT_BYTES, U4J_STAT_BYTES) \
	X(SQE_SIZE, sizeof(struct io_uring_sqe)) \
	X(CQE_SIZE, sizeof(struct io_uring_cqe))

#define U4J_MAX_PBUF_GROUPS 16

struct u4j_ring {
	struct io_uring ring;
	unsigned sqe_size;
	unsigned cqe_size;
	int last_op;
	uint8_t ops[256];
	unsigned nr_files;        /* registered file table size (0: none) */
	unsigned nr_bufs;         /* registered buffers (0: none) */
	struct iovec *bufs;       /* copy of the registered buffers, for range checks */
	uint16_t pbuf_groups[U4J_MAX_PBUF_GROUPS]; /* registered provided-buffer group ids */
	unsigned nr_pbuf_groups;
	int zc_used;              /* a zero-copy send was queued: IO_DRAIN is refused from then on */
	int drain_used;           /* an IO_DRAIN record was queued: zero-copy sends are refused from then on */
	int creator_tid;          /* the thread that set it up: its registered ring fd lives in that thread's table */
	unsigned inline_backoff;  /* batches left before a plain submit is again tried first (batch.c enter) */
	int file_index_ignored;   /* the kernel ignores file_index (before direct descriptors, 5.15): see ring.c */
	/* Java's staging, header and completion memory, attached once (u4j_ring_attach): the
	 * batch call then takes counts, never addresses. */
	const char *staging;
	unsigned staging_records;
	void *header;
	char *cqes_out;
	unsigned cqes_cap;
};

/* handles.c: Java holds rings by handle; an unknown or destroyed handle gives NULL. */
int64_t u4j_handle_add(struct u4j_ring *r);
struct u4j_ring *u4j_handle_get(int64_t h);
struct u4j_ring *u4j_handle_take(int64_t h); /* removes it: a second take finds nothing */

/* ring.c */
struct u4j_ring_config {
	unsigned entries;
	unsigned cq_entries;   /* 0: kernel default */
	unsigned flags;        /* IORING_SETUP_* exactly as to be tried */
	int sq_cpu;            /* SQPOLL: CPU to pin to, or -1 */
	unsigned sq_idle_ms;   /* SQPOLL: idle time before the thread sleeps */
	int wq_fd;             /* ATTACH_WQ: ring whose workers to share, or -1 */
	void *mem;             /* NO_MMAP: page-aligned zeroed memory, or NULL */
	size_t mem_size;
	int register_ring_fd;  /* register the ring fd (REGISTER_RING_FDS) for cheaper enters */
};

int u4j_ring_create(struct u4j_ring **out, const struct u4j_ring_config *cfg, void *info);
/* close_fd = 0 leaves the fd number alone: it no longer names this ring (closed behind our
 * back, maybe reused), and closing it would close someone else's file. */
void u4j_ring_destroy(struct u4j_ring *r, int close_fd);
/* Attaches Java's staging, header and completion buffers (once): sizes bound every batch. */
int u4j_ring_attach(struct u4j_ring *r, void *staging, size_t staging_bytes, void *header, size_t header_bytes,
		    void *cqes, size_t cqes_bytes);

/* diag.c */
int u4j_register_iowq_max_workers(struct u4j_ring *r, unsigned values[2]);
unsigned u4j_sq_flags(const struct u4j_ring *r);
int u4j_sync_cancel_all(struct u4j_ring *r, int timeout_ms);

/* register.c: fixed files and buffers; the ring remembers sizes for the validator. */
int u4j_register_files(struct u4j_ring *r, const int *fds, unsigned n);
int u4j_register_files_sparse(struct u4j_ring *r, unsigned n);
int u4j_update_files(struct u4j_ring *r, unsigned offset, const int *fds, unsigned n);
int u4j_unregister_files(struct u4j_ring *r);
int u4j_register_buffers(struct u4j_ring *r, const struct iovec *iovs, unsigned n);
int u4j_unregister_buffers(struct u4j_ring *r);

/* sys.c: plain syscalls outside the ring */
int u4j_eventfd(void);
int u4j_eventfd_signal(int fd);
int u4j_gettid(void);
int u4j_ftruncate(int fd, int64_t length);
int64_t u4j_lseek(int fd, int64_t offset, int whence);
int u4j_close(int fd);
int u4j_rw_nowait(int fd, void *addr, size_t len, int64_t offset, int write);
/* u4j_fstat's output: u64 st_size, u32 st_blksize, u32 st_mode. */
#define U4J_STAT_SIZE     0
#define U4J_STAT_BLKSIZE  8
#define U4J_STAT_MODE    12
#define U4J_STAT_BYTES   16
int u4j_fstat(int fd, void *out);
int u4j_open(const char *path, int flags, int mode);
int u4j_bind(int fd, const void *addr, int len);
int u4j_listen(int fd, int backlog);
int u4j_sockname(int fd, void *addr, int cap);
int u4j_socket(int domain, int type, int protocol);
int u4j_setsockopt_int(int fd, int level, int name, int value);

/* pbuf.c: provided-buffer rings (5.19+); Java fills and recycles the entries. */
void *u4j_pbuf_register(struct u4j_ring *r, int bgid, unsigned entries, int *err);
int u4j_pbuf_unregister(struct u4j_ring *r, int bgid, void *br, unsigned entries);

/* Whether a provided-buffer group id is registered (used by the validator). */
static inline int u4j_pbuf_group_registered(const struct u4j_ring *r, unsigned bgid)
{
	for (unsigned i = 0; i < r->nr_pbuf_groups; i++)
		if (r->pbuf_groups[i] == bgid)
			return 1;
	return 0;
}

/* mem.c: page-aligned zeroed memory for NO_MMAP rings (optionally a huge page). */
void *u4j_mem_map(size_t size, int huge, int *err);
int u4j_mem_unmap(void *addr, size_t size);

/* validate.c: checks one staged record; returns U4J_OK or a U4J_REJECT_* code and
 * sets *detail for codes that carry one. Reads only the record: never an address
 * in it (iovec arrays and msghdrs are checked by the kernel, which answers -EFAULT). */
int u4j_validate(const struct u4j_ring *r, const struct io_uring_sqe *sqe, int *detail);

/* batch.c: records come from r->staging, completions go to r->cqes_out[first, first + cap). */
int u4j_submit_and_reap(struct u4j_ring *r, unsigned count, unsigned wait_nr, int64_t timeout_ns,
			unsigned first, unsigned cap);
/* Copies completions already in the CQ without entering the kernel (a ring whose owner
 * thread has died: entering it from another thread is refused or, with a registered ring
 * fd, would name a ring of the calling thread). */
int u4j_reap_only(struct u4j_ring *r, unsigned first, unsigned cap);

/* selfname.c: the (possibly relocated) class the natives are registered on, from the library's file name. */
void u4j_native_class_name(char *out, size_t cap);
int u4j_class_from_library_path(const char *path, char *out, size_t cap);

#endif
