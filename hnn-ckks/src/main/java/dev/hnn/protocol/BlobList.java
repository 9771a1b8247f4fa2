package dev.hnn.protocol;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable list of opaque blobs (serialized ciphertexts). The protocol never looks inside them; it only
 * bounds their number and sizes. Arrays are copied on the way in and out, so neither a caller nor a handler can
 * change a message after it was built; only the decoder hands over arrays it has just allocated without copying.
 */
public final class BlobList {
  private static final BlobList EMPTY = new BlobList(new byte[0][]);

  private final byte[][] blobs;

  private BlobList(byte[][] adopted) {
    this.blobs = adopted;
  }

  /** A list of copies of {@code blobs}; a blob is at least one byte (an empty ciphertext means a bug upstream). */
  public static BlobList of(List<byte[]> blobs) {
    Objects.requireNonNull(blobs, "blobs");
    byte[][] copy = new byte[blobs.size()][];
    for (int i = 0; i < copy.length; i++) {
      byte[] b = Objects.requireNonNull(blobs.get(i), "blob " + i);
      if (b.length == 0) throw new IllegalArgumentException("blob " + i + " is empty");
      copy[i] = b.clone();
    }
    return new BlobList(copy);
  }

  public static BlobList of(byte[]... blobs) {
    return of(Arrays.asList(blobs));
  }

  public static BlobList empty() {
    return EMPTY;
  }

  /** Takes ownership of freshly decoded arrays: the decoder allocated them and keeps no reference. */
  static BlobList adopt(byte[][] decoded) {
    return new BlobList(decoded);
  }

  public int size() {
    return blobs.length;
  }

  /** A copy of blob {@code i}. */
  public byte[] get(int i) {
    return blobs[i].clone();
  }

  /** Length of blob {@code i} without copying it. */
  public int length(int i) {
    return blobs[i].length;
  }

  public long totalBytes() {
    long s = 0;
    for (byte[] b : blobs) s += b.length;
    return s;
  }

  /** Copies of all blobs, in a mutable list the caller owns. */
  public List<byte[]> toList() {
    List<byte[]> out = new ArrayList<>(blobs.length);
    for (byte[] b : blobs) out.add(b.clone());
    return out;
  }

  /** Blobs [from, to) as a new list (shares the immutable arrays). */
  BlobList slice(int from, int to) {
    return new BlobList(Arrays.copyOfRange(blobs, from, to));
  }

  /** This list followed by {@code other} (shares the immutable arrays). */
  BlobList concat(BlobList other) {
    byte[][] all = Arrays.copyOf(blobs, blobs.length + other.blobs.length);
    System.arraycopy(other.blobs, 0, all, blobs.length, other.blobs.length);
    return new BlobList(all);
  }

  /** Writes blob {@code i} without copying it (the codec's hot path). */
  void writeTo(int i, java.nio.ByteBuffer out) {
    out.put(blobs[i]);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BlobList other && Arrays.deepEquals(blobs, other.blobs);
  }

  @Override
  public int hashCode() {
    return Arrays.deepHashCode(blobs);
  }

  @Override
  public String toString() {
    return "BlobList{" + blobs.length + " blobs, " + totalBytes() + " bytes}";
  }
}
