package dev.uring4j.nio.child;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;

/**
 * Jetty 12 serving a directory as a static-file server does ({@link ResourceHandler} on a
 * path resource, loopback only), fetched with HttpURLConnection: whole files, a range,
 * the same file again (Jetty's content cache), a missing one. Prints the provider, the
 * channel class the served directory's files open as, and {@code result ...} lines (status,
 * length, SHA-256, Content-Range) that must not depend on the provider. Argument: the directory.
 */
public final class JettyServeMain {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        System.out.println("provider=" + FileSystems.getDefault().provider().getClass().getName());
        try (SeekableByteChannel ch = Files.newByteChannel(dir.resolve("big.bin"))) {
            System.out.println("channel=" + ch.getClass().getName());
        }
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ResourceHandler files = new ResourceHandler();
        Resource base = ResourceFactory.of(server).newResource(dir);
        files.setBaseResource(base);
        files.setDirAllowed(false);
        server.setHandler(files);
        server.start();
        try {
            System.out.println("resourceProvider=" + base.getPath().getFileSystem().provider().getClass().getName());
            String root = "http://127.0.0.1:" + connector.getLocalPort() + "/";
            get(root, "small.txt", null);
            get(root, "big.bin", null);
            get(root, "big.bin", "bytes=1000-200999");
            get(root, "big.bin", "bytes=-4097");
            get(root, "big.bin", null);
            get(root, "odd.bin", null);
            get(root, "missing.bin", null);
        } finally {
            server.stop();
        }
    }

    private static void get(String root, String name, String range) throws Exception {
        HttpURLConnection c = (HttpURLConnection) new URL(root + name).openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(30_000);
        if (range != null) {
            c.setRequestProperty("Range", range);
        }
        int status = c.getResponseCode();
        String line = "result " + name + (range == null ? "" : " " + range) + " status=" + status;
        if (status != 404) {
            byte[] body;
            try (InputStream in = c.getInputStream()) {
                body = in.readAllBytes();
            }
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            String contentRange = c.getHeaderField("Content-Range");
            line += " length=" + body.length + " sha256=" + sha + (contentRange == null ? "" : " range=" + contentRange);
        }
        c.disconnect();
        System.out.println(line);
    }
}
