package no.homemonitoring.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit events of the current window, appended to a local file as they happen, so that a
 * process killed before the window is stored loses none of them: the next start stores what an
 * earlier process left behind. One file (segment) per window; a segment is deleted once its events
 * are in the database.
 *
 * <p>Each segment is locked while its process owns it (an OS file lock, released when the process
 * dies), so servers or test contexts sharing a directory never take each other's live segments.
 * Appends reach the operating system at once (they survive the process being killed); they are
 * forced to the disk when the segment is closed, so a power loss can cost at most one window.
 */
final class AuditJournal {

  private static final Logger log = LoggerFactory.getLogger(AuditJournal.class);
  private static final String SUFFIX = ".ndjson";
  private static final String UNREADABLE = ".unreadable";

  /**
   * Segments this JVM holds, whichever journal holds them. A second channel must never be opened on
   * one: closing it would drop the lock the owner holds (POSIX locks belong to the process, and
   * closing any descriptor of the file releases them).
   */
  private static final Set<Path> OWNED = ConcurrentHashMap.newKeySet();

  /**
   * Segments hold national ids and queries: readable by the server's user only, where supported.
   */
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final Path directory;
  private final String run = UUID.randomUUID().toString();
  private long sequence;
  private Segment current;

  /** A file of events, locked by this process until it is deleted. */
  static final class Segment {
    final Path path;
    private final FileChannel channel;
    private final FileLock lock;

    private Segment(Path path, FileChannel channel, FileLock lock) {
      this.path = path;
      this.channel = channel;
      this.lock = lock;
    }

    /**
     * The whole lines written so far. A last line without its line break was cut off by a crash
     * while it was written (its access never got an answer) and is left out; a cut can also split a
     * multi-byte character, so the bytes are decoded only up to the last line break.
     */
    List<String> lines() {
      byte[] bytes = contents();
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--;
      }
      if (end < bytes.length) {
        log.warn(
            "Audit journal segment {} ends in a line cut off by a crash ({} bytes); left out",
            path,
            bytes.length - end);
      }
      String whole = new String(bytes, 0, end, StandardCharsets.UTF_8);
      return whole.isEmpty() ? List.of() : List.of(whole.split("\n"));
    }

    /**
     * Keeps a copy of a segment with lines that could not be read, beside the journal, for a person
     * to look at: the readable events are stored, the segment itself goes as usual.
     */
    void keepAside() {
      Path copy = path.resolveSibling(path.getFileName() + UNREADABLE);
      try {
        Files.write(copy, contents());
        log.error("Audit journal segment {} has unreadable lines; kept as {}", path, copy);
      } catch (IOException e) {
        log.error("Audit journal segment {} has unreadable lines and could not be kept", path, e);
      }
    }

    /**
     * The file's bytes, read through the channel that holds its lock: opening and closing another
     * descriptor of the file would release the lock (see {@link #OWNED}).
     */
    private byte[] contents() {
      try {
        long size = channel.size();
        if (size > Integer.MAX_VALUE) {
          throw new IOException("Audit journal segment " + path + " is too large: " + size);
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        int read = 0;
        while (buffer.hasRemaining() && read >= 0) {
          read = channel.read(buffer, buffer.position());
        }
        return buffer.array();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Its events are stored: the file goes. */
    void delete() {
      try {
        Files.deleteIfExists(path);
      } catch (IOException e) {
        log.warn("Could not delete the stored audit journal segment {}", path, e);
      }
      close();
    }

    private void close() {
      try {
        if (lock.isValid()) {
          lock.release();
        }
        channel.close();
      } catch (IOException e) {
        log.warn("Could not close the audit journal segment {}", path, e);
      } finally {
        OWNED.remove(path.toAbsolutePath().normalize());
      }
    }
  }

  AuditJournal(Path directory) {
    this.directory = directory;
    try {
      Files.createDirectories(directory);
      if (posix(directory)) {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the audit journal " + directory, e);
    }
  }

  Path directory() {
    return directory;
  }

  /**
   * The segments that no live process owns: left by a process that stopped before storing them.
   * They are locked by this process from now on.
   */
  List<Segment> orphans() {
    List<Segment> found = new ArrayList<>();
    List<Path> paths;
    try (Stream<Path> files = Files.list(directory)) {
      paths = files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path path : paths) {
      if (!OWNED.add(path.toAbsolutePath().normalize())) {
        continue; // this JVM holds it (this journal's window, or another writer's)
      }
      FileChannel channel = null;
      try {
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
          disown(path, channel); // another process owns it
          continue;
        }
        if (!Files.exists(path)) {
          lock.release(); // stored and deleted by its owner meanwhile
          disown(path, channel);
          continue;
        }
        found.add(new Segment(path, channel, lock));
      } catch (OverlappingFileLockException e) {
        disown(path, channel); // an owner in this JVM was just letting it go
      } catch (NoSuchFileException e) {
        disown(path, channel);
      } catch (IOException e) {
        disown(path, channel);
        log.error("Cannot open the audit journal segment {}", path, e);
      }
    }
    return found;
  }

  /** Appends one event (one line of JSON without line breaks). */
  synchronized void append(String line) {
    try {
      if (current == null) {
        current = open();
      }
      ByteBuffer bytes = StandardCharsets.UTF_8.encode(line + "\n");
      while (bytes.hasRemaining()) {
        current.channel.write(bytes);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot append to the audit journal " + directory, e);
    }
  }

  /**
   * Closes the window: the segment written so far (forced to disk, still locked) for the caller to
   * store and delete, or null if nothing was appended since the last one.
   */
  synchronized Segment rotate() {
    Segment closed = current;
    current = null;
    if (closed != null) {
      try {
        closed.channel.force(false);
      } catch (IOException e) {
        log.warn("Could not force the audit journal segment {} to disk", closed.path, e);
      }
    }
    return closed;
  }

  private Segment open() throws IOException {
    Path path = directory.resolve(String.format("audit-%s-%08d%s", run, sequence++, SUFFIX));
    OWNED.add(path.toAbsolutePath().normalize());
    FileChannel channel =
        posix(directory)
            ? FileChannel.open(
                path,
                Set.of(
                    StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.READ,
                    StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(OWNER_ONLY))
            : FileChannel.open(
                path,
                StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    return new Segment(path, channel, channel.lock());
  }

  private static boolean posix(Path directory) {
    return directory != null
        && Files.exists(directory)
        && Files.getFileAttributeView(
                directory, java.nio.file.attribute.PosixFileAttributeView.class)
            != null;
  }

  private static void disown(Path path, FileChannel channel) {
    closeQuietly(channel);
    OWNED.remove(path.toAbsolutePath().normalize());
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // nothing to keep
      }
    }
  }
}
