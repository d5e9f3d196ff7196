package dev.caravan.client.cod;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

/**
 * How loaded client code talks to its service: commands sent through the client library, with
 * its location and failure transparency (the service may move between calls). Arguments are
 * raw bytes, so client code may send what a text command line cannot type.
 */
public interface Transport {
    /** The name of the process this transport talks to. */
    String process();

    /**
     * Sends one command and returns the service's reply ({@link Reply.Error} when the service refuses it).
     *
     * @param readOnly whether the command only reads, so that it may be retried after a timeout
     * @throws dev.caravan.wire.CaravanException when no answer comes (see {@link dev.caravan.client.CaravanClient#call})
     */
    Reply call(Command command, boolean readOnly);
}
