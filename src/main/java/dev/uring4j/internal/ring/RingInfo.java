package dev.uring4j.internal.ring;

import dev.uring4j.internal.Native;
import java.nio.ByteBuffer;

/**
 * What the kernel reported when the ring was set up (the native info block, read once):
 * sizes, feature bits, the ring fd and the opcode probe.
 */
public final class RingInfo {
    public final int features;
    public final int sqEntries;
    public final int cqEntries;
    /** -1 for a ring set up with REGISTERED_FD_ONLY. */
    public final int ringFd;
    private final boolean[] opSupported = new boolean[256];

    public RingInfo(ByteBuffer info) {
        features = info.getInt(Native.INFO_FEATURES);
        sqEntries = info.getInt(Native.INFO_SQ_ENTRIES);
        cqEntries = info.getInt(Native.INFO_CQ_ENTRIES);
        ringFd = info.getInt(Native.INFO_RING_FD);
        int lastOp = info.getInt(Native.INFO_LAST_OP);
        for (int op = 0; op < 256; op++) {
            // Kernels before 5.6 have no probe: every opcode counts as supported there.
            opSupported[op] = lastOp < 0 || info.get(Native.INFO_OPS + op) != 0;
        }
    }

    public boolean isOpcodeSupported(int code) {
        return opSupported[code & 0xff];
    }
}
