package no.homemonitoring.server.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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

    /** The lines written so far (a line cut off by a crash is left out by the reader). */
    List<String> lines() {
      try {
        return Files.readAllLines(path, StandardCharsets.UTF_8);
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
      }
    }
  }

  AuditJournal(Path directory) {
    this.directory = directory;
    try {
      Files.createDirectories(directory);
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
      if (current != null && current.path.equals(path)) {
        continue;
      }
      FileChannel channel = null;
      try {
        channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
          channel.close(); // another process owns it
          continue;
        }
        if (!Files.exists(path)) {
          lock.release(); // stored and deleted by its owner meanwhile
          channel.close();
          continue;
        }
        found.add(new Segment(path, channel, lock));
      } catch (OverlappingFileLockException e) {
        closeQuietly(channel); // another owner in this JVM
      } catch (java.nio.file.NoSuchFileException e) {
        closeQuietly(channel);
      } catch (IOException e) {
        closeQuietly(channel);
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
    FileChannel channel =
        FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    return new Segment(path, channel, channel.lock());
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
