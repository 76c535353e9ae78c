/*
 * Which Java class the natives belong to. A shaded copy of the jar relocates
 * dev.uring4j.internal.Native to another name, and RegisterNatives needs that name. The
 * loader puts it in the file it loads ("liburing4j-<binary class name>@<random>.so"), and
 * JNI_OnLoad reads it back from the mapping that holds this code (/proc/self/maps, not
 * dladdr: dladdr moved from libdl to libc in glibc 2.34 and would raise the glibc the .so
 * needs). Any other file name (liburing4j.so from -During4j.library.path) means the
 * unrelocated name.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "u4j.h"

#define DEFAULT_CLASS "dev/uring4j/internal/Native"
#define NAME_MARK "liburing4j-"

static int class_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$'
		|| c == '.';
}

/* The class encoded in a library path, '.' turned into '/'; 0 on success, -1 if the path encodes none. */
int u4j_class_from_library_path(const char *path, char *out, size_t cap)
{
	const char *base = strrchr(path, '/');
	const char *start, *end;
	size_t n, i;

	base = base ? base + 1 : path;
	if (strncmp(base, NAME_MARK, strlen(NAME_MARK)) != 0)
		return -1;
	start = base + strlen(NAME_MARK);
	end = strchr(start, '@');
	if (!end || end == start)
		return -1;
	n = (size_t)(end - start);
	if (n >= cap)
		return -1;
	for (i = 0; i < n; i++) {
		if (!class_char(start[i]))
			return -1;
		out[i] = start[i] == '.' ? '/' : start[i];
	}
	out[n] = '\0';
	return 0;
}

/* The path of the mapping that contains addr, or -1. */
static int mapping_path(uintptr_t addr, char *path, size_t cap)
{
	char line[4096 + 256];
	FILE *maps = fopen("/proc/self/maps", "re");
	int found = -1;

	if (!maps)
		return -1;
	while (found < 0 && fgets(line, sizeof(line), maps)) {
		unsigned long lo, hi;
		int off = 0;
		char *p;
		size_t n;

		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %n", &lo, &hi, &off) < 2 || off == 0)
			continue;
		if (addr < lo || addr >= hi)
			continue;
		p = line + off;
		n = strcspn(p, "\n");
		if (n == 0 || n >= cap)
			break;
		memcpy(path, p, n);
		path[n] = '\0';
		found = 0;
	}
	fclose(maps);
	return found;
}

void u4j_native_class_name(char *out, size_t cap)
{
	char path[4096];

	if (mapping_path((uintptr_t)&u4j_native_class_name, path, sizeof(path)) == 0
	    && u4j_class_from_library_path(path, out, cap) == 0)
		return;
	snprintf(out, cap, "%s", DEFAULT_CLASS);
}
