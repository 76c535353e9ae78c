package dev.uring4j.internal.ring;

import dev.uring4j.internal.Native;

/**
 * Messages for the native validator's rejection codes ({@code U4J_REJECTS} in native/u4j.h,
 * mirrored as {@code Native.REJECT_*}, which the loader checks against the library). Every
 * code has a message here and no other code has one (NativeRejectTest, against the
 * library's layout table).
 */
public final class NativeReject {
    private NativeReject() {}

    public static String describe(int reason, int detail) {
        String m = message(reason);
        return m != null ? m : "reason " + reason;
    }

    /** The message for a known code, or null. */
    public static String message(int reason) {
        switch (reason) {
            case Native.REJECT_OPCODE: return "the opcode is not one uring4j offers";
            case Native.REJECT_OPCODE_KERNEL: return "this kernel does not support the opcode (probe)";
            case Native.REJECT_SQE_FLAGS: return "SQE flags outside FIXED_FILE|IO_DRAIN|IO_LINK|IO_HARDLINK|ASYNC|"
                    + "BUFFER_SELECT, FIXED_FILE or BUFFER_SELECT on an op that takes none, or IO_DRAIN and zero-copy "
                    + "sends on one ring (it uses one or the other)";
            case Native.REJECT_NULL_ADDR: return "a required address is null";
            case Native.REJECT_LENGTH: return "a length is out of range";
            case Native.REJECT_FD: return "the file descriptor is negative";
            case Native.REJECT_USER_DATA: return "user_data -1 is reserved by liburing";
            case Native.REJECT_RESERVED: return "a field uring4j does not use is not zero";
            case Native.REJECT_FIXED_FILE: return "the fixed file index is outside the registered table";
            case Native.REJECT_BUF_INDEX: return "buf_index is outside the registered buffers";
            case Native.REJECT_BUF_RANGE: return "the address range is outside its registered buffer";
            case Native.REJECT_BUF_GROUP: return "buffer select names no registered provided-buffer group";
            case Native.REJECT_FILE_INDEX_KERNEL: return "this kernel has no direct descriptors (Linux 5.15) and ignores a "
                    + "registered slot (file_index): the operation would make a regular fd, or close fd 0, instead: use openat, accept and closeFd with regular fds "
                    + "there (UringSupport.isDirectDescriptorsSupported() tells beforehand)";
            default: return null;
        }
    }
}
