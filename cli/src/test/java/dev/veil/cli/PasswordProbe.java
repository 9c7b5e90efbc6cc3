package dev.veil.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough of the PostgreSQL wire protocol (v3) to see which password a client sends: it declines SSL and GSS
 * encryption, asks for a cleartext password, records it and refuses the login (28P01). The test server runs with
 * trust authentication, so only a server like this one shows that {@code VEIL_DB_PASSWORD}, {@code PGPASSWORD}
 * and {@code --password-file} reach the connection.
 */
final class PasswordProbe implements AutoCloseable {

    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int PROTOCOL_3 = 196608;

    private final ServerSocket server;
    private final List<String> passwords = new CopyOnWriteArrayList<>();
    private final List<String> users = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    PasswordProbe() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        acceptor = new Thread(this::serve, "password-probe");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** {@code jdbc:postgresql://127.0.0.1:port/db} */
    String url() {
        return "jdbc:postgresql://127.0.0.1:" + server.getLocalPort() + "/probe";
    }

    /** The passwords clients sent, one per connection attempt. */
    List<String> passwords() {
        return List.copyOf(passwords);
    }

    /** The user names of the startup messages. */
    List<String> users() {
        return List.copyOf(users);
    }

    void clear() {
        passwords.clear();
        users.clear();
    }

    private void serve() {
        while (!server.isClosed()) {
            try (Socket s = server.accept()) {
                s.setSoTimeout(10_000);
                login(new DataInputStream(s.getInputStream()), new DataOutputStream(s.getOutputStream()));
            } catch (SocketException e) {
                return; // closed
            } catch (IOException e) {
                // a client that went away; wait for the next one
            }
        }
    }

    private void login(DataInputStream in, DataOutputStream out) throws IOException {
        while (true) {
            int length = in.readInt();
            int code = in.readInt();
            if (code == SSL_REQUEST || code == GSSENC_REQUEST) {
                out.writeByte('N');
                out.flush();
                continue;
            }
            byte[] body = new byte[length - 8];
            in.readFully(body);
            if (code != PROTOCOL_3) {
                return;
            }
            String[] params = new String(body, StandardCharsets.UTF_8).split("\0");
            for (int i = 0; i + 1 < params.length; i += 2) {
                if (params[i].equals("user")) {
                    users.add(params[i + 1]);
                }
            }
            break;
        }
        out.writeByte('R');
        out.writeInt(8);
        out.writeInt(3); // AuthenticationCleartextPassword
        out.flush();
        if (in.readByte() != 'p') {
            return;
        }
        byte[] pw = new byte[in.readInt() - 4];
        in.readFully(pw);
        int end = pw.length > 0 && pw[pw.length - 1] == 0 ? pw.length - 1 : pw.length;
        passwords.add(new String(pw, 0, end, StandardCharsets.UTF_8));
        byte[] fields = ("SFATAL\0VFATAL\0C28P01\0Mpassword authentication failed (probe)\0\0")
                .getBytes(StandardCharsets.UTF_8);
        out.writeByte('E');
        out.writeInt(fields.length + 4);
        out.write(fields);
        out.flush();
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(5_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
