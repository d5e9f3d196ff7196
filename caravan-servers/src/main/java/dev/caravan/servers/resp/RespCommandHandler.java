package dev.caravan.servers.resp;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.List;

/**
 * Executes a batch of RESP commands that one client pipelined — the shape of a node's data
 * endpoint, which posts a batch to a process mailbox and waits for its replies. Must be
 * thread-safe; may block.
 */
@FunctionalInterface
public interface RespCommandHandler {
    /** One reply per command, in order. */
    Reply[] execute(List<Command> batch) throws InterruptedException;
}
