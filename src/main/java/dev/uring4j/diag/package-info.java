/**
 * What this host offers io_uring, and why something fails: {@link dev.uring4j.diag.UringSupport}
 * (opcodes, setup flags and features, probed once), {@link dev.uring4j.diag.MemlockReport}
 * (locked-memory limits and what a ring or a buffer registration needs),
 * {@link dev.uring4j.diag.KnownIssues} evaluated against {@link dev.uring4j.diag.KernelVersion},
 * {@link dev.uring4j.diag.ThreadCensus} (io_uring kernel threads of this process), and the
 * {@code doctor} command of the jar ({@code java -jar uring4j-<v>-linux-x86_64.jar doctor}).
 */
package dev.uring4j.diag;
