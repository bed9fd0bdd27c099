package io.dmexporter.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads files of the repository under test, as text, JSON or (multi-document) YAML. */
final class RepoFiles {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Path root;

  RepoFiles(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  /** The repository root: failsafe passes project.root, surefire runs in it. */
  static RepoFiles fromSystemProperty() {
    return new RepoFiles(Path.of(System.getProperty("project.root", ".")));
  }

  Path root() {
    return root;
  }

  /** The project's version, from pom.xml. */
  String projectVersion() {
    return text("pom.xml").replaceAll("(?s).*?<artifactId>dm-exporter</artifactId>\\s*<version>([^<]+)</version>.*", "$1");
  }

  Path path(String relative) {
    return root.resolve(relative);
  }

  boolean exists(String relative) {
    return Files.exists(path(relative));
  }

  String text(String relative) {
    Path file = path(relative);
    assertTrue(Files.isRegularFile(file), "missing file " + relative);
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  JsonNode json(String relative) {
    try {
      return JSON.readTree(text(relative));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + relative, e);
    }
  }

  JsonNode yaml(String relative) {
    List<JsonNode> docs = yamlDocuments(relative);
    assertTrue(docs.size() == 1, relative + " should hold one YAML document, has " + docs.size());
    return docs.get(0);
  }

  List<JsonNode> yamlDocuments(String relative) {
    try (var parser = YAML.getFactory().createParser(text(relative))) {
      List<JsonNode> docs = new ArrayList<>();
      for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
          docs.add(doc);
        }
      }
      return docs;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot parse " + relative, e);
    }
  }
}
