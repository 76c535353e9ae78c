/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The last check before a record reaches the kernel. Java validates first and gives
 * the user-facing message; this validator exists so that a bug on the Java side, or
 * a hostile staging buffer, can never hand the kernel something we did not mean.
 * The rules live in validate.h.
 */
#include "validate.h"

int u4j_validate(const struct u4j_ring *r, const struct io_uring_sqe *sqe, int *detail)
{
	return u4j_validate_inline(r, sqe, detail);
}
