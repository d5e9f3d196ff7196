package dev.caravan.cli.commands.nodes;

import dev.caravan.cli.ClusterOptions;
import dev.caravan.client.CaravanClient;
import dev.caravan.wire.Op;
import dev.caravan.wire.node.NodeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code caravan uncordon}: make a cordoned (drained) node take new processes again. */
@Command(name = "uncordon", mixinStandardHelpOptions = true,
        description = "Mark a node schedulable again after 'caravan drain': deploys and migrations may place processes on it.")
public final class UncordonCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(paramLabel = "NODE", description = "node id")
    String node;

    @Mixin
    dev.caravan.cli.out.JsonOption output;

    @Override
    public Integer call() {
        try (CaravanClient client = cluster.client()) {
            NodeStatus s = NodeCalls.statusCall(NodeCalls.controlOf(client, node), cluster.token(), Op.NODE_UNCORDON);
            if (output.json) {
                dev.caravan.cli.out.Json.print(s);
                return 0;
            }
            System.out.println("uncordoned " + s.nodeId() + ": schedulable, " + (s.freeBytes() >> 20) + " MiB process memory free");
            return 0;
        }
    }
}
