/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The scaling reference for the "cores" workload: N POSIX threads of one process, each
 * doing blocking 4 KiB pread(2)s at random block offsets of one shared file descriptor,
 * as FileChannel and AsyncFile's callers do. What the kernel and the machine allow for
 * threads sharing one open file (its reference count, the page cache) is the most a Java
 * contender can scale by.
 *
 *   uring4j-pread-threads --file PATH [--threads N] [--seconds S] [--warmup S] [--workload NAME]
 *
 * Prints one JSON line; the label names the threads and the CPUs the process may use.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int fd;
static uint64_t blocks;
static atomic_long reads;
static atomic_int measuring, stopping;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu_seconds(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec + u.ru_stime.tv_usec / 1e6;
}

static void *reader(void *arg)
{
	uint64_t x = (uintptr_t)arg * 0x9e3779b97f4a7c15ULL + 1;
	char *buf = aligned_alloc(4096, 4096);

	while (!atomic_load_explicit(&stopping, memory_order_relaxed)) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (pread(fd, buf, 4096, (off_t)((x % blocks) * 4096)) != 4096) {
			perror("pread");
			exit(1);
		}
		if (atomic_load_explicit(&measuring, memory_order_relaxed))
			atomic_fetch_add_explicit(&reads, 1, memory_order_relaxed);
	}
	free(buf);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *file = NULL, *workload = "cores";
	int threads = 32;
	double seconds = 3, warmup = 1;
	struct stat st;
	pthread_t *th;
	cpu_set_t cpus;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--file") && i + 1 < argc) file = argv[++i];
		else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--warmup") && i + 1 < argc) warmup = atof(argv[++i]);
		else if (!strcmp(argv[i], "--workload") && i + 1 < argc) workload = argv[++i];
		else {
			fprintf(stderr, "unknown argument %s\n", argv[i]);
			return 2;
		}
	}
	if (!file || threads < 1 || threads > 4096) {
		fprintf(stderr, "--file is required, --threads 1..4096\n");
		return 2;
	}
	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) || st.st_size < 4096) {
		perror(file);
		return 1;
	}
	blocks = (uint64_t)st.st_size / 4096;
	th = calloc((size_t)threads, sizeof(*th));
	for (int i = 0; i < threads; i++)
		pthread_create(&th[i], NULL, reader, (void *)(uintptr_t)(i + 1));
	usleep((useconds_t)(warmup * 1e6));
	double t0 = now(), c0 = cpu_seconds();
	atomic_store(&measuring, 1);
	usleep((useconds_t)(seconds * 1e6));
	atomic_store(&measuring, 0);
	double t1 = now(), c1 = cpu_seconds();
	long n = atomic_load(&reads);
	atomic_store(&stopping, 1);
	for (int i = 0; i < threads; i++)
		pthread_join(th[i], NULL);
	sched_getaffinity(0, sizeof(cpus), &cpus);
	int ncpu = CPU_COUNT(&cpus);
	printf("{\"contender\":\"C pread, %d threads, %d core%s\",\"workload\":\"%s\",\"depth\":%d,\"ops\":%ld,"
	       "\"seconds\":%.4f,\"opsPerSec\":%.1f,\"cpuNsPerOp\":%.1f,\"allocBytesPerOp\":0}\n",
	       threads, ncpu, ncpu == 1 ? "" : "s", workload, threads, n, t1 - t0, n / (t1 - t0),
	       (c1 - c0) * 1e9 / (double)n);
	return 0;
}
