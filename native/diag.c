/* SPDX-License-Identifier: Apache-2.0 */
/* Registration calls that Java guards with known-kernel-bug checks before calling. */
#include <string.h>
#include "u4j.h"

int u4j_register_iowq_max_workers(struct u4j_ring *r, unsigned values[2])
{
	return io_uring_register_iowq_max_workers(&r->ring, values);
}

unsigned u4j_sq_flags(const struct u4j_ring *r)
{
	return IO_URING_READ_ONCE(*r->ring.sq.kflags);
}

/* Cancels every request of the ring without going through the SQ (6.0+), so close is
 * not held up behind an IO_DRAIN record. Returns 0, -ENOENT (nothing to cancel),
 * -ETIME (not all gone within the timeout), or -EINVAL on kernels without it. */
int u4j_sync_cancel_all(struct u4j_ring *r, int timeout_ms)
{
	struct io_uring_sync_cancel_reg reg;

	memset(&reg, 0, sizeof(reg));
	reg.flags = IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL;
	reg.fd = -1;
	reg.timeout.tv_sec = timeout_ms / 1000;
	reg.timeout.tv_nsec = (long long)(timeout_ms % 1000) * 1000000LL;
	return io_uring_register_sync_cancel(&r->ring, &reg);
}
