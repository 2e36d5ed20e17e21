package no.homemonitoring.terminology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** The files in one classpath folder, in every jar and directory that has it. */
public final class ClasspathFolder {

  private ClasspathFolder() {}

  /**
   * URLs of the files directly in {@code folder} whose names end with {@code suffix}, sorted by
   * file name. A name present in two classpath entries is listed twice (the caller decides).
   */
  public static List<URL> list(ClassLoader classLoader, String folder, String suffix) {
    List<URL> files = new ArrayList<>();
    try {
      for (URL url : Collections.list(classLoader.getResources(folder))) {
        switch (url.getProtocol()) {
          case "file" -> {
            try (Stream<Path> entries = Files.list(Path.of(url.toURI()))) {
              for (Path file : entries.toList()) {
                if (Files.isRegularFile(file) && file.getFileName().toString().endsWith(suffix)) {
                  files.add(file.toUri().toURL());
                }
              }
            }
          }
          case "jar" -> {
            JarURLConnection connection = (JarURLConnection) url.openConnection();
            connection.setUseCaches(false);
            String prefix =
                connection.getEntryName().endsWith("/") ? connection.getEntryName() : folder;
            try (JarFile jar = connection.getJarFile()) {
              for (String name : jar.stream().map(entry -> entry.getName()).toList()) {
                if (name.startsWith(prefix)
                    && name.endsWith(suffix)
                    && name.indexOf('/', prefix.length()) < 0) {
                  files.add(new URL(url, name.substring(prefix.length())));
                }
              }
            }
          }
          default ->
              throw new IllegalStateException("Cannot list " + url + ": unsupported protocol");
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list classpath folder " + folder, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("Cannot list classpath folder " + folder, e);
    }
    files.sort(Comparator.comparing((URL url) -> fileName(url)).thenComparing(URL::toString));
    return files;
  }

  static String fileName(URL url) {
    String path = url.getPath();
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
