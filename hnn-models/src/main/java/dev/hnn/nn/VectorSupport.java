package dev.hnn.nn;

/** Detects whether the incubating Vector API module is present in this JVM (opt-in via --add-modules). */
final class VectorSupport {
    private VectorSupport() {
    }

    static boolean available() {
        if (Boolean.getBoolean("hnn.noSimd")) {
            return false;
        }
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }
}
