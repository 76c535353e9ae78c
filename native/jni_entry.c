/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The only exported symbol of liburing4j.so: JNI_OnLoad (scripts/check-natives). Natives
 * are bound with RegisterNatives, so a renamed Java method fails loudly at load
 * time instead of at first call. Natives take primitives and addresses only and
 * report failures as -errno; Java turns them into exceptions with context.
 */
#include <errno.h>
#include <jni.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "u4j.h"

#define EXPORT __attribute__((visibility("default")))
#define PTR(x) ((void *)(uintptr_t)(x))
/* Every native that takes a ring handle resolves it first: an unknown or destroyed handle is -EBADF. */
#define RING_OF(h) u4j_handle_get((int64_t)(h))
#define NEED_RING(h) struct u4j_ring *r_ = RING_OF(h); if (!r_) return -EBADF

static jint abi_version(JNIEnv *env, jclass c) { (void)env; (void)c; return U4J_ABI_VERSION; }

/* The layouts must at least be self-consistent: fields inside their struct, wide ones aligned. */
_Static_assert(U4J_INFO_OPS + 256 <= U4J_INFO_MEM_USED && U4J_INFO_MEM_USED % 8 == 0, "ring info: ops[] and mem_used");
_Static_assert(U4J_INFO_DIRECT_FDS + 4 <= U4J_INFO_SIZE && U4J_INFO_SIZE % 8 == 0, "ring info size");
_Static_assert(U4J_REAP_DETAIL + 4 <= U4J_REAP_HEADER, "batch header size");
_Static_assert(U4J_STAT_SIZE % 8 == 0 && U4J_STAT_MODE + 4 <= U4J_STAT_BYTES, "fstat output");
_Static_assert(sizeof(struct io_uring_sqe) == 64 && sizeof(struct io_uring_cqe) == 16, "kernel SQE/CQE sizes");

struct layout_text {
	char buf[4096];
	size_t len;
	int overflow;
};

static void layout_put(struct layout_text *t, const char *name, long long value)
{
	int n;

	if (t->overflow)
		return;
	n = snprintf(t->buf + t->len, sizeof(t->buf) - t->len, "%s=%lld\n", name, value);
	if (n < 0 || (size_t)n >= sizeof(t->buf) - t->len)
		t->overflow = 1;
	else
		t->len += (size_t)n;
}

/*
 * Every shared layout value, as ASCII lines NAME=VALUE (U4J_LAYOUT, then REJECT_<name> for
 * each code, REJECTS_COUNT and REJECTS_HIGHEST), written to out only if cap holds it all.
 * Returns the table's size in bytes (call again with a larger buffer when it exceeds cap).
 */
static jint layout(JNIEnv *env, jclass c, jlong out, jint cap)
{
	static const int codes[] = {
#define CODE_(name, code) code,
		U4J_REJECTS(CODE_)
#undef CODE_
	};
	struct layout_text t = { .len = 0 };
	int highest = 0;

	(void)env; (void)c;
#define PUT_(name, value) layout_put(&t, #name, (long long)(value));
	U4J_LAYOUT(PUT_)
#undef PUT_
#define PUT_REJECT_(name, code) layout_put(&t, "REJECT_" #name, code);
	U4J_REJECTS(PUT_REJECT_)
#undef PUT_REJECT_
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		highest = codes[i] > highest ? codes[i] : highest;
	layout_put(&t, "REJECTS_COUNT", U4J_REJECT_CODES);
	layout_put(&t, "REJECTS_HIGHEST", highest);
	if (t.overflow)
		return -ENOSPC;
	if (out && cap >= 0 && (size_t)cap >= t.len)
		memcpy(PTR(out), t.buf, t.len);
	return (jint)t.len;
}

static jint liburing_version(JNIEnv *env, jclass c)
{
	(void)env; (void)c;
	return (io_uring_major_version() << 16) | io_uring_minor_version();
}

static jint page_size(JNIEnv *env, jclass c) { (void)env; (void)c; return (jint)sysconf(_SC_PAGESIZE); }

static jlong ring_create(JNIEnv *env, jclass c, jint entries, jint cq_entries, jint flags,
			 jint sq_cpu, jint sq_idle_ms, jint wq_fd, jlong mem, jlong mem_size, jboolean reg_fd,
			 jlong info)
{
	struct u4j_ring_config cfg = {
		.entries = (unsigned)entries, .cq_entries = (unsigned)cq_entries, .flags = (unsigned)flags,
		.sq_cpu = sq_cpu, .sq_idle_ms = (unsigned)sq_idle_ms, .wq_fd = wq_fd,
		.mem = PTR(mem), .mem_size = (size_t)mem_size, .register_ring_fd = reg_fd,
	};
	struct u4j_ring *r = NULL;
	int ret;

	(void)env; (void)c;
	if (entries <= 0 || cq_entries < 0 || sq_idle_ms < 0 || !info || mem_size < 0 || (mem && !mem_size))
		return -EINVAL;
	ret = u4j_ring_create(&r, &cfg, PTR(info));
	if (ret < 0)
		return (jlong)ret;
	int64_t h = u4j_handle_add(r);
	if (h < 0)
		u4j_ring_destroy(r, 1);
	return (jlong)h;
}

static void ring_destroy(JNIEnv *env, jclass c, jlong ring, jboolean close_fd)
{
	struct u4j_ring *r = u4j_handle_take((int64_t)ring); /* one winner: a second destroy finds nothing */

	(void)env; (void)c;
	if (r)
		u4j_ring_destroy(r, close_fd);
}

static jint ring_attach(JNIEnv *env, jclass c, jlong ring, jlong staging, jlong staging_bytes, jlong header,
		       jlong header_bytes, jlong cqes, jlong cqes_bytes)
{
	(void)env; (void)c;
	NEED_RING(ring);
	if (staging_bytes <= 0 || header_bytes <= 0 || cqes_bytes <= 0)
		return -EINVAL;
	return u4j_ring_attach(r_, PTR(staging), (size_t)staging_bytes, PTR(header), (size_t)header_bytes, PTR(cqes),
			       (size_t)cqes_bytes);
}

static jint submit_and_reap(JNIEnv *env, jclass c, jlong ring, jint count, jint wait_nr, jlong timeout_ns,
			    jint first, jint cap)
{
	(void)env; (void)c;
	NEED_RING(ring);
	if (count < 0 || wait_nr < 0 || cap < 0 || first < 0)
		return -EINVAL;
	return u4j_submit_and_reap(r_, (unsigned)count, (unsigned)wait_nr, timeout_ns, (unsigned)first, (unsigned)cap);
}

static jint reap_only(JNIEnv *env, jclass c, jlong ring, jint first, jint cap)
{
	(void)env; (void)c;
	NEED_RING(ring);
	if (cap < 0 || first < 0)
		return -EINVAL;
	return u4j_reap_only(r_, (unsigned)first, (unsigned)cap);
}

static jint register_iowq_max_workers(JNIEnv *env, jclass c, jlong ring, jlong values)
{
	(void)env; (void)c;
	NEED_RING(ring);
	if (!ring || !values)
		return -EINVAL;
	return u4j_register_iowq_max_workers(r_, PTR(values));
}

static jint sq_flags(JNIEnv *env, jclass c, jlong ring)
{
	(void)env; (void)c;
	NEED_RING(ring);
	return ring ? (jint)u4j_sq_flags(r_) : -EINVAL;
}

static jint register_files(JNIEnv *env, jclass c, jlong ring, jlong fds, jint n)
{
	(void)env; (void)c;
	NEED_RING(ring);
	if (!ring || !fds || n <= 0)
		return -EINVAL;
	return u4j_register_files(r_, PTR(fds), (unsigned)n);
}

static jint register_files_sparse(JNIEnv *env, jclass c, jlong ring, jint n)
{
	(void)env; (void)c;
	NEED_RING(ring);
	if (!ring || n <= 0)
		return -EINVAL;
	return u4j_register_files_sparse(r_, (unsigned)n);
}

static jint update_files(JNIEnv *env, jclass c, jlong ring, jint offset, jlong fds, jint n)
{
	(void)env; (void)c;
	NEED_RING(ring);
	if (!ring || !fds || n <= 0 || offset < 0)
		return -EINVAL;
	return u4j_update_files(r_, (unsigned)offset, PTR(fds), (unsigned)n);
}

static jint unregister_files(JNIEnv *env, jclass c, jlong ring)
{
	(void)env; (void)c;
	NEED_RING(ring);
	return ring ? u4j_unregister_files(r_) : -EINVAL;
}

static jint register_buffers(JNIEnv *env, jclass c, jlong ring, jlong iovs, jint n)
{
	(void)env; (void)c;
	NEED_RING(ring);
	if (!ring || !iovs || n <= 0 || n > (1 << 14)) /* IORING_MAX_REG_BUFFERS; also bounds the copy */
		return -EINVAL;
	return u4j_register_buffers(r_, PTR(iovs), (unsigned)n);
}

static jint unregister_buffers(JNIEnv *env, jclass c, jlong ring)
{
	(void)env; (void)c;
	NEED_RING(ring);
	return ring ? u4j_unregister_buffers(r_) : -EINVAL;
}

static jlong mem_map(JNIEnv *env, jclass c, jlong size, jboolean huge)
{
	int err;
	void *p;

	(void)env; (void)c;
	if (size <= 0)
		return -EINVAL;
	p = u4j_mem_map((size_t)size, huge, &err);
	return p ? (jlong)(uintptr_t)p : (jlong)err;
}

static jint mem_unmap(JNIEnv *env, jclass c, jlong addr, jlong size)
{
	(void)env; (void)c;
	if (!addr || size <= 0)
		return -EINVAL;
	return u4j_mem_unmap(PTR(addr), (size_t)size);
}

static jint eventfd_create(JNIEnv *env, jclass c) { (void)env; (void)c; return u4j_eventfd(); }

static jint eventfd_signal(JNIEnv *env, jclass c, jint fd)
{
	(void)env; (void)c;
	return fd < 0 ? -EBADF : u4j_eventfd_signal(fd);
}

static jint gettid_(JNIEnv *env, jclass c) { (void)env; (void)c; return u4j_gettid(); }

static jint ftruncate_(JNIEnv *env, jclass c, jint fd, jlong length)
{
	(void)env; (void)c;
	if (fd < 0)
		return -EBADF;
	return length < 0 ? -EINVAL : u4j_ftruncate(fd, length);
}

static jlong lseek_(JNIEnv *env, jclass c, jint fd, jlong offset, jint whence)
{
	(void)env; (void)c;
	return fd < 0 ? -EBADF : u4j_lseek(fd, offset, whence);
}

static jint fstat_(JNIEnv *env, jclass c, jint fd, jlong out)
{
	(void)env; (void)c;
	if (fd < 0)
		return -EBADF;
	return out ? u4j_fstat(fd, PTR(out)) : -EINVAL;
}

static jint open_(JNIEnv *env, jclass c, jlong path, jint flags, jint mode)
{
	(void)env; (void)c;
	return path ? u4j_open(PTR(path), flags, mode) : -EINVAL;
}

/* Lengths stay below 2 GiB so that the count fits the int result; Java keeps the buffer
 * alive and passes an address inside it. */
static jint rw_nowait(JNIEnv *env, jclass c, jint fd, jlong addr, jint len, jlong offset, jboolean write)
{
	(void)env; (void)c;
	if (fd < 0)
		return -EBADF;
	if (len < 0 || offset < -1 || (len > 0 && !addr)) /* -1: the file position (preadv2's rule) */
		return -EINVAL;
	return u4j_rw_nowait(fd, PTR(addr), (size_t)len, offset, write);
}

static jint close_(JNIEnv *env, jclass c, jint fd)
{
	(void)env; (void)c;
	return fd < 0 ? -EBADF : u4j_close(fd);
}

static jint sync_cancel_all(JNIEnv *env, jclass c, jlong ring, jint timeout_ms)
{
	(void)env; (void)c;
	NEED_RING(ring);
	if (!ring || timeout_ms < 0)
		return -EINVAL;
	return u4j_sync_cancel_all(r_, timeout_ms);
}

static jint socket_bind(JNIEnv *env, jclass c, jint fd, jlong addr, jint len)
{
	(void)env; (void)c;
	if (fd < 0 || !addr || len <= 0 || len > 128)
		return -EINVAL;
	return u4j_bind(fd, PTR(addr), len);
}

static jint socket_listen(JNIEnv *env, jclass c, jint fd, jint backlog)
{
	(void)env; (void)c;
	return fd < 0 ? -EBADF : u4j_listen(fd, backlog);
}

static jint socket_name(JNIEnv *env, jclass c, jint fd, jlong addr, jint cap)
{
	(void)env; (void)c;
	if (fd < 0 || !addr || cap <= 0 || cap > 128)
		return -EINVAL;
	return u4j_sockname(fd, PTR(addr), cap);
}

static jint socket_open(JNIEnv *env, jclass c, jint domain, jint type, jint protocol)
{
	(void)env; (void)c;
	return u4j_socket(domain, type, protocol);
}

static jint socket_set_int(JNIEnv *env, jclass c, jint fd, jint level, jint name, jint value)
{
	(void)env; (void)c;
	return fd < 0 ? -EBADF : u4j_setsockopt_int(fd, level, name, value);
}

static jlong pbuf_register(JNIEnv *env, jclass c, jlong ring, jint bgid, jint entries)
{
	int err = 0;
	void *br;

	(void)env; (void)c;
	NEED_RING(ring);
	if (!ring || bgid < 0 || bgid > 0xffff || entries <= 0 || entries > 32768 || (entries & (entries - 1)))
		return -EINVAL;
	br = u4j_pbuf_register(r_, bgid, (unsigned)entries, &err);
	return br ? (jlong)(uintptr_t)br : (jlong)err;
}

static jint pbuf_unregister(JNIEnv *env, jclass c, jlong ring, jint bgid, jlong br, jint entries)
{
	(void)env; (void)c;
	NEED_RING(ring);
	if (!ring || !br || entries <= 0)
		return -EINVAL;
	return u4j_pbuf_unregister(r_, bgid, PTR(br), (unsigned)entries);
}

static jlong direct_buffer_address(JNIEnv *env, jclass c, jobject buf)
{
	(void)c;
	return buf ? (jlong)(uintptr_t)(*env)->GetDirectBufferAddress(env, buf) : 0;
}

static const JNINativeMethod methods[] = {
	{"nAbiVersion", "()I", (void *)abi_version},
	{"nLayout", "(JI)I", (void *)layout},
	{"nLiburingVersion", "()I", (void *)liburing_version},
	{"nPageSize", "()I", (void *)page_size},
	{"nRingCreate", "(IIIIIIJJZJ)J", (void *)ring_create},
	{"nRingDestroy", "(JZ)V", (void *)ring_destroy},
	{"nRingAttach", "(JJJJJJJ)I", (void *)ring_attach},
	{"nSubmitAndReap", "(JIIJII)I", (void *)submit_and_reap},
	{"nReapOnly", "(JII)I", (void *)reap_only},
	{"nRegisterIowqMaxWorkers", "(JJ)I", (void *)register_iowq_max_workers},
	{"nSqFlags", "(J)I", (void *)sq_flags},
	{"nRegisterFiles", "(JJI)I", (void *)register_files},
	{"nRegisterFilesSparse", "(JI)I", (void *)register_files_sparse},
	{"nUpdateFiles", "(JIJI)I", (void *)update_files},
	{"nUnregisterFiles", "(J)I", (void *)unregister_files},
	{"nRegisterBuffers", "(JJI)I", (void *)register_buffers},
	{"nUnregisterBuffers", "(J)I", (void *)unregister_buffers},
	{"nMemMap", "(JZ)J", (void *)mem_map},
	{"nMemUnmap", "(JJ)I", (void *)mem_unmap},
	{"nEventfd", "()I", (void *)eventfd_create},
	{"nEventfdSignal", "(I)I", (void *)eventfd_signal},
	{"nGettid", "()I", (void *)gettid_},
	{"nFtruncate", "(IJ)I", (void *)ftruncate_},
	{"nLseek", "(IJI)J", (void *)lseek_},
	{"nClose", "(I)I", (void *)close_},
	{"nFstat", "(IJ)I", (void *)fstat_},
	{"nRwNowait", "(IJIJZ)I", (void *)rw_nowait},
	{"nOpen", "(JII)I", (void *)open_},
	{"nSyncCancelAll", "(JI)I", (void *)sync_cancel_all},
	{"nSocketBind", "(IJI)I", (void *)socket_bind},
	{"nSocketOpen", "(III)I", (void *)socket_open},
	{"nSocketSetInt", "(IIII)I", (void *)socket_set_int},
	{"nSocketListen", "(II)I", (void *)socket_listen},
	{"nSocketName", "(IJI)I", (void *)socket_name},
	{"nPbufRegister", "(JII)J", (void *)pbuf_register},
	{"nPbufUnregister", "(JIJI)I", (void *)pbuf_unregister},
	{"nDirectBufferAddress", "(Ljava/nio/ByteBuffer;)J", (void *)direct_buffer_address},
};

EXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved)
{
	JNIEnv *env;
	jclass cls;
	char native_class[512];

	(void)reserved;
	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
		return JNI_ERR;
	u4j_native_class_name(native_class, sizeof(native_class));
	cls = (*env)->FindClass(env, native_class);
	if (!cls)
		return JNI_ERR; /* NoClassDefFoundError pending: names the class */
	if ((*env)->RegisterNatives(env, cls, methods, sizeof(methods) / sizeof(methods[0])) != 0)
		return JNI_ERR; /* NoSuchMethodError pending: names the method */
	return JNI_VERSION_1_8;
}
