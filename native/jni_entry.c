/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The only exported symbols of liburing4j.so: JNI_OnLoad and JNI_OnUnload. Natives
 * are bound with RegisterNatives, so a renamed Java method fails loudly at load
 * time instead of at first call. Natives take primitives and addresses only and
 * report failures as -errno; Java turns them into exceptions with context.
 */
#include <errno.h>
#include <jni.h>
#include <stdint.h>
#include <unistd.h>
#include "u4j.h"

#define EXPORT __attribute__((visibility("default")))
#define PTR(x) ((void *)(uintptr_t)(x))
#define NATIVE_CLASS "dev/uring4j/internal/Native"

static jint abi_version(JNIEnv *env, jclass c) { (void)env; (void)c; return U4J_ABI_VERSION; }

static jint liburing_version(JNIEnv *env, jclass c)
{
	(void)env; (void)c;
	return (io_uring_major_version() << 16) | io_uring_minor_version();
}

static jint page_size(JNIEnv *env, jclass c) { (void)env; (void)c; return (jint)sysconf(_SC_PAGESIZE); }

static jlong ring_create(JNIEnv *env, jclass c, jint entries, jint cq_entries, jint flags,
			 jint sq_cpu, jint sq_idle_ms, jint wq_fd, jlong mem, jlong mem_size, jlong info)
{
	struct u4j_ring_config cfg = {
		.entries = (unsigned)entries, .cq_entries = (unsigned)cq_entries, .flags = (unsigned)flags,
		.sq_cpu = sq_cpu, .sq_idle_ms = (unsigned)sq_idle_ms, .wq_fd = wq_fd,
		.mem = PTR(mem), .mem_size = (size_t)mem_size,
	};
	struct u4j_ring *r = NULL;
	int ret;

	(void)env; (void)c;
	if (entries <= 0 || cq_entries < 0 || sq_idle_ms < 0 || !info || mem_size < 0 || (mem && !mem_size))
		return -EINVAL;
	ret = u4j_ring_create(&r, &cfg, PTR(info));
	return ret < 0 ? (jlong)ret : (jlong)(uintptr_t)r;
}

static void ring_destroy(JNIEnv *env, jclass c, jlong ring)
{
	(void)env; (void)c;
	if (ring)
		u4j_ring_destroy(PTR(ring));
}

static jint submit_and_reap(JNIEnv *env, jclass c, jlong ring, jlong staging, jint count,
			    jint wait_nr, jlong timeout_ns, jlong header, jlong entries, jint cap)
{
	(void)env; (void)c;
	if (!ring || !header || count < 0 || wait_nr < 0 || cap < 0 || (count && !staging) || (cap && !entries))
		return -EINVAL;
	return u4j_submit_and_reap(PTR(ring), PTR(staging), (unsigned)count, (unsigned)wait_nr,
				   timeout_ns, PTR(header), PTR(entries), (unsigned)cap);
}

static jint register_iowq_max_workers(JNIEnv *env, jclass c, jlong ring, jlong values)
{
	(void)env; (void)c;
	if (!ring || !values)
		return -EINVAL;
	return u4j_register_iowq_max_workers(PTR(ring), PTR(values));
}

static jlong direct_buffer_address(JNIEnv *env, jclass c, jobject buf)
{
	(void)c;
	return buf ? (jlong)(uintptr_t)(*env)->GetDirectBufferAddress(env, buf) : 0;
}

static const JNINativeMethod methods[] = {
	{"abiVersion", "()I", (void *)abi_version},
	{"liburingVersion", "()I", (void *)liburing_version},
	{"pageSize", "()I", (void *)page_size},
	{"ringCreate", "(IIIIIIJJJ)J", (void *)ring_create},
	{"ringDestroy", "(J)V", (void *)ring_destroy},
	{"submitAndReap", "(JJIIJJJI)I", (void *)submit_and_reap},
	{"registerIowqMaxWorkers", "(JJ)I", (void *)register_iowq_max_workers},
	{"directBufferAddress", "(Ljava/nio/ByteBuffer;)J", (void *)direct_buffer_address},
};

EXPORT jint JNI_OnLoad(JavaVM *vm, void *reserved)
{
	JNIEnv *env;
	jclass cls;

	(void)reserved;
	if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_8) != JNI_OK)
		return JNI_ERR;
	cls = (*env)->FindClass(env, NATIVE_CLASS);
	if (!cls)
		return JNI_ERR; /* NoClassDefFoundError pending: names the class */
	if ((*env)->RegisterNatives(env, cls, methods, sizeof(methods) / sizeof(methods[0])) != 0)
		return JNI_ERR; /* NoSuchMethodError pending: names the method */
	return JNI_VERSION_1_8;
}
