/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C ceiling: the benchmark workloads run directly on liburing, the way a careful C
 * program would (batch submission, completions reaped in bulk, no per-op allocation).
 * Prints one JSON line per run; the Java side runs the same workloads and compares.
 *
 *   uring4j-ceiling --workload nop|randread|seqwrite [--depth N] [--batch N] [--seconds S]
 *                   [--warmup S] [--file PATH] [--direct] [--procs N] [--block BYTES]
 *
 * and a helper for the page-cache-miss workloads, run in the background of a contender:
 *
 *   uring4j-ceiling --workload evict --file PATH [--interval-ms N] [--seconds S]
 *
 * drops PATH's pages from the page cache (posix_fadvise DONTNEED) every N ms (25) until
 * SIGTERM/SIGINT, the parent's death, or S seconds (no limit unless given); prints the
 * number of passes and their mean duration on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct opts {
	const char *workload;
	const char *file;
	int depth, batch, direct, procs, block, interval_ms, seconds_given;
	double seconds, warmup;
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double cpu_seconds(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "uring4j-ceiling: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

static uint64_t rng = 88172645463325252ULL;
static inline uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void init_ring(struct io_uring *ring, unsigned entries)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
					      IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SUBMIT_ALL };
	int ret = io_uring_queue_init_params(entries, ring, &p);

	if (ret < 0) {
		p.flags = 0;
		ret = io_uring_queue_init_params(entries, ring, &p);
	}
	if (ret < 0)
		die("io_uring_queue_init", ret);
}

/* Runs until the deadline; returns completed operations. */
static uint64_t run_nop(struct io_uring *ring, int batch, double until)
{
	uint64_t done = 0;

	while (now() < until) {
		for (int i = 0; i < 256; i++) {
			struct io_uring_cqe *cqes[64];
			unsigned n;

			for (int k = 0; k < batch; k++)
				io_uring_prep_nop(io_uring_get_sqe(ring));
			io_uring_submit_and_wait(ring, batch);
			while ((n = io_uring_peek_batch_cqe(ring, cqes, 64)) > 0) {
				io_uring_cq_advance(ring, n);
				done += n;
			}
		}
	}
	return done;
}

static void prep_read(struct io_uring *ring, int fd, char *buf, int block, uint64_t blocks, uint64_t tag)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

	if (!sqe) {
		/* Never with depth <= SQ entries (the ring has max(depth, 256)): kept as a guard. */
		io_uring_submit(ring);
		sqe = io_uring_get_sqe(ring);
		if (!sqe)
			die("io_uring_get_sqe", EBUSY);
	}
	io_uring_prep_read(sqe, fd, buf, block, (next_rand() % blocks) * block);
	sqe->user_data = tag;
}

/*
 * Keeps depth reads in flight until the deadline, then waits for the ones still in flight
 * (counted): the next phase starts again from zero in flight, so the measured window runs
 * at depth, not at depth plus the warm-up's leftovers (reads that miss the page cache are
 * still in flight at the deadline).
 */
static uint64_t run_randread(struct io_uring *ring, int fd, char **bufs, int depth, int block, uint64_t blocks,
			     double until)
{
	uint64_t done = 0;
	int inflight = 0, stop = 0;

	for (int i = 0; i < depth; i++)
		prep_read(ring, fd, bufs[i], block, blocks, i);
	inflight = depth;
	for (unsigned iter = 1; inflight > 0; iter++) {
		struct io_uring_cqe *cqe;
		unsigned head, n = 0;
		int ret;

		if (!stop && (iter & 63) == 0 && now() >= until)
			stop = 1;
		ret = io_uring_submit_and_wait(ring, 1);
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
			die("io_uring_submit_and_wait", ret);
		io_uring_for_each_cqe(ring, head, cqe) {
			if (cqe->res != block)
				die("read", cqe->res < 0 ? cqe->res : EIO);
			if (!stop)
				prep_read(ring, fd, bufs[cqe->user_data], block, blocks, cqe->user_data);
			else
				inflight--;
			n++;
		}
		io_uring_cq_advance(ring, n);
		done += n;
	}
	return done;
}

static uint64_t run_seqwrite(struct io_uring *ring, int fd, char *buf, int block, double until)
{
	uint64_t done = 0, pos = 0;
	const uint64_t wrap = 1ULL << 30;

	while (now() < until) {
		/* 64 writes in flight, then fdatasync, as the Java contenders do. */
		for (int i = 0; i < 64; i++) {
			io_uring_prep_write(io_uring_get_sqe(ring), fd, buf, block, pos);
			pos = (pos + block) % wrap;
		}
		io_uring_submit_and_wait(ring, 64);
		io_uring_cq_advance(ring, 64);
		io_uring_prep_fsync(io_uring_get_sqe(ring), fd, IORING_FSYNC_DATASYNC);
		io_uring_submit_and_wait(ring, 1);
		io_uring_cq_advance(ring, 1);
		done += 64;
	}
	return done;
}

static volatile sig_atomic_t evict_stop;

static void on_signal(int sig)
{
	(void)sig;
	evict_stop = 1;
}

/* --workload evict: drops the file's cached pages every interval until stopped. */
static int run_evict(const struct opts *o)
{
	struct sigaction sa = { .sa_handler = on_signal };
	double t0 = now(), spent = 0;
	unsigned long passes = 0;
	int fd, ret;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	/* Never outlive the bench script that started it in the background. */
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	fd = open(o->file, O_RDONLY);
	if (fd < 0)
		die(o->file, errno);
	while (!evict_stop && (!o->seconds_given || now() - t0 < o->seconds)) {
		struct timespec ts = { .tv_sec = o->interval_ms / 1000, .tv_nsec = (o->interval_ms % 1000) * 1000000L };
		double p0 = now();

		ret = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		if (ret)
			die("posix_fadvise", ret);
		spent += now() - p0;
		passes++;
		nanosleep(&ts, NULL); /* EINTR on a signal: the loop condition stops */
	}
	close(fd);
	fprintf(stderr, "uring4j-ceiling: evict: %lu passes every %d ms over %.1f s, %.2f ms per pass\n", passes,
		o->interval_ms, now() - t0, passes ? spent * 1e3 / passes : 0.0);
	return 0;
}

static uint64_t one_process(const struct opts *o, double *elapsed)
{
	struct io_uring ring;
	uint64_t done = 0;
	int fd = -1;
	char **bufs = NULL;
	uint64_t blocks = 0;
	double t0, until;

	init_ring(&ring, o->depth > 256 ? o->depth : 256);
	if (strcmp(o->workload, "nop")) {
		struct stat st;
		int flags = (strcmp(o->workload, "seqwrite") ? O_RDONLY : O_WRONLY | O_CREAT) | (o->direct ? O_DIRECT : 0);

		fd = open(o->file, flags, 0644);
		if (fd < 0)
			die(o->file, errno);
		fstat(fd, &st);
		blocks = st.st_size / o->block;
		bufs = calloc(o->depth > 0 ? o->depth : 1, sizeof(*bufs));
		for (int i = 0; i < (o->depth > 0 ? o->depth : 1); i++)
			if (posix_memalign((void **)&bufs[i], 4096, o->block))
				die("posix_memalign", ENOMEM);
	}
	for (int phase = 0; phase < 2; phase++) {
		double len = phase == 0 ? o->warmup : o->seconds;

		t0 = now();
		until = t0 + len;
		if (!strcmp(o->workload, "nop"))
			done = run_nop(&ring, o->batch, until);
		else if (!strcmp(o->workload, "randread"))
			done = run_randread(&ring, fd, bufs, o->depth, o->block, blocks, until);
		else
			done = run_seqwrite(&ring, fd, bufs[0], o->block, until);
	}
	*elapsed = now() - t0;
	io_uring_queue_exit(&ring);
	return done;
}

int main(int argc, char **argv)
{
	struct opts o = { .workload = "nop", .file = NULL, .depth = 32, .batch = 32, .procs = 1, .block = 4096,
			  .seconds = 3, .warmup = 1, .interval_ms = 25 };
	double elapsed = 0, cpu0, cpu;
	uint64_t done = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--workload")) o.workload = argv[++i];
		else if (!strcmp(argv[i], "--depth")) o.depth = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--batch")) o.batch = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seconds")) o.seconds = atof(argv[++i]), o.seconds_given = 1;
		else if (!strcmp(argv[i], "--warmup")) o.warmup = atof(argv[++i]);
		else if (!strcmp(argv[i], "--file")) o.file = argv[++i];
		else if (!strcmp(argv[i], "--direct")) o.direct = 1;
		else if (!strcmp(argv[i], "--procs")) o.procs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--block")) o.block = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--interval-ms")) o.interval_ms = atoi(argv[++i]);
		else { fprintf(stderr, "unknown argument %s\n", argv[i]); return 2; }
	}
	if (strcmp(o.workload, "nop") && !o.file) {
		fprintf(stderr, "--file is required for %s\n", o.workload);
		return 2;
	}
	if (!strcmp(o.workload, "evict")) {
		if (o.interval_ms < 1) {
			fprintf(stderr, "--interval-ms must be at least 1\n");
			return 2;
		}
		return run_evict(&o);
	}
	if (strcmp(o.workload, "nop") && strcmp(o.workload, "randread") && strcmp(o.workload, "seqwrite")) {
		fprintf(stderr, "unknown workload %s\n", o.workload);
		return 2;
	}
	if (o.depth < 1 || o.procs > 64) {
		fprintf(stderr, "--depth must be at least 1 and --procs at most 64\n");
		return 2;
	}
	if (o.procs <= 1) {
		cpu0 = cpu_seconds(RUSAGE_SELF);
		done = one_process(&o, &elapsed);
		cpu = cpu_seconds(RUSAGE_SELF) - cpu0; /* includes warm-up: scaled below */
		cpu *= o.seconds / (o.seconds + o.warmup);
	} else {
		int pipes[64][2];

		for (int p = 0; p < o.procs; p++) {
			if (pipe(pipes[p]))
				die("pipe", errno);
			if (fork() == 0) {
				double e, c0 = cpu_seconds(RUSAGE_SELF);
				uint64_t d;

				rng += p * 7919;
				d = one_process(&o, &e);
				double c = (cpu_seconds(RUSAGE_SELF) - c0) * o.seconds / (o.seconds + o.warmup);
				dprintf(pipes[p][1], "%llu %f %f\n", (unsigned long long)d, e, c);
				_exit(0);
			}
		}
		cpu = 0;
		for (int p = 0; p < o.procs; p++) {
			unsigned long long d;
			double e, c;
			FILE *f = fdopen(pipes[p][0], "r");

			close(pipes[p][1]);
			if (fscanf(f, "%llu %lf %lf", &d, &e, &c) != 3)
				die("child result", EIO);
			done += d;
			elapsed = e > elapsed ? e : elapsed;
			cpu += c;
			fclose(f);
		}
		while (wait(NULL) > 0)
			;
	}
	printf("{\"contender\":\"C liburing%s\",\"workload\":\"%s\",\"depth\":%d,\"ops\":%llu,\"seconds\":%.4f,"
	       "\"opsPerSec\":%.1f,\"cpuNsPerOp\":%.1f,\"allocBytesPerOp\":0}\n",
	       o.procs > 1 ? " x procs" : "", o.workload, strcmp(o.workload, "nop") ? o.depth : o.batch,
	       (unsigned long long)done, elapsed, done / elapsed, cpu * 1e9 / (double)done);
	return 0;
}
