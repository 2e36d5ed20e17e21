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
import java.util.List;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/** Names of the files in one classpath folder, in every jar and directory that has it. */
final class ClasspathFolder {

  private ClasspathFolder() {}

  /** Resource names (folder + file name) ending with {@code suffix}, sorted. */
  static List<String> list(ClassLoader classLoader, String folder, String suffix) {
    TreeSet<String> names = new TreeSet<>();
    try {
      for (URL url : Collections.list(classLoader.getResources(folder))) {
        switch (url.getProtocol()) {
          case "file" -> {
            try (Stream<Path> files = Files.list(Path.of(url.toURI()))) {
              files
                  .map(file -> file.getFileName().toString())
                  .filter(name -> name.endsWith(suffix))
                  .forEach(name -> names.add(folder + name));
            }
          }
          case "jar" -> {
            JarURLConnection connection = (JarURLConnection) url.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = connection.getJarFile()) {
              jar.stream()
                  .map(entry -> entry.getName())
                  .filter(name -> name.startsWith(folder) && name.endsWith(suffix))
                  .filter(name -> name.indexOf('/', folder.length()) < 0)
                  .forEach(names::add);
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
    return new ArrayList<>(names);
  }
}
