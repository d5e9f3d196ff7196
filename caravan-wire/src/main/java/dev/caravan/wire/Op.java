package dev.caravan.wire;

/**
 * Operation codes of {@link Frame#type()}, one table for every binary port so that a frame
 * sent to the wrong port is answered with {@link ErrorCode#UNKNOWN_OPERATION}, not misread.
 */
public final class Op {
    private Op() {
    }

    // Replies and pushes (0x00xx).
    public static final int OK = 0x0001;
    public static final int ERROR = 0x0002;
    public static final int EVENT = 0x0003;

    // Any port.
    public static final int HELLO = 0x0010;
    public static final int PING = 0x0011;

    // Naming service (0x01xx).
    public static final int NAMING_OPEN_LEASE = 0x0101;
    public static final int NAMING_RENEW_LEASE = 0x0102;
    public static final int NAMING_CLOSE_LEASE = 0x0103;
    public static final int NAMING_REGISTER = 0x0104;
    public static final int NAMING_UNREGISTER = 0x0105;
    public static final int NAMING_LOOKUP = 0x0106;
    public static final int NAMING_LIST = 0x0107;
    public static final int NAMING_WATCH = 0x0108;
    public static final int NAMING_UNWATCH = 0x0109;

    // Node control (0x02xx).
    public static final int NODE_PUT_BUNDLE = 0x0201;
    public static final int NODE_GET_BUNDLE = 0x0202;
    public static final int NODE_START = 0x0203;
    public static final int NODE_STOP = 0x0204;
    public static final int NODE_LIST = 0x0205;
    public static final int NODE_INSPECT = 0x0206;
    public static final int NODE_CALL = 0x0207;
    public static final int NODE_SHUTDOWN = 0x0208;
    public static final int NODE_MIGRATE = 0x0209;
    public static final int NODE_CHECKPOINT = 0x020A;
    public static final int NODE_READ_RESOURCE = 0x020B;
    /** Cancels a migration or clone of the named process before its commit: {@code string name}. */
    public static final int NODE_MIGRATE_CANCEL = 0x020C;
    /** The node's capacity, use and load: reply {@link dev.caravan.wire.node.NodeStatus}. */
    public static final int NODE_STATUS = 0x020D;
    /** Marks the node unschedulable (no deploys, no arrivals); empty request, reply NodeStatus. */
    public static final int NODE_CORDON = 0x020E;
    /** Marks the node schedulable again; empty request, reply NodeStatus. */
    public static final int NODE_UNCORDON = 0x020F;
    /** Cordons the node and moves every process off it: {@link dev.caravan.wire.node.DrainRequest}, EVENTs, report. */
    public static final int NODE_DRAIN = 0x0210;
    // 0x0211-0x021F: code mobility (issue 13). Each is defined, with its body, where it is implemented:
    // 0x0211-0x0212 remote evaluation, 0x0213-0x0214 code on demand, 0x0215-0x0218 mobile agents,
    // 0x0219-0x021B load balancing, 0x021C-0x021D versions.
    /** Remote evaluation: runs a shipped function beside a process; {@link dev.caravan.wire.node.EvalRequest}, reply {@link dev.caravan.wire.node.EvalResult}. */
    public static final int NODE_EVAL = 0x0211;
    /** Code on demand: a process's client bundle, {@link dev.caravan.wire.node.ClientBundleProtocol}. */
    public static final int NODE_CLIENT_BUNDLE = 0x0213;
    /** Asks a hosted process (a mobile agent) to come home at its next hop: {@code string name}; empty reply. */
    public static final int NODE_AGENT_RECALL = 0x0215;
    /** A balancer's probe of a node's load: empty request, reply {@link dev.caravan.wire.node.LoadReport}. */
    public static final int BALANCE_PROBE = 0x0219;
    /** An idle node asks a loaded one to push it a process: {@link dev.caravan.wire.node.PullRequest}, reply {@link dev.caravan.wire.node.PullRequest.Reply}. */
    public static final int BALANCE_PULL = 0x021A;
    /** Sets (or, with "", reads) a node's balancing mode: {@code string mode} (off|push|pull|both), reply {@code string mode}. */
    public static final int BALANCE_MODE = 0x021B;

    // 0x0220-0x022F: security and isolation (issue 14). Each is defined, with its body, where it is implemented:
    // 0x0220-0x0223 slices, 0x0224-0x0227 quotas and sandboxes, 0x0228-0x022B signed code,
    // 0x022C-0x022F authorization.
    /**
     * Ensures the receiving host node runs a sandbox for a slice, starting one if none runs (what a
     * node asks before it migrates a sandboxed process there): {@code string slice}, reply
     * {@code string nodeId} of the sandbox ({@code <host>.sandbox-<slice>}).
     */
    public static final int NODE_SANDBOX_ENSURE = 0x0226;
    /**
     * A process's quotas and what it uses, for {@code caravan describe}. req: string name; reply: i32 n, then n
     * pairs of string label, string value (cpu, connections, rps, handler, policy, cpu-used, throttled,
     * refused-connections). NOT_FOUND when the process is not on the node.
     */
    public static final int NODE_QUOTAS = 0x0227;
    /**
     * Pushes a bundle with its detached signature ({@link dev.caravan.wire.security.signing.BundleSignature}):
     * {@code string expectedHash ("" = none), bytes jar, bytes signature ("" = unsigned)}, reply {@code string hash}.
     * A node that requires signed code refuses it with UNTRUSTED_CODE before storing it.
     */
    public static final int NODE_PUT_SIGNED_BUNDLE = 0x0228;
    /** The signature a node holds for a bundle (pull, migration): {@code string hash}, reply {@code bytes signature} ("" = none). */
    public static final int NODE_GET_BUNDLE_SIGNATURE = 0x0229;

    // Node to node: moving a process (0x03xx), see dev.caravan.wire.node.MigrationProtocol.
    public static final int MIG_BEGIN = 0x0301;
    public static final int MIG_PAGES = 0x0302;
    public static final int MIG_COMMIT = 0x0303;
    public static final int MIG_ABORT = 0x0304;
    public static final int MIG_FETCH = 0x0305;
    public static final int MIG_PUSH_DONE = 0x0306;
    public static final int MIG_RESOURCES = 0x0307;

    /** A readable name for logs and errors. */
    public static String name(int op) {
        return switch (op) {
            case OK -> "OK";
            case ERROR -> "ERROR";
            case EVENT -> "EVENT";
            case HELLO -> "HELLO";
            case PING -> "PING";
            case NAMING_OPEN_LEASE -> "NAMING_OPEN_LEASE";
            case NAMING_RENEW_LEASE -> "NAMING_RENEW_LEASE";
            case NAMING_CLOSE_LEASE -> "NAMING_CLOSE_LEASE";
            case NAMING_REGISTER -> "NAMING_REGISTER";
            case NAMING_UNREGISTER -> "NAMING_UNREGISTER";
            case NAMING_LOOKUP -> "NAMING_LOOKUP";
            case NAMING_LIST -> "NAMING_LIST";
            case NAMING_WATCH -> "NAMING_WATCH";
            case NAMING_UNWATCH -> "NAMING_UNWATCH";
            case NODE_PUT_BUNDLE -> "NODE_PUT_BUNDLE";
            case NODE_QUOTAS -> "NODE_QUOTAS";
            case NODE_GET_BUNDLE -> "NODE_GET_BUNDLE";
            case NODE_START -> "NODE_START";
            case NODE_STOP -> "NODE_STOP";
            case NODE_LIST -> "NODE_LIST";
            case NODE_INSPECT -> "NODE_INSPECT";
            case NODE_CALL -> "NODE_CALL";
            case NODE_EVAL -> "NODE_EVAL";
            case NODE_SHUTDOWN -> "NODE_SHUTDOWN";
            case NODE_MIGRATE -> "NODE_MIGRATE";
            case NODE_CHECKPOINT -> "NODE_CHECKPOINT";
            case NODE_READ_RESOURCE -> "NODE_READ_RESOURCE";
            case NODE_MIGRATE_CANCEL -> "NODE_MIGRATE_CANCEL";
            case NODE_STATUS -> "NODE_STATUS";
            case NODE_CORDON -> "NODE_CORDON";
            case NODE_UNCORDON -> "NODE_UNCORDON";
            case NODE_DRAIN -> "NODE_DRAIN";
            case NODE_CLIENT_BUNDLE -> "NODE_CLIENT_BUNDLE";
            case NODE_AGENT_RECALL -> "NODE_AGENT_RECALL";
            case BALANCE_PROBE -> "BALANCE_PROBE";
            case BALANCE_PULL -> "BALANCE_PULL";
            case BALANCE_MODE -> "BALANCE_MODE";
            case NODE_SANDBOX_ENSURE -> "NODE_SANDBOX_ENSURE";
            case NODE_PUT_SIGNED_BUNDLE -> "NODE_PUT_SIGNED_BUNDLE";
            case NODE_GET_BUNDLE_SIGNATURE -> "NODE_GET_BUNDLE_SIGNATURE";
            case MIG_RESOURCES -> "MIG_RESOURCES";
            case MIG_BEGIN -> "MIG_BEGIN";
            case MIG_PAGES -> "MIG_PAGES";
            case MIG_COMMIT -> "MIG_COMMIT";
            case MIG_ABORT -> "MIG_ABORT";
            case MIG_FETCH -> "MIG_FETCH";
            case MIG_PUSH_DONE -> "MIG_PUSH_DONE";
            default -> "0x" + Integer.toHexString(op);
        };
    }
}
