/* SPDX-License-Identifier: MIT */
/*
 * liburing 2.9's <liburing/compat.h> includes <linux/blkdev.h>, a uapi header that
 * first shipped with Linux 6.12 headers. Older build hosts (bookworm: 6.1) lack it.
 * This directory is searched with -idirafter, so a real header always wins; this
 * one only supplies the single definition liburing needs.
 */
#ifndef _UAPI_LINUX_BLKDEV_H
#define _UAPI_LINUX_BLKDEV_H
#include <linux/ioctl.h>
#define BLOCK_URING_CMD_DISCARD _IO(0x12, 0)
#endif
