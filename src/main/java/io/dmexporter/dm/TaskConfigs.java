package io.dmexporter.dm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the source ids out of DM-master's task configs: the YAML task configs of
 * {@code ListTaskConfigs} ({@code mysql-instances[].source-id}) and the TOML subtask configs of
 * {@code GetSubTaskCfg} (top-level {@code source-id}). Only the source ids are read.
 */
final class TaskConfigs {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern TOML_SOURCE_ID = Pattern.compile("^source-id\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*$");
  private static final Pattern TOML_TABLE = Pattern.compile("^\\s*\\[.*");

  private TaskConfigs() {}

  /** The sources of one task config in YAML; throws {@link IllegalArgumentException} when it does not parse. */
  static Set<String> sourcesOfTaskYaml(String yaml) {
    JsonNode root;
    try {
      root = YAML.readTree(yaml);
    } catch (IOException e) {
      // Not the parser's message: it quotes the config, and task configs hold database passwords.
      String at = e instanceof com.fasterxml.jackson.core.JsonProcessingException j && j.getLocation() != null
          ? " (line " + j.getLocation().getLineNr() + ")" : "";
      throw new IllegalArgumentException("task config is not YAML" + at);
    }
    Set<String> sources = new LinkedHashSet<>();
    JsonNode instances = root == null ? null : root.get("mysql-instances");
    if (instances == null || !instances.isArray()) {
      throw new IllegalArgumentException("task config has no mysql-instances list");
    }
    for (JsonNode instance : instances) {
      JsonNode id = instance.get("source-id");
      if (id != null && id.isTextual() && !id.asText().isEmpty()) {
        sources.add(id.asText());
      }
    }
    return sources;
  }

  /** The source of each subtask config in TOML; throws {@link IllegalArgumentException} for one without. */
  static Set<String> sourcesOfSubtaskToml(List<String> configs) {
    Set<String> sources = new LinkedHashSet<>();
    for (String toml : configs) {
      sources.add(sourceOfSubtaskToml(toml));
    }
    return sources;
  }

  private static String sourceOfSubtaskToml(String toml) {
    for (String line : toml.split("\n")) {
      if (TOML_TABLE.matcher(line).matches()) {
        break; // top-level keys come before the first table
      }
      Matcher m = TOML_SOURCE_ID.matcher(line.strip());
      if (m.matches()) {
        return m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
      }
    }
    throw new IllegalArgumentException("subtask config has no top-level source-id");
  }
}
