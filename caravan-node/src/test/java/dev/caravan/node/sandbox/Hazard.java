package dev.caravan.node.sandbox;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.core.process.ProcessContext;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.ArrayList;
import java.util.List;

/**
 * Tenant code that misbehaves on request: BOMB fills the heap until the JVM runs out, EXIT n
 * calls {@code System.exit(n)}, LOOP spins forever ignoring interrupts; anything else answers PONG.
 */
public final class Hazard implements CaravanProcess {
    private final List<byte[]> hoard = new ArrayList<>();

    public Hazard() {
    }

    @Override
    public void onStart(ProcessContext ctx, boolean restored) {
    }

    @Override
    public Reply onCommand(Command command) {
        switch (command.name()) {
            case "BOMB" -> {
                while (true) {
                    hoard.add(new byte[1 << 20]);
                }
            }
            case "EXIT" -> {
                System.exit(Integer.parseInt(new String(command.arg(1), java.nio.charset.StandardCharsets.US_ASCII)));
                return Reply.bulk("unreachable");
            }
            case "LOOP" -> {
                long spins = 0;
                while (spins >= 0) {
                    spins++;
                    Thread.onSpinWait();
                }
                return Reply.integer(spins);
            }
            default -> {
                return Reply.bulk("PONG");
            }
        }
    }
}
