package dev.hnn.service;

import dev.hnn.ckks.CkksContext;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Key sets loaded into memory, each with the evaluator built on it (the head's server, the encoder's endpoint),
 * at most {@link ServiceLimits#maxLoadedKeySets()} at once. A caller holds a {@link Lease} while it evaluates; an
 * idle key set is unloaded (its native memory freed at once) when room is needed or when its keys are removed.
 * Loading happens outside the lock, once per key set even when several calls ask for it together.
 */
final class KeyCache implements AutoCloseable {
  /** Builds the evaluator of a spec on a loaded public context; the evaluator owns the context from then on. */
  interface Factory {
    AutoCloseable open(String specId, CkksContext keys);
  }

  private final KeyStore store;
  private final Factory factory;
  private final int capacity;
  /** In access order: the first idle entry is the least recently used. */
  private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private boolean closed;

  private static final class Entry {
    final String keyId;
    final String specId;
    final CompletableFuture<AutoCloseable> evaluator = new CompletableFuture<>();
    int leases;
    boolean retired;

    Entry(String keyId, String specId) {
      this.keyId = keyId;
      this.specId = specId;
    }
  }

  KeyCache(KeyStore store, Factory factory, int capacity) {
    this.store = Objects.requireNonNull(store);
    this.factory = Objects.requireNonNull(factory);
    this.capacity = capacity;
  }

  /** A loaded key set in use; close it when the evaluation ends. */
  final class Lease implements AutoCloseable {
    private final Entry entry;
    private final AutoCloseable evaluator;
    private boolean released;

    private Lease(Entry entry, AutoCloseable evaluator) {
      this.entry = entry;
      this.evaluator = evaluator;
    }

    String specId() {
      return entry.specId;
    }

    <T> T evaluator(Class<T> type) {
      if (!type.isInstance(evaluator))
        throw ServiceException.precondition("key set " + entry.keyId + " was registered for spec " + entry.specId
            + ", not for this call");
      return type.cast(evaluator);
    }

    @Override
    public void close() {
      synchronized (KeyCache.this) {
        if (released) return;
        released = true;
        entry.leases--;
        if (entry.retired && entry.leases == 0) closeQuietly(entry);
      }
    }
  }

  /** Leases the key set {@code keyId}, loading it if needed. */
  Lease acquire(String keyId) {
    Entry e;
    boolean load = false;
    synchronized (this) {
      if (closed) throw ServiceException.precondition("the server is shutting down");
      e = entries.get(keyId);
      if (e == null) {
        KeyStore.Stored stored = store.find(keyId).orElseThrow(() -> ServiceException.notFound(
            "no key set " + abbreviate(keyId) + " is registered here; register the public keys first"));
        makeRoom();
        e = new Entry(keyId, stored.specId());
        entries.put(keyId, e);
        load = true;
      }
      e.leases++;
    }
    if (load) load(e);
    try {
      AutoCloseable ev = e.evaluator.get();
      return new Lease(e, ev);
    } catch (ExecutionException | InterruptedException x) {
      if (x instanceof InterruptedException) Thread.currentThread().interrupt();
      synchronized (this) {
        e.leases--;
        if (entries.get(keyId) == e) entries.remove(keyId);
      }
      Throwable c = x.getCause();
      if (c instanceof ServiceException s) throw s;
      throw new ServiceException(io.grpc.Status.Code.INTERNAL, "the stored key set " + abbreviate(keyId)
          + " could not be loaded");
    }
  }

  private void load(Entry e) {
    try {
      KeyStore.Stored stored = store.find(e.keyId).orElseThrow(() -> ServiceException.notFound(
          "key set " + abbreviate(e.keyId) + " was removed"));
      CkksContext ctx;
      try (InputStream in = Files.newInputStream(stored.file())) {
        ctx = CkksContext.load(in);
      }
      try {
        e.evaluator.complete(factory.open(e.specId, ctx));
      } catch (RuntimeException x) {
        ctx.close();
        throw x;
      }
    } catch (IOException | RuntimeException x) {
      e.evaluator.completeExceptionally(x);
    }
  }

  /** Unloads idle entries, least recently used first, until one more fits; refuses if all are busy. */
  private void makeRoom() {
    var it = entries.values().iterator();
    while (entries.size() >= capacity && it.hasNext()) {
      Entry old = it.next();
      if (old.leases == 0 && old.evaluator.isDone()) {
        it.remove();
        closeQuietly(old);
      }
    }
    if (entries.size() >= capacity)
      throw ServiceException.exhausted("all " + capacity + " loaded key sets are in use; retry later");
  }

  /** Forgets a key set (after its removal): unloaded now if idle, else when its last lease ends. */
  synchronized void retire(String keyId) {
    Entry e = entries.remove(keyId);
    if (e == null) return;
    e.retired = true;
    if (e.leases == 0) closeQuietly(e);
  }

  /** Whether {@code keyId} is loaded (or loading) and not removed. */
  synchronized boolean holds(String keyId) {
    return entries.containsKey(keyId);
  }

  synchronized int loaded() {
    return entries.size();
  }

  synchronized int leased() {
    return entries.values().stream().mapToInt(e -> e.leases).sum();
  }

  private static void closeQuietly(Entry e) {
    e.evaluator.thenAccept(ev -> {
      try {
        ev.close();
      } catch (Exception ignored) {
        // native memory is freed by the context's own cleaner if close failed half-way
      }
    });
  }

  static String abbreviate(String keyId) {
    if (keyId == null) return "(none)";
    String s = keyId.length() > 16 ? keyId.substring(0, 16) + "…" : keyId;
    return s.replaceAll("[^0-9A-Za-z…]", "?");
  }

  @Override
  public synchronized void close() {
    closed = true;
    for (Entry e : entries.values()) {
      e.retired = true;
      if (e.leases == 0) closeQuietly(e);
    }
    entries.clear();
  }
}
