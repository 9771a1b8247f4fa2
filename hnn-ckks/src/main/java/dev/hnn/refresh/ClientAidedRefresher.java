package dev.hnn.refresh;

import dev.hnn.ckks.Ciphertext;
import dev.hnn.ckks.CkksContext;
import dev.hnn.ckks.CorruptDataException;
import dev.hnn.ckks.DepthExhaustedException;
import dev.hnn.ckks.HeException;
import dev.hnn.ckks.IncompatibleObjectsException;
import dev.hnn.ckks.Plaintext;
import dev.hnn.ckks.RefreshPrimitives;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Server side of the client-aided refresh. For each ciphertext (level l, scale Δ): a fresh mask r of
 * k = {@link RefreshBound#maskBits} bits, ct' = ct + Enc_pk(0) + r, sent to the key holder; it answers with
 * Enc_sk(m + e + r) at the target level; the server subtracts r. The result encrypts the same slots at scale Δ
 * at the target level, with fresh noise. One round trip per call, whatever the number of ciphertexts.
 *
 * <p>The response is checked before use: as many ciphertexts as were sent, each valid under these parameters
 * (checksum, ranges), of size 2, at the target level and at exactly the scale sent; anything else throws an
 * {@link HeException} subclass and returns nothing. Masks exist only during a call: they are wiped and freed
 * before it returns, so this object holds no native memory and needs no closing. Thread-safe.
 */
public final class ClientAidedRefresher implements Refresher {
  private final CkksContext context;
  private final RefreshChannel channel;
  private final int targetLevel;
  private final AtomicReference<RefreshStats> stats = new AtomicReference<>(RefreshStats.NONE);

  /** Refreshes to the top level of {@code context} (the server's public context, or any context of the keys). */
  public ClientAidedRefresher(CkksContext context, RefreshChannel channel) {
    this(context, channel, Objects.requireNonNull(context, "context").maxLevel());
  }

  public ClientAidedRefresher(CkksContext context, RefreshChannel channel, int targetLevel) {
    this.context = Objects.requireNonNull(context, "context");
    this.channel = Objects.requireNonNull(channel, "channel");
    if (targetLevel < 0 || targetLevel > context.maxLevel())
      throw new IllegalArgumentException(
          "target level must be in [0, " + context.maxLevel() + "], got " + targetLevel);
    this.targetLevel = targetLevel;
  }

  @Override
  public int targetLevel() {
    return targetLevel;
  }

  @Override
  public RefreshStats stats() {
    return stats.get();
  }

  @Override
  public List<Ciphertext> refresh(List<Ciphertext> ciphertexts, double valueBound) {
    return refresh(ciphertexts, valueBound, targetLevel);
  }

  /** Any target level of the context: the key holder re-encrypts at whatever level the header asks for. */
  @Override
  public List<Ciphertext> refresh(List<Ciphertext> ciphertexts, double valueBound, int targetLevel) {
    Objects.requireNonNull(ciphertexts, "ciphertexts");
    if (targetLevel < 0 || targetLevel > context.maxLevel())
      throw new IllegalArgumentException(
          "target level must be in [0, " + context.maxLevel() + "], got " + targetLevel);
    if (ciphertexts.isEmpty()) return List.of();
    long start = System.nanoTime();
    int n = 2 * context.slotCount();
    int count = ciphertexts.size();
    if (count > RefreshWire.MAX_COUNT)
      throw new IllegalArgumentException("at most " + RefreshWire.MAX_COUNT + " ciphertexts per refresh, got " + count);
    int[] bits = new int[count];
    double[] scales = new double[count];
    for (int i = 0; i < count; i++) {
      Ciphertext ct = Objects.requireNonNull(ciphertexts.get(i), "ciphertext " + i);
      bits[i] = checkRefreshable(ct, i, valueBound, n, targetLevel);
      scales[i] = ct.scale();
    }
    List<Plaintext> masks = new ArrayList<>(count);
    List<Ciphertext> out = new ArrayList<>(count);
    try {
      List<byte[]> request = new ArrayList<>(count + 1);
      request.add(RefreshWire.header(context.keyId(), targetLevel, count));
      long sent = request.get(0).length;
      for (int i = 0; i < count; i++) {
        Plaintext mask = RefreshPrimitives.sampleMask(context, bits[i]);
        masks.add(mask);
        try (Ciphertext masked = ciphertexts.get(i).copy()) {
          RefreshPrimitives.applyMask(masked, mask, bits[i]);
          byte[] b = masked.serialize();
          request.add(b);
          sent += b.length;
        }
      }
      List<byte[]> response = channel.exchange(request);
      long received = checkShape(response, count);
      for (int i = 0; i < count; i++) {
        Ciphertext ct = loadResponse(response.get(i), i);
        out.add(ct);
        checkResponse(ct, i, scales[i], targetLevel);
        RefreshPrimitives.removeMask(ct, masks.get(i));
      }
      long toClient = sent;
      long elapsed = System.nanoTime() - start;
      stats.getAndUpdate(s -> s.plus(1, count, toClient, received, elapsed, 0));
      return out;
    } catch (RuntimeException e) {
      for (Ciphertext c : out) c.close();
      throw e;
    } finally {
      for (Plaintext m : masks) {
        RefreshPrimitives.wipe(m);
        m.close();
      }
    }
  }

  /** The mask bits of ciphertext i; throws if it cannot be refreshed here. */
  private int checkRefreshable(Ciphertext ct, int i, double valueBound, int n, int targetLevel) {
    if (ct.isClosed()) throw new IllegalStateException("ciphertext " + i + " is closed");
    if (!ct.context().keyId().equals(context.keyId()))
      throw new IncompatibleObjectsException(
          "ciphertext " + i + " belongs to other keys than this refresher's context");
    if (ct.size() != 2)
      throw new IllegalArgumentException(
          "ciphertext " + i + " has size " + ct.size() + ": relinearize it before refreshing");
    int level = ct.level();
    if (level > targetLevel)
      throw new IllegalArgumentException(
          "ciphertext " + i + " is at level " + level + ", above the refresh target level " + targetLevel);
    int bits = RefreshBound.maskBits(valueBound, ct.scale(), n);
    int need = RefreshBound.requiredModulusBits(bits);
    double have = context.log2ModulusAt(level);
    if (have < need)
      throw new DepthExhaustedException(
          String.format(
              "refresh needs %d bits of modulus at level %d, the ciphertext (%d) has %.1f: a %d-bit mask hides"
                  + " values up to %g at scale 2^%.1f within 2^-%d; refresh at level %d or above",
              need, level, i, have, bits, valueBound, Math.log(ct.scale()) / Math.log(2),
              RefreshBound.STATISTICAL_SECURITY_BITS, RefreshBound.lowestLevel(context, bits)));
    return bits;
  }

  private static long checkShape(List<byte[]> response, int count) {
    if (response == null) throw new CorruptDataException("refresh response: none received");
    if (response.size() != count)
      throw new CorruptDataException(
          "refresh response: " + response.size() + " ciphertexts for a request of " + count);
    long bytes = 0;
    for (int i = 0; i < count; i++) {
      byte[] b = response.get(i);
      if (b == null) throw new CorruptDataException("refresh response: ciphertext " + i + " is missing");
      bytes += b.length;
    }
    return bytes;
  }

  private Ciphertext loadResponse(byte[] bytes, int i) {
    try {
      return Ciphertext.load(context, bytes);
    } catch (HeException e) {
      throw new CorruptDataException("refresh response: ciphertext " + i + " is invalid: " + e.getMessage(), e);
    }
  }

  private void checkResponse(Ciphertext ct, int i, double scale, int targetLevel) {
    if (ct.size() != 2)
      throw new CorruptDataException("refresh response: ciphertext " + i + " has size " + ct.size() + ", not 2");
    if (ct.level() != targetLevel)
      throw new IncompatibleObjectsException(
          "refresh response: ciphertext " + i + " is at level " + ct.level() + ", not the requested " + targetLevel);
    if (Double.compare(ct.scale(), scale) != 0)
      throw new IncompatibleObjectsException(
          "refresh response: ciphertext " + i + " has scale " + ct.scale() + ", not the " + scale + " sent");
  }
}
