package dev.caravan.cli.commands;

import dev.caravan.launch.ZooKeeperMain;
import picocli.CommandLine.Command;

import java.util.List;

/**
 * {@code caravan zookeeper}: runs {@link ZooKeeperMain} in the foreground, a ZooKeeper server
 * for development; it prints the {@code zk://…} spec that {@code caravan up --naming} and every
 * command's {@code --naming} take.
 */
@Command(name = "zookeeper", description = ZooKeeperMain.SUMMARY, footer = "%nOptions: caravan zookeeper --help")
public final class ZooKeeperCommand extends DaemonCommand {
    @Override
    int run(List<String> args) throws Exception {
        return ZooKeeperMain.run(args);
    }
}
