/* SPDX-License-Identifier: Apache-2.0 */
/* Ring setup and teardown. Step-down policy lives in Java (RingFactory): this file
 * tries exactly the flags it is given, so every refusal reaches Java as -errno. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
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

static void fill_info(const struct u4j_ring *r, void *info)
{
	put_u32(info, U4J_INFO_FLAGS, r->ring.flags);
	put_u32(info, U4J_INFO_FEATURES, r->ring.features);
	put_u32(info, U4J_INFO_SQ_ENTRIES, r->ring.sq.ring_entries);
	put_u32(info, U4J_INFO_CQ_ENTRIES, r->ring.cq.ring_entries);
	put_u32(info, U4J_INFO_RING_FD, (uint32_t)r->ring.ring_fd);
	put_u32(info, U4J_INFO_LAST_OP, (uint32_t)r->last_op);
	memcpy((char *)info + U4J_INFO_OPS, r->ops, sizeof(r->ops));
}

int u4j_ring_create(struct u4j_ring **out, unsigned entries, unsigned cq_entries,
		    unsigned flags, int sq_cpu, unsigned sq_idle_ms, void *info)
{
	struct io_uring_params p;
	struct u4j_ring *r;
	int ret;

	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	memset(&p, 0, sizeof(p));
	p.flags = flags;
	if (cq_entries) {
		p.flags |= IORING_SETUP_CQSIZE;
		p.cq_entries = cq_entries;
	}
	if (flags & IORING_SETUP_SQPOLL) {
		p.sq_thread_idle = sq_idle_ms;
		if (sq_cpu >= 0) {
			p.flags |= IORING_SETUP_SQ_AFF;
			p.sq_thread_cpu = (unsigned)sq_cpu;
		}
	}
	ret = io_uring_queue_init_params(entries, &r->ring, &p);
	if (ret < 0) {
		free(r);
		return ret;
	}
	r->sqe_size = (r->ring.flags & IORING_SETUP_SQE128) ? 128 : 64;
	r->cqe_size = (r->ring.flags & IORING_SETUP_CQE32) ? 32 : 16;
	probe_ops(r);
	fill_info(r, info);
	*out = r;
	return 0;
}

void u4j_ring_destroy(struct u4j_ring *r)
{
	io_uring_queue_exit(&r->ring);
	free(r);
}
