/* SPDX-License-Identifier: Apache-2.0 */
/* Memory for NO_MMAP rings: anonymous mappings are page-aligned and zeroed, which is
 * what io_uring_queue_init_mem needs (kernel-facts.md, failure mode 3). */
#include <errno.h>
#include <sys/mman.h>
#include "u4j.h"

void *u4j_mem_map(size_t size, int huge, int *err)
{
	int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE;
	void *p;

	if (huge)
		flags |= MAP_HUGETLB;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, flags, -1, 0);
	if (p == MAP_FAILED) {
		*err = -errno;
		return NULL;
	}
	*err = 0;
	return p;
}

int u4j_mem_unmap(void *addr, size_t size)
{
	return munmap(addr, size) ? -errno : 0;
}
