package dev.caravan.servers.superserver;

import dev.caravan.servers.handoff.SocketDescriptors;
import dev.caravan.servers.model.Server;
import dev.caravan.servers.model.ServerModel;
import dev.caravan.servers.model.ServerOptions;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;

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
                    boolean ipv6 = in.readBoolean();
                    InetSocketAddress peer = new InetSocketAddress(InetAddress.ofLiteral(in.readUTF()), in.readInt());
                    if (fds != null) {
                        for (FileDescriptor fd : fds) {
                            try {
                                server.adopt(SocketDescriptors.wrap(fd, ipv6, peer));
                            } catch (IOException e) {
                                System.err.println("caravan child " + args[3] + ": " + e.getMessage() + "; connection closed");
                                new FileInputStream(fd).close(); // closes the descriptor
                            }
                        }
                    }
                }
                out.writeInt(server.activeConnections());
                out.flush();
            }
        }
    }
}
