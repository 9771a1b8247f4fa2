package dev.hnn.cli;

import dev.hnn.head.HeadFile;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/** Shared {@code --head FILE} option: a head file, or the one shipped in the jar. */
final class HeadOption {
    @Option(names = "--head", paramLabel = "FILE", description = "Head file (default: the head shipped in the jar).")
    Path head;

    HeadFile.Loaded load() throws IOException {
        return head == null ? HeadFile.readDefault() : HeadFile.read(head);
    }
}
