package dev.caravan.mobility.enhance;

import dev.caravan.mobility.enhance.fixtures.SummingLoop;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

class DumpDebugTest {
    @Test
    void dump() throws Exception {
        EnhancedBundle first = LoopBundles.enhance("sum", Fixtures.bundleOf(SummingLoop.class), getClass().getClassLoader());
        System.out.println("SUSPENDING " + first.suspendingMethods());
        System.out.println("LIVE " + first.liveValues(SummingLoop.class.getName()));
        for (var e : BuildTimeBundles.definedBytes(first, SummingLoop.class).entrySet()) {
            Path p = Path.of("/tmp/dump", e.getKey() + ".class");
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
        try (var in = first.loader().getResourceAsStream("dev/caravan/mobility/enhance/LoopRunner.class")) {
            Path p = Path.of("/tmp/dump/dev/caravan/mobility/enhance/LoopRunner.class");
            Files.createDirectories(p.getParent());
            Files.write(p, in.readAllBytes());
        }
    }
}
