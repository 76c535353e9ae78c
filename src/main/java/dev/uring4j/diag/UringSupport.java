package dev.uring4j.diag;

import dev.uring4j.Errno;
import dev.uring4j.Opcode;
import dev.uring4j.SetupFlag;
import dev.uring4j.Uring;
import dev.uring4j.UringUnavailableException;
import dev.uring4j.internal.HostFacts;
import dev.uring4j.internal.Memory;
import dev.uring4j.internal.Native;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What this host's kernel offers io_uring, probed once and cached: whether setup works
 * (else why), the supported opcodes, which setup flags a 2-entry ring accepts, the
 * feature bits, the bundled liburing, and the known kernel problems that apply.
 * Nothing here is inferred from the kernel's version string except known-bug ranges.
 */
public final class UringSupport {
    private static final Native NATIVE = Native.access();
    /** Names of IORING_FEAT_* bits 0..17. */
    private static final String[] FEATURE_NAMES = {"SINGLE_MMAP", "NODROP", "SUBMIT_STABLE", "RW_CUR_POS",
            "CUR_PERSONALITY", "FAST_POLL", "POLL_32BITS", "SQPOLL_NONFIXED", "EXT_ARG", "NATIVE_WORKERS",
            "RSRC_TAGS", "CQE_SKIP", "LINKED_FILE", "REG_REG_RING", "RECVSEND_BUNDLE", "MIN_TIMEOUT", "RW_ATTR",
            "NO_IOWAIT"};
    private static final int NO_MMAP = 1 << 14;
    private static final int REGISTERED_FD_ONLY = 1 << 15;

    /**
     * Whether a 2-entry ring accepted a setup flag (with what it needs: DEFER_TASKRUN with
     * SINGLE_ISSUER, TASKRUN_FLAG with COOP_TASKRUN, REGISTERED_FD_ONLY with NO_MMAP).
     *
     * @param errno the symbolic errno of the refusal, or "" when supported
     */
    public record FlagSupport(String flag, boolean supported, String errno) {
        @Override
        public String toString() {
            return flag + (supported ? ": yes" : ": no (" + errno + ")");
        }
    }

    private final String kernelRelease;
    private final KernelVersion kernelVersion;
    private final String kernelVersionProblem;
    private final UringUnavailableException cause;
    private final String liburingVersion;
    private final int features;
    private final int lastOp;
    private final boolean[] ops = new boolean[256];
    private final Map<String, FlagSupport> flags;
    private final List<KnownIssue> knownIssues;
    private final boolean syncCancel;
    private final boolean directDescriptors;

    private UringSupport() {
        kernelRelease = Uring.kernelRelease();
        KernelVersion v = null;
        String problem = null;
        try {
            v = parseRunningKernel();
        } catch (IllegalArgumentException e) {
            problem = e.getMessage();
        }
        kernelVersion = v;
        kernelVersionProblem = problem;
        cause = Uring.unavailabilityCause();
        liburingVersion = Uring.liburingVersion();
        Map<String, FlagSupport> f = new LinkedHashMap<>();
        int feat = 0;
        int last = -1;
        boolean sync = false;
        boolean direct = false;
        if (cause == null) {
            ByteBuffer info = Memory.allocate(Native.INFO_SIZE);
            long ring = NATIVE.ringCreate(2, 0, 0, -1, 0, -1, 0, 0, false, Memory.address(info));
            if (ring > 0) {
                int r = NATIVE.syncCancelAll(ring, 0); // nothing to cancel: ENOENT where it exists, EINVAL before 6.0
                sync = r != -Errno.EINVAL && r != -Errno.EOPNOTSUPP;
                direct = info.getInt(Native.INFO_DIRECT_FDS) != 0;
                NATIVE.ringDestroy(ring, true);
                feat = info.getInt(Native.INFO_FEATURES);
                last = info.getInt(Native.INFO_LAST_OP);
                for (int op = 0; op < 256; op++) {
                    ops[op] = last < 0 ? op <= Opcode.Code.WRITE : info.get(Native.INFO_OPS + op) != 0;
                }
            }
            probe(f, "SQPOLL", SetupFlag.SQPOLL.bit());
            probe(f, "SINGLE_ISSUER", SetupFlag.SINGLE_ISSUER.bit());
            probe(f, "DEFER_TASKRUN", SetupFlag.DEFER_TASKRUN.bit() | SetupFlag.SINGLE_ISSUER.bit());
            probe(f, "COOP_TASKRUN", SetupFlag.COOP_TASKRUN.bit());
            probe(f, "TASKRUN_FLAG", SetupFlag.TASKRUN_FLAG.bit() | SetupFlag.COOP_TASKRUN.bit());
            probe(f, "SUBMIT_ALL", SetupFlag.SUBMIT_ALL.bit());
            probe(f, "SQE128", SetupFlag.SQE128.bit());
            probe(f, "CQE32", SetupFlag.CQE32.bit());
            probe(f, "NO_MMAP", NO_MMAP);
            probe(f, "NO_SQARRAY", SetupFlag.NO_SQARRAY.bit());
            probe(f, "REGISTERED_FD_ONLY", REGISTERED_FD_ONLY | NO_MMAP);
        }
        features = feat;
        lastOp = last;
        syncCancel = sync;
        directDescriptors = direct;
        flags = Collections.unmodifiableMap(f);
        int[] lib = parseLiburing(liburingVersion);
        knownIssues = kernelVersion == null ? List.of()
                : List.copyOf(KnownIssues.evaluate(kernelVersion, lib[0], lib[1]));
    }

    private static final class Holder {
        static final UringSupport INSTANCE = new UringSupport();
    }

    /** The probe results for this process (computed on first use, a few milliseconds). */
    public static UringSupport get() {
        return Holder.INSTANCE;
    }

    static KernelVersion parseRunningKernel() {
        return KernelVersion.parse(Uring.kernelRelease(), HostFacts.readText("/proc/version"),
                HostFacts.readText("/proc/version_signature"));
    }

    /**
     * The running kernel's upstream version, or null if it cannot be read. Reads /proc only:
     * unlike {@link #get()} it sets up no ring.
     */
    public static KernelVersion kernelVersionOrNull() {
        try {
            return parseRunningKernel();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static int[] parseLiburing(String v) {
        if (v == null) {
            return new int[] {0, 0};
        }
        String[] p = v.split("\\.");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
    }

    private static void probe(Map<String, FlagSupport> out, String name, int bits) {
        ByteBuffer info = Memory.allocate(Native.INFO_SIZE);
        ByteBuffer mem = null;
        long memAddress = 0;
        long memSize = 0;
        if ((bits & NO_MMAP) != 0) {
            int page = NATIVE.pageSize();
            mem = ByteBuffer.allocateDirect(64 * 1024 + page).alignedSlice(page);
            memAddress = Memory.address(mem);
            memSize = mem.capacity();
        }
        long ring = NATIVE.ringCreate(2, 0, bits, -1, 10, -1, memAddress, memSize, false, Memory.address(info));
        if (ring > 0) {
            NATIVE.ringDestroy(ring, true);
        }
        out.put(name, new FlagSupport(name, ring > 0, ring > 0 ? "" : Errno.name((int) -ring)));
        Reference.reachabilityFence(mem);
    }

    public String kernelRelease() {
        return kernelRelease;
    }

    /** The upstream kernel version (for known-bug ranges), if it could be read. */
    public Optional<KernelVersion> kernelVersion() {
        return Optional.ofNullable(kernelVersion);
    }

    /** Why the kernel version could not be read, or null. */
    public String kernelVersionProblem() {
        return kernelVersionProblem;
    }

    public boolean isAvailable() {
        return cause == null;
    }

    /** Why io_uring is unavailable, or null. */
    public UringUnavailableException unavailabilityCause() {
        return cause;
    }

    /** The liburing version in the native library, or null if it is not loaded. */
    public String liburingVersion() {
        return liburingVersion;
    }

    /** IORING_FEAT_* bits of this kernel (0 if unavailable). */
    public int features() {
        return features;
    }

    /** Names of the feature bits set. */
    public List<String> featureNames() {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < 32; bit++) {
            if ((features & (1 << bit)) != 0) {
                names.add(bit < FEATURE_NAMES.length ? FEATURE_NAMES[bit] : "bit " + bit);
            }
        }
        return names;
    }

    /** Highest opcode the kernel knows (probe), or -1 without the probe (kernel &lt; 5.6) or io_uring. */
    public int lastOpcode() {
        return lastOp;
    }

    public boolean isOpcodeSupported(Opcode opcode) {
        return isOpcodeSupported(Objects.requireNonNull(opcode, "opcode").code());
    }

    /** As {@link #isOpcodeSupported(Opcode)}, by number (for opcodes newer than {@link Opcode}). */
    public boolean isOpcodeSupported(int opcode) {
        return opcode >= 0 && opcode < 256 && ops[opcode];
    }

    /** Names of the supported opcodes, in opcode order. */
    public List<String> supportedOpcodes() {
        List<String> names = new ArrayList<>();
        for (int op = 0; op < 256; op++) {
            if (ops[op]) {
                names.add(Opcode.name(op));
            }
        }
        return names;
    }

    /** Setup flag probe results, by flag name, in probe order. Empty if io_uring is unavailable. */
    public Map<String, FlagSupport> flagSupport() {
        return flags;
    }

    private boolean flag(String name) {
        FlagSupport s = flags.get(name);
        return s != null && s.supported();
    }

    public boolean isSqPollSupported() {
        return flag("SQPOLL");
    }

    public boolean isSingleIssuerSupported() {
        return flag("SINGLE_ISSUER");
    }

    public boolean isDeferTaskrunSupported() {
        return flag("DEFER_TASKRUN");
    }

    public boolean isCoopTaskrunSupported() {
        return flag("COOP_TASKRUN");
    }

    public boolean isSubmitAllSupported() {
        return flag("SUBMIT_ALL");
    }

    public boolean isSqe128Supported() {
        return flag("SQE128");
    }

    public boolean isCqe32Supported() {
        return flag("CQE32");
    }

    public boolean isNoMmapSupported() {
        return flag("NO_MMAP");
    }

    public boolean isNoSqArraySupported() {
        return flag("NO_SQARRAY");
    }

    public boolean isRegisteredFdOnlySupported() {
        return flag("REGISTERED_FD_ONLY");
    }

    /** Whether IORING_REGISTER_SYNC_CANCEL exists (6.0): close cancels without going through the SQ. */
    public boolean isSyncCancelSupported() {
        return syncCancel;
    }

    /**
     * Whether the kernel has direct descriptors (5.15): opens, accepts and closes into
     * registered file slots ({@code Ring.openatDirect}, {@code acceptDirect}, {@code closeDirect}).
     * Found by a CLOSE that names an fd and a slot at once, which such a kernel refuses and an
     * older one runs, ignoring the slot; without them those operations are refused at submit.
     */
    public boolean isDirectDescriptorsSupported() {
        return directDescriptors;
    }

    /** Whether waits can carry a timeout without an extra SQE (IORING_FEAT_EXT_ARG, 5.11). */
    public boolean isExtArgSupported() {
        return (features & (1 << 8)) != 0;
    }

    /** Whether overflowing completions are kept instead of dropped (IORING_FEAT_NODROP, 5.5). */
    public boolean isNoDropSupported() {
        return (features & (1 << 1)) != 0;
    }

    /** Known kernel and liburing problems evaluated for this host (empty if the kernel version is unreadable). */
    public List<KnownIssue> knownIssues() {
        return knownIssues;
    }

    /** The known issue with this id, evaluated for this host. */
    public Optional<KnownIssue> knownIssue(String id) {
        return knownIssues.stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /** A fresh locked-memory report (limits and usage change; this is read now). */
    public MemlockReport memlock() {
        return MemlockReport.current();
    }
}
