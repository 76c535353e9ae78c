/* SPDX-License-Identifier: Apache-2.0 */
/* Provided-buffer rings: liburing maps and registers the ring; Java writes buffer
 * entries and publishes the tail itself (no crossing per recycled buffer). The ring
 * remembers the group ids so the validator can refuse a buffer select on any other. */
#include <errno.h>
#include "u4j.h"

void *u4j_pbuf_register(struct u4j_ring *r, int bgid, unsigned entries, int *err)
{
	struct io_uring_buf_ring *br;
	int ret = 0;

	if (r->nr_pbuf_groups == U4J_MAX_PBUF_GROUPS || u4j_pbuf_group_registered(r, (unsigned)bgid)) {
		*err = r->nr_pbuf_groups == U4J_MAX_PBUF_GROUPS ? -ENOSPC : -EEXIST;
		return NULL;
	}
	br = io_uring_setup_buf_ring(&r->ring, entries, bgid, 0, &ret);
	if (!br) {
		*err = ret ? ret : -ENOMEM;
		return NULL;
	}
	r->pbuf_groups[r->nr_pbuf_groups++] = (uint16_t)bgid;
	*err = 0;
	return br;
}

int u4j_pbuf_unregister(struct u4j_ring *r, int bgid, void *br, unsigned entries)
{
	int ret = io_uring_free_buf_ring(&r->ring, br, entries, bgid);

	for (unsigned i = 0; ret == 0 && i < r->nr_pbuf_groups; i++) {
		if (r->pbuf_groups[i] == bgid) {
			r->pbuf_groups[i] = r->pbuf_groups[--r->nr_pbuf_groups];
			break;
		}
	}
	return ret;
}
