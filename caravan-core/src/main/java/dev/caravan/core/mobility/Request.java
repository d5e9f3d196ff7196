package dev.caravan.core.mobility;

import dev.caravan.core.process.ClientRef;
import dev.caravan.wire.command.Command;

/**
 * One command received by a {@link LoopProcess}, with the client it came from. It may be live at
 * a suspension point: the continuation format carries it (client session and the command's
 * arguments).
 *
 * @param id      the runtime's number for this request on this process, unique for the process's life
 * @param client  who sent it
 * @param command what was sent
 */
public record Request(long id, ClientRef client, Command command) {
}
