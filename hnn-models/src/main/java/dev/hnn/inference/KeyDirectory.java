package dev.hnn.inference;

import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.HeException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A key set on disk, made for one service: {@code service.json} (the spec the keys are for),
 * {@code client.keys} (the client context with the secret key; owner-only permissions) and
 * {@code public.keys} (the public context with the evaluation keys, what a server needs). The client keeps the
 * directory; a server only ever gets {@code service.json} and {@code public.keys}. Files are written to a
 * temporary name and moved into place, so an interrupted generation never leaves a half-written key.
 */
public final class KeyDirectory {
  public static final String SPEC = "service.json";
  public static final String CLIENT = "client.keys";
  public static final String PUBLIC = "public.keys";

  private final Path dir;

  private KeyDirectory(Path dir) {
    this.dir = Objects.requireNonNull(dir, "directory");
  }

  public static KeyDirectory at(Path dir) {
    return new KeyDirectory(dir);
  }

  /** {@code $HNN_KEYS}, else {@code ~/.cache/hnn/keys}. */
  public static Path defaultPath() {
    String env = System.getenv("HNN_KEYS");
    if (env != null && !env.isBlank()) return Path.of(env);
    return Path.of(System.getProperty("user.home"), ".cache", "hnn", "keys");
  }

  public Path path() {
    return dir;
  }

  /**
   * Whether a complete key set for exactly this spec is present (a spec this build cannot read, e.g. from an
   * older version, counts as another service's).
   */
  public boolean holdsKeysFor(ServiceSpec spec) throws IOException {
    if (!Files.isRegularFile(dir.resolve(SPEC)) || !Files.isRegularFile(dir.resolve(CLIENT))
        || !Files.isRegularFile(dir.resolve(PUBLIC))) return false;
    try {
      return readSpec().equals(spec);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public ServiceSpec readSpec() throws IOException {
    Path f = dir.resolve(SPEC);
    if (!Files.isRegularFile(f))
      throw new IllegalArgumentException("no " + SPEC + " in " + dir + ": run `hnn keygen --keys " + dir + "` first");
    return ServiceSpec.fromJson(Files.readString(f, StandardCharsets.UTF_8));
  }

  /** Generates a key set for the spec (replacing any other) and returns the client context. */
  public CkksContext generate(ServiceSpec spec, Consumer<String> progress) throws IOException {
    Files.createDirectories(dir);
    progress.accept("generating keys for " + spec.circuit() + " (N=" + spec.parameters().polyDegree() + ", "
        + spec.rotationSteps().length + " rotation keys)");
    CkksContext ctx = CkksContext.builder(spec.parameters()).rotations(spec.rotationSteps()).build();
    try {
      keep(ctx);
      write(SPEC, false, out -> out.write(spec.toJson().getBytes(StandardCharsets.UTF_8)));
      return ctx;
    } catch (IOException | RuntimeException e) {
      ctx.close();
      throw e;
    }
  }

  /**
   * For key sets that no head spec describes (an encrypted encoder's): the client context kept here if
   * {@code check} accepts it (throws IllegalArgumentException otherwise), else a new one from {@code generate},
   * kept for next time ({@code client.keys} owner-only and {@code public.keys}; no {@code service.json}). Saves
   * the key generation and, since a server knows a key set by the hash of its public bytes, the upload.
   */
  public CkksContext loadOrGenerate(Supplier<CkksContext> generate, Consumer<CkksContext> check,
      Consumer<String> progress) throws IOException {
    if (Files.isRegularFile(dir.resolve(CLIENT)) && Files.isRegularFile(dir.resolve(PUBLIC))) {
      CkksContext kept = null;
      try {
        kept = load(CLIENT);
        if (!kept.hasSecretKey()) throw new IllegalArgumentException(dir.resolve(CLIENT) + " holds no secret key");
        check.accept(kept);
        return kept;
      } catch (IllegalArgumentException | HeException e) {
        // other parameters or keys, or a damaged file: the keys are only a cache of a generation
        if (kept != null) kept.close();
        progress.accept("the keys in " + dir + " do not fit (" + e.getMessage() + "): making new ones");
      } catch (RuntimeException | Error e) {
        if (kept != null) kept.close();
        throw e;
      }
    } else {
      progress.accept("making keys (once; kept in " + dir + ")");
    }
    Files.createDirectories(dir);
    CkksContext ctx = generate.get();
    try {
      keep(ctx);
      return ctx;
    } catch (IOException | RuntimeException e) {
      ctx.close();
      throw e;
    }
  }

  /** Writes the client context and its public half. */
  private void keep(CkksContext ctx) throws IOException {
    write(CLIENT, true, ctx::save);
    write(PUBLIC, false, out -> {
      try (CkksContext pub = ctx.publicContext()) {
        pub.save(out);
      }
    });
  }

  /** The client context, checked against the spec. */
  public CkksContext loadClient(ServiceSpec spec) throws IOException {
    requireSpec(spec);
    CkksContext c = load(CLIENT);
    if (!c.hasSecretKey()) {
      c.close();
      throw new IllegalArgumentException(dir.resolve(CLIENT) + " holds no secret key");
    }
    return c;
  }

  /** The public context (evaluation keys only), checked against the spec. */
  public CkksContext loadPublic(ServiceSpec spec) throws IOException {
    requireSpec(spec);
    return load(PUBLIC);
  }

  /** The raw bytes of the public context: what a client sends to a server once. */
  public byte[] publicKeyBytes() throws IOException {
    return Files.readAllBytes(dir.resolve(PUBLIC));
  }

  private void requireSpec(ServiceSpec spec) throws IOException {
    ServiceSpec have = readSpec();
    if (!have.equals(spec))
      throw new IllegalArgumentException("the keys in " + dir + " were made for another service (" + have.id()
          + ", this one is " + spec.id() + "): run `hnn keygen --keys " + dir + "` again");
  }

  private CkksContext load(String name) throws IOException {
    Path f = dir.resolve(name);
    if (!Files.isRegularFile(f))
      throw new IllegalArgumentException("no " + name + " in " + dir + ": run `hnn keygen --keys " + dir + "`");
    try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 20)) {
      return CkksContext.load(in);
    }
  }

  private interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private void write(String name, boolean secret, Writer w) throws IOException {
    Path tmp = Files.createTempFile(dir, name, ".tmp");
    try {
      try {
        // temporary files start owner-only; only the secret key stays so
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(secret ? "rw-------" : "rw-r--r--"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system: the directory's own protection applies
      }
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
        w.write(out);
      }
      try {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
