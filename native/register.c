/* SPDX-License-Identifier: Apache-2.0 */
/* Fixed file and buffer tables. Sizes and ranges are kept so that validate.c can
 * refuse an index or a range the kernel would otherwise have to catch. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "u4j.h"

int u4j_register_files(struct u4j_ring *r, const int *fds, unsigned n)
{
	int ret = io_uring_register_files(&r->ring, fds, n);

	if (ret == 0)
		r->nr_files = n;
	return ret;
}

/* The kernel's largest file table (IORING_MAX_FIXED_FILES since 5.13; 5.10 takes 32768). */
#define U4J_MAX_FIXED_FILES (1u << 20)

/*
 * A table of n empty slots. IORING_RSRC_REGISTER_SPARSE is 5.19+; before it (EINVAL) the
 * same table is registered as n entries of -1, which kernels take since 5.5.
 */
int u4j_register_files_sparse(struct u4j_ring *r, unsigned n)
{
	int ret = io_uring_register_files_sparse(&r->ring, n);

	if (ret == -EINVAL && n <= U4J_MAX_FIXED_FILES) {
		int *empty = malloc(sizeof(*empty) * n);

		if (!empty)
			return -ENOMEM;
		memset(empty, 0xff, sizeof(*empty) * n);
		ret = io_uring_register_files(&r->ring, empty, n);
		free(empty);
	}
	if (ret == 0)
		r->nr_files = n;
	return ret;
}

int u4j_update_files(struct u4j_ring *r, unsigned offset, const int *fds, unsigned n)
{
	if (offset > r->nr_files || n > r->nr_files - offset)
		return -EINVAL;
	/* Returns how many slots were updated. */
	return io_uring_register_files_update(&r->ring, offset, fds, n);
}

int u4j_unregister_files(struct u4j_ring *r)
{
	int ret = io_uring_unregister_files(&r->ring);

	if (ret == 0)
		r->nr_files = 0;
	return ret;
}

int u4j_register_buffers(struct u4j_ring *r, const struct iovec *iovs, unsigned n)
{
	struct iovec *copy;
	int ret;

	if (r->bufs)
		return -EBUSY;
	copy = malloc(sizeof(*copy) * n);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, iovs, sizeof(*copy) * n);
	ret = io_uring_register_buffers(&r->ring, copy, n);
	if (ret < 0) {
		free(copy);
		return ret;
	}
	r->bufs = copy;
	r->nr_bufs = n;
	return 0;
}

int u4j_unregister_buffers(struct u4j_ring *r)
{
	int ret = io_uring_unregister_buffers(&r->ring);

	if (ret == 0) {
		free(r->bufs);
		r->bufs = NULL;
		r->nr_bufs = 0;
	}
	return ret;
}
