package dev.caravan.node.balance;

import dev.caravan.observe.EventKind;
import dev.caravan.observe.EventLog;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A balancer's decisions as node events ({@code balance-push}, {@code balance-pull},
 * {@code balance-refused}), so that {@code caravan events} shows them. The migration itself is
 * reported by the node's migration events. Thread-safe.
 */
public final class BalanceEventLog implements BalanceEvents {
    private static final System.Logger LOG = System.getLogger(BalanceEventLog.class.getName());
    private final EventLog log;
    private final String nodeId;

    public BalanceEventLog(EventLog log, String nodeId) {
        this.log = log;
        this.nodeId = nodeId;
    }

    @Override
    public void pushed(BalancePolicy.Move m, boolean pulled) {
        String message = String.format(Locale.ROOT, "%s pushes %s to %s (%s): load here %s, there %s, the process %s",
                nodeId, m.process(), m.toNode(), pulled ? "at its request" : "sender-initiated", BalancePolicy.pct(m.senderLoad()),
                BalancePolicy.pct(m.receiverLoad()), BalancePolicy.pct(m.processLoad()));
        LOG.log(System.Logger.Level.INFO, message);
        log.publish(EventKind.BALANCE_PUSH, m.process(), message, fields("node", nodeId, "to", m.toNode(),
                "load", Math.round(m.senderLoad() * 1000), "receiverLoad", Math.round(m.receiverLoad() * 1000),
                "processLoad", Math.round(m.processLoad() * 1000), "pulled", pulled));
    }

    @Override
    public void pulled(String fromNode, String process) {
        String message = nodeId + " is idle and pulled " + process + " from " + fromNode;
        LOG.log(System.Logger.Level.INFO, message);
        log.publish(EventKind.BALANCE_PULL, process, message, fields("node", nodeId, "from", fromNode, "process", process));
    }

    @Override
    public void refused(String why) {
        LOG.log(System.Logger.Level.DEBUG, nodeId + " balancer: " + why);
        log.publish(EventKind.BALANCE_REFUSED, nodeId, nodeId + " balancer: " + why, fields("node", nodeId, "reason", why));
    }

    @Override
    public void moved(String process, String toNode, boolean committed, String detail) {
        if (!committed) {
            String message = nodeId + " balancer: moving " + process + " to " + toNode + " failed (" + detail + "); it stays here";
            LOG.log(System.Logger.Level.INFO, message);
            log.publish(EventKind.BALANCE_REFUSED, process, message, fields("node", nodeId, "to", toNode, "reason", detail));
        }
    }

    private static Map<String, String> fields(Object... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            m.put(String.valueOf(kv[i]), String.valueOf(kv[i + 1]));
        }
        return m;
    }
}
