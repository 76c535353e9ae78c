package dev.uring4j.internal.ring;

/** Messages for the native validator's rejection codes (U4J_REJECT_* in native/u4j.h). */
public final class NativeReject {
    private NativeReject() {}

    public static String describe(int reason, int detail) {
        switch (reason) {
            case 1: return "the opcode is not one uring4j offers";
            case 2: return "this kernel does not support the opcode (probe)";
            case 3: return "SQE flags outside FIXED_FILE|IO_DRAIN|IO_LINK|IO_HARDLINK|ASYNC, FIXED_FILE on an op that "
                    + "takes none, or IO_DRAIN and zero-copy sends on one ring (it uses one or the other)";
            case 4: return "a required address is null";
            case 5: return "a length is out of range";
            case 6: return "the file descriptor is negative";
            case 7: return "user_data -1 is reserved by liburing";
            case 8: return "a field uring4j does not use is not zero";
            case 10: return "the fixed file index is outside the registered table";
            case 11: return "buf_index is outside the registered buffers";
            case 12: return "the address range is outside its registered buffer";
            case 13: return "buffer select names no registered provided-buffer group";
            default: return "reason " + reason;
        }
    }
}
