package dev.caravan.kv;

import dev.caravan.wire.command.Command;
import dev.caravan.wire.command.Reply;

import java.util.List;
import java.util.function.Supplier;

/**
 * HELLO, AUTH, SELECT, RESET, QUIT, ECHO and PING as redis-server 7.0.15 answers them (its
 * {@code networking.c}, {@code acl.c}, {@code db.c} and {@code server.c}), on a client's
 * {@link ClientSession}. HELLO answers as redis-server 7.0.15 in standalone mode does, so that
 * clients which look at the version (node-redis, Lettuce) take the RESP3 paths they would take
 * with it. The caller checked the command's name and arity. Process thread only.
 */
final class ConnectionCommands {
    static final Reply WRONGPASS = Reply.error("WRONGPASS invalid username-password pair or user is disabled.");
    static final String REDIS_VERSION = "7.0.15";

    private final Transactions transactions;
    private final Supplier<Password> password;

    ConnectionCommands(Transactions transactions, Supplier<Password> password) {
        this.transactions = transactions;
        this.password = password;
    }

    Reply execute(ClientSession s, Command c) {
        return switch (c.name()) {
            case "HELLO" -> hello(s, c);
            case "AUTH" -> auth(s, c);
            case "SELECT" -> select(c);
            case "RESET" -> reset(s);
            case "QUIT" -> new Reply.Closing(Reply.OK);
            case "ECHO" -> new Reply.Bulk(c.arg(1));
            case "PING" -> switch (c.size()) {
                case 1 -> new Reply.Simple("PONG");
                case 2 -> new Reply.Bulk(c.arg(1));
                default -> Reply.wrongArity(c.name());
            };
            default -> throw new IllegalArgumentException(c.name());
        };
    }

    /** HELLO [protover [AUTH username password] [SETNAME clientname]]: options apply in order, as Redis applies them. */
    private Reply hello(ClientSession s, Command c) {
        long version = 0;
        int next = 1;
        if (c.size() >= 2) {
            try {
                version = KvError.parseLong(c.arg(1));
            } catch (KvError e) {
                return Reply.error("ERR Protocol version is not an integer or out of range");
            }
            next = 2;
            if (version < 2 || version > 3) {
                return Reply.error("NOPROTO unsupported protocol version");
            }
        }
        if (s.standalone() && (version == 3 || c.size() > 2)) {
            return CommandDispatcher.needsConnection("HELLO " + c.text(1));
        }
        for (int j = next; j < c.size(); j++) {
            int more = c.size() - 1 - j;
            String opt = c.text(j);
            if (opt.equalsIgnoreCase("AUTH") && more >= 2) {
                if (!password.get().matches(c.arg(j + 1), c.arg(j + 2))) {
                    return WRONGPASS;
                }
                s.authenticated = true;
                j += 2;
            } else if (opt.equalsIgnoreCase("SETNAME") && more >= 1) {
                Reply err = ClientCommands.setName(s, c.arg(j + 1));
                if (err != null) {
                    return err;
                }
                j++;
            } else {
                return Reply.error("ERR Syntax error in HELLO option '" + opt + "'");
            }
        }
        if (!s.authenticated) {
            return Reply.error("NOAUTH HELLO must be called with the client already authenticated, otherwise the "
                    + "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP "
                    + "protocol version at the same time");
        }
        if (version != 0) {
            s.protocol = (int) version;
        }
        return new Reply.Map(List.of(
                Reply.bulk("server"), Reply.bulk("redis"),
                Reply.bulk("version"), Reply.bulk(REDIS_VERSION),
                Reply.bulk("proto"), Reply.integer(s.protocol),
                Reply.bulk("id"), Reply.integer(s.clientId),
                Reply.bulk("mode"), Reply.bulk("standalone"),
                Reply.bulk("role"), Reply.bulk("master"),
                Reply.bulk("modules"), new Reply.Array(List.of())));
    }

    /** AUTH [username] password. */
    private Reply auth(ClientSession s, Command c) {
        if (c.size() > 3) {
            return KvError.SYNTAX.reply();
        }
        if (s.standalone()) {
            return CommandDispatcher.needsConnection("AUTH");
        }
        Password p = password.get();
        byte[] user;
        byte[] pass;
        if (c.size() == 2) {
            if (!p.required()) {
                return Reply.error("ERR AUTH <password> called without any password configured for the default user. "
                        + "Are you sure your configuration is correct?");
            }
            user = Password.DEFAULT_USER.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            pass = c.arg(1);
        } else {
            user = c.arg(1);
            pass = c.arg(2);
        }
        if (!p.matches(user, pass)) {
            return WRONGPASS;
        }
        s.authenticated = true;
        return Reply.OK;
    }

    /** SELECT index: there is one database, 0 (CONFIG GET databases says 1). */
    private static Reply select(Command c) {
        long db;
        try {
            db = KvError.parseLong(c.arg(1));
        } catch (KvError e) {
            return e.reply();
        }
        if (db < Integer.MIN_VALUE || db > Integer.MAX_VALUE) {
            return Reply.error("ERR value is out of range, value must between " + Integer.MIN_VALUE + " and " + Integer.MAX_VALUE);
        }
        return db == 0 ? Reply.OK : Reply.error("ERR DB index is out of range");
    }

    /**
     * RESET as redis-server 7.0's {@code clearClientConnectionState}: leaves MULTI and forgets
     * watches, RESP2, signed out when a password is set, unnamed, replies on. NO-EVICT and the
     * library attributes stay.
     */
    private Reply reset(ClientSession s) {
        transactions.discard(s);
        s.protocol = 2;
        s.authenticated = !password.get().required() || s.standalone();
        s.name = null;
        s.replyOff = false;
        s.skipNext = false;
        return new Reply.Simple("RESET");
    }
}
