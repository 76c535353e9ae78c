/* Table tests for the class name a library file carries (selfname.c): relocated, default, refused. */
#include <stdio.h>
#include <string.h>
#include "../u4j.h"

struct name_case {
	const char *path;
	const char *want; /* NULL: the path encodes no class */
};

static const struct name_case cases[] = {
	{ "/tmp/liburing4j-dev.uring4j.internal.Native@123.so", "dev/uring4j/internal/Native" },
	{ "/tmp/liburing4j-com.acme.shaded.uring4j.internal.Native@9876543210.so", "com/acme/shaded/uring4j/internal/Native" },
	{ "liburing4j-a_b.c$D.internal.Native@1.so", "a_b/c$D/internal/Native" },
	{ "/x/liburing4j-dev.uring4j.internal.Native@/y.so", NULL },  /* the mark is in a directory, not the file */
	{ "/opt/lib/liburing4j.so", NULL },                          /* -During4j.library.path: default class */
	{ "/tmp/liburing4j-@1.so", NULL },                            /* empty name */
	{ "/tmp/liburing4j-dev.uring4j.internal.Native.so", NULL },   /* no '@' */
	{ "/tmp/liburing4j-dev/../../etc@1.so", NULL },               /* not a file name */
	{ "/tmp/liburing4j-dev uring4j@1.so", NULL },                 /* a character no class name has */
	{ "/tmp/libother-dev.uring4j.internal.Native@1.so", NULL },
};

int main(void)
{
	unsigned failed = 0, i;
	char out[64];

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int r = u4j_class_from_library_path(cases[i].path, out, sizeof(out));
		int ok = cases[i].want ? r == 0 && strcmp(out, cases[i].want) == 0 : r == -1;
		if (!ok) {
			printf("FAIL %s: got %d '%s', want %s\n", cases[i].path, r, r == 0 ? out : "",
			       cases[i].want ? cases[i].want : "none");
			failed++;
		}
	}
	/* A name longer than the output is refused, never truncated into another class. */
	if (u4j_class_from_library_path("/tmp/liburing4j-com.example.a.very.long.relocation.prefix.dev.uring4j.internal.Native@1.so",
					out, 16) != -1) {
		printf("FAIL: a name longer than the buffer was accepted\n");
		failed++;
	}
	printf("selfname_test: %u cases, %u failed\n", i + 1, failed);
	return failed ? 1 : 0;
}
