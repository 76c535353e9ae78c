/* SPDX-License-Identifier: Apache-2.0 */
/* Registration calls that Java guards with known-kernel-bug checks before calling. */
#include "u4j.h"

int u4j_register_iowq_max_workers(struct u4j_ring *r, unsigned values[2])
{
	return io_uring_register_iowq_max_workers(&r->ring, values);
}

unsigned u4j_sq_flags(const struct u4j_ring *r)
{
	return IO_URING_READ_ONCE(*r->ring.sq.kflags);
}
