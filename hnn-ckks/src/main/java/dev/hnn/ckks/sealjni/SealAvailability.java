package dev.hnn.ckks.sealjni;

/** Whether the SEAL binding was built, and how to build it. */
public final class SealAvailability {
  private SealAvailability() {}

  public static final String HOW_TO_ENABLE =
      "the SEAL backend is not built: build with Microsoft SEAL 4.x present in ../shared/seal (profile 'seal' "
          + "activates itself) or with 'mvn -Pseal -Dseal.dir=<SEAL install prefix>', and put hnn-<version>-seal.jar "
          + "on the class path";

  private static volatile Boolean available;
  private static volatile Throwable failure;

  /** Loads the binding once; false if it is absent (see {@link #HOW_TO_ENABLE}). */
  public static boolean isAvailable() {
    Boolean a = available;
    if (a != null) return a;
    synchronized (SealAvailability.class) {
      if (available == null) {
        try {
          SealNative.load();
          available = true;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
          failure = e;
          available = false;
        }
      }
      return available;
    }
  }

  /** Why loading failed (null if it did not). */
  public static Throwable failure() {
    isAvailable();
    return failure;
  }
}
