package dev.caravan.cli.commands;

import dev.caravan.wire.ErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The plan of a {@code caravan deploy --replicas N [--label k=v]…}: the replicas' names
 * ({@code NAME-1} … {@code NAME-N}), the labels each carries in its config ({@code label.service=NAME}
 * and the given ones, published in naming by the node, so a switch selects them with
 * {@code label:service=NAME}), and the node of each (fewest processes first). Stateless.
 */
final class DeployReplicas {
    /** Most replicas one deploy starts. */
    static final int MAX_REPLICAS = 100;
    /** Config key prefix of labels (as the node publishes them). */
    static final String LABEL_PREFIX = "label.";
    private static final Pattern KEY = Pattern.compile("[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._:/@+-]{0,128}");

    private DeployReplicas() {
    }

    /** {@code name} alone without {@code --replicas}; else {@code name-1} … {@code name-n}. */
    static List<String> names(String name, Integer replicas) {
        if (replicas == null) {
            return List.of(name);
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw ErrorCode.INVALID_ARGUMENT.exception("--replicas must be 1.." + MAX_REPLICAS + ", not " + replicas);
        }
        List<String> names = new ArrayList<>(replicas);
        for (int i = 1; i <= replicas; i++) {
            names.add(name + "-" + i);
        }
        return names;
    }

    /**
     * The config entries of the labels: {@code label.service=<service>} when {@code service} is not
     * null, then each {@code --label k=v} (which may override it).
     */
    static Map<String, String> labels(String service, List<String> given) {
        Map<String, String> config = new LinkedHashMap<>();
        if (service != null) {
            config.put(LABEL_PREFIX + "service", service);
        }
        for (String label : given) {
            int eq = label.indexOf('=');
            if (eq < 0) {
                throw ErrorCode.INVALID_ARGUMENT.exception("--label takes KEY=VALUE, not '" + label + "'");
            }
            String key = label.substring(0, eq);
            String value = label.substring(eq + 1);
            if (!KEY.matcher(key).matches()) {
                throw ErrorCode.INVALID_ARGUMENT.exception("label key '" + key + "' must be 1..63 of a-z 0-9 . _ -,"
                        + " starting and ending with a letter or digit");
            }
            if (!VALUE.matcher(value).matches()) {
                throw ErrorCode.INVALID_ARGUMENT.exception("label value '" + value + "' must be at most 128 of A-Z a-z 0-9 . _ : / @ + -");
            }
            config.put(LABEL_PREFIX + key, value);
        }
        return config;
    }

    /**
     * A node for each of {@code n} replicas: each to the node hosting fewest processes at that point,
     * counting those placed before it (ties by node name), so replicas spread over the nodes.
     */
    static List<String> place(Map<String, Integer> processesPerNode, int n) {
        if (processesPerNode.isEmpty()) {
            throw ErrorCode.UNAVAILABLE.exception("no nodes to place processes on");
        }
        TreeMap<String, Integer> load = new TreeMap<>(processesPerNode);
        List<String> nodes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String best = null;
            for (Map.Entry<String, Integer> e : load.entrySet()) {
                if (best == null || e.getValue() < load.get(best)) {
                    best = e.getKey();
                }
            }
            nodes.add(best);
            load.merge(best, 1, Integer::sum);
        }
        return nodes;
    }
}
