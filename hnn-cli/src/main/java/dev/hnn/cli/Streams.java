package dev.hnn.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** "-" means standard input/output for the client/server file options. */
final class Streams {
    private Streams() {
    }

    static byte[] read(Path p) throws IOException {
        if (p.toString().equals("-")) {
            return System.in.readAllBytes();
        }
        return Files.readAllBytes(p);
    }

    static void write(Path p, byte[] bytes) throws IOException {
        if (p.toString().equals("-")) {
            OutputStream out = System.out;
            out.write(bytes);
            out.flush();
            return;
        }
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.write(p, bytes);
    }

    static InputStream open(Path p) throws IOException {
        return p.toString().equals("-") ? System.in : Files.newInputStream(p);
    }
}
