package dev.caravan.naming.zk;

import dev.caravan.wire.CaravanException;
import dev.caravan.wire.ErrorCode;
import org.apache.zookeeper.KeeperException;

/**
 * ZooKeeper's failures as the {@link CaravanException} codes {@link dev.caravan.naming.NamingService}
 * names, one line each saying what to do:
 * <pre>
 *   CONNECTIONLOSS, NOTREADONLY        UNAVAILABLE   (no quorum reachable now; retry)
 *   OPERATIONTIMEOUT, REQUESTTIMEOUT   TIMEOUT
 *   SESSIONEXPIRED, SESSIONMOVED       LEASE_EXPIRED on a lease's session; UNAVAILABLE on the shared one (it reconnects)
 *   NONODE / NODEEXISTS / BADVERSION   NOT_FOUND / ALREADY_EXISTS / BUSY (a lost race the caller may retry)
 *   NOAUTH, AUTHFAILED                 UNAUTHENTICATED
 *   BADARGUMENTS                       INVALID_ARGUMENT
 *   QUOTAEXCEEDED, THROTTLEDOP         OVERLOADED
 *   anything else                      INTERNAL
 * </pre>
 */
final class ZkErrors {
    private ZkErrors() {
    }

    /** @param onLease whether the failed call ran on a lease's own session */
    static CaravanException of(KeeperException e, String what, boolean onLease) {
        String zk = " (ZooKeeper: " + e.code() + ")";
        return switch (e.code()) {
            case CONNECTIONLOSS, NOTREADONLY -> new CaravanException(ErrorCode.UNAVAILABLE,
                    "naming: no ZooKeeper quorum reachable while " + what + "; retry when the ensemble is back" + zk, e);
            case OPERATIONTIMEOUT, REQUESTTIMEOUT -> new CaravanException(ErrorCode.TIMEOUT,
                    "naming: ZooKeeper did not answer in time while " + what + "; retry" + zk, e);
            case SESSIONEXPIRED, SESSIONMOVED -> onLease
                    ? new CaravanException(ErrorCode.LEASE_EXPIRED, "naming: the lease's ZooKeeper session expired while "
                    + what + "; open a new lease and register again" + zk, e)
                    : new CaravanException(ErrorCode.UNAVAILABLE, "naming: the ZooKeeper session was lost while "
                    + what + "; retry" + zk, e);
            case NONODE -> new CaravanException(ErrorCode.NOT_FOUND, "naming: nothing found while " + what + zk, e);
            case NODEEXISTS -> new CaravanException(ErrorCode.ALREADY_EXISTS, "naming: already exists while " + what + zk, e);
            case BADVERSION -> new CaravanException(ErrorCode.BUSY,
                    "naming: a concurrent change won while " + what + "; retry" + zk, e);
            case NOAUTH, AUTHFAILED, SESSIONCLOSEDREQUIRESASLAUTH -> new CaravanException(ErrorCode.UNAUTHENTICATED,
                    "naming: ZooKeeper refused our credentials while " + what + "; check the ensemble's ACLs" + zk, e);
            case BADARGUMENTS -> new CaravanException(ErrorCode.INVALID_ARGUMENT,
                    "naming: ZooKeeper refused the arguments while " + what + zk, e);
            case QUOTAEXCEEDED, THROTTLEDOP -> new CaravanException(ErrorCode.OVERLOADED,
                    "naming: ZooKeeper is at a limit while " + what + "; retry later" + zk, e);
            default -> new CaravanException(ErrorCode.INTERNAL, "naming: ZooKeeper failed while " + what + zk, e);
        };
    }

    /** An interrupt: the flag is restored and the call reported UNAVAILABLE. */
    static CaravanException interrupted(String what) {
        Thread.currentThread().interrupt();
        return ErrorCode.UNAVAILABLE.exception("naming: interrupted while " + what);
    }

    /** Any other failure of a Curator call (Curator throws {@code Exception}). */
    static CaravanException of(Exception e, String what) {
        return switch (e) {
            case CaravanException c -> c;
            case KeeperException k -> of(k, what, false);
            case InterruptedException i -> interrupted(what);
            case IllegalStateException s -> new CaravanException(ErrorCode.UNAVAILABLE,
                    "naming: the ZooKeeper client is closed (" + s.getMessage() + ") while " + what, s);
            default -> new CaravanException(ErrorCode.INTERNAL, "naming: ZooKeeper client failed while " + what + ": " + e, e);
        };
    }
}
