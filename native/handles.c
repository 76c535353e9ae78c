/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Java holds rings by handle, never by pointer: a handle is (generation << 32 | slot + 1)
 * in a table of live rings, so a handle that was never issued, or one already destroyed,
 * is refused with -EBADF instead of being dereferenced (Native.ringDestroy(0x1000) used to
 * crash the JVM). Lookups take no lock: Java orders every use of a ring before its destroy
 * (one winner per close); a lock orders adds and removes, and makes a second destroy of
 * the same handle find nothing.
 */
#include <errno.h>
#include <sched.h>
#include "u4j.h"

#define MAX_RINGS 65536u

struct handle_slot {
	struct u4j_ring *ring;
	uint32_t generation;
};

static struct handle_slot slots[MAX_RINGS];
static unsigned next_hint;
static int lock_word; /* a spin lock: held for a table scan at most, and no libpthread symbols needed */

static void lock(void)
{
	while (__atomic_exchange_n(&lock_word, 1, __ATOMIC_ACQUIRE))
		sched_yield();
}

static void unlock(void) { __atomic_store_n(&lock_word, 0, __ATOMIC_RELEASE); }

int64_t u4j_handle_add(struct u4j_ring *r)
{
	int64_t h = -EMFILE; /* 65,536 rings open at once */

	lock();
	for (unsigned n = 0; n < MAX_RINGS; n++) {
		unsigned i = (next_hint + n) % MAX_RINGS;

		if (!slots[i].ring) {
			uint32_t g = (slots[i].generation + 1) & 0x7fffffffu;

			slots[i].generation = g ? g : 1;
			slots[i].ring = r;
			next_hint = i + 1;
			h = ((int64_t)slots[i].generation << 32) | (int64_t)(i + 1);
			break;
		}
	}
	unlock();
	return h;
}

static struct handle_slot *slot_of(int64_t h)
{
	uint64_t idx = (uint64_t)(h & 0xffffffff);

	if (h <= 0 || idx == 0 || idx > MAX_RINGS)
		return NULL;
	return &slots[idx - 1];
}

struct u4j_ring *u4j_handle_get(int64_t h)
{
	struct handle_slot *s = slot_of(h);

	if (!s || s->generation != (uint32_t)(h >> 32))
		return NULL;
	return s->ring;
}

struct u4j_ring *u4j_handle_take(int64_t h)
{
	struct handle_slot *s = slot_of(h);
	struct u4j_ring *r = NULL;

	if (!s)
		return NULL;
	lock();
	if (s->ring && s->generation == (uint32_t)(h >> 32)) {
		r = s->ring;
		s->ring = NULL;
	}
	unlock();
	return r;
}
