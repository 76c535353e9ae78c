/* SPDX-License-Identifier: Apache-2.0 */
/* Ring setup and teardown. Step-down policy lives in Java (dev.uring4j.RingSetup): this file
 * tries exactly the flags it is given, so every refusal reaches Java as -errno. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "u4j.h"

static void put_u32(void *base, int off, uint32_t v) { memcpy((char *)base + off, &v, 4); }

static void probe_ops(struct u4j_ring *r)
{
	struct io_uring_probe *p = io_uring_get_probe_ring(&r->ring);

	memset(r->ops, 0, sizeof(r->ops));
	r->last_op = -1;
	if (!p)
		return; /* kernel < 5.6: no REGISTER_PROBE; the validator then allows our set */
	r->last_op = p->last_op;
	for (unsigned i = 0; i < p->ops_len && i < 256; i++)
		r->ops[p->ops[i].op] = (p->ops[i].flags & IO_URING_OP_SUPPORTED) ? 1 : 0;
	io_uring_free_probe(p);
}

/*
 * Whether the kernel honours file_index (direct descriptors, 5.15): before them it ignores
 * the field, so a direct open or accept would make a regular fd and a direct close would
 * close fd 0. Learned once per process: 1 honoured, -1 ignored, 0 not yet known.
 */
static int direct_fds;

/*
 * The test: CLOSE of an eventfd of our own with file_index set, on a private ring (never
 * the caller's: an SQE left behind by a failed submit would close a reused fd later). A
 * kernel with direct descriptors refuses fd and file_index together (-EINVAL); one without
 * closes the eventfd (0). A stable kernel whose checks refuse an unused file_index answers
 * -EINVAL too, and then refuses the direct operations itself: safe either way, as what the
 * guard prevents is a kernel running them on fds. If no private ring can be set up
 * (memlock), LINKAT (5.15) proves them and its absence counts as none, uncached: safe, if
 * strict where they were backported without it (Debian's 5.10).
 */
static int probe_direct_fds(const struct u4j_ring *r)
{
	struct io_uring ring;
	struct io_uring_sqe *sqe;
	struct io_uring_cqe *cqe;
	int state = __atomic_load_n(&direct_fds, __ATOMIC_RELAXED), fd, ret;

	if (state)
		return state;
	if (r->last_op < 0 || !r->ops[IORING_OP_CLOSE]) {
		state = -1; /* no probe (before 5.6) or no CLOSE: long before direct descriptors */
	} else if (io_uring_queue_init(2, &ring, 0) < 0) {
		return r->ops[IORING_OP_LINKAT] ? 1 : -1; /* not cached: a later ring may probe */
	} else {
		int answer = 1; /* 1: none */

		fd = eventfd(0, EFD_CLOEXEC);
		sqe = io_uring_get_sqe(&ring);
		if (fd >= 0 && sqe) {
			io_uring_prep_close(sqe, fd);
			sqe->file_index = 1;
			if (io_uring_submit(&ring) == 1) {
				/* Submitted: wait for its answer, whatever interrupts (a CLOSE does not block). */
				while ((ret = io_uring_wait_cqe(&ring, &cqe)) == -EINTR)
					;
				if (ret == 0)
					answer = cqe->res;
				else
					fd = -1; /* it may have been closed: never close a number twice */
			}
		}
		io_uring_queue_exit(&ring);
		if (answer != 0 && fd >= 0)
			close(fd); /* not closed by the probe */
		if (answer != 0 && answer != -EINVAL)
			return r->ops[IORING_OP_LINKAT] ? 1 : -1; /* no answer (not cached) */
		state = answer == 0 ? -1 : 1;
	}
	__atomic_store_n(&direct_fds, state, __ATOMIC_RELAXED);
	return state;
}

static void fill_info(const struct u4j_ring *r, size_t mem_used, void *info)
{
	uint64_t used = mem_used;

	put_u32(info, U4J_INFO_FLAGS, r->ring.flags);
	put_u32(info, U4J_INFO_FEATURES, r->ring.features);
	put_u32(info, U4J_INFO_SQ_ENTRIES, r->ring.sq.ring_entries);
	put_u32(info, U4J_INFO_CQ_ENTRIES, r->ring.cq.ring_entries);
	put_u32(info, U4J_INFO_RING_FD, (uint32_t)r->ring.ring_fd);
	put_u32(info, U4J_INFO_LAST_OP, (uint32_t)r->last_op);
	memcpy((char *)info + U4J_INFO_OPS, r->ops, sizeof(r->ops));
	memcpy((char *)info + U4J_INFO_MEM_USED, &used, sizeof(used));
	put_u32(info, U4J_INFO_DIRECT_FDS, r->file_index_ignored ? 0 : 1);
	put_u32(info, U4J_INFO_CQES_OFF, (uint32_t)((char *)r->ring.cq.cqes - (char *)r->ring.cq.ring_ptr));
}

int u4j_ring_create(struct u4j_ring **out, const struct u4j_ring_config *cfg, void *info)
{
	struct io_uring_params p;
	struct u4j_ring *r;
	size_t mem_used = 0;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	memset(&p, 0, sizeof(p));
	p.flags = cfg->flags;
	if (cfg->cq_entries) {
		p.flags |= IORING_SETUP_CQSIZE;
		p.cq_entries = cfg->cq_entries;
	}
	if (cfg->flags & IORING_SETUP_SQPOLL) {
		p.sq_thread_idle = cfg->sq_idle_ms;
		if (cfg->sq_cpu >= 0) {
			p.flags |= IORING_SETUP_SQ_AFF;
			p.sq_thread_cpu = (unsigned)cfg->sq_cpu;
		}
	}
	if (cfg->wq_fd >= 0) {
		p.flags |= IORING_SETUP_ATTACH_WQ;
		p.wq_fd = (unsigned)cfg->wq_fd;
	}
	if (cfg->mem) {
		/* Returns the bytes it used on success, not 0 (see kernel-facts.md, mode 3). */
		ret = io_uring_queue_init_mem(cfg->entries, &r->ring, &p, cfg->mem, cfg->mem_size);
		if (ret > 0)
			mem_used = (size_t)ret;
	} else {
		ret = io_uring_queue_init_params(cfg->entries, &r->ring, &p);
	}
	if (ret < 0) {
		free(r);
		return ret;
	}
	r->sqe_size = (r->ring.flags & IORING_SETUP_SQE128) ? 128 : 64;
	r->cqe_size = (r->ring.flags & IORING_SETUP_CQE32) ? 32 : 16;
	r->creator_tid = (int)syscall(SYS_gettid);
	probe_ops(r);
	r->file_index_ignored = probe_direct_fds(r) < 0;
	fill_info(r, mem_used, info);
	if (cfg->register_ring_fd) {
		/* Lets liburing enter with the registered index instead of an fd lookup (5.18+). */
		int reg = io_uring_register_ring_fd(&r->ring);
		put_u32(info, U4J_INFO_REG_RING, (uint32_t)(reg == 1 ? 1 : (reg < 0 ? reg : -EINVAL)));
	} else {
		put_u32(info, U4J_INFO_REG_RING, 0);
	}
	*out = r;
	return 0;
}

/* liburing's private int_flags bits (src/int_flags.h, 2.9): the ring fd is registered in
 * the creating thread's table (REG_RING), and only registered (REG_REG_RING). */
#define LIBURING_INT_FLAG_REG_RING 1
#define LIBURING_INT_FLAG_REG_REG_RING 2

int u4j_ring_attach(struct u4j_ring *r, void *staging, size_t staging_bytes, void *header, size_t header_bytes,
		    void *cqes, size_t cqes_bytes)
{
	if (r->header || !staging || !header || !cqes || header_bytes < U4J_REAP_HEADER ||
	    staging_bytes < r->sqe_size || cqes_bytes < r->cqe_size)
		return -EINVAL;
	r->staging = staging;
	r->staging_records = (unsigned)(staging_bytes / r->sqe_size);
	r->header = header;
	r->cqes_out = cqes;
	r->cqes_cap = (unsigned)(cqes_bytes / r->cqe_size);
	return 0;
}

void u4j_ring_destroy(struct u4j_ring *r, int close_fd)
{
	if (!close_fd)
		r->ring.ring_fd = -1; /* io_uring_queue_exit then closes nothing */
	if ((int)syscall(SYS_gettid) != r->creator_tid) {
		/* The registered ring fd is an index into the creator's table (gone with that
		 * thread). Unregistering it from here would unregister whatever ring of *this*
		 * thread has that index: enter and close through the real fd instead. */
		r->ring.int_flags &= (uint8_t)~(LIBURING_INT_FLAG_REG_RING | LIBURING_INT_FLAG_REG_REG_RING);
		r->ring.enter_ring_fd = r->ring.ring_fd;
	}
	io_uring_queue_exit(&r->ring);
	free(r->bufs);
	free(r);
}
