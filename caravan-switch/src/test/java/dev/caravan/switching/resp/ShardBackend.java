package dev.caravan.switching.resp;

import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import dev.caravan.servers.resp.RespCommandHandler;
import dev.caravan.servers.resp.RespProtocol;
import dev.caravan.servers.resp.RespSession;
import dev.caravan.switching.Backend;
import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A fake kv shard that accepts session links: SET, GET, MSET, INCR on its own map; {@code WHO k}
 * answers its name; {@code SLOW k ms} its name after {@code ms} (a slow backend, not a wait for
 * anything); {@code NAME k} and {@code PROTO k} the calling session's CLIENT SETNAME and HELLO
 * version here; AUTH accepts "pw".
 */
final class ShardBackend implements RespCommandHandler, AutoCloseable {
    final String name;
    final Map<String, String> data = new ConcurrentHashMap<>();
    final Map<Long, String> names = new ConcurrentHashMap<>();
    final Map<Long, String> protos = new ConcurrentHashMap<>();
    final Map<Long, Boolean> closedSessions = new ConcurrentHashMap<>();
    private final Server server;

    ShardBackend(String name) {
        this.name = name;
        this.server = ServerModel.VIRTUAL_THREADS.start(new RespProtocol(this).withSessionLink(""),
                ServerOptions.defaults().withBind(new InetSocketAddress("127.0.0.1", 0)).withName("shard-" + name));
    }

    Backend backend() {
        return new Backend(name, new InetSocketAddress("127.0.0.1", server.port()), "n1", Map.of());
    }

    @Override
    public Reply[] execute(RespSession session, List<Command> batch) throws InterruptedException {
        Reply[] out = new Reply[batch.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = run(session, batch.get(i));
        }
        return out;
    }

    private Reply run(RespSession session, Command c) throws InterruptedException {
        return switch (c.name()) {
            case "SET" -> {
                data.put(c.text(1), c.text(2));
                yield Reply.OK;
            }
            case "GET" -> data.containsKey(c.text(1)) ? Reply.bulk(data.get(c.text(1))) : Reply.NIL;
            case "MSET" -> {
                for (int i = 1; i + 1 < c.size(); i += 2) {
                    data.put(c.text(i), c.text(i + 1));
                }
                yield Reply.OK;
            }
            case "INCR" -> Reply.integer(Long.parseLong(data.merge(c.text(1), "1", (a, b) -> Long.toString(Long.parseLong(a) + 1))));
            case "WHO" -> Reply.bulk(name);
            case "SLOW" -> {
                Thread.sleep(Long.parseLong(c.text(2)));
                yield Reply.bulk(name);
            }
            case "NAME" -> Reply.bulk(names.getOrDefault(session.id(), ""));
            case "PROTO" -> Reply.bulk(protos.getOrDefault(session.id(), "2"));
            case "HELLO" -> {
                protos.put(session.id(), c.text(1));
                yield new Reply.Simple("HELLO from " + name);
            }
            case "AUTH" -> c.text(1).equals("pw") ? Reply.OK : Reply.error("WRONGPASS invalid username-password pair or user is disabled.");
            case "CLIENT" -> {
                names.put(session.id(), c.text(2));
                yield Reply.OK;
            }
            case "CONFIG" -> Reply.bulk("config of " + name);
            default -> Reply.error("ERR unknown command '" + c.name() + "'");
        };
    }

    @Override
    public void onClosed(RespSession session) {
        closedSessions.put(session.id(), true);
    }

    @Override
    public void close() {
        server.close();
    }
}
