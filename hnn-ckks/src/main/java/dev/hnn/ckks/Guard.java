package dev.hnn.ckks;

/**
 * Locks the handles one native call uses: read locks for operands, write locks for objects the call modifies,
 * taken in the global order of handle ids (no deadlock between calls that share objects) and released in
 * reverse. A handle named twice is locked once, in write mode if either use writes.
 *
 * <pre>{@code
 * try (Guard g = new Guard().read(ctx).read(a).write(out).lock()) { ... g.peer(a) ... }
 * }</pre>
 */
final class Guard implements AutoCloseable {
  private Handle<?>[] handles = new Handle<?>[6];
  private boolean[] writes = new boolean[6];
  private int count;
  private int locked;

  Guard read(Handle<?> h) {
    return add(h, false);
  }

  Guard write(Handle<?> h) {
    return add(h, true);
  }

  private Guard add(Handle<?> h, boolean write) {
    if (h == null) throw new NullPointerException("native handle");
    for (int i = 0; i < count; i++) {
      if (handles[i] == h) {
        writes[i] |= write;
        return this;
      }
    }
    if (count == handles.length) {
      handles = java.util.Arrays.copyOf(handles, count * 2);
      writes = java.util.Arrays.copyOf(writes, count * 2);
    }
    handles[count] = h;
    writes[count] = write;
    count++;
    return this;
  }

  /** Takes the locks; throws {@link IllegalStateException} (holding nothing) if an object is closed. */
  Guard lock() {
    // insertion sort by id: a handful of handles
    for (int i = 1; i < count; i++) {
      Handle<?> h = handles[i];
      boolean w = writes[i];
      int j = i - 1;
      while (j >= 0 && handles[j].id > h.id) {
        handles[j + 1] = handles[j];
        writes[j + 1] = writes[j];
        j--;
      }
      handles[j + 1] = h;
      writes[j + 1] = w;
    }
    for (int i = 0; i < count; i++) {
      if (writes[i]) handles[i].lock.writeLock().lock();
      else handles[i].lock.readLock().lock();
      locked++;
      if (handles[i].isFreed()) {
        String kind = handles[i].kind;
        close();
        throw new IllegalStateException(kind + " is closed");
      }
    }
    return this;
  }

  @Override
  public void close() {
    while (locked > 0) {
      locked--;
      if (writes[locked]) handles[locked].lock.writeLock().unlock();
      else handles[locked].lock.readLock().unlock();
    }
  }
}
