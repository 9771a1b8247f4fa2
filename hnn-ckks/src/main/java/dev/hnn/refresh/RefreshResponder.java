package dev.hnn.refresh;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CorruptDataException;
import dev.hnn.ckks.HeException;
import dev.hnn.ckks.IncompatibleObjectsException;
import dev.hnn.ckks.MissingKeyException;
import dev.hnn.ckks.RefreshPrimitives;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Client side of the client-aided refresh: answers a request of masked ciphertexts with the same integer
 * polynomials encrypted afresh with the secret key at the requested level. What it decrypts is masked
 * (docs/refresh.md): it learns nothing about the server's values, and it returns only ciphertexts.
 *
 * <p>It checks the request before doing any work: header, key set, level, count, and each ciphertext (loaded
 * and validated by the engine). Errors are {@link HeException} subclasses whose messages name the position and
 * the kind of problem, never a value. It never logs.
 *
 * <p>Holds a context with the secret key: either the caller's ({@link #RefreshResponder(CkksContext)}, which the
 * caller closes) or one it loaded ({@link #load(byte[])}, closed by {@link #close()}). Thread-safe.
 */
public final class RefreshResponder implements AutoCloseable {
  private final CkksContext context;
  private final boolean owned;

  /** Answers with the caller's client context (not closed by {@link #close()}). */
  public RefreshResponder(CkksContext clientContext) {
    this(clientContext, false);
  }

  private RefreshResponder(CkksContext context, boolean owned) {
    this.context = Objects.requireNonNull(context, "client context");
    if (!context.hasSecretKey()) {
      if (owned) context.close();
      throw new MissingKeyException("a refresh responder needs the secret key: this is a public context");
    }
    this.owned = owned;
  }

  /** Loads a serialized client context (with its secret key); {@link #close()} frees and wipes it. */
  public static RefreshResponder load(byte[] clientContextBytes) {
    return new RefreshResponder(CkksContext.load(clientContextBytes), true);
  }

  /** Answers one request: header, then masked ciphertexts; returns the re-encrypted ciphertexts in order. */
  public List<byte[]> respond(List<byte[]> request) {
    Objects.requireNonNull(request, "request");
    if (request.isEmpty()) throw new CorruptDataException("refresh request: empty (no header)");
    RefreshWire.Header h = RefreshWire.readHeader(request.get(0));
    if (!h.keyId().equals(context.keyId()))
      throw new IncompatibleObjectsException(
          "refresh request: made under another key set than this responder's");
    if (h.targetLevel() < 0 || h.targetLevel() > context.maxLevel())
      throw new CorruptDataException(
          "refresh request: target level " + h.targetLevel() + " outside [0, " + context.maxLevel() + "]");
    if (request.size() != h.count() + 1)
      throw new CorruptDataException(
          "refresh request: the header announces " + h.count() + " ciphertexts, " + (request.size() - 1)
              + " follow");
    List<byte[]> out = new ArrayList<>(h.count());
    for (int i = 0; i < h.count(); i++) out.add(reencrypt(request.get(i + 1), i, h.targetLevel()));
    return out;
  }

  private byte[] reencrypt(byte[] bytes, int i, int level) {
    if (bytes == null) throw new CorruptDataException("refresh request: ciphertext " + i + " is missing");
    Ciphertext in;
    try {
      in = Ciphertext.load(context, bytes);
    } catch (HeException e) {
      throw new CorruptDataException("refresh request: ciphertext " + i + " is invalid: " + e.getMessage(), e);
    }
    try (in) {
      if (in.level() > level)
        throw new CorruptDataException(
            "refresh request: ciphertext " + i + " is at level " + in.level() + ", above the target " + level);
      try (Ciphertext fresh = RefreshPrimitives.reencrypt(context, in, level)) {
        return fresh.serialize();
      }
    }
  }

  @Override
  public void close() {
    if (owned) context.close();
  }
}
