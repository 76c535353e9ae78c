package dev.uring4j;

import dev.uring4j.internal.Memory;
import dev.uring4j.internal.SockAddr;
import dev.uring4j.internal.ring.Checks;
import dev.uring4j.internal.ring.InFlight;
import dev.uring4j.internal.ring.Stager;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Objects;

/** The encoders of socket operations (package-private for the state of SocketMessage and the buffer tables). */
final class NetOps {
    /** IORING_ACCEPT_MULTISHOT, IORING_RECV_MULTISHOT (ioprio flags), IORING_POLL_ADD_MULTI (len). */
    private static final long ACCEPT_MULTISHOT = 1, RECV_MULTISHOT = 2;
    private static final int POLL_ADD_MULTI = 1;

    private NetOps() {}

    static long socket(Ring r, int domain, int type, int protocol) throws UringException {
        if (domain < 0) {
            throw new IllegalArgumentException("socket: domain must be >= 0 (e.g. Linux.AF_INET), got " + domain);
        }
        return r.stager.stage(Opcode.Code.SOCKET, 0, domain, type & 0xffffffffL, 0, protocol, 0, null);
    }

    static long connect(Ring r, int fd, int fixed, InetSocketAddress address) throws UringException {
        Objects.requireNonNull(address, "address");
        if (fixed == 0) {
            Checks.fd("connect", fd);
        }
        int slot = r.stager.acquire();
        ByteBuffer sa = r.inFlight.scratch(slot, SockAddr.MAX);
        int len;
        try {
            len = SockAddr.encode(address, sa);
        } catch (IllegalArgumentException e) {
            r.stager.release(slot);
            throw e;
        }
        return r.stager.stageSlot(slot, Opcode.Code.CONNECT, fixed, fd, len, Memory.address(sa), 0, 0, 0L);
    }

    /** @param fileIndex 0: a regular fd; slot + 1: that registered slot; -1: free slots the kernel picks */
    static long accept(Ring r, int fd, int fixed, int flags, boolean multishot, int fileIndex) throws UringException {
        if (fixed == 0) {
            Checks.fd("accept", fd);
        }
        if (fileIndex != 0 && (flags & Linux.SOCK_CLOEXEC) != 0) {
            throw new IllegalArgumentException("acceptDirect: SOCK_CLOEXEC does not apply to fixed slots (the kernel "
                    + "refuses it)");
        }
        long id = r.stager.stage(Opcode.Code.ACCEPT, fixed, fd, 0, 0, 0, flags, null, multishot ? ACCEPT_MULTISHOT : 0,
                (fileIndex & 0xffffffffL) << 32);
        return multishot ? completesMoreThanOnce(r.inFlight, id) : id;
    }

    /** SEND, RECV, SEND_ZC of the buffer's remaining bytes; its position advances on completion. */
    static long transfer(Ring r, int opcode, String op, int fd, int fixed, ByteBuffer b, int msgFlags)
            throws UringException {
        long address = Checks.bufferAddress(op, b, opcode == Opcode.Code.RECV);
        if (fixed == 0) {
            Checks.fd(op, fd);
        }
        if (opcode == Opcode.Code.SEND_ZC) {
            r.drainRule.zeroCopy(op);
        }
        int position = Checks.position(b, address);
        long id = r.stager.stage(opcode, fixed, fd, 0, address, Checks.length(b, address), msgFlags, b);
        r.inFlight.markTransfer((int) id, position);
        return opcode == Opcode.Code.SEND_ZC ? completesMoreThanOnce(r.inFlight, id) : id;
    }

    static long sendZcFixed(Ring r, int fd, ByteBuffer b, int msgFlags) throws UringException {
        long address = Checks.bufferAddress("sendZcFixed", b, false);
        int length = Checks.length(b, address);
        int index = r.fixedBuffers.indexOf("sendZcFixed", address, length);
        Checks.fd("sendZcFixed", fd);
        r.drainRule.zeroCopy("sendZcFixed");
        int position = Checks.position(b, address);
        long id = r.stager.stage(Opcode.Code.SEND_ZC, 0, fd, 0, address, length, msgFlags, b,
                Stager.SEND_ZC_FIXED_BUF, index & 0xffffL);
        r.inFlight.markTransfer((int) id, position);
        return completesMoreThanOnce(r.inFlight, id);
    }

    static long recvSelect(Ring r, String op, int fd, int fixed, ProvidedBuffers buffers, boolean multishot)
            throws UringException {
        Objects.requireNonNull(buffers, "buffers");
        if (!r.providedBuffers.contains(buffers)) {
            throw new IllegalArgumentException(op + ": group " + buffers.groupId() + " is not registered with this ring");
        }
        if (fixed == 0) {
            Checks.fd(op, fd);
        }
        long id = r.stager.stage(Opcode.Code.RECV, fixed | Stager.BUFFER_SELECT, fd, 0, 0, 0, 0, buffers.group(),
                multishot ? RECV_MULTISHOT : 0, buffers.groupId() & 0xffffL);
        return multishot ? completesMoreThanOnce(r.inFlight, id) : id;
    }

    static long message(Ring r, int opcode, String op, int fd, SocketMessage msg, int msgFlags) throws UringException {
        Objects.requireNonNull(msg, "msg");
        Checks.fd(op, fd);
        msg.lock(op); // from the idle check to attach: one submission at a time, on any ring
        try {
            if (opcode == Opcode.Code.SENDMSG_ZC) {
                r.drainRule.zeroCopy(op);
            }
            return stageMessage(r, opcode, op, fd, msg, msgFlags);
        } finally {
            msg.unlock();
        }
    }

    private static long stageMessage(Ring r, int opcode, String op, int fd, SocketMessage msg, int msgFlags)
            throws UringException {
        boolean receive = opcode == Opcode.Code.RECVMSG;
        long total = 0;
        for (int i = 0; i < msg.bufferCount(); i++) {
            ByteBuffer b = msg.buffer(i);
            long address = Checks.bufferAddress(op + " buffer " + i, b, receive);
            int length = Checks.length(b, address);
            msg.iovec(i, address, length);
            total += length;
        }
        Checks.total(op, total);
        long header = msg.header(receive);
        int slot = r.stager.acquire();
        r.inFlight.reference(slot, msg); // and through it the buffers, which cannot change while in use
        long id = r.stager.stageSlot(slot, opcode, 0, fd, 0, header, 1, msgFlags, 0L);
        msg.attach(r, id);
        return opcode == Opcode.Code.SENDMSG_ZC ? completesMoreThanOnce(r.inFlight, id) : id;
    }

    static long shutdown(Ring r, int fd, int how) throws UringException {
        Checks.fd("shutdown", fd);
        if (how < 0 || how > 2) {
            throw new IllegalArgumentException("shutdown: how must be SHUT_RD (0), SHUT_WR (1) or SHUT_RDWR (2), got "
                    + how);
        }
        return r.stager.stage(Opcode.Code.SHUTDOWN, 0, fd, 0, 0, how, 0, null);
    }

    static long poll(Ring r, int fd, int events, boolean multishot) throws UringException {
        Checks.fd("pollAdd", fd);
        long id = r.stager.stage(Opcode.Code.POLL_ADD, 0, fd, 0, 0, multishot ? POLL_ADD_MULTI : 0, events, null);
        return multishot ? completesMoreThanOnce(r.inFlight, id) : id;
    }

    /** Marks an operation that may complete more than once, for the wait check. */
    private static long completesMoreThanOnce(InFlight inFlight, long id) {
        inFlight.markUses((int) id, InFlight.COMPLETES_MORE_THAN_ONCE);
        return id;
    }
}
