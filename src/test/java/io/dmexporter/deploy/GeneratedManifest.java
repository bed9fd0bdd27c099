package io.dmexporter.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;

/**
 * A Kubernetes manifest generated from a file of the repository (the alert rules, the
 * dashboard), committed, and kept equal to its source by a drift test that rewrites it with
 * -Dregenerate=true.
 */
abstract class GeneratedManifest {
  static final ObjectMapper WRITER = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      // label values are strings: grafana_dashboard: "1", not the number 1
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
      .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
      .disable(YAMLGenerator.Feature.SPLIT_LINES)
      .build());

  final RepoFiles repo;
  /** The repository file it is generated from. */
  final String source;
  /** The manifest's path in the repository. */
  final String output;
  /** The command that rewrites it. */
  final String regenerate;

  GeneratedManifest(RepoFiles repo, String source, String output, String regenerate) {
    this.repo = repo;
    this.source = source;
    this.output = output;
    this.regenerate = regenerate;
  }

  /** Comment lines for the reader of the manifest, after the "generated" header. */
  abstract String notes();

  abstract ObjectNode resource();

  /** A resource with the project's name and component labels, for {@link #resource()} to fill in. */
  static ObjectNode skeleton(String apiVersion, String kind, String name, String component) {
    ObjectNode resource = WRITER.createObjectNode();
    resource.put("apiVersion", apiVersion);
    resource.put("kind", kind);
    ObjectNode metadata = resource.putObject("metadata");
    metadata.put("name", name);
    ObjectNode labels = metadata.putObject("labels");
    labels.put("app.kubernetes.io/name", "dm-exporter");
    labels.put("app.kubernetes.io/component", component);
    return resource;
  }

  String render() {
    try {
      return "# Generated from " + source + " - do not edit by hand. Regenerate with:\n"
          + "#   " + regenerate + "\n"
          + notes().lines().map(l -> "# " + l + "\n").reduce("", String::concat)
          + WRITER.writeValueAsString(resource());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void write() {
    try {
      Files.writeString(repo.path(output), render());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
