package dev.caravan.kv;

import dev.caravan.core.process.CaravanProcess;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.resp.RespReader;
import dev.caravan.wire.resp.RespWriter;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * A process behind a real RESP socket, for tests: one connection at a time, served on one
 * virtual thread that is the only thread calling the process (as the runtime's process thread
 * would be). Not the node's endpoint; just the codec and the process.
 */
final class KvSocketFront implements AutoCloseable {
    private final ServerSocket server;
    private final Thread thread;

    KvSocketFront(CaravanProcess process) throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        thread = Thread.ofVirtual().name("kv-front").start(() -> serve(process));
    }

    int port() {
        return server.getLocalPort();
    }

    private void serve(CaravanProcess process) {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setTcpNoDelay(true);
                RespReader in = new RespReader(new BufferedInputStream(s.getInputStream()));
                RespWriter out = new RespWriter(s.getOutputStream());
                for (Command c = in.read(); c != null; c = in.read()) {
                    dev.caravan.wire.command.Reply reply = process.onCommand(c);
                    c.release();
                    out.write(reply);
                    out.flush();
                    dev.caravan.wire.command.Reply.release(reply);
                }
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.getLogger("kv-front").log(System.Logger.Level.WARNING, "connection failed", e);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
