package dev.caravan.kv;

import dev.caravan.core.memory.PagedMemory;
import dev.caravan.core.process.ClientRef;
import dev.caravan.core.process.ProcessId;
import dev.caravan.core.process.ProcessRunner;
import dev.caravan.core.time.Clock;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;
import dev.caravan.wire.resp.RespReader;
import dev.caravan.wire.resp.RespWriter;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link KvProcess} on a real, threaded {@link ProcessRunner} (system clock) behind a RESP
 * socket, for tests of what needs the runtime (blocking commands): any number of connections,
 * one virtual thread and one session each, every command a batch of its own, a connection's
 * close told to the runner. What the node's data endpoint does, without the node. Close it.
 */
final class RunnerSocketFront implements AutoCloseable {
    final ProcessRunner runner;
    private final PagedMemory memory;
    private final ServerSocket server;
    private final AtomicLong sessions = new AtomicLong();

    RunnerSocketFront() throws IOException, InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        memory = new PagedMemory(64L << 20, 4096);
        runner = new ProcessRunner(ProcessId.random(), "kv", 1, new KvProcess(), memory, Clock.system(), Map.of(), 1024);
        runner.start(false).get(10, TimeUnit.SECONDS);
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("kv-runner-front").start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread.ofVirtual().name("kv-runner-front-connection").start(() -> serve(s));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        ClientRef client = new ClientRef(sessions.incrementAndGet(), s.getRemoteSocketAddress().toString(),
                s.getLocalSocketAddress().toString());
        try (s) {
            s.setTcpNoDelay(true);
            RespReader in = new RespReader(new BufferedInputStream(s.getInputStream()));
            RespWriter out = new RespWriter(s.getOutputStream());
            for (Command c = in.read(); c != null; c = in.read()) {
                CompletableFuture<Reply[]> replies = new CompletableFuture<>();
                runner.submit(client, new Command[] {c}, replies::complete);
                out.write(replies.get()[0]);
                out.flush();
            }
        } catch (IOException | ExecutionException | RuntimeException e) {
            System.getLogger("kv-runner-front").log(System.Logger.Level.DEBUG, "connection ended: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            runner.clientClosed(client.sessionId());
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            if (runner.stop(Duration.ofSeconds(5))) {
                memory.close();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
