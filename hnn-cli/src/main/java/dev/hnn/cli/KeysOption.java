package dev.hnn.cli;

import dev.hnn.inference.KeyDirectory;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Shared {@code --keys DIR} option: the key directory ({@code $HNN_KEYS}, else ~/.cache/hnn/keys). */
final class KeysOption {
    @Option(names = "--keys", paramLabel = "DIR",
            description = "Key directory (default: $HNN_KEYS, else ~/.cache/hnn/keys).")
    Path keys;

    KeyDirectory directory() {
        return KeyDirectory.at(keys != null ? keys : KeyDirectory.defaultPath());
    }
}
