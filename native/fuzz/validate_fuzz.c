/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target for the record validator: arbitrary bytes become a ring description
 * (SQE size, probed opcodes, registered file and buffer tables) and a batch of staged
 * records. Every record must be accepted or rejected without reading or writing out of
 * bounds (ASan), and the fast path may only accept what the full validator accepts.
 *
 * The validator reads only the record: addresses in it (iovec arrays, msghdrs, buffers)
 * are fuzzed too and never dereferenced, which ASan proves here: a read through one
 * faults or is reported.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../validate.h"

#define MAX_BUFS 8

static size_t take(const uint8_t **data, size_t *size, void *out, size_t n)
{
	size_t k = n < *size ? n : *size;

	memset(out, 0, n);
	if (k)
		memcpy(out, *data, k);
	*data += k;
	*size -= k;
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct iovec bufs[MAX_BUFS];
	struct u4j_ring r;
	uint8_t cfg[4];
	uint8_t ops[32];

	memset(&r, 0, sizeof(r));
	take(&data, &size, cfg, sizeof(cfg));
	take(&data, &size, ops, sizeof(ops));
	r.sqe_size = (cfg[0] & 1) ? 128 : 64;
	r.last_op = (cfg[0] & 2) ? -1 : (int)(cfg[1] % 80);
	for (int i = 0; i < 256; i++)
		r.ops[i] = (ops[(i / 8) % 32] >> (i % 8)) & 1;
	r.nr_files = cfg[2];
	r.nr_bufs = cfg[3] % (MAX_BUFS + 1);
	take(&data, &size, bufs, sizeof(bufs));
	r.bufs = r.nr_bufs ? bufs : NULL;
	r.nr_pbuf_groups = (cfg[0] >> 6) & 3; /* 0..3 groups, ids from the input */
	r.zc_used = (cfg[0] >> 2) & 1;
	r.drain_used = (cfg[0] >> 3) & 1;
	r.file_index_ignored = (cfg[0] >> 4) & 1;
	for (unsigned i = 0; i < r.nr_pbuf_groups; i++)
		r.pbuf_groups[i] = ops[i];

	while (size > 0) {
		uint8_t rec[128] __attribute__((aligned(64)));
		struct io_uring_sqe *sqe = (struct io_uring_sqe *)rec;
		int detail, full, fast;

		take(&data, &size, rec, r.sqe_size);
		full = u4j_validate_inline(&r, sqe, &detail);
		fast = u4j_validate_fast(&r, sqe);
		if (fast && full != U4J_OK)
			abort(); /* the fast path accepted a record the full validator refuses */
		if (full < U4J_OK || full > U4J_REJECT_FILE_INDEX_KERNEL)
			abort(); /* an unknown rejection code would reach Java */
	}
	return 0;
}
