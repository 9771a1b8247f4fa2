package dev.hnn.text;

/**
 * Switches DJL into offline mode so that nothing (native library, tokenizer files) is ever downloaded.
 * Must run before any DJL class is loaded; {@link TextTokenizer} calls it in its static initialiser.
 */
public final class Offline {
    public static final String DJL_OFFLINE = "ai.djl.offline";

    private Offline() {
    }

    /** Sets {@code ai.djl.offline=true} unless the user explicitly set it. */
    public static void enable() {
        if (System.getProperty(DJL_OFFLINE) == null) {
            System.setProperty(DJL_OFFLINE, "true");
        }
    }
}
