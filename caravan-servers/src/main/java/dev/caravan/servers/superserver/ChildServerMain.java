package dev.caravan.servers.superserver;

import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import org.newsclub.net.unix.FileDescriptorCast;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.File;
import java.io.IOException;
import java.nio.channels.SocketChannel;

/**
 * The child-JVM side of {@link ChildJvmService}: connects to the superserver's control socket,
 * runs an adopt-only server of the given model, and adopts every descriptor it is sent. Exits
 * when told to stop or when the superserver goes away.
 *
 * <p>Usage: {@code ChildServerMain <control-socket> <model> <protocol> <name>}.
 */
public final class ChildServerMain {
    private ChildServerMain() {
    }

    public static void main(String[] args) throws IOException {
        ServerModel model = ServerModel.parse(args[1]);
        try (AFUNIXSocket control = AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(new File(args[0])));
             Server server = model.start(ProtocolCatalog.create(args[2]), ServerOptions.defaults().adoptOnly().withName(args[3]))) {
            control.setAncillaryReceiveBufferSize(1024);
            DataInputStream in = new DataInputStream(control.getInputStream());
            DataOutputStream out = new DataOutputStream(control.getOutputStream());
            while (true) {
                int op = in.read();
                if (op < 0 || op == 'S') {
                    return;
                }
                if (op == 'C') {
                    FileDescriptor[] fds = control.getReceivedFileDescriptors();
                    if (fds != null) {
                        for (FileDescriptor fd : fds) {
                            server.adopt(FileDescriptorCast.using(fd).as(SocketChannel.class));
                        }
                    }
                }
                out.writeInt(server.activeConnections());
                out.flush();
            }
        }
    }
}
