/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One JNI crossing per batch: validate every staged record, copy them into the SQ,
 * submit (optionally waiting), and copy completions out to Java's reap buffer.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include "validate.h"

static void put_s32(void *base, int off, int32_t v) { memcpy((char *)base + off, &v, 4); }

/* The full validator, kept out of the copy loop so that the fast path stays small. */
static __attribute__((noinline)) int validate_slow(const struct u4j_ring *r, const struct io_uring_sqe *sqe, int *detail)
{
	return u4j_validate_inline(r, sqe, detail);
}

static int validate_all(struct u4j_ring *r, const char *staging, unsigned count, void *hdr)
{
	for (unsigned i = 0; i < count; i++) {
		int detail;
		const struct io_uring_sqe *rec = (const struct io_uring_sqe *)(staging + (size_t)i * r->sqe_size);
		int rc = u4j_validate_inline(r, rec, &detail);

		if (rc != U4J_OK) {
			put_s32(hdr, U4J_REAP_BAD_INDEX, (int32_t)i);
			put_s32(hdr, U4J_REAP_REASON, rc);
			put_s32(hdr, U4J_REAP_DETAIL, detail);
			return -EINVAL;
		}
		u4j_note_queued(r, rec);
	}
	return 0;
}

/* Copies records into the SQ, submitting whenever it is full. Returns how many were
 * queued; on a submit error, *err gets it and the rest stay with the caller. */
static unsigned queue_all(struct u4j_ring *r, const char *staging, unsigned count, int *err)
{
	unsigned i;

	for (i = 0; i < count; i++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(&r->ring);

		if (!sqe) {
			int ret = io_uring_submit(&r->ring);

			if (ret < 0 && ret != -EBUSY && ret != -EAGAIN) {
				*err = ret;
				break;
			}
			sqe = io_uring_get_sqe(&r->ring);
			/* An SQPOLL thread consumes asynchronously: wait until it made room. */
			while (!sqe && (r->ring.flags & IORING_SETUP_SQPOLL)) {
				ret = io_uring_sqring_wait(&r->ring);
				if (ret < 0)
					break;
				sqe = io_uring_get_sqe(&r->ring);
			}
			if (!sqe) { /* SQ still full: the kernel is not consuming (CQ backlog) */
				*err = ret < 0 ? ret : -EBUSY;
				break;
			}
		}
		memcpy(sqe, staging + (size_t)i * r->sqe_size, r->sqe_size);
	}
	return i;
}

static int64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/*
 * A timed wait on kernels without IORING_FEAT_EXT_ARG (before 5.11). liburing would
 * queue a timeout SQE, and an earlier IOSQE_IO_DRAIN record holds every later SQE back,
 * that timeout too: the wait (and a close cancelling through the SQ) could then outlive
 * its deadline for ever. Polling the ring fd keeps the deadline. ppoll wakes on the
 * first completion; short sleeps cover waits for more than one.
 */
static int enter_polled(struct u4j_ring *r, unsigned wait_nr, int64_t timeout_ns)
{
	int64_t end = mono_ns() + timeout_ns;
	int ret = io_uring_submit(&r->ring);

	if (ret < 0)
		return ret;
	while (io_uring_cq_ready(&r->ring) < wait_nr) {
		int64_t left = end - mono_ns();
		struct pollfd p = { .fd = r->ring.ring_fd, .events = POLLIN };
		struct timespec ts;

		if (left <= 0)
			return -ETIME;
		if (io_uring_cq_ready(&r->ring) > 0 && left > 1000000)
			left = 1000000; /* some completions are there: poll would not block */
		ts.tv_sec = left / 1000000000LL;
		ts.tv_nsec = left % 1000000000LL;
		if (io_uring_cq_ready(&r->ring) > 0)
			ret = nanosleep(&ts, NULL);
		else
			ret = ppoll(&p, 1, &ts, NULL);
		if (ret < 0 && errno != EINTR)
			return -errno;
		if (io_uring_cq_has_overflow(&r->ring))
			io_uring_get_events(&r->ring);
	}
	return 0;
}

/*
 * A batch that waits for no more completions than it submits often completes during the
 * submit itself (NOPs, page-cache reads: the kernel posts their CQEs before returning).
 * A plain submit then spares the timed wait its extended argument and timer. When the
 * submit does not satisfy the wait, the timed wait follows (one more enter) and the next
 * batches wait directly for a while, so that a ring whose operations complete later
 * (sockets, O_DIRECT) pays the extra enter once in U4J_INLINE_BACKOFF batches at most.
 * Returns 1 if the wait is satisfied; otherwise the records are submitted or the submit
 * error is left for the timed wait to report.
 */
#define U4J_INLINE_BACKOFF 64
static int submit_first(struct u4j_ring *r, unsigned queued, unsigned wait_nr)
{
	int ret;

	if (queued < wait_nr || (r->ring.flags & IORING_SETUP_SQPOLL))
		return 0;
	if (r->inline_backoff) {
		r->inline_backoff--;
		return 0;
	}
	ret = io_uring_submit(&r->ring);
	if (ret >= 0 && io_uring_cq_ready(&r->ring) >= wait_nr)
		return 1;
	r->inline_backoff = U4J_INLINE_BACKOFF;
	return 0;
}

static int enter(struct u4j_ring *r, unsigned queued, unsigned wait_nr, int64_t timeout_ns)
{
	struct io_uring_cqe *cqe;

	if (wait_nr == 0) {
		/* DEFER_TASKRUN only posts completions when we ask for events; otherwise a
		 * plain peek is enough and costs no syscall when nothing was queued. */
		if (r->ring.flags & IORING_SETUP_DEFER_TASKRUN || io_uring_cq_has_overflow(&r->ring))
			return io_uring_submit_and_get_events(&r->ring);
		return queued || io_uring_sq_ready(&r->ring) ? io_uring_submit(&r->ring) : 0;
	}
	if (timeout_ns < 0)
		return io_uring_submit_and_wait(&r->ring, wait_nr);
	if (submit_first(r, queued, wait_nr))
		return 0;
	if (!(r->ring.features & IORING_FEAT_EXT_ARG))
		return enter_polled(r, wait_nr, timeout_ns);
	struct __kernel_timespec ts = {
		.tv_sec = timeout_ns / 1000000000LL,
		.tv_nsec = timeout_ns % 1000000000LL,
	};
	return io_uring_submit_and_wait_timeout(&r->ring, &cqe, wait_nr, &ts, NULL);
}

/*
 * Copies up to cap completions out of the CQ: at most two contiguous runs of the ring.
 * Every CQE is copied as the kernel wrote it. No record of liburing's own (its timeout,
 * LIBURING_UDATA_TIMEOUT) can be among them: liburing queues one only for a timed wait on
 * kernels without IORING_FEAT_EXT_ARG, which enter_polled serves instead. Java skips the
 * reserved ring number of such user_data anyway (InFlight.isReserved). Filtering here cost
 * a load per CQE that stalled on the copy's stores just before (about 1 % of a NOP batch).
 */
static unsigned reap(struct u4j_ring *r, char *out, unsigned cap)
{
	const struct io_uring_cq *cq = &r->ring.cq;
	unsigned head = *cq->khead, ready = io_uring_cq_ready(&r->ring);
	unsigned take = ready < cap ? ready : cap, first = head & cq->ring_mask;
	unsigned run = cq->ring_entries - first;
	size_t size = r->cqe_size;

	if (run > take)
		run = take;
	memcpy(out, (const char *)cq->cqes + (size_t)first * size, (size_t)run * size);
	memcpy(out + (size_t)run * size, cq->cqes, (size_t)(take - run) * size);
	io_uring_cq_advance(&r->ring, take);
	return take;
}

/*
 * The common case: the whole batch fits in the SQ. Validates and copies each record in
 * one pass while it is in cache; sqe_tail moves only once every record passed, so on a
 * bad record nothing of the batch reaches the kernel.
 * Returns -1 when the batch does not fit and the two-pass path must run.
 */
static int validate_and_queue(struct u4j_ring *r, const char *staging, unsigned count, void *hdr)
{
	struct io_uring_sq *sq = &r->ring.sq;
	struct io_uring_sqe *sqes = sq->sqes;
	unsigned tail = sq->sqe_tail, mask = sq->ring_mask;
	int wide = r->sqe_size == 128;

	if (io_uring_sq_space_left(&r->ring) < count)
		return -1;
	for (unsigned i = 0; i < count; i++, tail++) {
		const struct io_uring_sqe *rec = (const struct io_uring_sqe *)(staging + ((size_t)i << (6 + wide)));
		/* the space was checked above: the entry is taken as io_uring_get_sqe would,
		 * without its zeroing of fields that the copy overwrites */
		struct io_uring_sqe *sqe = &sqes[(tail & mask) << wide];

		if (!u4j_validate_fast(r, rec)) {
			int detail = 0;
			int rc = validate_slow(r, rec, &detail);

			if (rc != U4J_OK) { /* sqe_tail not moved: nothing of the batch is queued */
				put_s32(hdr, U4J_REAP_BAD_INDEX, (int32_t)i);
				put_s32(hdr, U4J_REAP_REASON, rc);
				put_s32(hdr, U4J_REAP_DETAIL, detail);
				return -EINVAL;
			}
			/* before the next record's check; the fast path accepts no record it marks */
			u4j_note_queued(r, rec);
		}
		if (wide)
			__builtin_memcpy(sqe, rec, 128);
		else
			__builtin_memcpy(sqe, rec, 64);
	}
	sq->sqe_tail = tail;
	return (int)count;
}

int u4j_reap_only(struct u4j_ring *r, unsigned first, unsigned cap)
{
	if (!r->header || first > r->cqes_cap || cap > r->cqes_cap - first)
		return -EINVAL;
	return (int)reap(r, r->cqes_out + (size_t)first * r->cqe_size, cap);
}

int u4j_submit_and_reap(struct u4j_ring *r, unsigned count, unsigned wait_nr, int64_t timeout_ns,
			unsigned first, unsigned reap_cap)
{
	int err = 0, ret;
	unsigned queued, n;
	const char *staging = r->staging;
	void *reap_buf = r->header;
	char *entries;

	/* Bounds of the memory Java attached: counts from Java never reach past it. */
	if (!reap_buf || count > r->staging_records || first > r->cqes_cap || reap_cap > r->cqes_cap - first)
		return -EINVAL;
	entries = r->cqes_out + (size_t)first * r->cqe_size;

	put_s32(reap_buf, U4J_REAP_SUBMITTED, 0);
	put_s32(reap_buf, U4J_REAP_COUNT, 0);
	put_s32(reap_buf, U4J_REAP_BAD_INDEX, -1);
	put_s32(reap_buf, U4J_REAP_REASON, 0);
	put_s32(reap_buf, U4J_REAP_ENTER_ERR, 0);
	ret = validate_and_queue(r, staging, count, reap_buf);
	if (ret == -EINVAL)
		return ret;
	if (ret >= 0) {
		queued = (unsigned)ret;
	} else {
		ret = validate_all(r, staging, count, reap_buf);
		if (ret < 0)
			return ret;
		queued = queue_all(r, staging, count, &err);
	}
	put_s32(reap_buf, U4J_REAP_SUBMITTED, (int32_t)queued);
	if (err)
		return err;
	ret = enter(r, queued, wait_nr, timeout_ns);
	if (ret == -ETIME || ret == -EINTR || ret == -EBUSY || ret == -EAGAIN) {
		/* Not failures of the batch: a timeout, a signal, or CQ backpressure that
		 * reaping below relieves. Java learns which from the header. */
		put_s32(reap_buf, U4J_REAP_ENTER_ERR, ret);
	} else if (ret < 0) {
		return ret;
	}
	n = reap(r, entries, reap_cap);
	put_s32(reap_buf, U4J_REAP_COUNT, (int32_t)n);
	return (int)n;
}
